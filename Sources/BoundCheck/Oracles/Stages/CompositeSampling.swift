/// `composite: {inner-samples: m_in, inner-noise: σ_g}` — replaces the exact gradient of a
/// composite objective (1/N) Σ φ(aₛᵀx − yₛ) by the plug-in estimate with every inner value seen
/// through m_in noisy samples: each row's tanh(aₛᵀx − yₛ + σZ), σ = σ_g/√m_in, one draw per row.
///
/// Constants (docs/theory.md §5): per row, |E tanh(u + σZ) − tanh(u)| ≤ E|σZ| = σ√(2/π) (tanh is
/// 1-Lipschitz); averaging rows with Cauchy–Schwarz gives ζᵢ² = (2/π) S_g σ² with
/// S_g = (1/Nᵢ) Σ‖aₛ‖². The rows' noises are independent with variance ≤ σ²‖aₛ‖² each, so
/// σᵢ² = S_g σ²/Nᵢ; E‖g‖² = ‖E g‖² + Var ≤ 2‖∇fᵢ‖² + 2ζᵢ² + σᵢ². Random. It must be the first
/// stage, needs family composite, and M-DSGD cannot use it (its bounds need unbiased worker
/// gradients).
public struct CompositeSampling: OracleStage {
    public static let name = "composite"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{inner-samples: m_in, inner-noise: σ_g}", action: "inner values seen through m_in samples",
        randomness: "random", constants: "ζ² = (2/π)S_g σ_g²/m_in, σ² = S_g σ_g²/(m_in N)")

    public var innerSamples: Int
    public var innerNoise: Double

    public init(innerSamples: Int, innerNoise: Double) {
        self.innerSamples = innerSamples
        self.innerNoise = innerNoise
    }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["inner-samples", "inner-noise"]) else { return nil }
        let m = p.int("inner-samples", .atLeast(1), missing: "m_in, an integer ≥ 1")
        let s = p.double("inner-noise", .nonNegative, default: 1) ?? 1
        guard let m else { return nil }
        innerSamples = m
        innerNoise = s
    }

    public var isRandom: Bool { true }

    public func placementProblems(_ placement: StagePlacement) -> [String] {
        var problems: [String] = []
        if !placement.isFirst {
            problems.append("'composite' replaces the exact gradient, so it must be the first oracle stage")
        }
        if let family = placement.family, !(family is CompositeFamily) {
            problems.append("the composite oracle needs family composite (it samples the inner values of a composite objective), not \(family.name)")
        }
        return problems
    }

    public func unsupportedMethod(_ method: MethodKind, placement: StagePlacement) -> String? {
        // Placed elsewhere it is refused already.
        method == .mdsgd && placement.position == 0 ? "mdsgd with the composite oracle is not supported (its bounds need unbiased worker gradients); use sgdm or sgd, or another oracle" : nil
    }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        guard let c = environment.objective as? CompositeObjective else { return input }
        let s = c.data.meanRowNormSquared(worker: worker)
        let sigma2 = innerNoise * innerNoise / Double(innerSamples)
        var b = EstimateBounds()
        b.biasZeta2 = 2 / Double.pi * s * sigma2
        b.noiseSigma2 = s * sigma2 / Double(c.data.rowsPerWorker)
        b.secondP = 2
        b.secondQ = 2 * b.biasZeta2 + b.noiseSigma2
        b.normBound = environment.workerGradientBounds?[worker]
        b.deterministic = false
        return b
    }

    public struct State {
        let objective: CompositeObjective?
        let standardDeviation: Double
    }

    public func makeState(environment: OracleEnvironment) -> State {
        State(objective: environment.objective as? CompositeObjective,
              standardDeviation: innerNoise / Double(innerSamples).squareRoot())
    }

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout State, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        state.objective?.sampledWorkerGradient(workspace.worker, at: workspace.point,
                                               innerStandardDeviation: state.standardDeviation, rng: &rng, into: u)
    }
}

extension AnyOracleStage {
    public static func composite(innerSamples: Int, innerNoise: Double) -> AnyOracleStage {
        AnyOracleStage(CompositeSampling(innerSamples: innerSamples, innerNoise: innerNoise))
    }
}
