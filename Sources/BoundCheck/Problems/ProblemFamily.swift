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
/// its parameters are the type's stored properties, read from the file by
/// ``init(parameters:)``; `build` makes the objective and computes its constants, each with how
/// it was obtained (``ProblemConstants``), from the problem's size and its seeded stream.
/// ``Instance`` is built from a family value and plain parameters.
///
/// A family is registered in a ``Catalog`` (`register(family:)`), which is how the loader
/// finds the family a file names; each built-in is one file in `Problems/`, using exactly this
/// API (docs/extending.md, "Adding a problem family").
public protocol ProblemFamily: Sendable, Equatable {
    /// The problem file's word ("quadratic").
    static var name: String { get }
    /// One line for `boundcheck list`: the objective and the problem-file keys the family reads
    /// (`"½(x − cᵢ)ᵀA(x − cᵢ); spectrum: {…}, rotate: bool"`).
    static var synopsis: String { get }
    /// The keys of `problem:` the family reads, beside the problem's own (`family`, `dimension`,
    /// `workers`, `heterogeneity`, `start`): `["spectrum", "rotate"]`. None by default.
    ///
    /// The loader accepts these keys in `problem:` (with a did-you-mean over every key the
    /// catalog's families read), refuses one that belongs to another family ("'spectrum'
    /// applies to family quadratic, not rational"), and hands the family's own to
    /// ``init(parameters:)``.
    static var parameterKeys: [String] { get }

    /// Reads the family's parameters: the reader holds the values of the family's
    /// ``parameterKeys`` the file gives, and reports each problem with its file, line, column and
    /// key path (`problem.spectrum.min`). Return nil only after reporting why; a family that
    /// reports an invalid value and goes on with its default lets the loader check the rest of
    /// the file against it too.
    init?(parameters: inout ParameterReader)

    /// What the family guarantees, with these parameters.
    var guarantees: FamilyGuarantees { get }
    /// The objective and its constants, for `workers` workers in dimension `dimension`;
    /// `heterogeneity` ∈ [0, 1] scales how much the workers' fᵢ differ. All randomness comes
    /// from `rng`, so the same seed gives the same problem.
    func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem

    /// Rows of d numbers one worker's gradient reads: a data family's samples per worker, 1 (the
    /// default) for a closed-form objective. The loader's work estimate multiplies by it
    /// (docs/problem-files.md, "Limits").
    var rowsPerWorker: Int { get }
    /// Coordinate-updates spent once, building the instance (and probing it), beside the runs:
    /// a Gram matrix's formation and eigenvalues, say. 0 by default.
    func setupWork(dimension: Int, workers: Int) -> Double
    /// Numbers (8 bytes each) the built instance holds beside the per-worker vectors every
    /// instance has (workers × d): data rows, a dense or Gram matrix. 0 by default.
    func instanceDoubles(dimension: Int, workers: Int) -> Double
}

extension ProblemFamily {
    public static var parameterKeys: [String] { [] }
    public var rowsPerWorker: Int { 1 }
    public func setupWork(dimension: Int, workers: Int) -> Double { 0 }
    public func instanceDoubles(dimension: Int, workers: Int) -> Double { 0 }

    /// The family's word, from a value.
    public var name: String { Self.name }

    /// Whether `other` is the same family with the same parameters.
    func isSameFamily(as other: any ProblemFamily) -> Bool {
        (other as? Self) == self
    }
}
