#if canImport(Glibc)
import Glibc
#endif

/// **dKGT — gradient descent with a relatively inexact direction, μ-strongly convex.**
///
///     f(xᴷ) − f* ≤ ((L_ε − μ_ε)/(L_ε + μ_ε))^{2K} (f(x⁰) − f*),   L_ε = (1+ε)L, μ_ε = (1−ε)μ
///
/// for x^{k+1} = xᵏ − γ dᵏ with ‖dᵏ − ∇f(xᵏ)‖ ≤ ε‖∇f(xᵏ)‖ at every k, f μ-strongly convex and
/// L-smooth, and the step γ = 2/(L_ε + μ_ε). The theorem is one step; the K-step form applies it
/// at each step (each step meets the same hypothesis).
///
/// Conditions (each failing one is said in words): plain gradient descent (`sgd`, or `sgdm` at
/// β = 1); one worker; a deterministic oracle (no random stage: the direction is a function of
/// x); a strongly convex family (a PL constant is not enough: a quadratic with zero eigenvalues
/// is PL but not strongly convex); the oracle's error relative, A4 with ζ² = 0, so that
/// ε = √m (Top-K of the exact gradient: ε = √(1 − K/d); scale c: ε = |1 − c|; Top-K then
/// scale: ε = c√(1 − K/d) + |1 − c|); ε < 1; f* exact; and γ = 2/(L_ε + μ_ε). The bound
/// *prescribes* that step: `step: theory` takes it where the other conditions hold, and any
/// other step makes the bound not applicable.
///
/// Kind: literature. Source: de Klerk, Glineur and Taylor, *Worst-case convergence analysis of
/// inexact gradient and Newton methods through semidefinite programming performance
/// estimation*, SIAM J. Optim. 30(3), 2020, Theorem 5.3. The rate is attained on a quadratic by
/// an adversarial direction (docs/bounds.md, dKGT).
public struct DKGT: Bound {
    public init() {}
    public let id = "dKGT"
    public let kind = BoundKind.literature
    public let source = "de Klerk, Glineur & Taylor, SIAM J. Optim. 30(3) 2020, Theorem 5.3 (one step, applied at each of the K steps)"
    public let metric = Metric.gap
    public let formula = "((L_ε − μ_ε)/(L_ε + μ_ε))^{2K} Δ₀, L_ε = (1+ε)L, μ_ε = (1−ε)μ, ε = √m, γ = 2/(L_ε + μ_ε)"
    /// A1 (f*), A2 (L), A3 (μ), A4 (m = ε², ζ² = 0).
    public let assumptions: Set<String> = ["A1", "A2", "A3", "A4"]

    /// Plain gradient descent, and SGDM at β = 1 (the same iteration).
    public let provedFor: Set<MethodKind> = [.sgd, .sgdm]
    public func concerns(_ method: MethodSpec) -> Bool { method.isPlainSGD }

    public let stepRule = BoundStepRule.prescribes(formula: "2/(L_ε + μ_ε)")

    /// ε = √m, the relative error of the direction (A4 with ζ² = 0 and one worker).
    public static func epsilon(_ c: BoundContext) -> Double { c.m.squareRoot() }

    /// (L_ε, μ_ε, ρ = (L_ε − μ_ε)/(L_ε + μ_ε)).
    public static func constants(_ c: BoundContext) -> (L: Double, mu: Double, rho: Double) {
        let eps = epsilon(c)
        let L = (1 + eps) * c.L, mu = (1 - eps) * Conditions.mu(c)
        return (L, mu, (L - mu) / (L + mu))
    }

    public func prescribedStep(_ c: BoundContext) -> Double? {
        let k = Self.constants(c)
        let gamma = 2 / (k.L + k.mu)
        return gamma.isFinite && gamma > 0 ? gamma : nil
    }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [BoundCondition("one worker (one direction per step)", unmet: { c in
            "needs one worker (the theorem is about one direction per step), but the problem has \(c.workers) workers"
         }) { $0.workers == 1 ? 1 : -1 },
         BoundCondition("a deterministic direction (no random oracle stage)", unmet: { _ in
             "needs a deterministic direction, but the oracle has a random stage (noise or random sparsification): the theorem has no noise term"
         }) { $0.deterministicOracle ? 1 : -1 },
         BoundCondition("f μ-strongly convex (the family guarantees it)", unmet: { _ in
             "needs a μ-strongly convex f, which the family does not guarantee (a PL constant is not enough: e.g. a quadratic with zero eigenvalues is PL but not strongly convex)"
         }) { $0.stronglyConvex && ($0.constants[.mu] ?? 0) > 0 ? 1 : -1 },
         BoundCondition("a relative error ‖d − ∇f‖ ≤ ε‖∇f‖ (A4 with ζ² = 0, ε = √m)", unmet: { c in
             "needs a relative error bound ‖d − ∇f‖ ≤ ε‖∇f‖, but the oracle's error has an absolute part ζ² = \(fmt(c.zeta2)) (an additive bias, or a bias that does not vanish with the gradient)"
         }) { $0.zeta2 == 0 ? 1 : -1 },
         BoundCondition("ε < 1", unmet: { c in
             "needs ε < 1, but ε = √m = \(fmt(DKGT.epsilon(c))): the direction's error can be as large as the gradient"
         }) { 1 - DKGT.epsilon($0) - 1e-15 },
         Conditions.exactOptimum,
         BoundCondition("γ = 2/(L_ε + μ_ε) (the step the theorem is stated for)", unmet: { c in
             "is stated for the step γ = 2/(L_ε + μ_ε) = \(fmt(DKGT().prescribedStep(c) ?? .nan)) only, but the method's γ = \(fmt(c.gamma)) (use step: theory)"
         }) { c in
             guard let wanted = DKGT().prescribedStep(c) else { return -1 }
             return abs(c.gamma - wanted) <= 1e-12 * wanted ? 1 : -1
         }]
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        let rho = Self.constants(c).rho
        return pow(rho, 2 * K) * c.D0
    }

    public func notes(_ c: BoundContext) -> [String: Double] {
        let k = Self.constants(c)
        return ["epsilon": Self.epsilon(c), "L_eps": k.L, "mu_eps": k.mu, "rho": k.rho]
    }
}
