import Foundation
import GSL
import Testing
@testable import BoundCheck

// The fast paths of the hot loops against plain definitions: Top-K's sampled-threshold path
// (d ≥ 2048, k ≤ d/8, which the small-d oracle contract tests never reach), the ziggurat's
// output distribution, and the blocked Gram
// matrix against GSL's.

private func topK(_ u: [Double], k: Int) -> [Double] {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0) } }
    return out
}

/// Top-K by definition: order by magnitude (descending), then index (ascending).
private func referenceTopK(_ u: [Double], k: Int) -> [Double] {
    let order = u.indices.sorted { abs(u[$0]) != abs(u[$1]) ? abs(u[$0]) > abs(u[$1]) : $0 < $1 }
    let keep = Set(order.prefix(k))
    return u.indices.map { keep.contains($0) ? u[$0] : 0 }
}

@Suite("Hot-loop kernels against their definitions")
struct KernelTests {
    @Test("Top-K on large inputs (the sampled-threshold path) equals Top-K by sorting, including ties, zeros, sorted and adversarial orders")
    func topKLargeMatchesDefinition() {
        var rng = RandomStream(seed: 99)
        for d in [2048, 5000, 10_007] {
            var inputs: [[Double]] = []
            inputs.append((0..<d).map { _ in rng.nextGaussian() })
            inputs.append((0..<d).map { _ in Double(rng.nextInt(below: 7) - 3) })            // heavy ties
            inputs.append((0..<d).map { Double($0) })                                         // sorted: the stride sample sees a trend
            inputs.append((0..<d).map { Double(d - $0) })
            inputs.append((0..<d).map { $0 % 97 == 0 ? 1000 : rng.nextUniform() })           // spikes on a grid
            inputs.append((0..<d).map { $0 % (d / 4) == 0 ? 5 : 0 })                          // large values only where the sample looks
            inputs.append([Double](repeating: 0, count: d))
            inputs.append([Double](repeating: -2.5, count: d))
            for u in inputs {
                for k in [1, 2, 10, d / 100, d / 8] where k >= 1 {
                    #expect(topK(u, k: k) == referenceTopK(u, k: k), "d = \(d), k = \(k)")
                }
            }
        }
    }

    @Test("ziggurat normals: mean, variance, tails and a Kolmogorov–Smirnov distance within sampling error")
    func zigguratIsStandardNormal() throws {
        var rng = RandomStream(seed: 2024)
        let n = 400_000
        var z = (0..<n).map { _ in rng.nextGaussian() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 5 / Double(n).squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot())
        // Tail mass beyond the base layer's r ≈ 3.654 (2Φ(−r) ≈ 2.58e-4): the slow path is exercised.
        let beyond = Double(z.filter { abs($0) > GaussianZiggurat.r }.count) / Double(n)
        #expect(abs(beyond - 2.58e-4) < 5 * (2.58e-4 / Double(n)).squareRoot())
        z.sort()
        var ks = 0.0
        for (i, v) in z.enumerated() {
            let cdf = 0.5 * erfc(-v / 2.0.squareRoot())
            ks = max(ks, abs(cdf - Double(i) / Double(n)), abs(cdf - Double(i + 1) / Double(n)))
        }
        #expect(ks < 1.95 / Double(n).squareRoot())   // the 0.1% critical value
    }

    @Test("the blocked Gram matrix AᵀA equals GSL's dsyrk on random matrices")
    func gramMatchesGSL() {
        var rng = RandomStream(seed: 5)
        for (rows, columns) in [(1, 1), (3, 2), (37, 23), (70, 70), (101, 33)] {
            let a = (0..<(rows * columns)).map { _ in rng.nextGaussian() }
            let ours = gramMatrix(a, rows: rows, columns: columns)
            let theirs = GSL.gramMatrix(a, rows: rows, columns: columns)
            let scale = theirs.map(abs).max() ?? 1
            #expect(zip(ours, theirs).allSatisfy { abs($0 - $1) <= 1e-12 * max(scale, 1) }, "\(rows) × \(columns)")
        }
    }
}
