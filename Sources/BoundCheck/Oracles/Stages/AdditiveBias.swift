/// `additive-bias: {norm: ζ}` — u + c with ‖c‖ = ζ, the same c on every worker and at every
/// iteration: a random direction drawn once from the problem's seed (its own instance stream).
///
/// Constants (docs/theory.md §5): the bias gains c, so ‖b + c‖² is bounded by
/// ``EstimateBounds/combine(_:_:_:_:)`` of the input's (m, ζ²) and (0, ζ²); the second moment
/// likewise gains (0, ζ²); a norm bound grows by ζ. Deterministic.
public struct AdditiveBias: OracleStage {
    public static let name = "additive-bias"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{norm: ζ}", action: "u + c, ‖c‖ = ζ (same c on every worker)", randomness: "deterministic",
        constants: "bias ζ² += ζ²")

    public var norm: Double

    public init(norm: Double) { self.norm = norm }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["norm"]), let v = p.double("norm", .nonNegative) else { return nil }
        norm = v
    }

    public var isRandom: Bool { false }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        var out = input
        out.addBias(m: 0, zeta2: norm * norm)
        (out.secondP, out.secondQ) = EstimateBounds.combine(input.secondP, input.secondQ, 0, norm * norm)
        out.normBound = input.normBound.map { $0 + norm }
        return out
    }

    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [("norm", norm)] }

    /// The bias vector c the stage adds on the problem of `environment`.
    public func biasVector(environment: OracleEnvironment) -> [Double] {
        var rng = RandomStream(key: StreamKey(problemSeed: environment.problemSeed, purpose: .instance, worker: 2))
        let direction = (0..<environment.dimension).map { _ in rng.nextGaussian() }
        let length = Vec.normSquared(direction).squareRoot()
        return direction.map { norm * $0 / length }
    }

    /// The bias vector, copied once per run.
    public func makeState(environment: OracleEnvironment) -> [Double] { biasVector(environment: environment) }

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state bias: inout [Double], workspace: StageWorkspace,
                      rng: inout RandomStream) {
        bias.withUnsafeBufferPointer { Vec.axpy(1, $0, u) }
    }
}

extension AnyOracleStage {
    public static func additiveBias(norm: Double) -> AnyOracleStage { AnyOracleStage(AdditiveBias(norm: norm)) }
}
