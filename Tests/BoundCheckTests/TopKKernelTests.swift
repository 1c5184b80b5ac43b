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

/// Top-K through the hint, with a sparse-support buffer: the result, whether the candidate path
/// was taken, and the indices it declared (nil if none).
private func hintedTopK(_ u: [Double], k: Int, hint: inout TopKHint) -> (result: [Double], candidatePath: Bool, declared: [Int]?) {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    var indices = [Int](repeating: -7, count: u.count)
    var count = -1
    let used = indices.withUnsafeMutableBufferPointer { ib in
        withUnsafeMutablePointer(to: &count) { cp in
            let support = SparseSupport(indices: ib.baseAddress, count: cp)
            return out.withUnsafeMutableBufferPointer { o in
                scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0, hint: &hint, support: support) }
            }
        }
    }
    return (out, used, count >= 0 ? Array(indices.prefix(count)) : nil)
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
                        // The same scan with the candidates' indices: the same magnitudes and count,
                        // and the indices of exactly those entries, ascending.
                        var out2 = [Double](repeating: 7, count: count + 9)
                        var index = [Int64](repeating: -1, count: count + 9)
                        let written2 = u.withUnsafeBufferPointer { ub in
                            out2.withUnsafeMutableBufferPointer { ob in
                                index.withUnsafeMutableBufferPointer {
                                    bc_candidates_at_least_at(level, ub.baseAddress, count, t, ob.baseAddress, $0.baseAddress, limit)
                                }
                            }
                        }
                        #expect(written2 == written && bitwiseEqual(Array(out2.prefix(written2)), Array(out.prefix(written))))
                        let expectedIndices = u.indices.filter { !(abs(u[$0]) < t) }.prefix(written2).map(Int64.init)
                        #expect(Array(index.prefix(written2)) == Array(expectedIndices), "indices: count \(count), t \(t), level \(level.rawValue)")
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
    @Test("Top-K with a hint keeps exactly Top-K by definition over calls whose threshold drifts, jumps up and down, ties and meets NaN, declares the kept indices on the candidate path — and takes it on smooth drift")
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
                    let (result, candidatePath, declared) = hintedTopK(v, k: k, hint: &hint)
                    #expect(bitwiseEqual(result, plainTopK(v, k: k)), "d \(d), k \(k), call \(step)")
                    // The sparse hand-over: declared exactly on the candidate path, and then the
                    // indices of the kept entries (all nonzero: T > 0 there), ascending.
                    #expect((declared != nil) == candidatePath, "d \(d), k \(k), call \(step)")
                    if let declared {
                        #expect(declared == result.indices.filter { result[$0] != 0 }, "d \(d), k \(k), call \(step)")
                        #expect(declared.count == k)
                    }
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

@Suite("The sparse hand-over from Top-K to the method")
struct SparseHandOverTests {
    /// One seed's results of a quadratic problem with noise then Top-K (d large enough for the
    /// candidate path), SGDM and SGD, with `extra` stages appended to the oracle.
    private func run(extra: String) throws -> [BlockResult] {
        let text = """
        name: sparse-hand-over
        seed: 5
        problem: {family: quadratic, dimension: 4096, workers: 3, heterogeneity: 0.5}
        oracle: [{gaussian-noise: {variance: 0.5}}, {top-k: {k: 40}}\(extra)]
        methods:
          - {id: sgdm, method: sgdm, beta: 0.3, step: 0.05}
          - {id: sgd, method: sgd, step: 0.05}
        run: {iterations: 30, seeds: 2, checkpoints: 6}
        """
        let p = try PreparedExperiment(spec: try SpecLoader().load(yaml: text, file: "sparse.yaml"))
        return p.workItems.map { Runner.run($0, instance: p.instance, methods: p.methods, profile: p.profile) }
    }

    @Test("SGDM and SGD give the same bits when Top-K hands its kept indices over (last stage) as when a later stage (scale by 1) makes them add densely")
    func sparseAddEqualsDenseAdd() throws {
        let sparse = try run(extra: "")
        let dense = try run(extra: ", {scale: {factor: 1}}")
        #expect(sparse.count == 4)
        #expect("\(sparse.map(\.samples))" == "\(dense.map(\.samples))")
        #expect("\(sparse.map(\.gradPathSum))" == "\(dense.map(\.gradPathSum))")
    }

    @Test("the simulation clears a declaration before every stage: a stage after the declaring one leaves it unknown")
    func declarationIsClearedBeforeEachStage() {
        var indices = [Int](repeating: 0, count: 4)
        var count = -1
        indices.withUnsafeMutableBufferPointer { ib in
            withUnsafeMutablePointer(to: &count) { cp in
                let support = SparseSupport(indices: ib.baseAddress, count: cp)
                #expect(support.declared == nil)
                support.buffer![0] = 2
                support.declare(count: 1)
                #expect(support.declared.map(Array.init) == [2])
                support.clear()
                #expect(support.declared == nil)
                #expect(SparseSupport.unavailable.buffer == nil)
                SparseSupport.unavailable.declare(count: 3)
                #expect(SparseSupport.unavailable.declared == nil)
            }
        }
    }
}
