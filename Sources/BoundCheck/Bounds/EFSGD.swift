/// **EF-SGD — error-feedback SGD, one worker.**
///
///     minₜ E‖∇f(xᵗ)‖² ≤ (4Δ₀ + Lσ²)/(2√(T+1)) + 4L²σ²(1−δ)/(δ²(T+1))
///
/// Conditions: M-DSGD with β = 0 and one worker; a δ-approximate compressor; γ = 1/√(T+1) with
/// T + 1 the run's iterations; E‖g‖² ≤ σ² (a second-moment bound: from bounded gradients, else
/// measured on the runs). Stated at the run's last iteration only (the step depends on T).
/// The bound *prescribes* its step rather than limiting it: `step: theory` takes γ = 1/√(T+1)
/// where its other conditions hold.
///
/// Kind: literature, *as recalled*. Source: Karimireddy, Rebjock, Stich and Jaggi 2019,
/// *Error Feedback Fixes SignSGD and other Gradient Compression Schemes*, Theorem II — recalled
/// from memory, not checked against the paper's text.
public struct EFSGD: Bound {
    public init() {}
    public let id = "EF-SGD"
    public let kind = BoundKind.literature
    public let source = "Karimireddy et al. 2019, Theorem II (as recalled; unverified)"
    public let metric = Metric.minGrad
    public let formula = "(4Δ₀ + Lσ²)/(2√(T+1)) + 4L²σ²(1−δ)/(δ²(T+1)), γ = 1/√(T+1)"
    /// A1 (f*), A2 (L), A5 (σ²).
    public let assumptions: Set<String> = ["A1", "A2", "A5"]

    public let provedFor: Set<MethodKind> = [.mdsgd]
    public let stepRule = BoundStepRule.prescribes(formula: "1/√(T+1)")

    /// γ = 1/√(T+1), T + 1 the run's iterations.
    public func prescribedStep(_ c: BoundContext) -> Double? { 1 / Double(c.iterations).squareRoot() }

    public func conditions(_ c: BoundContext) -> [BoundCondition] {
        [BoundCondition("β = 0 (no momentum)") { $0.beta == 0 ? 1 : -1 },
         BoundCondition("one worker") { $0.workers == 1 ? 1 : -1 },
         BoundCondition("a second-moment bound E‖g‖² ≤ σ² (bounded gradients, or measured on the runs)") { M1.secondMoment($0) == nil ? -1 : 1 },
         BoundCondition("γ = 1/√(T+1), T + 1 = iterations") { c in
             let wanted = 1 / Double(c.iterations).squareRoot()
             return abs(c.gamma - wanted) <= 1e-12 * wanted ? 1 : -1
         }]
    }

    public func isStated(at k: Int, context: BoundContext) -> Bool { k == context.iterations }

    public func value(_ c: BoundContext, K: Double) throws -> Double {
        guard let s2 = M1.secondMoment(c)?.value else { throw BoundError(bound: id, message: "no second-moment bound") }
        let delta = M1.delta(c), L = c.L
        return (4 * c.D0 + L * s2) / (2 * K.squareRoot()) + 4 * L * L * s2 * (1 - delta) / (delta * delta * K)
    }

    public func notes(_ c: BoundContext) -> [String: Double] {
        var notes = ["delta": M1.delta(c)]
        if let g = M1.secondMoment(c) { notes[g.measured ? "sigma2-measured" : "sigma2-bound"] = g.value }
        return notes
    }
}

#if canImport(Glibc)
import Glibc
#endif
