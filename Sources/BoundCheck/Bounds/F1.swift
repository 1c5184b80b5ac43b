import GSL

/// **F1 — SGDM, nonconvex.**
///
///     avg-grad(K) ≤ 2Δ₀/(γ(1−m)K) + ζ²/(1−m) + (Lγσ²/(1−m))·(1 + Lγ(1−β)²/(ρβ²))
///
/// for any ρ ∈ (0, 1) with 1 − ρ − Lγ(M+1) ≥ L²q²(M+1)/ρ, q = γ(1−β)/β.
///
/// Conditions: β ∈ (0, 1]; such a ρ exists, i.e. 1 − Lγ(M+1) ≥ 2Lq√(M+1) (the condition's
/// left side minus its right is largest at ρ = Lq√(M+1)); A4 with m < 1; A5; v⁻¹ = 0, or
/// `init: first-gradient` with a deterministic g⁰, where 2Δ₀ becomes
/// 2(f(z⁰) − f*) + γL²q²‖g⁰‖²/(ρβ), z⁰ = x⁰ − q g⁰.
///
/// ρ: the bound decreases in ρ, so the best admissible ρ is the upper end of the admissible
/// interval, the larger root of ρ² − (1 − Lγ(M+1))ρ + L²q²(M+1) = 0, found with GSL's Brent
/// root finder on [√(L²q²(M+1)), 1 − Lγ(M+1)]. At β = 1 (q = 0) the ρ-term vanishes and F1 is
/// exactly AS-1 (condition Lγ(M+1) ≤ 1). γ ≤ β/(4L(M+1)) always admits ρ = ½.
///
/// Kind: derived. Source: docs/bounds.md F1 (descent lemma on the virtual iterate; proof sketch
/// in docs/bounds.md), for the method of Beikmohammadi, Khirirat and Magnússon (arXiv 2403.00853).
public struct F1: Bound {
    public init() {}
    public let id = "F1"
    public let kind = BoundKind.derived
    public let source = "docs/bounds.md F1, derived for SGDM of Beikmohammadi, Khirirat & Magnússon (arXiv 2403.00853)"
    public let metric = Metric.avgGrad
    public let formula = "2Δ₀/(γ(1−m)K) + ζ²/(1−m) + (Lγσ²/(1−m))(1 + Lγ(1−β)²/(ρβ²)), best admissible ρ"
    /// A1 (f*), A2 (L), A4 (m, ζ²), A5 (M, σ²).
    public let assumptions: Set<String> = ["A1", "A2", "A4", "A5"]

    public let provedFor: Set<MethodKind> = [.sgdm, .sgd]

    static func q(_ c: BoundContext) -> Double { c.gamma * (1 - c.beta) / c.beta }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        var list = [Conditions.biasBelowOne, Conditions.varianceAvailable,
                    BoundCondition("an admissible ρ exists: 1 − Lγ(M+1) ≥ 2Lq√(M+1), q = γ(1−β)/β", limitsStep: true, unmet: { _ in
                        "needs an admissible ρ, 1 − Lγ(M+1) ≥ 2Lq√(M+1) with q = γ(1−β)/β, which fails at this γ (a smaller step would satisfy it)"
                    }) { c in
                        let M1 = Conditions.M(c) + 1
                        return 1 - c.L * c.gamma * M1 - 2 * c.L * F1.q(c) * M1.squareRoot()
                    }]
        if (c.method.settings as? Sgdm)?.initialization == .firstGradient {
            list.append(BoundCondition("init: first-gradient needs a deterministic g⁰ (no random oracle stage)", unmet: { _ in
                "init: first-gradient needs a deterministic g⁰, but the oracle has a random stage"
            }) {
                $0.deterministicOracle && $0.firstGradientGap != nil ? 1 : -1
            })
        }
        return list
    }

    /// The best admissible ρ (nil at β = 1, where ρ plays no part).
    public static func optimalRho(_ c: BoundContext) throws -> Double? {
        let q = Self.q(c)
        if q == 0 { return nil }
        let M1 = Conditions.M(c) + 1
        let a = c.L * c.gamma * M1
        let b = c.L * c.L * q * q * M1
        let lower = b.squareRoot(), upper = 1 - a
        guard upper > lower else {
            throw BoundError(bound: "F1", message: "no admissible ρ (1 − Lγ(M+1) < 2Lq√(M+1))")
        }
        let h: (Double) -> Double = { rho in 1 - rho - a - b / rho }
        // At the largest admissible γ the interval shrinks to the point √b, where h = 0 up to round-off.
        if h(lower) <= 1e-12 { return lower }
        return try GSL.findRoot(in: lower, upper, context: "F1: best admissible ρ", h)
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        let oneMinusM = 1 - c.m
        let sigma2 = Conditions.sigma2(c)
        let rho = try Self.optimalRho(c)
        let momentumFactor = rho.map { 1 + c.L * c.gamma * (1 - c.beta) * (1 - c.beta) / ($0 * c.beta * c.beta) } ?? 1
        var twiceD0 = 2 * c.D0
        if (c.method.settings as? Sgdm)?.initialization == .firstGradient, let gap = c.firstGradientGap, let g0 = c.firstGradientNorm2 {
            let q = Self.q(c)
            twiceD0 = 2 * gap + (rho.map { c.gamma * c.L * c.L * q * q * g0 / ($0 * c.beta) } ?? 0)
        }
        return twiceD0 / (c.gamma * oneMinusM * K) + c.zeta2 / oneMinusM + c.L * c.gamma * sigma2 / oneMinusM * momentumFactor
    }

    public func notes(_ c: BoundContext) -> [String: Double] {
        guard let rho = try? Self.optimalRho(c) else { return [:] }
        return ["rho": rho]
    }
}
