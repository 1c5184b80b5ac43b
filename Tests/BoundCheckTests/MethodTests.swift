// Over 400 lines on purpose: its helpers are file-private (reference implementations of the methods) and serve every test here.
import Foundation
import Testing
@testable import BoundCheck

// The methods of docs/theory.md §2 as the simulation runs them: identities between variants, the
// virtual iterate, trajectories reproduced by independent loops, determinism across job counts,
// checkpoints, divergence handling and the random streams.

// MARK: - Helpers

private func norm2(_ a: [Double]) -> Double { a.reduce(0) { $0 + $1 * $1 } }
private func sub(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
private func add(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }
private func scaled(_ s: Double, _ a: [Double]) -> [Double] { a.map { s * $0 } }

private let quadratic = QuadraticFamily(minEigenvalue: 0.5, maxEigenvalue: 4, zeroEigenvalues: 0,
                                             logSpacing: false, rotate: true)

private func makeInstance(_ family: any ProblemFamily = quadratic, d: Int = 6, n: Int = 3, oracle: [AnyOracleStage] = [],
                          seed: UInt64 = 23, start: StartSpec = .gaussian(scale: 2)) throws -> Instance {
    let spec = ExperimentSpec(
        name: "method-test", seed: seed,
        problem: ProblemSpec(family: family, dimension: d, workers: n, heterogeneity: 1, start: start),
        oracle: oracle,
        methods: [MethodSpec(id: "sgd", settings: Sgd(), step: .fixed(0.1))],
        run: RunSpec(iterations: 10, seeds: 2, checkpoints: 5))
    return try Instance(spec: spec)
}

private func method(_ kind: MethodKind, beta: Double = 1, gamma: Double, id: String? = nil,
                    initialization: MomentumInit = .zero, placement: MomentumPlacement = .server,
                    sparsifier: SparsifierSpec? = nil, momentum: MDSGDMomentum = .local) -> ResolvedMethod {
    let settings: any Method = switch kind {
    case .sgdm: Sgdm(beta: beta, initialization: initialization, placement: placement)
    case .mdsgd: Mdsgd(beta: beta, sparsifier: sparsifier ?? .scaledSign, variant: momentum)
    default: Sgd()
    }
    let spec = MethodSpec(id: id ?? kind.rawValue, settings: settings, step: .fixed(gamma))
    return ResolvedMethod(spec, gamma: gamma, stepRule: "fixed")
}

private func traces(_ instance: Instance, _ methods: [ResolvedMethod], _ profile: RunSpec, jobs: Int = 1) -> [MethodTrace] {
    let items = Runner.workItems(methods: methods.count, seeds: profile.seeds)
    let blocks = Runner(jobs: jobs).run(items, instance: instance, methods: methods, profile: profile)
    return Runner.merge(blocks, methods: methods, profile: profile)
}

/// Mean of `metric` at every checkpoint.
private func means(_ trace: MethodTrace, _ metric: Metric) -> [Double] {
    trace.checkpoints.indices.map { trace.statistics(metric, at: $0).mean }
}

private func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double, scale: Double = 0) -> Bool {
    abs(a - b) <= tolerance * max(abs(a), abs(b), scale)
}

/// Top-K by definition (stable sort by magnitude, lower index first), independent of Compressors.
private func referenceTopK(_ u: [Double], k: Int) -> [Double] {
    let order = u.indices.sorted { abs(u[$0]) != abs(u[$1]) ? abs(u[$0]) > abs(u[$1]) : $0 < $1 }
    let keep = Set(order.prefix(k))
    return u.indices.map { keep.contains($0) ? u[$0] : 0 }
}

private func referenceScaledSign(_ u: [Double]) -> [Double] {
    let s = u.reduce(0) { $0 + abs($1) } / Double(u.count)
    return u.map { $0 > 0 ? s : ($0 < 0 ? -s : 0) }
}

/// What an independent loop records at one iteration.
private struct Recorded {
    var gap: Double
    var grad2: Double
    var virtualGap: Double
    var avgGrad: Double?
    var minGrad: Double?
}

/// An independent SGDM/SGD loop (docs/theory.md §2) with a deterministic per-worker oracle.
/// Returns what it records at every k = 0…K and checks zᵏ⁺¹ = zᵏ − γgᵏ on the way.
private func referenceMomentum(_ instance: Instance, gamma: Double, beta: Double, iterations: Int,
                               firstGradient: Bool = false, oracle: ([Double]) -> [Double]) -> [Recorded] {
    let f = instance.objective, n = instance.workers, d = instance.dimension
    let fstar = instance.problemConstants.fstar.value
    let q = gamma * (1 - beta) / beta
    var x = instance.start
    var v = [Double](repeating: 0, count: d)   // v^{k−1}
    var records: [Recorded] = []
    var sum = 0.0, smallest = Double.infinity
    var previousZ: [Double]?
    var previousG: [Double]?
    for k in 0...iterations {
        let grad = f.gradient(at: x)
        var g = [Double](repeating: 0, count: d)
        if k < iterations {
            for i in 0..<n { g = add(g, oracle(f.workerGradient(i, at: x))) }
            g = scaled(1 / Double(n), g)
            if k == 0 && firstGradient { v = g }
        }
        let z = sub(x, scaled(q, v))
        if let pz = previousZ, let pg = previousG {
            let expected = sub(pz, scaled(gamma, pg))
            #expect(norm2(sub(z, expected)).squareRoot() <= 1e-12 * max(1, norm2(z).squareRoot()),
                    "virtual iterate: z^{\(k)} ≠ z^{\(k - 1)} − γ g^{\(k - 1)}")
        }
        let grad2 = norm2(grad)
        records.append(Recorded(gap: f.value(at: x) - fstar, grad2: grad2, virtualGap: f.value(at: z) - fstar,
                                avgGrad: k > 0 ? sum / Double(k) : nil, minGrad: k > 0 ? smallest : nil))
        if k == iterations { break }
        sum += grad2
        smallest = min(smallest, grad2)
        previousZ = z
        previousG = g
        v = add(scaled(1 - beta, v), scaled(beta, g))
        x = sub(x, scaled(gamma, v))
    }
    return records
}

/// An independent M-DSGD loop (docs/theory.md §2) with a deterministic sparsifier; records f(w̃) − f* as the virtual gap.
private func referenceMemory(_ instance: Instance, eta: Double, beta: Double, iterations: Int, global: Bool,
                             sparsifier: ([Double]) -> [Double]) -> [Recorded] {
    let f = instance.objective, n = instance.workers, d = instance.dimension
    let fstar = instance.problemConstants.fstar.value
    let zero = [Double](repeating: 0, count: d)
    var w = instance.start, wTilde = instance.start, lastStep = zero
    var u = [[Double]](repeating: zero, count: n), memory = [[Double]](repeating: zero, count: n)
    var records: [Recorded] = []
    var sum = 0.0, smallest = Double.infinity
    for t in 0...iterations {
        let grad2 = norm2(f.gradient(at: w))
        records.append(Recorded(gap: f.value(at: w) - fstar, grad2: grad2, virtualGap: f.value(at: wTilde) - fstar,
                                avgGrad: t > 0 ? sum / Double(t) : nil, minGrad: t > 0 ? smallest : nil))
        if t == iterations { break }
        sum += grad2
        smallest = min(smallest, grad2)
        var sent = zero, uMean = zero
        for i in 0..<n {
            let g = f.workerGradient(i, at: w)
            u[i] = global ? add(scaled(eta, g), scaled(beta, lastStep)) : add(scaled(beta, u[i]), scaled(eta, g))
            let a = add(memory[i], u[i])
            let s = sparsifier(a)
            memory[i] = sub(a, s)
            sent = add(sent, scaled(1 / Double(n), s))
            uMean = add(uMean, scaled(1 / Double(n), u[i]))
        }
        lastStep = sent
        w = sub(w, sent)
        wTilde = sub(wTilde, uMean)
        // The transformation identity, checked independently too.
        let mMean = memory.reduce(zero) { add($0, scaled(1 / Double(n), $1)) }
        #expect(norm2(sub(wTilde, sub(w, mMean))).squareRoot() <= 1e-12 * max(1, norm2(w).squareRoot()))
    }
    return records
}

/// Compares a single-seed library trace with an independent loop at every checkpoint.
private func compare(_ trace: MethodTrace, _ reference: [Recorded], tolerance: Double = 1e-12,
                     virtual: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(trace.seeds == 1, sourceLocation: sourceLocation)
    #expect(trace.divergedAt == [nil], sourceLocation: sourceLocation)
    let scale = 1e-6 * abs(reference[0].gap)   // gaps far below this are round-off dominated
    for (c, k) in trace.checkpoints.enumerated() {
        let r = reference[k]
        let gap = trace.statistics(.gap, at: c), grad = trace.statistics(.grad, at: c)
        #expect(gap.count == 1 && relativelyClose(gap.mean, r.gap, tolerance, scale: scale),
                "k = \(k): gap \(gap.mean) against \(r.gap)", sourceLocation: sourceLocation)
        #expect(relativelyClose(grad.mean, r.grad2, tolerance), "k = \(k): ‖∇f‖² \(grad.mean) against \(r.grad2)",
                sourceLocation: sourceLocation)
        #expect(relativelyClose(trace.gaps[0][c], r.gap, tolerance, scale: scale), sourceLocation: sourceLocation)
        if virtual {
            let v = trace.statistics(.virtualGap, at: c)
            #expect(relativelyClose(v.mean, r.virtualGap, tolerance, scale: scale),
                    "k = \(k): virtual gap \(v.mean) against \(r.virtualGap)", sourceLocation: sourceLocation)
        }
        if let avg = r.avgGrad, let mn = r.minGrad {
            #expect(relativelyClose(trace.statistics(.avgGrad, at: c).mean, avg, tolerance),
                    "k = \(k): avg-grad \(trace.statistics(.avgGrad, at: c).mean) against \(avg)", sourceLocation: sourceLocation)
            #expect(relativelyClose(trace.statistics(.minGrad, at: c).mean, mn, tolerance),
                    "k = \(k): min-grad", sourceLocation: sourceLocation)
        } else {
            #expect(trace.statistics(.avgGrad, at: c).count == 0 && trace.statistics(.minGrad, at: c).count == 0,
                    sourceLocation: sourceLocation)
        }
    }
}

// MARK: - Tests

@Suite("Methods: identities, trajectories and determinism")
struct MethodTests {
    // (a)

    @Test("sgdm with β = 1 is sgd bit for bit (noisy Top-K oracle, same seeds)")
    func sgdmWithBetaOneIsSGD() throws {
        let instance = try makeInstance(oracle: [.gaussianNoise(variance: 0.5), .topK(k: 3)])
        let profile = RunSpec(iterations: 120, seeds: 6, checkpoints: 12)
        let result = traces(instance, [method(.sgdm, beta: 1, gamma: 0.1), method(.sgd, gamma: 0.1)], profile)
        let sgdm = result[0], sgd = result[1]
        #expect(sgdm.statistics == sgd.statistics)
        #expect(sgdm.gaps == sgd.gaps)
        #expect(sgdm.divergedAt == sgd.divergedAt)
        #expect(sgdm.checkpoints == sgd.checkpoints)
        // And the noise really is there: seeds differ.
        #expect(sgd.gaps[0] != sgd.gaps[1])
    }

    // (b)

    @Test("worker-side momentum gives the server-side iterates to round-off (relative 1e-12)",
          arguments: [MomentumInit.zero, .firstGradient])
    func workerMomentumEqualsServer(_ initialization: MomentumInit) throws {
        let instance = try makeInstance(oracle: [.gaussianNoise(variance: 0.3), .topK(k: 4)])
        let profile = RunSpec(iterations: 150, seeds: 5, checkpoints: 15)
        let result = traces(instance, [
            method(.sgdm, beta: 0.2, gamma: 0.05, id: "server", initialization: initialization, placement: .server),
            method(.sgdm, beta: 0.2, gamma: 0.05, id: "worker", initialization: initialization, placement: .worker),
        ], profile)
        let server = result[0], worker = result[1]
        #expect(server.divergedAt == worker.divergedAt)
        for seed in 0..<profile.seeds {
            for c in server.checkpoints.indices {
                #expect(relativelyClose(server.gaps[seed][c], worker.gaps[seed][c], 1e-12),
                        "seed \(seed), k = \(server.checkpoints[c]): \(server.gaps[seed][c]) against \(worker.gaps[seed][c])")
            }
        }
        for metric in MetricIndex.all {
            for c in server.checkpoints.indices {
                let a = server.statistics(metric, at: c), b = worker.statistics(metric, at: c)
                #expect(a.count == b.count && relativelyClose(a.mean, b.mean, 1e-12), "\(metric) at checkpoint \(c)")
            }
        }
    }

    // (c)

    @Test("M-DSGD's transformation identity holds to round-off (deviation ≤ 1e-12)",
          arguments: [SparsifierSpec.topK(k: 2), .randK(k: 2), .scaledSign], [MDSGDMomentum.local, .global])
    func transformationIdentity(_ sparsifier: SparsifierSpec, _ momentum: MDSGDMomentum) throws {
        let instance = try makeInstance(d: 8, oracle: [.gaussianNoise(variance: 0.2)])
        let profile = RunSpec(iterations: 200, seeds: 3, checkpoints: 10)
        let trace = traces(instance, [method(.mdsgd, beta: 0.5, gamma: 0.02, sparsifier: sparsifier, momentum: momentum)], profile)[0]
        #expect(trace.divergedSeeds == 0)
        #expect(trace.identityDeviation <= 1e-12, "deviation \(trace.identityDeviation)")
        #expect(trace.identityDeviation.isFinite)
        #expect(trace.maxWorkerEstimateNorm2 > 0)
    }

    // (d)

    @Test("virtual iterate: zᵏ⁺¹ = zᵏ − γgᵏ in an independent loop, and the recorded virtual gap is f(zᵏ) − f*",
          arguments: [MomentumInit.zero, .firstGradient])
    func virtualIterate(_ initialization: MomentumInit) throws {
        let instance = try makeInstance()
        let (gamma, beta, K) = (0.08, 0.3, 60)
        let reference = referenceMomentum(instance, gamma: gamma, beta: beta, iterations: K,
                                          firstGradient: initialization == .firstGradient) { $0 }
        let trace = traces(instance, [method(.sgdm, beta: beta, gamma: gamma, initialization: initialization)],
                           RunSpec(iterations: K, seeds: 1, checkpoints: 12))[0]
        compare(trace, reference)
        // The virtual iterate really differs from x (otherwise the check says nothing).
        #expect(abs(reference[5].virtualGap - reference[5].gap) > 1e-6)
    }

    // (e)

    @Test("a deterministic run reproduces an independent trajectory at every checkpoint (sgdm, sgd; exact and Top-K)",
          arguments: [0, 3])
    func momentumTrajectories(_ k: Int) throws {
        let oracle: [AnyOracleStage] = k > 0 ? [.topK(k: k)] : []
        for n in [1, 3] {
            let instance = try makeInstance(n: n, oracle: oracle)
            let apply: ([Double]) -> [Double] = k > 0 ? { referenceTopK($0, k: k) } : { $0 }
            let K = 80
            let profile = RunSpec(iterations: K, seeds: 1, checkpoints: 15)
            let result = traces(instance, [method(.sgdm, beta: 0.4, gamma: 0.06), method(.sgd, gamma: 0.1)], profile)
            compare(result[0], referenceMomentum(instance, gamma: 0.06, beta: 0.4, iterations: K, oracle: apply))
            compare(result[1], referenceMomentum(instance, gamma: 0.1, beta: 1, iterations: K, oracle: apply))
        }
    }

    @Test("a deterministic M-DSGD run reproduces an independent trajectory (top-k and scaled sign; local and global momentum)",
          arguments: [MDSGDMomentum.local, .global])
    func memoryTrajectories(_ momentum: MDSGDMomentum) throws {
        for n in [1, 3] {
            let instance = try makeInstance(n: n)
            let K = 80
            let profile = RunSpec(iterations: K, seeds: 1, checkpoints: 15)
            let result = traces(instance, [
                method(.mdsgd, beta: 0.5, gamma: 0.05, id: "topk", sparsifier: .topK(k: 2), momentum: momentum),
                method(.mdsgd, beta: 0.5, gamma: 0.05, id: "sign", sparsifier: .scaledSign, momentum: momentum),
            ], profile)
            let global = momentum == .global
            compare(result[0], referenceMemory(instance, eta: 0.05, beta: 0.5, iterations: K, global: global) { referenceTopK($0, k: 2) })
            compare(result[1], referenceMemory(instance, eta: 0.05, beta: 0.5, iterations: K, global: global, sparsifier: referenceScaledSign))
            #expect(result[0].identityDeviation <= 1e-12)
        }
    }

    // (f)

    @Test("the same spec gives identical traces for Runner(jobs: 1) and Runner(jobs: 2), and for any block order")
    func jobsDoNotChangeResults() throws {
        let instance = try makeInstance(oracle: [.gaussianNoise(variance: 0.5), .randK(k: 3)])
        let methods = [method(.sgdm, beta: 0.3, gamma: 0.05), method(.sgd, gamma: 0.05),
                       method(.mdsgd, beta: 0.5, gamma: 0.02, sparsifier: .topK(k: 2))]
        let profile = RunSpec(iterations: 60, seeds: 10, checkpoints: 8)
        let one = traces(instance, methods, profile, jobs: 1)
        let two = traces(instance, methods, profile, jobs: 2)
        #expect(one == two)
        // Merging blocks in a shuffled order changes nothing either.
        let items = Runner.workItems(methods: methods.count, seeds: profile.seeds)
        let blocks = Runner(jobs: 1).run(items, instance: instance, methods: methods, profile: profile)
        #expect(Runner.merge(Array(blocks.reversed()), methods: methods, profile: profile) == one)
        #expect(one.allSatisfy { $0.seeds == profile.seeds && $0.gaps.count == profile.seeds })
    }

    // (g)

    @Test("checkpointIterations includes 0 and K, is sorted, unique and within 0…K")
    func checkpoints() {
        for K in [0, 1, 2, 3, 5, 10, 37, 100, 1000, 123_457] {
            for count in [1, 2, 3, 5, 10, 40, 200] {
                let c = checkpointIterations(iterations: K, count: count)
                #expect(c.first == 0 && c.last == K, "K = \(K), count = \(count): \(c)")
                #expect(c == c.sorted() && Set(c).count == c.count, "K = \(K), count = \(count): \(c)")
                #expect(c.allSatisfy { (0...K).contains($0) })
                #expect(c.count <= max(count, 2) + 1)
            }
        }
        #expect(checkpointIterations(iterations: 1000, count: 40).count >= 30)
    }

    // (h)

    @Test("a too-large fixed step diverges: every seed records divergedAt and no NaN reaches the statistics",
          arguments: [MethodKind.sgd, .sgdm, .mdsgd])
    func divergence(_ kind: MethodKind) throws {
        let instance = try makeInstance(.quadratic(minEigenvalue: 1, maxEigenvalue: 10, zeroEigenvalues: 0, logSpacing: false, rotate: false),
                                        oracle: [.gaussianNoise(variance: 0.1)])
        let m: ResolvedMethod
        switch kind {
        case .sgd: m = method(.sgd, gamma: 1)
        case .sgdm: m = method(.sgdm, beta: 0.5, gamma: 2)
        case .mdsgd: m = method(.mdsgd, beta: 0.5, gamma: 1, sparsifier: .topK(k: 3))
        default: Issue.record("no such method \(kind)"); return
        }
        let profile = RunSpec(iterations: 2000, seeds: 3, checkpoints: 60)
        let trace = traces(instance, [m], profile)[0]
        #expect(trace.divergedSeeds == profile.seeds, "diverged: \(trace.divergedAt)")
        for (seed, at) in trace.divergedAt.enumerated() {
            let k = try #require(at)
            #expect(k > 0 && k <= profile.iterations)
            for (c, checkpoint) in trace.checkpoints.enumerated() {
                if checkpoint < k { #expect(trace.gaps[seed][c].isFinite, "seed \(seed): gap at \(checkpoint) before divergence at \(k)") }
                if checkpoint >= k { #expect(trace.gaps[seed][c].isNaN, "seed \(seed): gap at \(checkpoint) after divergence at \(k)") }
            }
        }
        for c in trace.checkpoints.indices {
            for metric in MetricIndex.all {
                let s = trace.statistics(metric, at: c)
                #expect(!s.mean.isNaN && !s.variance.isNaN && !s.scaledM2.isNaN, "\(metric) at checkpoint \(c): \(s)")
                #expect(s.mean.isFinite, "\(metric) at checkpoint \(c): mean \(s.mean)")
            }
        }
        // The last checkpoint (k = K) has no finite runs left.
        #expect(trace.statistics(.gap, at: trace.checkpoints.count - 1).count == 0)
        #expect(trace.statistics(.gap, at: 0).count == profile.seeds)
    }

    // (i)

    @Test("RandomStream: the same key gives the same stream; a different worker, seed index, purpose or seed a different one")
    func streamsAreKeyed() {
        func first(_ key: StreamKey, _ count: Int = 8) -> [UInt64] {
            var r = RandomStream(key: key)
            return (0..<count).map { _ in r.next() }
        }
        let base = StreamKey(problemSeed: 7, purpose: .oracle, seedIndex: 3, worker: 2)
        #expect(first(base) == first(base))
        var variants: [StreamKey] = []
        for w in [0, 1, 3] { var k = base; k.worker = w; variants.append(k) }
        for s in [0, 2, 4, 1000] { var k = base; k.seedIndex = s; variants.append(k) }
        for p in [StreamPurpose.instance, .probe] { var k = base; k.purpose = p; variants.append(k) }
        for seed in [UInt64(6), 8, 0] { var k = base; k.problemSeed = seed; variants.append(k) }
        // Swapping worker and seed index must not alias either.
        variants.append(StreamKey(problemSeed: 7, purpose: .oracle, seedIndex: 2, worker: 3))
        let streams = [first(base)] + variants.map { first($0) }
        #expect(Set(streams.map { $0 }).count == streams.count, "two keys share a stream")
        // And the plain seeded generator is deterministic.
        var a = RandomStream(seed: 42), b = RandomStream(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }

    @Test("RandomStream: nextGaussian has mean ≈ 0 and variance ≈ 1; nextUniform in [0, 1); nextInt(below:) in range and uniform")
    func streamDistributions() {
        var r = RandomStream(seed: 2024)
        let N = 200_000
        var sum = 0.0, sum2 = 0.0, sum4 = 0.0
        for _ in 0..<N {
            let z = r.nextGaussian()
            sum += z; sum2 += z * z; sum4 += z * z * z * z
        }
        let mean = sum / Double(N), variance = sum2 / Double(N) - mean * mean
        #expect(abs(mean) <= 5 / Double(N).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1) <= 5 * (2 / Double(N)).squareRoot(), "variance \(variance)")
        #expect(abs(sum4 / Double(N) - 3) <= 0.1, "fourth moment \(sum4 / Double(N))")
        var uniformOK = true
        for _ in 0..<10_000 { let u = r.nextUniform(); if !(u >= 0 && u < 1) { uniformOK = false } }
        #expect(uniformOK)
        for bound in [1, 2, 3, 7, 10, 1000, Int(Int32.max) + 5] {
            var counts = [Int](repeating: 0, count: min(bound, 10))
            var inRange = true
            for _ in 0..<20_000 {
                let i = r.nextInt(below: bound)
                if !(0..<bound).contains(i) { inRange = false }
                if bound <= 10 { counts[i] += 1 }
            }
            #expect(inRange, "nextInt(below: \(bound)) out of range")
            if bound <= 10 {
                let expected = 20_000.0 / Double(bound)
                let sd = (expected * (1 - 1 / Double(bound))).squareRoot()
                #expect(counts.allSatisfy { abs(Double($0) - expected) <= 5 * sd + 1e-9 }, "bound \(bound): counts \(counts)")
            }
        }
    }
}
