/// What a problem family guarantees about every objective it builds: the facts the bounds'
/// conditions rest on (docs/theory.md §3: A1–A3, bounded gradients).
public struct FamilyGuarantees: Sendable, Equatable {
    /// f is L-smooth, with L computed (A2).
    public var smooth: Bool
    /// f is μ-PL, with μ computed (A3).
    public var pl: Bool
    /// Every ‖∇fᵢ‖ is bounded by a computed G_max,i (clipping's constants and M1's G² need it).
    public var boundedGradients: Bool
    /// f* is known exactly; otherwise only a lower bound f_inf (gap bounds then do not apply).
    public var exactOptimum: Bool
    /// f is μ-strongly convex with the computed μ (dKGT needs it; PL alone is weaker: a
    /// quadratic with zero eigenvalues is PL but not strongly convex).
    public var stronglyConvex: Bool

    public init(smooth: Bool, pl: Bool, boundedGradients: Bool, exactOptimum: Bool, stronglyConvex: Bool = false) {
        self.smooth = smooth
        self.pl = pl
        self.boundedGradients = boundedGradients
        self.exactOptimum = exactOptimum
        self.stronglyConvex = stronglyConvex
    }

    /// "smooth, strongly convex, PL, bounded gradients, exact f*" (only what holds; "f_inf only" without f*).
    public var description: String {
        var parts: [String] = []
        if smooth { parts.append("smooth") }
        if stronglyConvex { parts.append("strongly convex") }
        if pl { parts.append("PL") }
        if boundedGradients { parts.append("bounded gradients") }
        parts.append(exactOptimum ? "exact f*" : "f_inf only")
        return parts.joined(separator: ", ")
    }
}

/// A family of objectives f = (1/n) Σᵢ fᵢ a problem file names (`problem: {family: NAME, …}`):
/// its parameters are the type's stored properties; `build` makes the objective and computes
/// its constants, each with how it was obtained (``ProblemConstants``), from the problem's
/// size and its seeded stream. ``Instance`` is built from a family value and plain parameters.
///
/// A family is registered in a ``Catalog``; each built-in is one file in `Problems/`.
public protocol ProblemFamily: Sendable {
    /// The problem file's word ("quadratic").
    static var name: String { get }
    /// One line for `boundcheck list`: the objective and the problem-file keys the family reads
    /// (`"½(x − cᵢ)ᵀA(x − cᵢ); spectrum: {…}, rotate: bool"`).
    static var synopsis: String { get }
    /// What the family guarantees, with these parameters.
    var guarantees: FamilyGuarantees { get }
    /// The objective and its constants, for `workers` workers in dimension `dimension`;
    /// `heterogeneity` ∈ [0, 1] scales how much the workers' fᵢ differ. All randomness comes
    /// from `rng`, so the same seed gives the same problem.
    func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem
}

extension ProblemFamily {
    /// The family's word, from a value.
    public var name: String { Self.name }
}

extension FamilySpec {
    /// The family plug-in the file's `problem.family` names, with its parameters. (The loader
    /// still parses the built-in families' keys into ``FamilySpec``; this is the one place that
    /// turns that into a family value, and nothing after ``Instance`` reads the spec.)
    public var family: any ProblemFamily {
        switch self {
        case let .quadratic(lo, hi, zeros, log, rotate, twoPoint):
            QuadraticFamily(minEigenvalue: lo, maxEigenvalue: hi, zeroEigenvalues: zeros, logSpacing: log, rotate: rotate,
                            twoPoint: twoPoint)
        case .plSine(let published): PLSineFamily(publishedMu: published)
        case .rational: RationalFamily()
        case let .logisticNonconvex(r, lambda): LogisticNonconvexFamily(samplesPerWorker: r, lambda: lambda)
        case let .composite(r, noise): CompositeFamily(samplesPerWorker: r, targetNoise: noise)
        }
    }
}
