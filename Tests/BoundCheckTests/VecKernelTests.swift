import CKernels
import Testing
@testable import BoundCheck

// The dense C kernels behind Vec (CKernels, bc_vec.h) against the Swift loops they replace, at
// every kernel level this CPU supports: the same bits, so no result changes with the CPU.

private let levels = [BC_LEVEL_BASELINE, BC_LEVEL_AVX2, BC_LEVEL_AVX512].filter { $0.rawValue <= bc_supported_level().rawValue }
private let sizes = Array(0...40) + [1000, 4099, 10_007]

/// Vec.dot's Swift definition: 8 running sums as two SIMD4 accumulators, s = s0 + s1 lane-wise,
/// ((s[0] + s[1]) + (s[2] + s[3])) + the plain sum of the tail.
private func referenceDot(_ a: [Double], _ b: [Double]) -> Double {
    var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
    var i = 0
    func four(_ v: [Double], _ at: Int) -> SIMD4<Double> { SIMD4<Double>(v[at ..< at + 4]) }
    while i + 8 <= a.count {
        s0 += four(a, i) * four(b, i)
        s1 += four(a, i + 4) * four(b, i + 4)
        i += 8
    }
    var tail = 0.0
    while i < a.count { tail += a[i] * b[i]; i += 1 }
    let s = s0 + s1
    return ((s[0] + s[1]) + (s[2] + s[3])) + tail
}


@Suite("Dense vector kernels")
struct VecKernelTests {
    @Test("dot, axpy, scale and the diagonal gradient give at every level the bits of the Swift loops, for sizes 0…40 and large non-multiples of 8")
    func everyLevelMatchesSwift() {
        var rng = RandomStream(seed: 77)
        for count in sizes {
            // Magnitudes over many orders, so that the summation order shows in the last bits.
            let a = (0..<count).map { _ in rng.nextGaussian() * Double.pow10(rng.nextInt(below: 12) - 6) }
            let b = (0..<count).map { _ in rng.nextGaussian() }
            let c = (0..<count).map { _ in rng.nextGaussian() }
            let s = (0..<count).map { _ in rng.nextGaussian() }
            let alpha = 0.3 + rng.nextUniform()
            let dot = referenceDot(a, b)
            let axpy = zip(a, b).map { $1 + alpha * $0 }
            let scaled = b.map { $0 * alpha }
            let gradient = (0..<count).map { a[$0] * (b[$0] - c[$0]) - s[$0] }
            for level in levels {
                let d = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { bc_dot_at(level, pa.baseAddress, $0.baseAddress, count) } }
                #expect(d.bitPattern == dot.bitPattern, "dot, count \(count), level \(level.rawValue)")
                var y = b
                y.withUnsafeMutableBufferPointer { py in a.withUnsafeBufferPointer { bc_axpy_at(level, alpha, $0.baseAddress, py.baseAddress, count) } }
                #expect(bitwiseEqual(y, axpy), "axpy, count \(count), level \(level.rawValue)")
                var z = b
                z.withUnsafeMutableBufferPointer { bc_scale_at(level, alpha, $0.baseAddress, count) }
                #expect(bitwiseEqual(z, scaled), "scale, count \(count), level \(level.rawValue)")
                var g = [Double](repeating: .nan, count: count)
                g.withUnsafeMutableBufferPointer { pg in
                    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeBufferPointer { pc in s.withUnsafeBufferPointer { ps in
                        bc_diagonal_gradient_at(level, pa.baseAddress, pb.baseAddress, pc.baseAddress, ps.baseAddress, pg.baseAddress, count)
                    } } } }
                }
                #expect(bitwiseEqual(g, gradient), "gradient, count \(count), level \(level.rawValue)")
            }
            // Vec itself (C from cKernelMinimum on, Swift below) gives the same.
            let viaVec = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { Vec.dot(pa, $0) } }
            #expect(viaVec.bitPattern == dot.bitPattern)
        }
    }
}

private extension Double {
    static func pow10(_ e: Int) -> Double { e >= 0 ? (0..<e).reduce(1.0) { r, _ in r * 10 } : 1 / pow10(-e) }
}
