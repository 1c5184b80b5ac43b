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
public struct RandomStream: RandomNumberGenerator {
    @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A second standard normal from the last polar draw, waiting to be returned.
    @usableFromInline var spareGaussian: Double = 0
    @usableFromInline var hasSpareGaussian = false

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

    /// A standard normal draw by Marsaglia's polar method; draws come in pairs, the second is
    /// kept for the next call.
    @inlinable @inline(__always)
    public mutating func nextGaussian() -> Double {
        if hasSpareGaussian {
            hasSpareGaussian = false
            return spareGaussian
        }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * _log(s) / s).squareRoot()
                spareGaussian = v * factor
                hasSpareGaussian = true
                return u * factor
            }
        }
    }
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
#elseif canImport(Darwin)
import Darwin
@usableFromInline func _log(_ x: Double) -> Double { Darwin.log(x) }
#endif
