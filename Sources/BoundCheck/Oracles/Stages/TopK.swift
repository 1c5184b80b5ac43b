/// `top-k: {k: K} | {fraction: f}` — keeps the K entries of largest magnitude (ties broken by
/// index, the lower kept) and zeroes the rest (`Compressors.topK(_:k:scratch:)`).
///
/// Constants (docs/theory.md §5): Top-K is a contraction with δ = K/d, ‖C(u) − u‖² ≤ (1 − δ)‖u‖²
/// (the d − K dropped entries are the smallest, so their share of ‖u‖² is at most (d − K)/d),
/// and ‖C(u)‖ ≤ ‖u‖. Hence ‖E[C(g) − g]‖² ≤ E‖C(g) − g‖² ≤ (1 − δ) E‖g‖², added to the bias by
/// ``EstimateBounds/contract(delta:input:)``; the output's noise is at most its second moment
/// E‖g‖² (zero if g is deterministic). Declares δ = K/d. Deterministic.
public struct TopK: OracleStage {
    public static let name = "top-k"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{k: K} | {fraction: f}", action: "keep the K largest entries (ties by index)",
        randomness: "deterministic", constants: "δ = K/d; bias m += (1 − δ)P")
    public static let providedVariables: [OracleStageVariable] = [.delta]

    public var k: Int

    public init(k: Int) { self.k = k }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["k", "fraction"]), let k = p.coordinateCount() else { return nil }
        self.k = k
    }

    public var isRandom: Bool { false }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        var out = input
        out.contract(delta: Double(k) / Double(environment.dimension), input: input)
        return out
    }

    public func declaredConstants(dimension: Int) -> OracleStageConstants {
        OracleStageConstants(delta: Double(k) / Double(dimension))
    }

    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [("k", Double(k))] }

    public func makeState(environment: OracleEnvironment) -> TopKState { TopKState(workers: environment.workers) }

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout TopKState, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        let worker = workspace.worker
        if worker >= 0 && worker < state.hints.count {
            Compressors.topK(u, k: k, scratch: workspace.scratch, hint: &state.hints[worker], support: workspace.support)
        } else {
            Compressors.topK(u, k: k, scratch: workspace.scratch)
        }
    }
}

/// The `top-k` stage's state for one run: per worker, the previous call's exact threshold, from
/// which the next call collects a short candidate list in one vectorized pass
/// (docs/performance.md). It changes the cost of Top-K, never its result.
public struct TopKState: Sendable {
    var hints: [TopKHint]

    init(workers: Int) { hints = [TopKHint](repeating: TopKHint(), count: max(workers, 0)) }
}

extension AnyOracleStage {
    public static func topK(k: Int) -> AnyOracleStage { AnyOracleStage(TopK(k: k)) }
}
