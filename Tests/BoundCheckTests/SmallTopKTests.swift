import Foundation
import Testing
@testable import BoundCheck

// Top-K's bounded-heap path (small d, or k far from d/2) against the quickselect over all of |u|
// it replaces and against the definition: the same kept set, bit for bit, on random vectors
// full of ties, zeros of both signs and huge or infinite magnitudes.

/// The previous kernel: T by quickselect over all of |u|, then the count and keep passes.
private func selectionTopK(_ u: [Double], k: Int) -> [Double] {
    let d = u.count
    if k >= d { return u }
    if k <= 0 { return [Double](repeating: 0, count: d) }
    var magnitudes = u.map { abs($0) }
    let threshold = magnitudes.withUnsafeMutableBufferPointer { Compressors.select($0, count: d, rank: d - k) }
    var above = 0
    for a in magnitudes where a > threshold { above += 1 }
    var out = u
    var equalToKeep = k - above
    for i in 0..<d {
        let a = abs(u[i])
        if a > threshold { continue }
        if a == threshold && equalToKeep > 0 { equalToKeep -= 1; continue }
        out[i] = 0
    }
    return out
}

/// Top-K by definition: order by magnitude (descending), then index (ascending).
private func definitionTopK(_ u: [Double], k: Int) -> [Double] {
    let order = u.indices.sorted { abs(u[$0]) != abs(u[$1]) ? abs(u[$0]) > abs(u[$1]) : $0 < $1 }
    var out = [Double](repeating: 0, count: u.count)
    for i in order.prefix(max(0, k)) { out[i] = u[i] }
    return out
}

private func kernelTopK(_ u: [Double], k: Int) -> [Double] {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0) } }
    return out
}

private func bits(_ u: [Double]) -> [UInt64] { u.map(\.bitPattern) }

@Suite("Top-K for small d (bounded heap)")
struct SmallTopKTests {
    /// Vectors drawn from a few values so that ties are common, with ±0 and huge magnitudes.
    fileprivate static func vector(d: Int, style: Int, rng: inout TopKTestRandom) -> [Double] {
        (0..<d).map { _ in
            let r = rng.next()
            switch style {
            case 0: return Double(Int64(bitPattern: r) >> 11) * 0x1p-52            // distinct
            case 1: return Double(Int(r % 5)) - 2                                    // heavy ties, zeros
            case 2: return [0.0, -0.0, 1e308, -1e308, .infinity, -.infinity, 3, -3][Int(r % 8)]
            default: return r % 3 == 0 ? 0 : (r % 2 == 0 ? -1 : 1) * Double(r % 7) * 1e300
            }
        }
    }

    @Test("the heap path keeps the same set, bit for bit, as quickselect over all and as the definition")
    func matchesOldKernel() {
        var rng = TopKTestRandom(seed: 14)
        var checked = 0, heapCases = 0
        for d in [1, 2, 3, 5, 8, 10, 17, 30, 40, 50, 64, 100, 257, 1000] {
            let ks = Set([0, 1, 2, 3, d / 10, d / 4, d / 2, d / 2 + 1, d - 3, d - 2, d - 1, d, d + 1].filter { $0 >= 0 })
            for k in ks.sorted() {
                if k > 0 && k < d && Compressors.useHeap(d: d, k: k) { heapCases += 1 }
                for style in 0..<4 {
                    let u = Self.vector(d: d, style: style, rng: &rng)
                    let kernel = kernelTopK(u, k: k)
                    #expect(bits(kernel) == bits(selectionTopK(u, k: k)), "d = \(d), k = \(k), style \(style)")
                    #expect(bits(kernel) == bits(definitionTopK(u, k: k)), "d = \(d), k = \(k), style \(style)")
                    checked += 1
                }
            }
        }
        #expect(checked > 500)
        #expect(heapCases > 50, "the heap path must actually be exercised")
    }

    @Test("the heap path is taken for the curated suite's shapes and exercises both of its sides")
    func pathChoice() {
        #expect(Compressors.useHeap(d: 40, k: 36))     // smallest side: d − k + 1 = 5
        #expect(Compressors.useHeap(d: 50, k: 3))      // largest side: k = 3
        #expect(Compressors.useHeap(d: 1000, k: 50))
        #expect(!Compressors.useHeap(d: 1000, k: 500)) // quickselect stays for k near d/2
    }

    @Test("a vector holding NaN falls back to quickselect and still keeps exactly the old kernel's set")
    func nanFallsBack() {
        var u = (0..<40).map { Double($0 % 9) - 4 }
        u[7] = .nan
        #expect(bits(kernelTopK(u, k: 4)) == bits(selectionTopK(u, k: 4)))
        #expect(bits(kernelTopK(u, k: 36)) == bits(selectionTopK(u, k: 36)))
    }
}

/// A small deterministic generator for the test vectors.
private struct TopKTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
