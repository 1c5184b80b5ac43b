/// **F2 — SGDM, μ-PL**, on the virtual iterate (`F2`, metric virtual-gap) and on x (`F2-x`,
/// metric gap).
///
///     E[f(zᴷ) − f*] ≤ rᴷΔ₀ + ζ²/(μ(1−m)) + Lγσ²/(μ(1−m)) + 6L²γ²(1−β)²σ²/(β²μ(1−m))
///     E[f(xᴷ) − f*] ≤ max{2, β/(3Lγ)} · (the same right-hand side)
///
/// with r = 1 − γμ(1−m)/2. Conditions: γ ≤ β/(5L(M+1)); A3 (μ-PL); A4 with m < 1; A5; f* exact;
/// v⁻¹ = 0.
///
/// The two are one group, `F2`: a file naming `F2` in `bounds:` or `expect:` selects both.
///
/// Kind: derived. Source: docs/bounds.md F2 (ρ = ½ step of F1, PL, a Lyapunov function
/// Ψᵏ = E[f(zᵏ) − f*] + (3γL²q²/β) E‖vᵏ⁻¹‖²; proof sketch in docs/bounds.md).
public struct F2: Bound {
    public let onX: Bool
    public init(onX: Bool) { self.onX = onX }
    public var id: String { onX ? "F2-x" : "F2" }
    /// Both variants form the group F2: naming `F2` selects both, `F2-x` only the variant on x.
    public let group = "F2"
    public let kind = BoundKind.derived
    public let source = "docs/bounds.md F2, derived for SGDM of Beikmohammadi, Khirirat & Magnússon (arXiv 2403.00853)"
    public var metric: Metric { onX ? .gap : .virtualGap }
    public var formula: String {
        let rhs = "rᴷΔ₀ + ζ²/(μ(1−m)) + Lγσ²/(μ(1−m)) + 6L²γ²(1−β)²σ²/(β²μ(1−m)), r = 1 − γμ(1−m)/2"
        return onX ? "max{2, β/(3Lγ)} · (\(rhs))" : rhs
    }
    /// A1 (f*), A2 (L), A3 (μ), A4 (m, ζ²), A5 (M, σ²).
    public let assumptions: Set<String> = ["A1", "A2", "A3", "A4", "A5"]

    public let provedFor: Set<MethodKind> = [.sgdm, .sgd]

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [Conditions.plConstant, Conditions.exactOptimum, Conditions.biasBelowOne, Conditions.varianceAvailable,
         Conditions.zeroInit,
         BoundCondition("γ ≤ β/(5L(M+1))", limitsStep: true) { $0.beta / (5 * $0.L * (Conditions.M($0) + 1)) - $0.gamma }]
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        let mu = Conditions.mu(c), oneMinusM = 1 - c.m, sigma2 = Conditions.sigma2(c)
        let L = c.L, gamma = c.gamma, beta = c.beta
        let r = 1 - gamma * mu * oneMinusM / 2
        let denominator = mu * oneMinusM
        let rhs = pow(r, K) * c.D0 + c.zeta2 / denominator + L * gamma * sigma2 / denominator
            + 6 * L * L * gamma * gamma * (1 - beta) * (1 - beta) * sigma2 / (beta * beta * denominator)
        return onX ? max(2, beta / (3 * L * gamma)) * rhs : rhs
    }
}

#if canImport(Glibc)
import Glibc
#endif
