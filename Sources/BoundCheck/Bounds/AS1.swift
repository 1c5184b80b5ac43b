/// **AS-1 — biased SGD, nonconvex.**
///
///     avg-grad(K) ≤ 2Δ₀/(γ(1−m)K) + Lγσ²/(1−m) + ζ²/(1−m)
///
/// Conditions: β = 1 (plain SGD), γ ≤ 1/(L(M+1)), A4 with m < 1, A5.
/// Kind: literature. Source: Ajalloeian and Stich, *On the Convergence of SGD with Biased
/// Gradients* (arXiv 2008.00051), nonconvex theorem.
public struct AS1: Bound {
    public init() {}
    public let id = "AS-1"
    public let kind = BoundKind.literature
    public let source = "Ajalloeian & Stich 2020 (arXiv 2008.00051), biased SGD, nonconvex"
    public let metric = Metric.avgGrad
    public let formula = "2Δ₀/(γ(1−m)K) + Lγσ²/(1−m) + ζ²/(1−m)"
    /// A1 (f*), A2 (L), A4 (m, ζ²), A5 (M, σ²).
    public let assumptions: Set<String> = ["A1", "A2", "A4", "A5"]

    /// Plain SGD, and SGDM at β = 1 (which is plain SGD).
    public let provedFor: Set<MethodKind> = [.sgd, .sgdm]
    public func concerns(_ method: MethodSpec) -> Bool { method.isPlainSGD }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [Conditions.biasBelowOne, Conditions.varianceAvailable,
         Conditions.plainSGDStep]
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        let oneMinusM = 1 - c.m
        return 2 * c.D0 / (c.gamma * oneMinusM * K) + c.L * c.gamma * Conditions.sigma2(c) / oneMinusM + c.zeta2 / oneMinusM
    }
}
