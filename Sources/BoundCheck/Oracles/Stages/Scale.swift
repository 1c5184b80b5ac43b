/// `scale: {factor: c}` — c·u, 0 < c < 2.
///
/// Constants (docs/theory.md §5): the output's bias is c·b + (c − 1)∇fᵢ, so with ‖b‖² ≤ m x + ζ²
/// it is bounded by ``EstimateBounds/combine(_:_:_:_:)`` of (c²m, c²ζ²) and ((1 − c)², 0) —
/// alone, m = (1 − c)²; noise and second moment scale by c², a norm bound by |c|. Deterministic.
public struct Scale: OracleStage {
    public static let name = "scale"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{factor: c}", action: "c·u", randomness: "deterministic", constants: "bias m = (1 − c)²")

    public var factor: Double

    public init(factor: Double) { self.factor = factor }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["factor"]), let v = p.double("factor", .between(0, 2, lowOpen: true, highOpen: true)) else { return nil }
        factor = v
    }

    public var isRandom: Bool { false }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        let c = factor
        var out = input
        (out.biasM, out.biasZeta2) = EstimateBounds.combine(c * c * input.biasM, c * c * input.biasZeta2, (1 - c) * (1 - c), 0)
        out.noiseM *= c * c
        out.noiseSigma2 *= c * c
        out.secondP *= c * c
        out.secondQ *= c * c
        out.normBound = input.normBound.map { $0 * abs(c) }
        return out
    }

    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [("factor", factor)] }

    public func makeState(environment: OracleEnvironment) {}

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        Vec.scale(factor, u)
    }
}

extension AnyOracleStage {
    public static func scale(factor: Double) -> AnyOracleStage { AnyOracleStage(Scale(factor: factor)) }
}
