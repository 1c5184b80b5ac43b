import Testing
import BoundCheck
import BoundCheckTesting

// The built-in oracle stages pass the contract BoundCheckTesting gives users, and the contract
// catches a stage that declares too little.

private let builtIns: [(String, any OracleStage)] = [
    ("gaussian-noise s² = 0.5", GaussianNoise(variance: 0.5)),
    ("gaussian-noise s² = 0", GaussianNoise(variance: 0)),
    ("relative-noise s² = 0.3", RelativeNoise(variance: 0.3)),
    ("scale 0.7", Scale(factor: 0.7)),
    ("scale 1.6", Scale(factor: 1.6)),
    ("additive-bias 0.5", AdditiveBias(norm: 0.5)),
    ("top-k 1", TopK(k: 1)),
    ("top-k 3", TopK(k: 3)),
    ("rand-k 2", RandK(k: 2)),
    ("scaled-sign", ScaledSign()),
    ("clip relative τ = 0.8", Clip(tau: 0.8, rule: .relative)),
    ("clip absolute τ = 0.8", Clip(tau: 0.8, rule: .absolute)),
    ("composite (no composite objective: the identity)", CompositeSampling(innerSamples: 2, innerNoise: 1)),
]

/// Declares the noise of ``GaussianNoise`` at a quarter of its true value.
private struct UnderstatedNoise: OracleStage {
    static let name = "understated-noise"
    static let synopsis = OracleStageSynopsis(parameters: "", action: "u + ξ", randomness: "random", constants: "too small")
    init() {}
    init?(parameters: inout ParameterReader) { guard parameters.keys([]) else { return nil } }
    var isRandom: Bool { true }
    func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        GaussianNoise(variance: 0.25).propagate(input, worker: worker, environment: environment)
    }
    func makeState(environment: OracleEnvironment) -> Double { (1 / Double(environment.dimension)).squareRoot() }
    func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Double, workspace: StageWorkspace, rng: inout RandomStream) {
        rng.addGaussian(scale: state, to: u)
    }
}

/// Says it is a contraction with δ = 1 (the identity) but zeroes the vector.
private struct FalseContraction: OracleStage {
    static let name = "false-contraction"
    static let synopsis = OracleStageSynopsis(parameters: "", action: "0", randomness: "deterministic", constants: "δ = 1 (false)")
    init() {}
    init?(parameters: inout ParameterReader) { guard parameters.keys([]) else { return nil } }
    var isRandom: Bool { false }
    func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds { input }
    func declaredConstants(dimension: Int) -> OracleStageConstants { OracleStageConstants(delta: 1) }
    func makeState(environment: OracleEnvironment) {}
    func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace, rng: inout RandomStream) {
        for i in 0..<u.count { u[i] = 0 }
    }
}

@Suite("Oracle stage contract (BoundCheckTesting)")
struct StageContractTests {
    @Test("every built-in stage keeps its declared constants on random and adversarial inputs",
          arguments: builtIns.indices)
    func builtInsPass(_ index: Int) {
        let (label, stage) = builtIns[index]
        func run<S: OracleStage>(_ s: S) -> [OracleStageContract.Failure] { OracleStageContract.check(s, dimension: 8, samples: 3000) }
        let failures = run(stage)
        #expect(failures.isEmpty, "\(label): \(failures.prefix(3).map(\.description).joined(separator: "; "))")
    }

    @Test("the contract fails a stage declaring a quarter of its noise, and one declaring a false δ")
    func contractCatchesWrongDeclarations() {
        let noise = OracleStageContract.check(UnderstatedNoise(), dimension: 8, samples: 3000)
        #expect(noise.contains { $0.property.hasPrefix("noise") })
        let contraction = OracleStageContract.check(FalseContraction(), dimension: 8)
        #expect(contraction.contains { $0.property.hasPrefix("‖C(u) − u‖²") })
        #expect(contraction.contains { $0.property.hasPrefix("bias") })
    }

    @Test("the standard catalog lists exactly the nine built-in stages, each name once")
    func standardCatalog() {
        let names = Catalog.standard.oracleStages.map { $0.name }
        #expect(names == ["gaussian-noise", "relative-noise", "scale", "additive-bias", "top-k", "rand-k", "scaled-sign",
                          "clip", "composite"])
        #expect(Catalog.standard.oracleStageListText().contains("top-k"))
    }
}
