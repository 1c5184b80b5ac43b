import Testing
import BoundCheck

/// A stage the standard catalog does not have.
private struct Halve: OracleStage {
    static let name = "halve"
    static let synopsis = OracleStageSynopsis(parameters: "", action: "u/2", randomness: "deterministic", constants: "m = ¼")
    init() {}
    init?(parameters: inout ParameterReader) { guard parameters.keys([]) else { return nil } }
    var isRandom: Bool { false }
    func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        Scale(factor: 0.5).propagate(input, worker: worker, environment: environment)
    }
    func makeState(environment: OracleEnvironment) {}
    func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace, rng: inout RandomStream) {
        for i in 0..<u.count { u[i] *= 0.5 }
    }
}

private let file = """
name: halve-test
problem: {family: quadratic, dimension: 4, workers: 2, heterogeneity: 1, spectrum: {min: 1, max: 2}}
oracle:
  - halve
methods:
  - {method: sgd, step: 0.1}
run: {iterations: 10, seeds: 1, checkpoints: 2}
"""

@Suite("The catalog drives the oracle parser")
struct OracleCatalogTests {
    @Test("a registered stage is accepted in oracle: lists; without it the name is refused with the catalog's names")
    func registeredStageIsAccepted() throws {
        var catalog = Catalog.standard
        catalog.register(Halve.self)
        let spec = try SpecLoader(catalog: catalog).load(yaml: file, file: "halve.yaml")
        #expect(spec.oracle == [AnyOracleStage(Halve())])
        #expect(catalog.oracleStageListText().contains("halve"))
        do {
            _ = try SpecLoader().load(yaml: file, file: "halve.yaml")
            Issue.record("the standard catalog accepted an unregistered stage")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.map(\.message) == ["unknown oracle 'halve'; valid: gaussian-noise, relative-noise, scale, additive-bias, top-k, rand-k, scaled-sign, clip, composite"])
        }
    }
}
