/// **EF21-PL — EF21, μ-PL, exact gradients, on its Lyapunov quantity.**
///
///     f(xᵀ) − f* + (γ/θ)Gᵀ ≤ (1 − γμ)ᵀ (Δ₀ + (γ/θ)G⁰),   Gᵗ = (1/n) Σᵢ ‖gᵢᵗ − ∇fᵢ(xᵗ)‖²
///
/// Conditions: those of ``EF21NC`` (exact oracle, deterministic contractive compressor, L̃
/// known), a PL constant μ > 0, f* exact, and γ ≤ min{1/(L + L̃√(2β̃/θ)), θ/(2μ)}. The metric is
/// `lyapunov`, which EF21 runs record at every checkpoint before the last (gᵢᵀ at the last
/// iterate would need one more pass), so the bound is stated there.
///
/// Kind: literature. Source: Richtárik, Sokolov and Fatkhullin 2021, Theorem 2 — the statement
/// as two third-party restatements and the authors' experiment code give it, not checked against
/// the paper's text (docs/theory.md, "EF21").
public struct EF21PL: Bound {
    public init() {}
    public let id = "EF21-PL"
    public let kind = BoundKind.literature
    public let source = "Richtárik, Sokolov, Fatkhullin 2021 (arXiv 2106.05203), Thm 2, as restated by two third-party sources and the authors' experiment code; not checked against the paper's text"
    public let metric = Metric.lyapunov
    public let formula = "(1 − γμ)ᵀ(Δ₀ + (γ/θ)G⁰)"
    /// A1 (f*), A2 (L), A3 (μ).
    public let assumptions: Set<String> = ["A1", "A2", "A3"]
    public let provedFor: Set<MethodKind> = [.ef21]

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        EF21NC.common(c) + [
            Conditions.plConstant,
            Conditions.exactOptimum,
            BoundCondition("γ ≤ 1/(L + L̃√(2β̃/θ))", limitsStep: true) { c in
                1 / (c.L + (c.workerSmoothness ?? .nan) * (2 * EF21NC.betaTilde(c) / EF21NC.theta(c)).squareRoot()) - c.gamma
            },
            BoundCondition("γ ≤ θ/(2μ)", limitsStep: true) { c in EF21NC.theta(c) / (2 * Conditions.mu(c)) - c.gamma }]
    }

    public func isStated(at k: Int, context: BoundContext) -> Bool { k < context.iterations }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        guard let g0 = c.initialDistortion else { throw BoundError(bound: id, message: "G⁰ is not known") }
        let start = c.D0 + c.gamma / EF21NC.theta(c) * g0
        return K.isInfinite ? 0 : pow(1 - c.gamma * Conditions.mu(c), K) * start
    }

    public func notes(_ c: BoundContext) -> [String: Double] { EF21NC().notes(c) }
}

#if canImport(Glibc)
import Glibc
#endif
