import GSL

#if canImport(Glibc)
import Glibc
#endif

/// A one-dimensional profile φ applied to every coordinate, f(x) = Σⱼ φ(xⱼ), with each worker
/// tilted by a linear term: fᵢ(x) = f(x) + ⟨aᵢ, x⟩, Σᵢ aᵢ = 0 (so the tilts cancel in f).
///
/// Then ∇fᵢ = ∇f + aᵢ, and (1/n) Σᵢ ‖∇fᵢ‖² = ‖∇f‖² + (1/n) Σᵢ ‖aᵢ‖² exactly (the cross term
/// vanishes because the tilts sum to zero): B² = 1, G² = (1/n) Σᵢ ‖aᵢ‖².
///
/// The tilt is linear, so every fᵢ has f's Hessian diag(φ''(xⱼ)): each fᵢ is L-smooth with the
/// same L = sup |φ''|, and L̃ = √((1/n) Σᵢ Lᵢ²) = L exactly (EF21's bounds).
final class TiltedSeparableObjective: Objective, Sendable {
    let dimension: Int
    let workers: Int
    let profile: Profile
    /// Row i is worker i's tilt aᵢ.
    let tilts: [Double]

    struct Profile: Sendable {
        let value: @Sendable (Double) -> Double
        let derivative: @Sendable (Double) -> Double
        let secondDerivative: @Sendable (Double) -> Double
    }

    init(dimension: Int, workers: Int, profile: Profile, tilts: [Double]) {
        self.dimension = dimension
        self.workers = workers
        self.profile = profile
        self.tilts = tilts
    }

    func value(at x: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for j in 0..<dimension { s += profile.value(x[j]) }
        return s
    }

    func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>,
                        into gradient: UnsafeMutableBufferPointer<Double>) {
        let d = dimension, base = worker * d, derivative = profile.derivative
        tilts.withUnsafeBufferPointer { a in
            let row = a.baseAddress! + base
            for j in 0..<d { gradient[j] = derivative(x[j]) + row[j] }
        }
    }

    /// Tilts with Σᵢ aᵢ = 0: aᵢ = heterogeneity · ξᵢ, ξᵢ ~ N(0, I/d), then the mean removed,
    /// so that E‖aᵢ‖² ≈ heterogeneity² (1 − 1/n).
    static func tilts(dimension d: Int, workers n: Int, heterogeneity: Double,
                      rng: inout RandomStream) -> [Double] {
        var a = [Double](repeating: 0, count: n * d)
        let sd = heterogeneity / Double(d).squareRoot()
        for k in 0..<(n * d) { a[k] = sd * rng.nextGaussian() }
        for j in 0..<d {
            var mean = 0.0
            for i in 0..<n { mean += a[i * d + j] }
            mean /= Double(n)
            for i in 0..<n { a[i * d + j] -= mean }
        }
        return a
    }

    var meanTiltNormSquared: Double {
        var s = 0.0
        for v in tilts { s += v * v }
        return s / Double(workers)
    }

    func tiltNorm(_ worker: Int) -> Double {
        var s = 0.0
        for j in 0..<dimension { s += tilts[worker * dimension + j] * tilts[worker * dimension + j] }
        return s.squareRoot()
    }

    /// L̃ for a tilted separable objective of smoothness L: every fᵢ has f's Hessian, so Lᵢ = L.
    static func workerSmoothness(_ L: Double) -> DerivedConstant {
        DerivedConstant(L, "fᵢ = f + ⟨aᵢ, x⟩ has f's Hessian, so Lᵢ = L and L̃ = L")
    }

    /// L = sup |φ''| over ℝ, found by GSL (grid then Brent) on [0, span]; φ'' must be even
    /// and its supremum attained within the span.
    func smoothness(span: Double) throws -> Double {
        let f = profile.secondDerivative
        return -(try GSL.minimizeOnGrid(in: 0, span, context: "smoothness L = sup|φ''|") { -abs(f($0)) }.value)
    }
}

/// **pl-sine** — f = (1/n) Σᵢ Σⱼ φ(xⱼ) + tilts, φ(t) = t² + 3 sin² t: nonconvex yet PL.
/// Parameter: `pl-constant: computed|published` (computed).
///
/// Constants: L = sup |φ''| and μ (the published 1/32 with `mu: published`, else the true
/// inf φ'²/(2φ)), both by GSL; f* = 0 exact; B² = 1, G² from the generated tilts; L̃ = L (each
/// fᵢ = f + ⟨aᵢ, x⟩ has f's Hessian, so Lᵢ = L).
/// Guarantees: smooth, PL, exact f*; gradients unbounded.
public struct PLSineFamily: ProblemFamily {
    public static let name = "pl-sine"
    public static let synopsis = "Σ xⱼ² + 3 sin² xⱼ, tilted per worker; pl-constant: computed|published"
    public static let parameterKeys = ["pl-constant"]
    /// Whether μ is the published constant 1/32 rather than the computed one.
    public var usesPublishedMu: Bool

    public init(publishedMu: Bool = false) { usesPublishedMu = publishedMu }

    /// Which PL constant the bounds use.
    enum PLConstant: String, CaseIterable {
        case computed, published
    }

    /// `pl-constant: computed|published` (computed); an invalid word is reported and the default used.
    public init?(parameters p: inout ParameterReader) {
        usesPublishedMu = p.choice("pl-constant", default: PLConstant.computed, what: "PL constant") == .published
    }

    public var guarantees: FamilyGuarantees { FamilyGuarantees(smooth: true, pl: true, boundedGradients: false, exactOptimum: true) }

    public func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem {
        try Self.build(dimension: dimension, workers: workers, heterogeneity: heterogeneity, publishedMu: usesPublishedMu, rng: &rng)
    }

    /// φ(t) = t² + 3 sin² t: nonconvex (φ'' = 2 + 6 cos 2t dips to −4) yet PL (Karimi,
    /// Nutini and Schmidt 2016).
    static let profile = TiltedSeparableObjective.Profile(
        value: { t in let s = sin(t); return t * t + 3 * s * s },
        derivative: { t in 2 * t + 3 * sin(2 * t) },
        secondDerivative: { t in 2 + 6 * cos(2 * t) }
    )

    /// The published PL constant, 1/32 (Karimi, Nutini and Schmidt 2016).
    static let publishedMu = 1.0 / 32

    /// The true PL constant of f = Σⱼ φ(xⱼ): μ = inf_t φ'(t)² / (2φ(t)).
    ///
    /// For a separable f, ‖∇f‖²/(2f) = Σ φ'(xⱼ)² / (2 Σ φ(xⱼ)) ≥ minⱼ φ'(xⱼ)²/(2φ(xⱼ)) (a ratio
    /// of sums is at least the smallest ratio), with equality when one coordinate is nonzero;
    /// so the one-dimensional infimum is the constant. The ratio is even in t, tends to 8 as
    /// t → 0 and to 2 as t → ∞ (oscillating by O(1/t)), so its infimum lies in (0, 40]: it is
    /// located on a grid and refined with GSL's Brent minimizer.
    static func trueMu() throws -> Double {
        try GSL.minimizeOnGrid(in: 1e-3, 40, gridPoints: 40_001, context: "PL constant of pl-sine") { t in
            let d = profile.derivative(t)
            return d * d / (2 * profile.value(t))
        }.value
    }

    static func build(dimension d: Int, workers n: Int, heterogeneity: Double, publishedMu: Bool,
                      rng: inout RandomStream) throws -> BuiltProblem {
        let tilts = TiltedSeparableObjective.tilts(dimension: d, workers: n, heterogeneity: heterogeneity, rng: &rng)
        let objective = TiltedSeparableObjective(dimension: d, workers: n, profile: profile, tilts: tilts)
        let L = try objective.smoothness(span: Double.pi)
        let mu = publishedMu
            ? DerivedConstant(Self.publishedMu, "published constant 1/32 (Karimi, Nutini, Schmidt 2016)")
            : DerivedConstant(try trueMu(), "inf φ'(t)²/(2φ(t)) by GSL Brent minimization")
        let constants = ProblemConstants(
            L: DerivedConstant(L, "sup |φ''| by GSL Brent minimization"),
            mu: mu,
            fstar: DerivedConstant(0, "f(0) = 0 and φ ≥ 0"), fstarIsLowerBound: false,
            B2: DerivedConstant(1, "tilts sum to zero"),
            G2: DerivedConstant(objective.meanTiltNormSquared, "(1/n) Σ‖aᵢ‖² of the generated tilts"),
            workerSmoothness: TiltedSeparableObjective.workerSmoothness(L))
        return BuiltProblem(objective: objective, constants: constants)
    }
}

extension ProblemFamily where Self == PLSineFamily {
    /// `problem: {family: pl-sine, …}` in code.
    public static func plSine(publishedMu: Bool = false) -> PLSineFamily { PLSineFamily(publishedMu: publishedMu) }
}

/// **rational** — f = (1/n) Σᵢ Σⱼ φ(xⱼ) + tilts, φ(t) = t²/(1 + t²): nonconvex, not PL.
///
/// Constants: L = sup |φ''| by GSL; f* = 0 exact; B² = 1, G² from the tilts; gradient bounds
/// G_max,i = √d · sup|φ'| + ‖aᵢ‖; L̃ = L (each fᵢ = f + ⟨aᵢ, x⟩ has f's Hessian, so Lᵢ = L).
/// Guarantees: smooth, bounded gradients, exact f*; not PL.
public struct RationalFamily: ProblemFamily {
    public static let name = "rational"
    public static let synopsis = "Σ xⱼ²/(1 + xⱼ²), tilted per worker; bounded gradients"

    public init() {}

    /// No parameters.
    public init?(parameters: inout ParameterReader) { self.init() }

    public var guarantees: FamilyGuarantees { FamilyGuarantees(smooth: true, pl: false, boundedGradients: true, exactOptimum: true) }

    public func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem {
        try Self.build(dimension: dimension, workers: workers, heterogeneity: heterogeneity, rng: &rng)
    }

    /// φ(t) = t²/(1 + t²): nonconvex, not PL (flat at infinity), bounded gradients.
    static let profile = TiltedSeparableObjective.Profile(
        value: { t in t * t / (1 + t * t) },
        derivative: { t in let q = 1 + t * t; return 2 * t / (q * q) },
        secondDerivative: { t in let q = 1 + t * t; return (2 - 6 * t * t) / (q * q * q) }
    )

    /// sup |φ'| = 3√3/8 at t = 1/√3, found with GSL.
    static func derivativeBound() throws -> Double {
        -(try GSL.minimizeOnGrid(in: 0, 10, context: "gradient bound sup|φ'| of rational") { -abs(profile.derivative($0)) }.value)
    }

    static func build(dimension d: Int, workers n: Int, heterogeneity: Double,
                      rng: inout RandomStream) throws -> BuiltProblem {
        let tilts = TiltedSeparableObjective.tilts(dimension: d, workers: n, heterogeneity: heterogeneity, rng: &rng)
        let objective = TiltedSeparableObjective(dimension: d, workers: n, profile: profile, tilts: tilts)
        let L = try objective.smoothness(span: 10)
        let phiPrimeMax = try derivativeBound()
        let bounds = (0..<n).map { Double(d).squareRoot() * phiPrimeMax + objective.tiltNorm($0) }
        let constants = ProblemConstants(
            L: DerivedConstant(L, "sup |φ''| by GSL Brent minimization"),
            mu: nil,
            fstar: DerivedConstant(0, "f(0) = 0 and φ ≥ 0"), fstarIsLowerBound: false,
            B2: DerivedConstant(1, "tilts sum to zero"),
            G2: DerivedConstant(objective.meanTiltNormSquared, "(1/n) Σ‖aᵢ‖² of the generated tilts"),
            workerGradientBounds: bounds,
            workerGradientBoundsHow: "√d · sup|φ'| + ‖aᵢ‖ (sup|φ'| = \(phiPrimeMax) by GSL)",
            workerSmoothness: TiltedSeparableObjective.workerSmoothness(L))
        return BuiltProblem(objective: objective, constants: constants)
    }
}

extension ProblemFamily where Self == RationalFamily {
    /// `problem: {family: rational, …}` in code.
    public static var rational: RationalFamily { RationalFamily() }
}
