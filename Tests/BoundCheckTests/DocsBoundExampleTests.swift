import Testing
import BoundCheck   // not @testable: the example in docs/bounds.md must compile against the public API

// The "add a bound as a Swift type" example of docs/bounds.md, verbatim. If this file stops
// compiling, the documentation is wrong: change both together.

/// **F1 at ρ = ½ — SGDM, nonconvex.**
///
///     avg-grad(K) ≤ 2Δ₀/(γ(1−m)K) + ζ²/(1−m) + (Lγσ²/(1−m))·(1 + 2Lγ(1−β)²/β²)
///
/// Conditions: A4 with m < 1; A5; ρ = ½ admissible: ½ − Lγ(M+1) ≥ 2L²q²(M+1), q = γ(1−β)/β.
/// Kind: derived. Source: docs/bounds.md F1 with ρ fixed at ½ instead of optimized.
struct F1HalfRho: Bound {
    let id = "F1-half"
    let kind = BoundKind.derived
    let source = "docs/bounds.md F1 with ρ = ½"
    let metric = Metric.avgGrad
    let formula = "2Δ₀/(γ(1−m)K) + ζ²/(1−m) + (Lγσ²/(1−m))(1 + 2Lγ(1−β)²/β²)"

    // The methods it is proved for: no other method gets it, however similar.
    let provedFor: Set<MethodKind> = [.sgdm, .sgd]

    func conditions(_ c: BoundContext) -> [BoundCondition] {
        [BoundCondition("A4 with m < 1") { $0.m < 1 ? 1 : -1 },
         BoundCondition("A5 constants (M, σ²) available") {
             $0.constants[.M] == nil || $0.constants[.sigma2] == nil ? -1 : 1
         },
         // Decreasing in γ, so `limitsStep: true` lets `step: theory` find its root.
         BoundCondition("ρ = ½ admissible: ½ − Lγ(M+1) ≥ 2L²q²(M+1)", limitsStep: true) { c in
             let M1 = (c.constants[.M] ?? .nan) + 1
             let q = c.gamma * (1 - c.beta) / c.beta
             return 0.5 - c.L * c.gamma * M1 - 2 * c.L * c.L * q * q * M1
         }]
    }

    func value(_ c: BoundContext, K: Double) throws -> Double {
        let oneMinusM = 1 - c.m
        let sigma2 = c.constants[.sigma2] ?? .nan
        let momentum = 1 + 2 * c.L * c.gamma * (1 - c.beta) * (1 - c.beta) / (c.beta * c.beta)
        return 2 * c.D0 / (c.gamma * oneMinusM * K) + c.zeta2 / oneMinusM
            + c.L * c.gamma * sigma2 / oneMinusM * momentum
    }
}

@Suite("docs/bounds.md example bound")
struct DocsBoundExampleTests {
    static let yaml = """
        name: docs-example
        seed: 5
        problem: {family: quadratic, dimension: 10, workers: 4, heterogeneity: 0.5, spectrum: {min: 1, max: 4}}
        oracle:
          - additive-bias: {norm: 0.3}
          - gaussian-noise: {variance: 0.2}
        methods:
          - {method: sgdm, beta: 0.3, step: theory}
        run: {iterations: 200, seeds: 8, checkpoints: 10}
        """

    @Test("F1 at ρ = ½ is never below the ρ-optimal catalog F1, admits γ = β/(4L(M+1)), and holds on runs")
    func exampleAgainstCatalog() throws {
        let spec = try SpecLoader().load(yaml: Self.yaml, file: "docs-example.yaml")
        let prepared = try PreparedExperiment(spec: spec)
        let traces = Experiment.run(prepared, jobs: 1)
        let index = 0
        let context = BoundEvaluator.context(instance: prepared.instance, method: prepared.methods[index],
                                             spec: spec.methods[index], iterations: prepared.profile.iterations,
                                             measuredSecondMoment: traces[index].maxWorkerEstimateNorm2)
        let example = BoundEvaluator.evaluate(F1HalfRho(), context: context, checkpoints: prepared.checkpoints)
        let catalog = BoundEvaluator.evaluate(F1(), context: context, checkpoints: prepared.checkpoints)
        #expect(example.applicable && catalog.applicable)
        for (half, best) in zip(example.values, catalog.values) {
            if let half, let best { #expect(best <= half * (1 + 1e-12)) }
        }
        let M1 = (context.constants[.M] ?? .nan) + 1
        let step = try #require(example.largestStep)
        #expect(step >= context.beta / (4 * context.L * M1))
        // The step F1-half allows is at most F1's: ρ = ½ is one admissible ρ among others.
        let catalogStep = try #require(catalog.largestStep)
        #expect(step <= catalogStep * (1 + 1e-12))

        let compared = example.values.compactMap { $0 }.count
        let verdict = try VerdictRule(confidence: spec.confidence, comparisons: compared)
            .judge(evaluation: example, trace: traces[index], deterministic: prepared.instance.oracleConstants.deterministic)
        #expect(verdict.verdict == .holds)
    }
}
