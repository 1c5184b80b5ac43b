import Foundation
import Testing
@testable import BoundCheck

/// dKGT (de Klerk, Glineur & Taylor 2020, Thm 5.3) and M2 (M-DSGD with global momentum,
/// derived in docs/bounds.md): ε from the oracle, the prescribed step, each condition in words,
/// limit cases, and runs.
@Suite("dKGT and M2")
struct DKGTAndM2Tests {
    static func file(problem: String = "{family: quadratic, dimension: 8, workers: 1, heterogeneity: 0, start: {scale: 2}, spectrum: {min: 0.5, max: 4, spacing: two-point}}",
                     oracle: String = "[{top-k: {k: 6}}]",
                     methods: String = "  - {id: gd, method: sgd, step: theory}",
                     run: String = "{iterations: 60, seeds: 1, checkpoints: 12}", extra: String = "bounds: [dKGT]") -> String {
        """
        name: dkgt-test
        seed: 9
        problem: \(problem)
        oracle: \(oracle)
        methods:
        \(methods)
        run: \(run)
        \(extra)
        """
    }

    static func prepared(_ yaml: String) throws -> PreparedExperiment {
        try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "dkgt-test.yaml"))
    }

    static func result(_ yaml: String) throws -> ExperimentResult {
        let p = try prepared(yaml)
        return try Experiment.judge(p, traces: Experiment.run(p, jobs: 1))
    }

    static func checked(_ result: ExperimentResult, _ id: String, method: Int = 0) throws -> CheckedBound {
        try #require(result.methods[method].bounds.first { $0.evaluation.id == id })
    }

    /// The context of the file's first method at its resolved step.
    static func context(_ yaml: String) throws -> BoundContext {
        let p = try prepared(yaml)
        return BoundEvaluator.context(instance: p.instance, method: p.methods[0], spec: p.spec.methods[0], iterations: 60,
                                      measuredSecondMoment: nil)
    }

    @Test("ε is read from the oracle: Top-K of the exact gradient √(1 − K/d), scale c |1 − c|, Top-K then scale c√(1 − K/d) + |1 − c|")
    func epsilonFromOracle() throws {
        let topK = try Self.context(Self.file(oracle: "[{top-k: {k: 6}}]"))
        #expect(abs(DKGT.epsilon(topK) - (1 - 6.0 / 8).squareRoot()) <= 1e-12)
        let scale = try Self.context(Self.file(oracle: "[{scale: {factor: 0.7}}]"))
        #expect(abs(DKGT.epsilon(scale) - 0.3) <= 1e-12)
        let both = try Self.context(Self.file(oracle: "[{top-k: {k: 6}}, {scale: {factor: 0.7}}]"))
        #expect(abs(DKGT.epsilon(both) - (0.7 * 0.5 + 0.3)) <= 1e-12)
        let exact = try Self.context(Self.file(oracle: "[]"))
        #expect(DKGT.epsilon(exact) == 0)
    }

    @Test("step: theory takes the prescribed γ = 2/(L_ε + μ_ε), and at ε = 0 the bound is the classical ((L − μ)/(L + μ))^{2K} Δ₀")
    func prescribedStepAndLimit() throws {
        let yaml = Self.file(oracle: "[]")
        let p = try Self.prepared(yaml)
        #expect(abs(p.methods[0].gamma - 2 / (4 + 0.5)) <= 1e-15)
        #expect(p.methods[0].stepRule.contains("dKGT's prescribed γ"))
        let c = try Self.context(yaml)
        #expect(DKGT().failedConditions(c).isEmpty)
        let rho = (4 - 0.5) / (4 + 0.5)
        for K in [0.0, 1, 7, 60] {
            let v = try DKGT().value(c, K: K)
            #expect(abs(v - pow(rho, 2 * K) * c.D0) <= 1e-12 * c.D0)
        }
        #expect(try DKGT().floor(c) == 0)
        // ε → 1 makes μ_ε → 0: the rate goes to 1 (no contraction is promised).
        var nearOne = c
        nearOne.constants.entries["m"]?.value = 0.999_999 * 0.999_999
        #expect(DKGT.constants(nearOne).rho > 0.999)
    }

    @Test("the exact gradient (ε = 0) on a two-point spectrum attains dKGT: tightness 1 to round-off at every checkpoint")
    func attainedAtEpsilonZero() throws {
        // x⁰ excites both eigenvalues; with γ = 2/(L + μ) each component is multiplied by ±ρ.
        let result = try Self.result(Self.file(oracle: "[]"))
        let dkgt = try Self.checked(result, "dKGT")
        #expect(dkgt.verdict.verdict == .holds, "\(dkgt.verdict.reason)")
        let tightness = try #require(dkgt.verdict.tightness)
        #expect(tightness > 1 - 1e-9 && tightness <= 1 + 1e-9, "late tightness \(tightness)")
    }

    @Test("with Top-K the runs stay below dKGT; a copy scaled by 0.9 is caught as violated")
    func topKHoldsAndScaledCopyIsCaught() throws {
        let extra = """
            bounds: [dKGT]
            user-bounds:
              - {id: small, method: sgd, metric: gap, expression: "0.9*(((1+sqrt(m))*L - (1-sqrt(m))*mu)/((1+sqrt(m))*L + (1-sqrt(m))*mu))^(2*K)*D0"}
            """
        let result = try Self.result(Self.file(extra: extra))
        #expect(try Self.checked(result, "dKGT").verdict.verdict == .holds)
        #expect(try Self.checked(result, "small").verdict.verdict == .violated)
    }

    @Test("each failing condition is said in words: workers, noise, strong convexity, an absolute error, ε ≥ 1, another step",
          arguments: [
            ("{family: quadratic, dimension: 8, workers: 2, heterogeneity: 0, spectrum: {min: 0.5, max: 4}}", "[{top-k: {k: 6}}]",
             "  - {id: gd, method: sgd, step: 0.1}", "needs one worker"),
            ("{family: quadratic, dimension: 8, workers: 1, heterogeneity: 0, spectrum: {min: 0.5, max: 4}}", "[{gaussian-noise: {variance: 0.1}}]",
             "  - {id: gd, method: sgd, step: 0.1}", "needs a deterministic direction"),
            ("{family: quadratic, dimension: 8, workers: 1, heterogeneity: 0, spectrum: {min: 0.5, max: 4, zeros: 2}}", "[]",
             "  - {id: gd, method: sgd, step: 0.1}", "PL but not strongly convex"),
            ("{family: pl-sine, dimension: 8, workers: 1}", "[]",
             "  - {id: gd, method: sgd, step: 0.1}", "needs a μ-strongly convex f"),
            ("{family: quadratic, dimension: 8, workers: 1, heterogeneity: 0, spectrum: {min: 0.5, max: 4}}", "[{additive-bias: {norm: 0.1}}]",
             "  - {id: gd, method: sgd, step: 0.1}", "absolute part ζ²"),
            ("{family: quadratic, dimension: 8, workers: 1, heterogeneity: 0, spectrum: {min: 0.5, max: 4}}", "[{top-k: {k: 6}}]",
             "  - {id: gd, method: sgd, step: 0.1}", "is stated for the step γ = 2/(L_ε + μ_ε)"),
            ("{family: quadratic, dimension: 8, workers: 1, heterogeneity: 0, spectrum: {min: 0.5, max: 4}}", "[{top-k: {k: 6}}]",
             "  - {id: gd, method: sgd, step: {theory: 0.5}}", "is stated for the step γ = 2/(L_ε + μ_ε)"),
          ])
    func conditionsInWords(_ problem: String, _ oracle: String, _ methods: String, _ expected: String) throws {
        let result = try Self.result(Self.file(problem: problem, oracle: oracle, methods: methods,
                                               run: "{iterations: 10, seeds: 2, checkpoints: 4}"))
        let dkgt = try Self.checked(result, "dKGT")
        #expect(dkgt.verdict.verdict == .notApplicable)
        #expect(dkgt.verdict.reason.contains(expected), "reason: \(dkgt.verdict.reason)")
    }

    @Test("ε ≥ 1 (m = 1) makes dKGT not applicable, saying ε")
    func epsilonAtLeastOne() throws {
        var c = try Self.context(Self.file(oracle: "[]"))
        c.constants.entries["m"]?.value = 1
        #expect(DKGT().failedConditions(c).contains { $0.contains("needs ε < 1") })
    }

    @Test("dKGT concerns plain gradient descent only: sgd, and sgdm at β = 1, never M-DSGD")
    func concerns() {
        #expect(DKGT().isChecked(on: MethodSpec(id: "a", settings: Sgd(), step: .theory(factor: 1))))
        #expect(DKGT().isChecked(on: MethodSpec(id: "b", settings: Sgdm(beta: 1), step: .theory(factor: 1))))
        #expect(!DKGT().isChecked(on: MethodSpec(id: "c", settings: Sgdm(beta: 0.5), step: .theory(factor: 1))))
        #expect(!DKGT().isChecked(on: MethodSpec(id: "d", settings: Mdsgd(beta: 0, sparsifier: .topK(k: 1)), step: .theory(factor: 1))))
    }

    @Test("boundcheck list shows dKGT and M2 with their kind, step rule and source")
    func listed() throws {
        let dkgt = try #require(Catalog.standard.boundListing.first { $0.id == "dKGT" })
        #expect(dkgt.kind == .literature && dkgt.text.contains("de Klerk, Glineur & Taylor") && dkgt.text.contains("prescribes γ = 2/(L_ε + μ_ε)"))
        let m2 = try #require(Catalog.standard.boundListing.first { $0.id == "M2" })
        #expect(m2.kind == .derived && m2.text.contains("docs/bounds.md M2") && m2.provedFor == [.mdsgd])
    }

    @Test("spacing: two-point puts every positive eigenvalue at min but the largest, at max; zeros make the quadratic PL but not strongly convex")
    func twoPointSpectrum() throws {
        let p = QuadraticFamily.Parameters(minEigenvalue: 0.1, maxEigenvalue: 3, zeroEigenvalues: 2, twoPoint: true)
        #expect(QuadraticFamily.spectrum(p, dimension: 6) == [0, 0, 0.1, 0.1, 0.1, 3])
        #expect(QuadraticFamily(minEigenvalue: 0.1, maxEigenvalue: 3, twoPoint: true).guarantees.stronglyConvex)
        let singular = QuadraticFamily(minEigenvalue: 0.1, maxEigenvalue: 3, zeroEigenvalues: 1).guarantees
        #expect(singular.pl && !singular.stronglyConvex)
        #expect(!PLSineFamily().guarantees.stronglyConvex)
        let spec = try SpecLoader().load(yaml: Self.file(), file: "dkgt-test.yaml")
        let instance = try Instance(spec: spec)
        #expect(instance.constants[.L] == 4 && instance.constants[.mu] == 0.5)
    }

    // MARK: M2

    static func mdsgd(beta: Double, k: Int, step: String = "theory", variant: String = "global", noise: Double = 0.2) -> String {
        """
        name: m2-test
        seed: 13
        problem: {family: quadratic, dimension: 10, workers: 4, heterogeneity: 0.5, start: {scale: 2.0}, spectrum: {min: 0.5, max: 4}}
        oracle: [{gaussian-noise: {variance: \(noise)}}]
        methods:
          - {id: g, method: mdsgd, beta: \(beta), sparsifier: {top-k: {k: \(k)}}, variant: \(variant), step: \(step)}
        run: {iterations: 300, seeds: 8, checkpoints: 10}
        bounds: [M1, M2]
        """
    }

    @Test("M2 applies to global momentum only, at η = (1−β)/(2L) from step: theory, and holds on the runs")
    func m2Holds() throws {
        let p = try Self.prepared(Self.mdsgd(beta: 0.2, k: 8))
        #expect(abs(p.methods[0].gamma - 0.8 / 8) <= 1e-9 * 0.1)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1))
        let m2 = try Self.checked(result, "M2")
        #expect(m2.verdict.verdict == .holds, "\(m2.verdict.reason)")
        #expect(m2.evaluation.notes["G2-measured"] != nil)
        // M1 says why it does not apply to the global variant; M2 never reaches a local one.
        #expect(try Self.checked(result, "M1").verdict.verdict == .notApplicable)
        let local = try Self.prepared(Self.mdsgd(beta: 0.2, k: 8, step: "0.05", variant: "local"))
        #expect(local.methods.isEmpty || !Catalog.standard.bounds(for: local.spec.methods[0], fileSelection: nil, userBounds: []).contains { $0.id == "M2" })
    }

    @Test("β + √(1−δ) ≥ 1 makes M2 not applicable with the numbers in words")
    func m2FeedbackCondition() throws {
        let result = try Self.result(Self.mdsgd(beta: 0.5, k: 3, step: "0.02"))
        let m2 = try Self.checked(result, "M2")
        #expect(m2.verdict.verdict == .notApplicable)
        #expect(m2.verdict.reason.contains("needs β + √(1−δ) < 1"), "\(m2.verdict.reason)")
    }

    @Test("M2's limits: δ = 1 leaves the momentum-lag term 2L²η²β²G²/(1−β)⁴; β = 0 the EF term 2L²η²G²q²/(1−q)²; it grows without bound as β + q → 1")
    func m2Limits() throws {
        let p = try Self.prepared(Self.mdsgd(beta: 0.2, k: 8))
        var c = BoundEvaluator.context(instance: p.instance, method: p.methods[0], spec: p.spec.methods[0], iterations: 300,
                                       measuredSecondMoment: 3)
        let L = c.L, eta = c.gamma, sigma2 = c.workerVariance, p4 = 4.0, D0 = c.D0
        func expected(beta: Double, q: Double, K: Double) -> Double {
            4 * (1 - beta) * D0 / (eta * K) + 2 * L * eta * sigma2 / ((1 - beta) * p4)
                + 2 * L * L * eta * eta * 3 * pow((q + beta) / ((1 - beta) * (1 - q - beta)), 2)
        }
        // δ = 1: Top-10 of 10.
        c.methodSpec.settings = Mdsgd(beta: 0.2, sparsifier: .topK(k: 10), variant: .global)
        #expect(abs(try M2().value(c, K: 50) - expected(beta: 0.2, q: 0, K: 50)) <= 1e-12 * expected(beta: 0.2, q: 0, K: 50))
        let lagOnly = 2 * L * L * eta * eta * 0.04 * 3 / pow(0.8, 4)
        #expect(abs((try M2().floor(c)) - (2 * L * eta * sigma2 / (0.8 * p4) + lagOnly)) <= 1e-12)
        // β = 0.
        c.methodSpec.settings = Mdsgd(beta: 0.2, sparsifier: .topK(k: 8), variant: .global)
        c.method.beta = 0
        let q = (1 - 0.8).squareRoot()
        #expect(abs(try M2().value(c, K: 50) - expected(beta: 0, q: q, K: 50)) <= 1e-12 * expected(beta: 0, q: q, K: 50))
        // β + q → 1.
        c.method.beta = 1 - q - 1e-6
        #expect(try M2().floor(c) > 1e9)
    }
}
