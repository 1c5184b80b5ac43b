import Foundation
import Testing
@testable import BoundCheck

private func yaml(oracle: String = "[]", methods: String, iterations: Int = 300, seeds: Int = 1, d: Int = 12) -> String {
    """
    name: ef21-test
    seed: 5
    problem: {family: quadratic, dimension: \(d), workers: 4, heterogeneity: 1, start: {scale: 2}, spectrum: {min: 0.5, max: 4}}
    oracle: \(oracle)
    methods:
    \(methods)
    run: {iterations: \(iterations), seeds: \(seeds), checkpoints: 12}
    """
}

private func prepare(_ text: String) throws -> PreparedExperiment {
    try PreparedExperiment(spec: try SpecLoader().load(yaml: text, file: "ef21.yaml"))
}

@Suite("EF21 and EF21-SGDM")
struct Ef21Tests {
    @Test("EF21 with the identity compressor (top-k, k = d) is gradient descent, to round-off")
    func identityCompressorIsGD() throws {
        let prepared = try prepare(yaml(methods: """
              - {method: ef21, id: ef21, compressor: {top-k: {k: 12}}, step: 0.1}
              - {method: sgd, id: gd, step: 0.1}
            """))
        let traces = Experiment.run(prepared, jobs: 1)
        for c in traces[0].checkpoints.indices {
            let a = traces[0].statistics(.gap, at: c).mean, b = traces[1].statistics(.gap, at: c).mean
            #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "checkpoint \(c): \(a) vs \(b)")
        }
    }

    @Test("the Lyapunov metric at k = 0 is Δ₀ + (γ/θ)G⁰, G⁰ computed exactly before the runs")
    func lyapunovAtStart() throws {
        let prepared = try prepare(yaml(methods: "  - {method: ef21, compressor: {top-k: {k: 3}}, step: 0.05}"))
        let method = prepared.methods[0]
        let context = BoundEvaluator.context(instance: prepared.instance, method: method, spec: prepared.spec.methods[0],
                                             iterations: 300, measuredSecondMoment: nil)
        let g0 = try #require(context.initialDistortion)
        #expect(g0 > 0)
        let theta = 1 - (1 - 3.0 / 12).squareRoot()
        let expected = context.D0 + 0.05 / theta * g0
        let trace = Experiment.run(prepared, jobs: 1)[0]
        let recorded = trace.statistics(.lyapunov, at: 0).mean
        #expect(abs(recorded - expected) <= 1e-12 * expected, "\(recorded) vs \(expected)")
        // Not recorded at the last checkpoint (gᵢᴷ would need another pass), nor by other methods.
        #expect(trace.statistics(.lyapunov, at: trace.checkpoints.count - 1).count == 0)
        // init: gradient starts with G⁰ = 0.
        let exactStart = Ef21(compressor: .topK(k: 3), start: .gradient)
        #expect(exactStart.initialDistortion(instance: prepared.instance) == 0)
    }

    @Test("EF21-NC and EF21-PL hold at their theory steps on exact gradients, and step: theory uses them")
    func boundsHoldOnExactGradients() throws {
        let prepared = try prepare(yaml(methods: "  - {method: ef21, compressor: {top-k: {k: 3}}, step: theory}", iterations: 400))
        let traces = Experiment.run(prepared, jobs: 1)
        let result = try Experiment.judge(prepared, traces: traces)
        let bounds = result.methods[0].bounds
        #expect(Set(bounds.map(\.evaluation.id)) == ["EF21-NC", "EF21-PL"])
        for b in bounds {
            #expect(b.evaluation.failedConditions.isEmpty, "\(b.evaluation.id): \(b.evaluation.failedConditions)")
            #expect(b.verdict.verdict == .holds, "\(b.evaluation.id): \(b.verdict.verdict) \(b.verdict.reason)")
        }
        // The theory step is the smaller of the two bounds' limits: L̃ = L = 4 on this quadratic.
        let alpha = 3.0 / 12, theta = 1 - (1 - alpha).squareRoot(), betaTilde = (1 - alpha) / theta
        let nc = 1 / (4 + 4 * (betaTilde / theta).squareRoot())
        let pl = min(1 / (4 + 4 * (2 * betaTilde / theta).squareRoot()), theta / (2 * 0.5))
        #expect(abs(prepared.methods[0].gamma - min(nc, pl)) <= 1e-9 * min(nc, pl), "γ = \(prepared.methods[0].gamma)")
    }

    @Test("with a noisy oracle EF21 runs, and its bounds are not applicable (they are for exact gradients)")
    func noisyOracleNotApplicable() throws {
        let prepared = try prepare(yaml(oracle: "\n  - gaussian-noise: {variance: 0.1}",
                                        methods: "  - {method: ef21, compressor: {top-k: {k: 3}}, step: 0.05}", seeds: 2))
        let evaluations = prepared.evaluateBounds(traces: nil)[0]
        #expect(evaluations.count == 2)
        for e in evaluations { #expect(e.failedConditions.contains { $0.contains("exact worker gradients") }, "\(e.id)") }
    }

    @Test("EF21-SGDM with η = 1 is EF21; it gets no catalog bound; its keys are checked")
    func ef21SgdmReducesToEF21() throws {
        let prepared = try prepare(yaml(oracle: "\n  - gaussian-noise: {variance: 0.1}", methods: """
              - {method: ef21, id: ef21, compressor: {top-k: {k: 3}}, step: 0.05}
              - {method: ef21-sgdm, id: one, eta: 1, compressor: {top-k: {k: 3}}, step: 0.05}
              - {method: ef21-sgdm, id: momentum, eta: 0.1, compressor: {top-k: {k: 3}}, step: 0.05}
            """, seeds: 2))
        #expect(Catalog.standard.bounds(for: prepared.spec.methods[2], fileSelection: nil, userBounds: []).isEmpty)
        let traces = Experiment.run(prepared, jobs: 1)
        for c in traces[0].checkpoints.indices {
            #expect(traces[0].values(.gap, at: c) == traces[1].values(.gap, at: c), "checkpoint \(c)")
        }
        #expect(traces[2].values(.gap, at: 0) == traces[0].values(.gap, at: 0))
        #expect(traces[2].values(.gap, at: 5) != traces[0].values(.gap, at: 5))
        do {
            _ = try SpecLoader().load(yaml: yaml(methods: "  - {method: ef21-sgdm, eta: 0, compressor: {top-k: {k: 30}}, step: 0.05}"), file: "bad.yaml")
            Issue.record("loaded")
        } catch let errors as SpecErrors {
            let paths = Set(errors.diagnostics.map(\.keyPath))
            #expect(paths.contains("methods[0].eta") && paths.contains("methods[0].compressor.top-k.k"), "\(errors)")
        }
    }

    @Test("EF21's bounds: floor 0 as K → ∞, decreasing in K, and at α = 1 (no compression) the GD step 1/L")
    func limitCases() throws {
        let prepared = try prepare(yaml(methods: "  - {method: ef21, compressor: {top-k: {k: 3}}, step: 0.02}"))
        let context = BoundEvaluator.context(instance: prepared.instance, method: prepared.methods[0], spec: prepared.spec.methods[0],
                                             iterations: 300, measuredSecondMoment: nil)
        for bound in [EF21NC(), EF21PL()] as [any Bound] {
            #expect(try bound.floor(context) == 0, "\(bound.id)")
            var previous = Double.infinity
            for K in [1.0, 10, 100, 1000] {
                let v = try bound.value(context, K: K)
                #expect(v > 0 && v < previous, "\(bound.id) at K = \(K): \(v)")
                previous = v
            }
        }
        // Top-d is the identity: α = 1, θ = 1, β̃ = 0, so EF21-NC allows γ up to 1/L.
        let identity = try prepare(yaml(methods: "  - {method: ef21, compressor: {top-k: {k: 12}}, step: theory}", iterations: 50))
        let gamma = identity.methods[0].gamma
        #expect(abs(gamma - min(1.0 / 4, 1 / (2 * 0.5))) <= 1e-9, "γ = \(gamma)")
    }

    @Test("a key only other methods read is refused: with its method's message when one reads it, else naming all that do")
    func foreignKeys() throws {
        let text = yaml(methods: """
              - {method: mdsgd, sparsifier: scaled-sign, compressor: {top-k: {k: 3}}, init: zero, step: 0.05}
              - {method: ef21, compressor: {top-k: {k: 3}}, momentum: server, eta: 0.5, step: 0.05}
            """)
        do {
            _ = try SpecLoader().load(yaml: text, file: "bad.yaml")
            Issue.record("loaded")
        } catch let errors as SpecErrors {
            let byPath = Dictionary(errors.diagnostics.map { ($0.keyPath, $0.message) }, uniquingKeysWith: { a, _ in a })
            #expect(byPath["methods[0].compressor"] == "'compressor' applies to ef21 and ef21-sgdm", "\(errors)")
            #expect(byPath["methods[0].init"] == "'init' applies to sgdm, ef21 and ef21-sgdm", "\(errors)")
            #expect(byPath["methods[1].momentum"] == "'momentum' (server or worker) applies to sgdm only", "\(errors)")
            #expect(byPath["methods[1].eta"] == "'eta' (the worker momentum weight) applies to ef21-sgdm only", "\(errors)")
            #expect(errors.diagnostics.count == 4, "\(errors)")
        }
    }
}
