import BoundCheck
import BoundCheckTesting
import StochasticRounding
import Testing

@Suite("stochastic-rounding")
struct StochasticRoundingTests {
    @Test("keeps its declared constants (BoundCheckTesting's contract) for coarse and fine grids", arguments: [0.5, 0.05, 1e-3])
    func contract(step: Double) {
        let failures = OracleStageContract.check(StochasticRounding(step: step), dimension: 8, samples: 4000)
        #expect(failures.isEmpty, "\(failures.prefix(3).map(\.description).joined(separator: "; "))")
    }

    @Test("the contract catches a declaration of half the rounding noise")
    func understatedNoiseFails() {
        struct Understated: OracleStage {
            static let name = "understated-rounding"
            static let synopsis = OracleStageSynopsis(parameters: "", action: "", randomness: "random", constants: "")
            let inner = StochasticRounding(step: 0.5)
            init() {}
            init?(parameters: inout ParameterReader) { nil }
            var isRandom: Bool { true }
            func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
                var out = inner.propagate(input, worker: worker, environment: environment)
                out.noiseSigma2 = input.noiseSigma2 + Double(environment.dimension) * 0.25 * 0.25 / 4 / 8
                return out
            }
            func makeState(environment: OracleEnvironment) {}
            func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace, rng: inout RandomStream) {
                var none: Void = ()
                inner.apply(u, state: &none, workspace: workspace, rng: &rng)
            }
        }
        #expect(OracleStageContract.check(Understated(), dimension: 8, samples: 4000).contains { $0.property.hasPrefix("noise") })
    }

    @Test("the extended catalog reads the stage from a problem file; the standard one refuses it with its names")
    func registration() throws {
        let yaml = """
        name: t
        problem: {family: quadratic, dimension: 10, workers: 2, heterogeneity: 0.5, spectrum: {min: 0.5, max: 4}}
        oracle:
          - top-k: {k: 5}
          - stochastic-rounding: {step: 0.1}
        methods:
          - {method: sgd, step: 0.1}
        run: {iterations: 10, seeds: 2, checkpoints: 2}
        """
        let spec = try SpecLoader(catalog: .withStochasticRounding).load(yaml: yaml, file: "t.yaml")
        #expect(spec.oracle == [.topK(k: 5), AnyOracleStage(StochasticRounding(step: 0.1))])
        #expect(throws: SpecErrors.self) { try SpecLoader().load(yaml: yaml, file: "t.yaml") }
    }
}
