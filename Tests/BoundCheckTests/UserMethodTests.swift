import Testing
import BoundCheck

/// A method of a user's own, written against the public API only: Nesterov-style momentum,
/// vᵏ = (1 − β)vᵏ⁻¹ + βgᵏ, xᵏ⁺¹ = xᵏ − γ((1 − β)vᵏ + βgᵏ). Close to SGDM, but its own kind: it
/// must get none of SGDM's bounds. With β = 1 it is plain SGD, step for step.
private struct Nesterov: Method {
    static let name = "nesterov"
    static let kind = MethodKind(rawValue: "nesterov")
    static let synopsis = "beta ∈ (0, 1], step"
    static let keys = [MethodKey("beta", elsewhere: "'beta' applies to nesterov")]

    var beta: Double

    init?(parameters p: inout ParameterReader) {
        guard let beta = p.double("beta", .between(0, 1, lowOpen: true), missing: "the momentum weight β ∈ (0, 1]") else { return nil }
        self.beta = beta
    }

    var randomness: String? { nil }

    func makeRunner(_ setup: MethodSetup) -> any MethodRunning { Runner(beta: beta, setup: setup) }

    final class Runner: MethodRunning {
        let d: Int, gamma: Double, beta: Double, invN: Double
        let g: UnsafeMutableBufferPointer<Double>, v: UnsafeMutableBufferPointer<Double>

        init(beta: Double, setup: MethodSetup) {
            d = setup.dimension
            gamma = setup.gamma
            self.beta = beta
            invN = 1 / Double(setup.workers)
            g = .allocate(capacity: d)
            v = .allocate(capacity: d)
            g.initialize(repeating: 0)
            v.initialize(repeating: 0)
        }

        deinit {
            g.deallocate()
            v.deallocate()
        }

        func reset(start: UnsafeBufferPointer<Double>) { v.update(repeating: 0) }
        func beginIteration(_ k: Int) { g.update(repeating: 0) }
        func worker(_ i: Int, k: Int, estimate: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace,
                    rng: inout RandomStream, measurements: inout MethodMeasurements) {
            for j in 0..<d { g[j] += estimate[j] }
        }
        func endWorkerPass(_ k: Int) { for j in 0..<d { g[j] *= invN } }
        func virtualIterate(_ x: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double>? { nil }
        func stepNormSquared() -> Double { g.reduce(0) { $0 + $1 * $1 } }
        func step(_ x: UnsafeMutableBufferPointer<Double>, k: Int, measurements: inout MethodMeasurements) {
            for j in 0..<d {
                v[j] = (1 - beta) * v[j] + beta * g[j]
                x[j] -= gamma * ((1 - beta) * v[j] + beta * g[j])
            }
        }
    }
}

private func catalog() -> Catalog {
    var catalog = Catalog.standard
    catalog.name = "with-nesterov"
    catalog.register(method: Nesterov.self)
    return catalog
}

private let file = """
    name: nesterov-test
    problem: {family: quadratic, dimension: 6, workers: 2, heterogeneity: 1, spectrum: {min: 1, max: 4}}
    oracle:
      - gaussian-noise: {variance: 0.1}
    methods:
      - {method: sgdm, id: sgdm, beta: 0.5, step: 0.05}
      - {method: nesterov, id: nesterov, beta: 0.5, step: 0.05}
      - {method: nesterov, id: nesterov-one, beta: 1, step: 0.05}
      - {method: sgd, id: sgd, step: 0.05}
    run: {iterations: 60, seeds: 3, checkpoints: 6}
    """

@Suite("A method of a user's own joins through the catalog")
struct UserMethodTests {
    @Test("a registered method runs from a problem file, descends, and gets no bound proved for SGDM")
    func runsWithoutSGDMBounds() throws {
        let catalog = catalog()
        let spec = try SpecLoader(catalog: catalog).load(yaml: file, file: "nesterov.yaml")
        #expect(spec.methods.map(\.kind) == [.sgdm, MethodKind(rawValue: "nesterov"), MethodKind(rawValue: "nesterov"), .sgd])
        let prepared = try PreparedExperiment(spec: spec, catalog: catalog)
        let bounds = spec.methods.map { catalog.bounds(for: $0, fileSelection: nil, userBounds: []).map(\.id) }
        #expect(bounds[0].contains("F1"), "SGDM keeps its bounds: \(bounds[0])")
        #expect(bounds[1].isEmpty && bounds[2].isEmpty, "the new kind inherits nothing: \(bounds[1])")
        let traces = Experiment.run(prepared, jobs: 1)
        let nesterov = traces[1]
        let first = nesterov.statistics(.gap, at: 0).mean, last = nesterov.statistics(.gap, at: nesterov.checkpoints.count - 1).mean
        #expect(nesterov.divergedSeeds == 0 && last < first / 10, "gap \(first) → \(last)")
        // Without a virtual iterate the metric is not recorded.
        #expect(nesterov.values(.virtualGap, at: 0).isEmpty)
        // β = 1 is SGD: the same seeds give the same iterates (to round-off: x − γ(0·v + 1·g)).
        for c in nesterov.checkpoints.indices {
            for (a, b) in zip(traces[2].values(.gap, at: c), traces[3].values(.gap, at: c)) {
                #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "checkpoint \(c): \(a) vs \(b)")
            }
        }
    }

    @Test("its keys are read with the loader's positioned diagnostics, and other methods refuse them")
    func diagnostics() throws {
        let catalog = catalog()
        let bad = file.replacingOccurrences(of: "{method: nesterov, id: nesterov, beta: 0.5,", with: "{method: nesterov, id: nesterov, beta: 2,")
            .replacingOccurrences(of: "{method: sgd, id: sgd, step: 0.05}", with: "{method: sgd, id: sgd, init: zero, step: 0.05}")
        do {
            _ = try SpecLoader(catalog: catalog).load(yaml: bad, file: "bad.yaml")
            Issue.record("a β out of range loaded")
        } catch let errors as SpecErrors {
            let byPath = Dictionary(errors.diagnostics.map { ($0.keyPath, $0.message) }, uniquingKeysWith: { a, _ in a })
            #expect(byPath["methods[1].beta"]?.contains("2 is out of range") == true, "\(errors)")
            #expect(byPath["methods[3].init"] == "'init' applies to sgdm, ef21 and ef21-sgdm", "\(errors)")
        }
        #expect(catalog.methodListText().hasSuffix("  nesterov beta ∈ (0, 1], step"))
    }
}
