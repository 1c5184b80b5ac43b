/// **M1 — M-DSGD with local momentum, nonconvex.**
///
///     (1/T) Σₜ E‖∇f(wᵗ)‖² ≤ 4(1−β)Δ₀/(ηT) + 2Lησ²/((1−β)p)
///                           + 16L²(1−δ)η²G²/(δ²(1−β)²) + 4L²η²β²G²/(1−β)⁴
///
/// Conditions: local momentum; unbiased worker gradients (no biasing oracle stage) with
/// variance ≤ σ² each (no relative noise), independent across workers; E‖gₖ‖² ≤ G²; the
/// sparsifier δ-contractive (Top-K and unscaled Rand-K: δ = K/d; scaled sign: δ = 1/d);
/// η ≤ (1−β)/(2L), and η ≤ (1−β)(1 − √(1−δ))/(2L√(1−δ)), under which the error-feedback
/// recursion is stable, so that E‖g‖² ≤ G² < ∞ can hold at all (docs/bounds.md). G² is the second-moment bound from bounded gradients where the family has
/// one, else the largest ‖gₖ‖² seen on the runs (reported as measured).
///
/// Kind: derived. Source: docs/bounds.md M1, for the method of Zhao, Gao and Li (arXiv 1905.12960).
public struct M1: Bound {
    public init() {}
    public let id = "M1"
    public let kind = BoundKind.derived
    public let source = "docs/bounds.md M1, derived for M-DSGD of Zhao, Gao & Li (arXiv 1905.12960)"
    public let metric = Metric.avgGrad
    public let formula = "4(1−β)Δ₀/(ηT) + 2Lησ²/((1−β)p) + 16L²(1−δ)η²G²/(δ²(1−β)²) + 4L²η²β²G²/(1−β)⁴"
    /// A1 (f*), A2 (L), A5 (σ², unbiased worker gradients).
    public let assumptions: Set<String> = ["A1", "A2", "A5"]

    public let provedFor: Set<MethodKind> = [.mdsgd]

    static func delta(_ c: BoundContext) -> Double {
        (c.methodSpec.settings as? Mdsgd)?.sparsifier.delta(dimension: c.dimension) ?? .nan
    }

    static func secondMoment(_ c: BoundContext) -> (value: Double, measured: Bool)? {
        if let bound = c.constants[.Gmax2] { return (bound, false) }
        if let measured = c.measuredSecondMoment { return (measured, true) }
        return nil
    }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [BoundCondition("local momentum (variant: local)") { ($0.methodSpec.settings as? Mdsgd)?.variant == .local ? 1 : -1 },
         BoundCondition("unbiased worker gradients (no biasing oracle stage)") { $0.unbiasedOracle ? 1 : -1 },
         BoundCondition("worker variance bounded by a constant σ² (no noise that grows with the gradient: relative noise, or a compressor applied to a noisy gradient)") { $0.workerVarianceIsConstant ? 1 : -1 },
         BoundCondition("a second-moment bound G² (bounded gradients, or measured on the runs)") { M1.secondMoment($0) == nil ? -1 : 1 },
         BoundCondition("η ≤ (1−β)/(2L)", limitsStep: true) { (1 - $0.beta) / (2 * $0.L) - $0.gamma },
         BoundCondition("error feedback stable: η ≤ (1−β)(1 − √(1−δ))/(2L√(1−δ))", limitsStep: true) { c in
             M1.stableStep(c) - c.gamma
         }]
    }

    /// The largest η at which the error-feedback loop is stable (docs/bounds.md, M1): with
    /// q = √(1−δ), the memory obeys ‖mᵗ⁺¹‖ ≤ q(‖mᵗ‖ + ‖uᵗ‖) and the local momentum
    /// ‖uᵗ‖ ≤ (η/(1−β)) supₛ ‖gˢ‖, where ‖g‖ grows by at most L‖m̄‖; the loop gain
    /// (q/(1−q))·ηL/(1−β) is at most ½ for η ≤ (1−β)(1−q)/(2Lq), so the memory — and with it
    /// E‖g‖² — stays bounded. +∞ for δ = 1 (no compression, no memory).
    static func stableStep(_ c: BoundContext) -> Double {
        let delta = Self.delta(c)
        guard delta < 1 else { return .infinity }
        let q = (1 - delta).squareRoot()
        return (1 - c.beta) * (1 - q) / (2 * c.L * q)
    }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        guard let G2 = Self.secondMoment(c)?.value else { throw BoundError(bound: id, message: "no second-moment bound G²") }
        let L = c.L, eta = c.gamma, beta = c.beta, delta = Self.delta(c), p = Double(c.workers)
        let oneMinusBeta = 1 - beta
        return 4 * oneMinusBeta * c.D0 / (eta * K) + 2 * L * eta * c.workerVariance / (oneMinusBeta * p)
            + 16 * L * L * (1 - delta) * eta * eta * G2 / (delta * delta * oneMinusBeta * oneMinusBeta)
            + 4 * L * L * eta * eta * beta * beta * G2 / pow(oneMinusBeta, 4)
    }

    public func notes(_ c: BoundContext) -> [String: Double] {
        var notes = ["delta": Self.delta(c), "sigma2-per-worker": c.workerVariance]
        if let g = Self.secondMoment(c) { notes[g.measured ? "G2-measured" : "G2-bound"] = g.value }
        return notes
    }
}

#if canImport(Glibc)
import Glibc
#endif
