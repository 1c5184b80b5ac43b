/// **EF21-NC — EF21, nonconvex, exact gradients.**
///
///     (1/T) Σ_{t<T} ‖∇f(xᵗ)‖² ≤ 2Δ₀/(γT) + G⁰/(θT)
///
/// Conditions: the oracle is exact (deterministic, unbiased: the theorem is for full worker
/// gradients); the compressor is deterministic and contractive, ‖C(u) − u‖² ≤ (1 − α)‖u‖² with α
/// its declared δ (Top-K: K/d); L̃ = √((1/n) Σᵢ Lᵢ²) is known for the family; and
/// γ ≤ 1/(L + L̃√(β̃/θ)) with θ = 1 − √(1 − α), β̃ = (1 − α)/(1 − √(1 − α)). G⁰ = (1/n) Σᵢ
/// ‖gᵢ⁰ − ∇fᵢ(x⁰)‖² is computed exactly before the runs (0 under `init: gradient`).
///
/// Kind: literature. Source: Richtárik, Sokolov and Fatkhullin 2021, *EF21: A New, Simpler,
/// Theoretically Better, and Practically Faster Error Feedback*, Theorem 1 — the statement as two
/// third-party restatements and the authors' experiment code give it, not checked against the
/// paper's text (docs/theory.md, "EF21").
public struct EF21NC: Bound {
    public init() {}
    public let id = "EF21-NC"
    public let kind = BoundKind.literature
    public let source = "Richtárik, Sokolov, Fatkhullin 2021 (arXiv 2106.05203), Thm 1, as restated by two third-party sources and the authors' experiment code; not checked against the paper's text"
    public let metric = Metric.avgGrad
    public let formula = "2Δ₀/(γT) + G⁰/(θT)"
    /// A1 (f*, through Δ₀), A2 (L).
    public let assumptions: Set<String> = ["A1", "A2"]
    public let provedFor: Set<MethodKind> = [.ef21]

    /// α of the method's compressor, when it declares one.
    static func alpha(_ c: BoundContext) -> Double? {
        (c.method.settings as? Ef21)?.contraction(dimension: c.dimension)
    }

    static func theta(_ c: BoundContext) -> Double { alpha(c).map(Ef21Constants.theta) ?? .nan }
    static func betaTilde(_ c: BoundContext) -> Double { alpha(c).map(Ef21Constants.betaTilde) ?? .nan }

    /// The conditions EF21's two bounds share (everything but the step).
    static func common(_ c: BoundContext) -> [BoundCondition] {
        [BoundCondition("exact gradients (a deterministic, unbiased oracle)", unmet: { _ in
            "needs exact worker gradients (the theorem is for full gradients), but the oracle is random or biased"
         }) { $0.deterministicOracle && $0.unbiasedOracle ? 1 : -1 },
         BoundCondition("a deterministic contractive compressor (declares α)", unmet: { _ in
            "needs a deterministic compressor with a declared contraction α (e.g. top-k)"
         }) { c in
            guard let ef21 = c.method.settings as? Ef21, alpha(c).map({ $0 > 0 && $0 <= 1 }) == true else { return -1 }
            return ef21.compressor.isRandom ? -1 : 1
         },
         BoundCondition("L̃ = √((1/n) Σ Lᵢ²) known for the family", unmet: { _ in
            "needs L̃ = √((1/n) Σ Lᵢ²), which this family does not give"
         }) { $0.workerSmoothness == nil ? -1 : 1 }]
    }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        Self.common(c) + [
            BoundCondition("γ ≤ 1/(L + L̃√(β̃/θ))", limitsStep: true) { c in
                1 / (c.L + (c.workerSmoothness ?? .nan) * (Self.betaTilde(c) / Self.theta(c)).squareRoot()) - c.gamma
            }]
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        guard let g0 = c.initialDistortion else { throw BoundError(bound: id, message: "G⁰ is not known") }
        return 2 * c.D0 / (c.gamma * K) + g0 / (Self.theta(c) * K)
    }

    public func notes(_ c: BoundContext) -> [String: Double] {
        var notes = ["theta": Self.theta(c), "beta-tilde": Self.betaTilde(c)]
        if let a = Self.alpha(c) { notes["alpha"] = a }
        if let l = c.workerSmoothness { notes["L-tilde"] = l }
        if let g0 = c.initialDistortion { notes["G0"] = g0 }
        return notes
    }
}
