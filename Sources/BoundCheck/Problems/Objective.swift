/// A finite-sum objective split over workers: f(x) = (1/n) Σᵢ fᵢ(x), where worker i can only
/// query fᵢ (docs/theory.md §1).
///
/// Implementations are immutable after construction, so one instance serves every run on every
/// thread. Gradients are written into caller-owned buffers: the hot loop allocates nothing.
public protocol Objective: AnyObject, Sendable {
    /// d, the number of coordinates.
    var dimension: Int { get }
    /// n, the number of workers.
    var workers: Int { get }
    /// f(x) = (1/n) Σᵢ fᵢ(x).
    func value(at x: UnsafeBufferPointer<Double>) -> Double
    /// ∇fᵢ(x), written into `gradient` (length d).
    func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>,
                        into gradient: UnsafeMutableBufferPointer<Double>)
    /// ∇fᵢ at several points at once: `gradients[p]` ← ∇fᵢ(`points[p]`), each of length d. Must
    /// give exactly the bits of one ``workerGradient(_:at:into:)`` call per point. The default
    /// makes those calls; a family whose gradient reads a lot of data per call (its rows) can
    /// read it once for all points, and then says so with ``evaluatesPointsTogether``.
    func workerGradients(_ worker: Int, at points: UnsafeBufferPointer<UnsafePointer<Double>>,
                         into gradients: UnsafeBufferPointer<UnsafeMutablePointer<Double>>)
    /// f at several points at once: `values[p]` ← f(`points[p]`), exactly the bits of
    /// ``value(at:)`` at each. The default calls it per point.
    func values(at points: UnsafeBufferPointer<UnsafePointer<Double>>, into values: UnsafeMutableBufferPointer<Double>)
    /// Whether ``workerGradients(_:at:into:)`` (and ``values(at:into:)``) is cheaper than one call per point: the runner
    /// then advances several seeds of a method together ("seeds in lockstep",
    /// docs/performance.md). Default false.
    var evaluatesPointsTogether: Bool { get }
    /// L̃ = √((1/n) Σᵢ Lᵢ²) computed on demand, for a family whose Lᵢ cost an eigenvalue problem
    /// per worker (the data families): only bounds of methods that read it ask
    /// (``Method/readsWorkerSmoothness``), so other runs do not pay for it. Computed once and
    /// kept. Default nil: the family gives L̃ in its ``ProblemConstants`` or not at all.
    func onDemandWorkerSmoothness() throws -> DerivedConstant?
}

extension Objective {
    public func onDemandWorkerSmoothness() throws -> DerivedConstant? { nil }

    public func workerGradients(_ worker: Int, at points: UnsafeBufferPointer<UnsafePointer<Double>>,
                                into gradients: UnsafeBufferPointer<UnsafeMutablePointer<Double>>) {
        let d = dimension
        for p in 0..<points.count {
            workerGradient(worker, at: UnsafeBufferPointer(start: points[p], count: d),
                           into: UnsafeMutableBufferPointer(start: gradients[p], count: d))
        }
    }

    public func values(at points: UnsafeBufferPointer<UnsafePointer<Double>>, into values: UnsafeMutableBufferPointer<Double>) {
        for p in 0..<points.count { values[p] = value(at: UnsafeBufferPointer(start: points[p], count: dimension)) }
    }

    public var evaluatesPointsTogether: Bool { false }

    /// ∇f(x) = (1/n) Σᵢ ∇fᵢ(x), allocating (not for hot loops).
    public func gradient(at x: [Double]) -> [Double] {
        var total = [Double](repeating: 0, count: dimension)
        var g = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xs in
            for i in 0..<workers {
                g.withUnsafeMutableBufferPointer { workerGradient(i, at: xs, into: $0) }
                for j in 0..<dimension { total[j] += g[j] }
            }
        }
        let scale = 1.0 / Double(workers)
        return total.map { $0 * scale }
    }

    public func workerGradient(_ worker: Int, at x: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xs in g.withUnsafeMutableBufferPointer { workerGradient(worker, at: xs, into: $0) } }
        return g
    }

    public func value(at x: [Double]) -> Double {
        x.withUnsafeBufferPointer { value(at: $0) }
    }
}

/// A number together with how it was obtained, so reports can say "L = 8 (max |φ''| by GSL
/// Brent minimization)" rather than just "L = 8".
public struct DerivedConstant: Codable, Equatable, Sendable {
    public var value: Double
    /// How it was obtained, in a few words.
    public var how: String

    public init(_ value: Double, _ how: String) {
        self.value = value
        self.how = how
    }
}

/// The problem's constants (docs/theory.md §3, §7), each with its provenance.
public struct ProblemConstants: Codable, Equatable, Sendable {
    /// L: smoothness of f (A2).
    public var L: DerivedConstant
    /// μ: the PL constant (A3), or `nil` when the family is not PL.
    public var mu: DerivedConstant?
    /// f* = inf f, or a lower bound f_inf ≤ f* when `fstarIsLowerBound`.
    public var fstar: DerivedConstant
    public var fstarIsLowerBound: Bool
    /// B², G²: heterogeneity (A6), (1/n) Σᵢ ‖∇fᵢ‖² ≤ B² ‖∇f‖² + G².
    public var B2: DerivedConstant
    public var G2: DerivedConstant
    /// G_max,i: ‖∇fᵢ(x)‖ ≤ G_max,i for all x, where the family has bounded gradients.
    public var workerGradientBounds: [Double]?
    public var workerGradientBoundsHow: String?
    /// L̃ = √((1/n) Σᵢ Lᵢ²), Lᵢ the smoothness of fᵢ (EF21's bounds), where the family gives it.
    public var workerSmoothness: DerivedConstant?

    public init(L: DerivedConstant, mu: DerivedConstant?, fstar: DerivedConstant, fstarIsLowerBound: Bool,
                B2: DerivedConstant, G2: DerivedConstant, workerGradientBounds: [Double]? = nil,
                workerGradientBoundsHow: String? = nil, workerSmoothness: DerivedConstant? = nil) {
        self.workerSmoothness = workerSmoothness
        self.L = L
        self.mu = mu
        self.fstar = fstar
        self.fstarIsLowerBound = fstarIsLowerBound
        self.B2 = B2
        self.G2 = G2
        self.workerGradientBounds = workerGradientBounds
        self.workerGradientBoundsHow = workerGradientBoundsHow
    }
}

/// An objective and its constants, as a family builds them from a problem's parameters and seed.
public struct BuiltProblem: Sendable {
    public let objective: any Objective
    public let constants: ProblemConstants

    public init(objective: any Objective, constants: ProblemConstants) {
        self.objective = objective
        self.constants = constants
    }
}
