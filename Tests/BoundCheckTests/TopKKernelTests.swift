import CKernels
import Testing
@testable import BoundCheck

// The top-k stage's candidate path (TopKHint, CKernels bc_topk.h): its C passes at every level
// this CPU supports against plain definitions, and Top-K with a hint against Top-K by definition
// over sequences of calls whose threshold drifts, jumps, ties and meets NaN.

private let levels = [BC_LEVEL_BASELINE, BC_LEVEL_AVX2, BC_LEVEL_AVX512].filter { $0.rawValue <= bc_supported_level().rawValue }

/// Top-K by definition: order by magnitude (descending), then index (ascending).
private func referenceTopK(_ u: [Double], k: Int) -> [Double] {
    let order = u.indices.sorted { abs(u[$0]) != abs(u[$1]) ? abs(u[$0]) > abs(u[$1]) : $0 < $1 }
    let keep = Set(order.prefix(k))
    return u.indices.map { keep.contains($0) ? u[$0] : 0 }
}

private func plainTopK(_ u: [Double], k: Int) -> [Double] {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0) } }
    return out
}

private func hintedTopK(_ u: [Double], k: Int, hint: inout TopKHint) -> (result: [Double], candidatePath: Bool) {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    let used = out.withUnsafeMutableBufferPointer { o in
        scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0, hint: &hint) }
    }
    return (out, used)
}


@Suite("Top-K's candidate path")
struct TopKKernelTests {
    @Test("the candidate scan gives, at every level, |u| of exactly the entries not below t (NaN included) in index order, and stops at the limit")
    func candidateScanMatchesDefinition() {
        var rng = RandomStream(seed: 31)
        for count in Array(0...40) + [1000, 4099, 10_007] {
            var u = (0..<count).map { _ in rng.nextGaussian() }
            if count > 5 { u[count / 2] = .nan; u[1] = -0.0; u[count - 1] = -.infinity }
            for t in [0.0, 0.5, 1.5, 3.0, .infinity] {
                let expected = u.map { abs($0) }.filter { !($0 < t) }
                for limit in [count + 1, max(1, expected.count / 2)] {
                    for level in levels {
                        var out = [Double](repeating: 7, count: count + 9)
                        let written = u.withUnsafeBufferPointer { ub in
                            out.withUnsafeMutableBufferPointer { bc_magnitudes_at_least_at(level, ub.baseAddress, count, t, $0.baseAddress, limit) }
                        }
                        if expected.count < limit {
                            #expect(written == expected.count, "count \(count), t \(t), level \(level.rawValue)")
                            #expect(bitwiseEqual(Array(out.prefix(written)), expected))
                        } else {
                            #expect(written >= limit && written < limit + 8, "stops at the limit")
                            #expect(bitwiseEqual(Array(out.prefix(written)), Array(expected.prefix(written))))
                        }
                    }
                }
            }
        }
    }

    @Test("the keep pass gives, at every level, u where |u| ≥ T and +0 elsewhere, bit for bit")
    func keepPassMatchesDefinition() {
        var rng = RandomStream(seed: 32)
        for count in Array(0...40) + [1000, 4099, 10_007] {
            var u = (0..<count).map { _ in rng.nextGaussian() }
            if count > 5 { u[count / 2] = .nan; u[1] = -0.0; u[2] = 1.0; u[3] = -1.0 }
            for threshold in [0.0, 1.0, 2.5] {
                let expected = u.map { abs($0) >= threshold ? $0 : 0 }
                for level in levels {
                    var out = u
                    out.withUnsafeMutableBufferPointer { bc_keep_at_least_at(level, $0.baseAddress, count, threshold) }
                    #expect(bitwiseEqual(out, expected), "count \(count), T \(threshold), level \(level.rawValue)")
                }
            }
        }
    }

    // Against the definition (sorting) at d = 2048, against the plain Top-K (itself checked against
    // the definition in KernelTests) at d = 10 007, to keep the debug-build test short.
    @Test("Top-K with a hint keeps exactly Top-K by definition over calls whose threshold drifts, jumps up and down, ties and meets NaN — and takes the candidate path on smooth drift")
    func hintedTopKMatchesDefinition() {
        var rng = RandomStream(seed: 33)
        for d in [2048, 10_007] {
            for k in [1, 10, d / 100, d / 8] {
                var hint = TopKHint()
                var u = (0..<d).map { _ in rng.nextGaussian() }
                var candidateCalls = 0, calls = 0
                for step in 0..<24 {
                    // Smooth drift, with a jump every few calls and, once, ties and a NaN.
                    u = u.map { $0 + 0.05 * rng.nextGaussian() }
                    var v = u
                    switch step {
                    case 7: v = v.map { $0 * 20 }
                    case 8: v = v.map { $0 * 0.01 }
                    case 12: v = v.map { ($0 * 2).rounded() }          // heavy ties at T
                    case 13: v = v.map { $0.rounded(.towardZero) }     // ties and many zeros
                    case 17: v[d / 3] = .nan
                    default: break
                    }
                    let (result, candidatePath) = hintedTopK(v, k: k, hint: &hint)
                    #expect(bitwiseEqual(result, plainTopK(v, k: k)), "d \(d), k \(k), call \(step)")
                    if step != 17 && d == 2048 { #expect(bitwiseEqual(result, referenceTopK(v, k: k)), "d \(d), k \(k), call \(step)") }
                    if ![0, 7, 8, 9, 12, 13, 14, 17, 18].contains(step) {
                        calls += 1
                        candidateCalls += candidatePath ? 1 : 0
                    }
                }
                #expect(candidateCalls * 10 >= calls * 8, "d \(d), k \(k): \(candidateCalls) of \(calls) smooth calls on the candidate path")
            }
        }
    }
}
