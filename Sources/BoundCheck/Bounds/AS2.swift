/// **AS-2 — biased SGD, μ-PL.**
///
///     E[f(xᴷ) − f*] ≤ (1 − γμ(1−m))ᴷ Δ₀ + (ζ² + Lγσ²)/(2μ(1−m))
///
/// Conditions: β = 1, γ ≤ 1/(L(M+1)), A3 (μ-PL), A4 with m < 1, A5, f* exact.
/// Kind: literature. Source: Ajalloeian and Stich 2020 (arXiv 2008.00051), PL theorem.
public struct AS2: Bound {
    public init() {}
    public let id = "AS-2"
    public let kind = BoundKind.literature
    public let source = "Ajalloeian & Stich 2020 (arXiv 2008.00051), biased SGD, μ-PL"
    public let metric = Metric.gap
    public let formula = "(1 − γμ(1−m))ᴷ Δ₀ + (ζ² + Lγσ²)/(2μ(1−m))"
    /// A1 (f*), A2 (L), A3 (μ), A4 (m, ζ²), A5 (M, σ²).
    public let assumptions: Set<String> = ["A1", "A2", "A3", "A4", "A5"]

    /// Plain SGD, and SGDM at β = 1 (which is plain SGD).
    public let provedFor: Set<MethodKind> = [.sgd, .sgdm]
    public func concerns(_ method: MethodSpec) -> Bool { method.isPlainSGD }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [Conditions.plConstant, Conditions.exactOptimum, Conditions.biasBelowOne, Conditions.varianceAvailable,
         Conditions.plainSGDStep]
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        let mu = Conditions.mu(c), oneMinusM = 1 - c.m
        let r = 1 - c.gamma * mu * oneMinusM
        return pow(r, K) * c.D0 + (c.zeta2 + c.L * c.gamma * Conditions.sigma2(c)) / (2 * mu * oneMinusM)
    }
}

#if canImport(Glibc)
import Glibc
#endif
