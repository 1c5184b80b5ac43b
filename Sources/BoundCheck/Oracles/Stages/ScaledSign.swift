/// `scaled-sign` — (‖u‖₁/d)·sign(u), sign(0) = 0 (`Compressors.scaledSign(_:)`).
///
/// Constants (docs/theory.md §5): a contraction with δ = 1/d: ‖C(u) − u‖² = ‖u‖² − ‖u‖₁²/d ≤
/// (1 − 1/d)‖u‖² since ‖u‖₁² ≥ ‖u‖², and ‖C(u)‖ = ‖u‖₁/√d ≤ ‖u‖; the bias and noise then follow
/// as for Top-K (``EstimateBounds/contract(delta:input:)``). Declares δ = 1/d. Deterministic.
public struct ScaledSign: OracleStage {
    public static let name = "scaled-sign"
    public static let synopsis = OracleStageSynopsis(
        parameters: "", action: "(‖u‖₁/d)·sign(u)", randomness: "deterministic", constants: "δ = 1/d; bias m += (1 − δ)P")
    public static let providedVariables: [OracleStageVariable] = [.delta]

    public init() {}

    public init?(parameters p: inout ParameterReader) {
        guard p.keys([]) else { return nil }
    }

    public var isRandom: Bool { false }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        var out = input
        out.contract(delta: 1 / Double(environment.dimension), input: input)
        return out
    }

    public func declaredConstants(dimension: Int) -> OracleStageConstants {
        OracleStageConstants(delta: 1 / Double(dimension))
    }

    public func makeState(environment: OracleEnvironment) {}

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        Compressors.scaledSign(u)
    }
}

extension AnyOracleStage {
    public static var scaledSign: AnyOracleStage { AnyOracleStage(ScaledSign()) }
}
