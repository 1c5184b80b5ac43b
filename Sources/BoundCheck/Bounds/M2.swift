/// **M2 — M-DSGD with global momentum, nonconvex.**
///
///     (1/T) Σₜ E‖∇f(wᵗ)‖² ≤ 4(1−β)Δ₀/(ηT) + 2Lησ²/((1−β)p)
///                           + 2L²η²G²(q + β)²/((1−β)²(1 − q − β)²),   q = √(1−δ)
///
/// Conditions: the global-momentum variant; unbiased worker gradients (no biasing oracle stage)
/// with variance ≤ σ² each (no relative noise), independent across workers; E‖gₖ‖² ≤ G²; the
/// sparsifier δ-contractive with ‖S(a)‖ ≤ ‖a‖ (Top-K, unscaled Rand-K, scaled sign);
/// β + √(1−δ) < 1, under which the global momentum fed back through the memories stays
/// bounded; η ≤ (1−β)/(2L). G² as for M1 (bounded gradients, else measured on the runs).
///
/// Proof (docs/bounds.md, M2): ẑᵗ = wᵗ + (β/(1−β))(wᵗ − wᵗ⁻¹) − m̄ᵗ/(1−β) obeys
/// ẑᵗ⁺¹ = ẑᵗ − (η/(1−β)) ḡᵗ exactly (SGD with gradients taken at w); descent lemma on ẑ, and
/// ‖wᵗ − ẑᵗ‖ ≤ (q + β)ηG/((1−β)(1 − q − β)) from the memory and step recursions.
///
/// Kind: derived (here, not from a paper). Source: docs/bounds.md M2, for the global-momentum
/// variant of the M-DSGD of Zhao, Gao and Li (arXiv 1905.12960).
public struct M2: Bound {
    public init() {}
    public let id = "M2"
    public let kind = BoundKind.derived
    public let source = "docs/bounds.md M2, derived for M-DSGD with global momentum of Zhao, Gao & Li (arXiv 1905.12960)"
    public let metric = Metric.avgGrad
    public let formula = "4(1−β)Δ₀/(ηT) + 2Lησ²/((1−β)p) + 2L²η²G²(q+β)²/((1−β)²(1−q−β)²), q = √(1−δ)"
    /// A1 (f*), A2 (L), A5 (σ², unbiased worker gradients).
    public let assumptions: Set<String> = ["A1", "A2", "A5"]

    public let provedFor: Set<MethodKind> = [.mdsgd]
    /// The global-momentum variant only (M1 is the local one's).
    public func concerns(_ method: MethodSpec) -> Bool { (method.settings as? Mdsgd)?.variant == .global }

    /// q = √(1 − δ), δ the method's sparsifier's contraction (as M1 reads it).
    static func q(_ c: BoundContext) -> Double { (1 - M1.delta(c)).squareRoot() }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [BoundCondition("unbiased worker gradients (no biasing oracle stage)") { $0.unbiasedOracle ? 1 : -1 },
         BoundCondition("worker variance bounded by a constant σ² (no noise that grows with the gradient: relative noise, or a compressor applied to a noisy gradient)") { $0.workerVarianceIsConstant ? 1 : -1 },
         BoundCondition("a second-moment bound G² (bounded gradients, or measured on the runs)") { M1.secondMoment($0) == nil ? -1 : 1 },
         BoundCondition("global momentum fed back through the memories stays bounded: β + √(1−δ) < 1", unmet: { c in
             "needs β + √(1−δ) < 1 (the global momentum fed back through the memories stays bounded), but β + √(1−δ) = \(fmt(c.beta)) + \(fmt(M2.q(c))) = \(fmt(c.beta + M2.q(c))); keep more coordinates or use a smaller β"
         }) { 1 - $0.beta - M2.q($0) - 1e-15 },
         BoundCondition("η ≤ (1−β)/(2L)", limitsStep: true) { (1 - $0.beta) / (2 * $0.L) - $0.gamma }]
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        guard let G2 = M1.secondMoment(c)?.value else { throw BoundError(bound: id, message: "no second-moment bound G²") }
        let L = c.L, eta = c.gamma, beta = c.beta, q = Self.q(c), p = Double(c.workers)
        let oneMinusBeta = 1 - beta
        let lag = (q + beta) / (oneMinusBeta * (1 - q - beta))
        return 4 * oneMinusBeta * c.D0 / (eta * K) + 2 * L * eta * c.workerVariance / (oneMinusBeta * p)
            + 2 * L * L * eta * eta * G2 * lag * lag
    }

    public func notes(_ c: BoundContext) -> [String: Double] {
        var notes = ["delta": M1.delta(c), "sigma2-per-worker": c.workerVariance]
        if let g = M1.secondMoment(c) { notes[g.measured ? "G2-measured" : "G2-bound"] = g.value }
        return notes
    }
}
