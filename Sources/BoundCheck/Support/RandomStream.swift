internal import CKernels

/// The random number generator behind every random draw in BoundCheck: xoshiro256** (Blackman
/// and Vigna 2018), seeded through SplitMix64.
///
/// Why this one: it is fast (a few cycles a draw), has 256 bits of state and passes BigCrush,
/// and — unlike `SystemRandomNumberGenerator` — its output is fixed by its seed on every machine
/// and every Swift version, which is what makes a problem file fully determine its results.
///
/// Streams are *keyed*, not shared: each (problem seed, purpose, seed index, worker) gets its
/// own generator through ``RandomStream/init(key:)``, so results do not depend on the order
/// in which threads run, on `--jobs`, or on sharding. Methods deliberately share the streams of
/// a seed index (the method is not part of the key): SGDM and SGD with the same seed index see
/// the same noise, which pairs them over common random numbers.
///
/// Bulk noise (``addGaussian(scale:to:)``, ``multiplyGaussian(scale:_:)``) takes one draw of
/// this stream per call and expands it into 8 interleaved xoshiro256++ lanes, generated 8 at a
/// time by a vector kernel (docs/performance.md); every other draw comes from this stream.
public struct RandomStream: RandomNumberGenerator {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose state is SplitMix64 applied to `seed` four times (the seeding its
    /// authors recommend).
    public init(seed: UInt64) {
        var sm = seed
        s0 = RandomStream.splitMix64(&sm)
        s1 = RandomStream.splitMix64(&sm)
        s2 = RandomStream.splitMix64(&sm)
        s3 = RandomStream.splitMix64(&sm)
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator for a keyed stream: the key's parts are mixed one after another through
    /// SplitMix64's finalizer, so nearby keys give unrelated streams.
    public init(key: StreamKey) {
        var h: UInt64 = 0x6A09_E667_F3BC_C908
        for part in [key.problemSeed, key.purpose.rawValue, UInt64(key.seedIndex), UInt64(key.worker)] {
            h = RandomStream.mix(h ^ part &+ 0x9E37_79B9_7F4A_7C15)
        }
        self.init(seed: h)
    }

    @inlinable static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    @inlinable static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform on [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` (Lemire's nearly divisionless method, unbiased).
    @inlinable @inline(__always)
    public mutating func nextInt(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next(upperBound: UInt64(bound)))
    }

    /// A standard normal draw by the ziggurat method (Marsaglia and Tsang 2000) with 256
    /// layers and the tables of `GaussianZiggurat`: one 64-bit draw gives the layer (low 8 bits)
    /// and a signed uniform (high 52 bits, independent of the layer bits, as Doornik 2005
    /// advises); about 99% of draws return on that fast path, the rest fall back to an exact
    /// rejection step, so the output is exactly N(0, 1) up to floating-point rounding.
    @inlinable @inline(__always)
    public mutating func nextGaussian() -> Double {
        while true {
            let bits = next()
            let layer = Int(truncatingIfNeeded: bits & 0xFF)
            // u ∈ [−1, 1) from the top 52 bits: 2·[1, 2) − 3.
            let u = 2 * Double(bitPattern: bits >> 12 | 0x3FF0_0000_0000_0000) - 3
            let x = u * GaussianZiggurat.x[layer]
            if abs(x) < GaussianZiggurat.x[layer + 1] { return x }
            if let value = gaussianSlowPath(layer: layer, u: u, x: x) { return value }
        }
    }

    /// u[j] += scale · zⱼ for j = 0..<count, zⱼ standard normals of an 8-lane stream this call
    /// derives from one draw of this stream (the vector kernel of `CKernels`, bc_noise.h):
    /// lane ℓ = 0…7 is a xoshiro256++ generator seeded by outputs 4ℓ+1 … 4ℓ+4 of SplitMix64
    /// started at that draw; coordinate j takes the next ziggurat normal of lane j mod 8 (the
    /// ziggurat of ``nextGaussian()``, its rare slow path on the same lane). Every call takes
    /// exactly one draw of this stream, whatever `count`, and the result is the same on every
    /// CPU and at every kernel level (AVX-512, AVX2, baseline).
    public mutating func addGaussian(scale: Double, to u: UnsafeMutableBufferPointer<Double>) {
        applyGaussianLanes(scale: scale, u, mode: BC_NOISE_ADD)
    }

    /// u[j] *= 1 + scale · zⱼ (relative noise), with the draws of ``addGaussian(scale:to:)``.
    public mutating func multiplyGaussian(scale: Double, _ u: UnsafeMutableBufferPointer<Double>) {
        applyGaussianLanes(scale: scale, u, mode: BC_NOISE_MULTIPLY)
    }

    private mutating func applyGaussianLanes(scale: Double, _ u: UnsafeMutableBufferPointer<Double>, mode: bc_noise_mode) {
        let seed = next()
        guard let base = u.baseAddress, u.count > 0 else { return }
        GaussianZiggurat.x.withUnsafeBufferPointer { x in
            GaussianZiggurat.f.withUnsafeBufferPointer { f in
                bc_gaussian_lanes(seed, scale, base, u.count, mode, x.baseAddress, f.baseAddress)
            }
        }
    }

    /// The ziggurat's rare cases: the base layer's tail beyond r (Marsaglia 1964), or the wedge
    /// of a layer, accepted against the density itself; `nil` means draw again.
    @usableFromInline
    mutating func gaussianSlowPath(layer: Int, u: Double, x: Double) -> Double? {
        if layer == 0 {
            let r = GaussianZiggurat.r
            while true {
                // Open (0, 1) uniforms, so that log never sees 0.
                let a = _log((Double(next() >> 11) + 0.5) * 0x1.0p-53) / r
                let b = _log((Double(next() >> 11) + 0.5) * 0x1.0p-53)
                if -2 * b >= a * a { return u < 0 ? a - r : r - a }
            }
        }
        let f = GaussianZiggurat.f
        let y = f[layer + 1] + (f[layer] - f[layer + 1]) * nextUniform()
        return y < _exp(-0.5 * x * x) ? x : nil
    }
}

/// The tables of the 256-layer Gaussian ziggurat: layer edges xᵢ (x₀ = V/φ(r) is the base
/// layer's virtual width, x₁ = r, x₂₅₆ = 0) and φ(xᵢ) = exp(−xᵢ²/2), with r and the layer area V
/// of Marsaglia and Tsang (2000). Built once from the recurrence xᵢ₊₁ = √(−2 ln(V/xᵢ + φ(xᵢ))).
@usableFromInline
enum GaussianZiggurat {
    @usableFromInline static let r = 3.6541528853610088
    @usableFromInline static let area = 0.00492867323399
    @usableFromInline static let x: [Double] = {
        var x = [Double](repeating: 0, count: 257)
        x[0] = area / _exp(-0.5 * r * r)
        x[1] = r
        for i in 1..<255 { x[i + 1] = (-2 * _log(area / x[i] + _exp(-0.5 * x[i] * x[i]))).squareRoot() }
        x[256] = 0
        return x
    }()
    @usableFromInline static let f: [Double] = x.map { _exp(-0.5 * $0 * $0) }
}

/// What a random stream is for; part of its key so that, say, the start point and worker 0's
/// noise never share draws.
public enum StreamPurpose: UInt64, Sendable {
    /// The instance: spectra, rotations, centres, data, start point (seed index and worker 0).
    case instance = 1
    /// A worker's oracle draws during a run.
    case oracle = 2
    /// The assumption probe's fresh samples.
    case probe = 3
}

/// Identifies one independent random stream.
public struct StreamKey: Hashable, Sendable {
    public var problemSeed: UInt64
    public var purpose: StreamPurpose
    public var seedIndex: Int
    public var worker: Int

    public init(problemSeed: UInt64, purpose: StreamPurpose, seedIndex: Int = 0, worker: Int = 0) {
        self.problemSeed = problemSeed
        self.purpose = purpose
        self.seedIndex = seedIndex
        self.worker = worker
    }
}

#if canImport(Glibc)
import Glibc
@usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
@usableFromInline func _exp(_ x: Double) -> Double { Glibc.exp(x) }
#elseif canImport(Darwin)
import Darwin
@usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
@usableFromInline func _exp(_ x: Double) -> Double { Darwin.exp(x) }
#endif
