import GSL
import PropertyBased
import Testing
@testable import BoundCheck

// Every built-in family gives L̃ = √((1/n) Σᵢ Lᵢ²), Lᵢ the smoothness of worker i's fᵢ (EF21's
// bounds need it; docs/theory.md §7). These tests check, on random instances, that each Lᵢ is a
// valid smoothness constant of fᵢ (it bounds the gradient's Lipschitz ratio at random pairs), that
// it is the exact sup of ‖∇²fᵢ‖ (a finite-difference Hessian at the point where the sup is
// attained has largest eigenvalue Lᵢ, so an Lᵢ too small or too large fails), that L̃ is their
// root mean square and L ≤ L̃, and that EF21-NC then applies and holds beyond the quadratic.

/// A built instance of one family with each worker's Lᵢ as the family computes it, and an
/// objective with worker i's fᵢ Hessian at the origin equal to its sup (where Lᵢ is attained).
private struct WorkerCase {
    let objective: any Objective
    let constants: ProblemConstants
    let workerL: [Double]
    let attained: any Objective
}

private enum FamilyUnderTest: CaseIterable, CustomStringConvertible {
    case plSine, rational, logistic, composite
    var description: String {
        switch self {
        case .plSine: "pl-sine"
        case .rational: "rational"
        case .logistic: "logistic-ncvx"
        case .composite: "composite"
        }
    }

    func build(seed: UInt64, dimension d: Int, workers n: Int, heterogeneity h: Double, samples r: Int) throws -> WorkerCase {
        var rng = RandomStream(seed: seed)
        switch self {
        case .plSine, .rational:
            let built = self == .plSine
                ? try PLSineFamily().build(dimension: d, workers: n, heterogeneity: h, rng: &rng)
                : try RationalFamily().build(dimension: d, workers: n, heterogeneity: h, rng: &rng)
            // Lᵢ = sup|φ''| = |φ''(0)| for both profiles: attained at the origin itself.
            return WorkerCase(objective: built.objective, constants: built.constants,
                              workerL: Array(repeating: built.constants.L.value, count: n), attained: built.objective)
        case .logistic:
            let lambda = 0.1
            let built = try LogisticNonconvexFamily(samplesPerWorker: r, lambda: lambda)
                .build(dimension: d, workers: n, heterogeneity: h, rng: &rng)
            let objective = try #require(built.objective as? LogisticNonconvexObjective)
            let workerL = try LogisticNonconvexFamily.workerSmoothnessConstants(data: objective.data, lambda: lambda)
            // σ' = ¼ and φ'' = 2 at x = 0: ∇²fᵢ(0) = AᵢᵀAᵢ/(4Nᵢ) + 2λI.
            return WorkerCase(objective: objective, constants: built.constants, workerL: workerL, attained: objective)
        case .composite:
            let built = try CompositeFamily(samplesPerWorker: r, targetNoise: 0.3)
                .build(dimension: d, workers: n, heterogeneity: h, rng: &rng)
            let objective = try #require(built.objective as? CompositeObjective)
            let workerL = try CompositeFamily.workerSmoothnessConstants(data: objective.data)
            // With the targets zeroed every inner value is 0 at x = 0, where sech² = 1:
            // ∇²fᵢ(0) = AᵢᵀAᵢ/Nᵢ. The Hessian does not depend on the targets otherwise.
            let data = objective.data
            let zeroTargets = WorkerDataset(dimension: d, workers: n, rowsPerWorker: r, features: data.features,
                                            targets: Array(repeating: 0, count: data.rows))
            return WorkerCase(objective: objective, constants: built.constants, workerL: workerL,
                              attained: CompositeObjective(data: zeroTargets))
        }
    }
}

private func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
private func difference(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }

/// ‖∇fᵢ(x) − ∇fᵢ(y)‖ / ‖x − y‖.
private func lipschitzRatio(_ f: any Objective, worker i: Int, _ x: [Double], _ y: [Double]) -> Double {
    norm(difference(f.workerGradient(i, at: x), f.workerGradient(i, at: y))) / norm(difference(x, y))
}

/// λ_max of the central-difference Hessian of fᵢ at 0, symmetrized, by GSL.
private func largestHessianEigenvalueAtOrigin(_ f: any Objective, worker i: Int) throws -> Double {
    let d = f.dimension, h = 1e-4
    var hessian = [Double](repeating: 0, count: d * d)
    for j in 0..<d {
        var plus = [Double](repeating: 0, count: d), minus = plus
        plus[j] = h
        minus[j] = -h
        let column = difference(f.workerGradient(i, at: plus), f.workerGradient(i, at: minus))
        for k in 0..<d { hessian[k * d + j] += column[k] / (4 * h); hessian[j * d + k] += column[k] / (4 * h) }
    }
    return try GSL.symmetricEigenvalues(hessian, dimension: d, context: "test Hessian").last ?? 0
}

/// Random instances: seed, d ∈ 1…12, n ∈ 1…6, heterogeneity ∈ [0, 2], samples per worker ∈ 1…20
/// (fewer rows than coordinates takes the Gram matrix's transposed path).
private func forRandomInstances(count: Int, _ body: (UInt64, Int, Int, Double, Int) async throws -> Void) async {
    await propertyCheck(count: count, input: Gen.uint64(in: 0...UInt64.max), Gen.int(in: 1...12), Gen.int(in: 1...6),
                        Gen.double(in: 0...2), Gen.int(in: 1...20), perform: body)
}

@Suite("Per-worker smoothness L̃ of the built-in families")
struct WorkerSmoothnessTests {
    @Test("each family's Lᵢ bounds ‖∇fᵢ(x) − ∇fᵢ(y)‖/‖x − y‖ at random pairs, near and far",
          arguments: FamilyUnderTest.allCases)
    fileprivate func lipschitzRatioBounded(_ family: FamilyUnderTest) async {
        await forRandomInstances(count: 25) { seed, d, n, h, r in
            let c = try family.build(seed: seed, dimension: d, workers: n, heterogeneity: h, samples: r)
            var rng = RandomStream(seed: seed ^ 0x1F2E_3D4C)
            var largest = 0.0
            for i in 0..<n {
                for trial in 0..<24 {
                    let scale = [0.05, 0.5, 2, 8][trial % 4], step = [1e-3, 0.3, 3][trial % 3]
                    let x = (0..<d).map { _ in scale * rng.nextGaussian() }
                    let y = trial % 6 == 5
                        ? x.map { -$0 }                                // a pair symmetric about 0
                        : x.map { $0 + step * rng.nextGaussian() }
                    let ratio = lipschitzRatio(c.objective, worker: i, x, y)
                    largest = max(largest, ratio / c.workerL[i])
                    #expect(ratio <= c.workerL[i] * (1 + 1e-9), "\(family) worker \(i): ratio \(ratio) > Lᵢ = \(c.workerL[i])")
                }
            }
            #expect(largest > 0, "\(family): no pair moved the gradient")
        }
    }

    @Test("each family's Lᵢ is the largest eigenvalue of ∇²fᵢ where the sup is attained, to 1e-6",
          arguments: FamilyUnderTest.allCases)
    fileprivate func workerSmoothnessAttained(_ family: FamilyUnderTest) async {
        await forRandomInstances(count: 15) { seed, d, n, h, r in
            let c = try family.build(seed: seed, dimension: d, workers: n, heterogeneity: h, samples: r)
            for i in 0..<n {
                let top = try largestHessianEigenvalueAtOrigin(c.attained, worker: i)
                #expect(abs(top - c.workerL[i]) <= 1e-6 * c.workerL[i], "\(family) worker \(i): λ_max(∇²fᵢ(0)) = \(top), Lᵢ = \(c.workerL[i])")
            }
        }
    }

    @Test("L̃ is √((1/n) Σ Lᵢ²) of the family's Lᵢ, and L ≤ L̃ (1 + 1e-12)", arguments: FamilyUnderTest.allCases)
    fileprivate func rootMeanSquareAndAtLeastL(_ family: FamilyUnderTest) async {
        await forRandomInstances(count: 25) { seed, d, n, h, r in
            let c = try family.build(seed: seed, dimension: d, workers: n, heterogeneity: h, samples: r)
            let tilde = try #require(try c.constants.workerSmoothness ?? c.objective.onDemandWorkerSmoothness(), "\(family) gives no L̃")
            let expected = (c.workerL.reduce(0) { $0 + $1 * $1 } / Double(n)).squareRoot()
            #expect(abs(tilde.value - expected) <= 1e-15 * expected, "\(family): L̃ = \(tilde.value), √mean Lᵢ² = \(expected)")
            #expect(c.constants.L.value <= tilde.value * (1 + 1e-12), "\(family): L = \(c.constants.L.value) > L̃ = \(tilde.value)")
        }
    }

    @Test("workers on different data have different Lᵢ (logistic-ncvx, composite): L̃ is per worker, not L")
    func dataFamiliesDiffer() throws {
        for family in [FamilyUnderTest.logistic, .composite] {
            let c = try family.build(seed: 3, dimension: 8, workers: 5, heterogeneity: 1.5, samples: 10)
            let spread = (c.workerL.max() ?? 0) - (c.workerL.min() ?? 0)
            #expect(spread > 1e-3 * c.constants.L.value, "\(family): Lᵢ = \(c.workerL)")
            // Data families compute L̃ on demand only (an eigenvalue problem per worker), never at build.
            #expect(c.constants.workerSmoothness == nil, "\(family)")
            let tilde = try #require(try c.objective.onDemandWorkerSmoothness())
            #expect(tilde.value > c.constants.L.value * (1 + 1e-6), "\(family)")
        }
    }

    @Test("EF21-NC applies to logistic-ncvx on exact gradients (L̃ from the workers' rows), sets step: theory, and holds")
    func ef21OnLogistic() throws {
        let text = """
        name: ef21-logistic
        seed: 7
        problem: {family: logistic-ncvx, dimension: 12, workers: 4, heterogeneity: 1, start: {scale: 2}, samples-per-worker: 20, lambda: 0.1}
        oracle: []
        methods:
          - {method: ef21, compressor: {top-k: {k: 3}}, step: theory}
        run: {iterations: 400, seeds: 1, checkpoints: 12}
        """
        let prepared = try PreparedExperiment(spec: try SpecLoader().load(yaml: text, file: "ef21-logistic.yaml"))
        let tilde = try #require(try prepared.instance.workerSmoothness()?.value)
        let L = prepared.instance.problemConstants.L.value
        let result = try Experiment.judge(prepared, traces: Experiment.run(prepared, jobs: 1))
        let nc = try #require(result.methods[0].bounds.first { $0.evaluation.id == "EF21-NC" })
        #expect(nc.evaluation.failedConditions.isEmpty, "\(nc.evaluation.failedConditions)")
        #expect(nc.verdict.verdict == .holds, "\(nc.verdict.verdict) \(nc.verdict.reason)")
        // Not PL: EF21-PL stays not applicable, so the theory step is EF21-NC's limit alone.
        let pl = try #require(result.methods[0].bounds.first { $0.evaluation.id == "EF21-PL" })
        #expect(!pl.evaluation.failedConditions.isEmpty)
        let alpha = 3.0 / 12, theta = 1 - (1 - alpha).squareRoot(), betaTilde = (1 - alpha) / theta
        let limit = 1 / (L + tilde * (betaTilde / theta).squareRoot())
        #expect(abs(prepared.methods[0].gamma - limit) <= 1e-9 * limit, "γ = \(prepared.methods[0].gamma), limit \(limit)")
    }
}
