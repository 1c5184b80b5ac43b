/// What is known about one worker's estimate g of ∇fᵢ after some oracle stages, each part an
/// inequality in x = ‖∇fᵢ‖² (docs/theory.md §3, §5):
///
/// - bias:           ‖E g − ∇fᵢ‖² ≤ biasM · x + biasZeta2
/// - noise:          E‖g − E g‖²  ≤ noiseM · x + noiseSigma2   (against ‖∇fᵢ‖², "M_f")
/// - second moment:  E‖g‖²        ≤ secondP · x + secondQ
/// - norm:           ‖g‖ ≤ normBound almost surely (nil: unbounded)
///
/// Each stage maps these to its output's (``OracleStage/propagate(_:worker:environment:)``); the exact
/// gradient starts at bias 0, noise 0, second moment x, norm G_max,i.
public struct EstimateBounds: Equatable, Sendable {
    public var biasM = 0.0
    public var biasZeta2 = 0.0
    public var noiseM = 0.0
    public var noiseSigma2 = 0.0
    public var secondP = 1.0
    public var secondQ = 0.0
    public var normBound: Double?
    public var deterministic = true

    public static func exact(normBound: Double?) -> EstimateBounds {
        EstimateBounds(normBound: normBound)
    }

    /// A bound on ‖b₁ + b₂‖² from ‖b₁‖² ≤ m₁x + z₁ and ‖b₂‖² ≤ m₂x + z₂, in the form m x + z.
    ///
    /// Young: ‖b₁ + b₂‖² ≤ (1 + t)‖b₁‖² + (1 + 1/t)‖b₂‖² for any t > 0. When either side is
    /// zero, x-free (m = 0) or ζ-free (z = 0) the exact triangle-inequality forms are used.
    /// Otherwise t is chosen to minimise z/(1 − m), the form in which (m, ζ²) enter every floor of
    /// docs/bounds.md (ζ²/(1 − m)). With a = z₁C + (z₁+z₂)m₁, c = z₂C + (z₁+z₂)m₂, C = 1 − m₁ − m₂ and
    /// b = 2(z₂m₁ − z₁m₂), the stationarity condition is a t² + b t − c = 0, whose one positive
    /// root is the minimiser (z/(1 − m) is quasi-convex in t and infinite where m reaches 1); it is
    /// computed in the cancellation-free form. Swapping the inputs maps t to 1/t, so the result
    /// does not depend on their order. If the smallest reachable m, (√m₁ + √m₂)², is ≥ 1, that
    /// minimum is returned (t = √(m₂/m₁)); bounds needing m < 1 then say they do not apply.
    public static func combine(_ m1: Double, _ z1: Double, _ m2: Double, _ z2: Double) -> (m: Double, z: Double) {
        if m1 == 0 && z1 == 0 { return (m2, z2) }
        if m2 == 0 && z2 == 0 { return (m1, z1) }
        if m1 == 0 && m2 == 0 { let r = z1.squareRoot() + z2.squareRoot(); return (0, r * r) }
        if z1 == 0 && z2 == 0 { let r = m1.squareRoot() + m2.squareRoot(); return (r * r, 0) }
        func young(_ t: Double) -> (m: Double, z: Double) {
            ((1 + t) * m1 + (1 + 1 / t) * m2, (1 + t) * z1 + (1 + 1 / t) * z2)
        }
        let r0 = m1.squareRoot() + m2.squareRoot()
        guard r0 * r0 < 1 else {
            return young(m1 > 0 && m2 > 0 ? (m2 / m1).squareRoot() : 1)
        }
        let c0 = 1 - m1 - m2, zSum = z1 + z2
        let a = z1 * c0 + zSum * m1, c = z2 * c0 + zSum * m2, b = 2 * (z2 * m1 - z1 * m2)
        let root = (b * b + 4 * a * c).squareRoot()
        let t = b >= 0 ? 2 * c / (b + root) : (root - b) / (2 * a)
        let result = young(t)
        // Guard against round-off at the edge of the admissible interval (never seen in tests).
        return result.m < 1 && t > 0 && t.isFinite ? result : young(m1 > 0 && m2 > 0 ? (m2 / m1).squareRoot() : 1)
    }

    /// Adds a bias b₂ with ‖b₂‖² ≤ m x + ζ² to the current one (``combine(_:_:_:_:)``).
    public mutating func addBias(m: Double, zeta2: Double) {
        (biasM, biasZeta2) = Self.combine(biasM, biasZeta2, m, zeta2)
    }
}

extension EstimateBounds {
    /// After a contraction C with ‖C(u) − u‖² ≤ (1 − δ)‖u‖² and ‖C(u)‖ ≤ ‖u‖ applied to an input
    /// with these bounds (`input`): ‖E[C(g) − g]‖² ≤ (1 − δ) E‖g‖² adds bias; the output's noise
    /// is at most its second moment E‖g‖² (zero if g is deterministic).
    public mutating func contract(delta: Double, input: EstimateBounds) {
        addBias(m: (1 - delta) * input.secondP, zeta2: (1 - delta) * input.secondQ)
        if input.deterministic {
            noiseM = 0
            noiseSigma2 = 0
        } else {
            noiseM = input.secondP
            noiseSigma2 = input.secondQ
        }
    }
}
