internal import CKernels

#if canImport(Glibc)
import Glibc
#endif

import GSL

/// fᵢ(x) = ½ (x − cᵢ)ᵀ A (x − cᵢ) with A symmetric PSD of a chosen spectrum (docs/theory.md §7).
///
/// With c̄ = (1/n) Σᵢ cᵢ: f(x) = ½ (x − c̄)ᵀ A (x − c̄) + f*, f* = (1/n) Σᵢ ½ (cᵢ − c̄)ᵀ A (cᵢ − c̄);
/// ∇fᵢ(x) = ∇f(x) − A(cᵢ − c̄), so (1/n) Σᵢ ‖∇fᵢ‖² = ‖∇f‖² + (1/n) Σᵢ ‖A(cᵢ − c̄)‖²
/// (B² = 1, G² = the last sum). L = λ_max(A); μ = the smallest positive eigenvalue, which is a
/// PL constant even for singular A: ‖A y‖² ≥ μ yᵀ A y.
///
/// A is diagonal unless `rotate` is set; then A = Q Λ Qᵀ with Q a random orthogonal matrix
/// (Gram–Schmidt of a Gaussian matrix), and L, μ are recomputed from A by GSL's symmetric
/// eigensolver rather than trusted from Λ.
final class QuadraticObjective: Objective, Sendable {
    let dimension: Int
    let workers: Int
    /// Diagonal of A (when not rotated).
    let diagonal: [Double]
    /// Dense row-major A (when rotated), else empty.
    let dense: [Double]
    /// c̄ and the worker offsets A(cᵢ − c̄), row i for worker i.
    let centre: [Double]
    let workerShifts: [Double]
    let fstar: Double

    init(dimension: Int, workers: Int, diagonal: [Double], dense: [Double], centres: [Double]) {
        self.dimension = dimension
        self.workers = workers
        self.diagonal = diagonal
        self.dense = dense
        let d = dimension, n = workers
        var cbar = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { cbar[j] += centres[i * d + j] } }
        for j in 0..<d { cbar[j] /= Double(n) }
        centre = cbar
        var shifts = [Double](repeating: 0, count: n * d)
        var fs = 0.0
        for i in 0..<n {
            let delta = (0..<d).map { centres[i * d + $0] - cbar[$0] }
            let aDelta = QuadraticObjective.multiply(diagonal: diagonal, dense: dense, delta)
            for j in 0..<d { shifts[i * d + j] = aDelta[j]; fs += 0.5 * delta[j] * aDelta[j] }
        }
        workerShifts = shifts
        fstar = fs / Double(n)
    }

    static func multiply(diagonal: [Double], dense: [Double], _ v: [Double]) -> [Double] {
        let d = v.count
        if dense.isEmpty { return (0..<d).map { diagonal[$0] * v[$0] } }
        return (0..<d).map { i in (0..<d).reduce(0.0) { $0 + dense[i * d + $1] * v[$1] } }
    }

    /// y ← A (x − c̄)
    @inline(__always)
    private func gradientOfMean(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        centre.withUnsafeBufferPointer { c in
            if dense.isEmpty {
                diagonal.withUnsafeBufferPointer { a in
                    for j in 0..<d { y[j] = a[j] * (x[j] - c[j]) }
                }
            } else {
                dense.withUnsafeBufferPointer { a in
                    for i in 0..<d {
                        var s = 0.0
                        for j in 0..<d { s += a[i * d + j] * (x[j] - c[j]) }
                        y[i] = s
                    }
                }
            }
        }
    }

    func value(at x: UnsafeBufferPointer<Double>) -> Double {
        let d = dimension
        if dense.isEmpty {
            // ½ Σ aⱼ (xⱼ − c̄ⱼ)² + f*, without a temporary.
            var s = 0.0
            diagonal.withUnsafeBufferPointer { a in
                centre.withUnsafeBufferPointer { c in
                    for j in 0..<d { let y = x[j] - c[j]; s += y * (a[j] * y) }
                }
            }
            return 0.5 * s + fstar
        }
        let ay = UnsafeMutableBufferPointer<Double>.allocate(capacity: d)
        defer { ay.deallocate() }
        gradientOfMean(x, into: ay)
        var s = 0.0
        centre.withUnsafeBufferPointer { c in for j in 0..<d { s += (x[j] - c[j]) * ay[j] } }
        return 0.5 * s + fstar
    }

    func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>,
                        into gradient: UnsafeMutableBufferPointer<Double>) {
        let d = dimension, base = worker * d   // a local: `gradient` might alias self as far as the optimizer knows
        if dense.isEmpty {
            // One fused pass (the hot case): A(x − c̄) − A(cᵢ − c̄), the same operations in the
            // same order as the two-pass form below.
            diagonal.withUnsafeBufferPointer { a in
                centre.withUnsafeBufferPointer { c in
                    workerShifts.withUnsafeBufferPointer { shifts in
                        // Worker i's row as its own pointer: `base + j` inside the loop would be
                        // overflow-checked, which keeps the loop from vectorizing.
                        let s = shifts.baseAddress! + base
                        if d >= Vec.cKernelMinimum, let px = x.baseAddress, let out = gradient.baseAddress {
                            // The same loop in CKernels (bc_vec.h), at the CPU's vector width.
                            bc_diagonal_gradient(a.baseAddress, px, c.baseAddress, s, out, d)
                            return
                        }
                        for j in 0..<d { gradient[j] = a[j] * (x[j] - c[j]) - s[j] }
                    }
                }
            }
            return
        }
        gradientOfMean(x, into: gradient)
        workerShifts.withUnsafeBufferPointer { s in
            for j in 0..<d { gradient[j] -= s[base + j] }
        }
    }
}

/// **quadratic** — f = (1/n) Σᵢ ½(x − cᵢ)ᵀA(x − cᵢ) with a prescribed spectrum of A (`spectrum:
/// {min, max, zeros, spacing}`, optionally `rotate`d by a random orthogonal matrix).
///
/// Parameters: `spectrum: {min: > 0 (1), max: > 0 (10), zeros: ≥ 0 (0), spacing:
/// linear|log|two-point}` with min ≤ max and zeros < d (`two-point` puts every positive
/// eigenvalue at min except the largest, at max); `rotate: bool` (false), for d ≤ 400 (A is
/// then dense).
///
/// Constants: L = λ_max(A) and μ = the smallest positive eigenvalue (from the spectrum, or by
/// GSL for a rotated A), f* exact, B² = 1 and G² exact (a common A).
/// Guarantees: smooth, PL, exact f*; strongly convex (with μ) when no eigenvalue is zero;
/// gradients unbounded.
public struct QuadraticFamily: ProblemFamily {
    public static let name = "quadratic"
    public static let synopsis = "½(x − cᵢ)ᵀA(x − cᵢ); spectrum: {min, max, zeros, spacing: linear|log|two-point}, rotate: bool"
    public static let parameterKeys = ["spectrum", "rotate"]
    /// A rotated A is dense, O(d²) per gradient: refused beyond this dimension.
    static let maximumRotatedDimension = 400
    var parameters: Parameters

    public init(minEigenvalue: Double = 1, maxEigenvalue: Double = 10, zeroEigenvalues: Int = 0,
                logSpacing: Bool = false, rotate: Bool = false, twoPoint: Bool = false) {
        parameters = Parameters(minEigenvalue: minEigenvalue, maxEigenvalue: maxEigenvalue, zeroEigenvalues: zeroEigenvalues,
                                logSpacing: logSpacing, rotate: rotate, twoPoint: twoPoint)
    }

    /// How the positive eigenvalues are spaced between min and max.
    enum Spacing: String, CaseIterable {
        case linear, log
        case twoPoint = "two-point"
    }

    /// An invalid value is reported and its default used, so the rest of the file is still checked.
    public init?(parameters p: inout ParameterReader) {
        var q = Parameters()
        if let s = p.mapping("spectrum", keys: ["min", "max", "zeros", "spacing"], what: "the spectrum") {
            q.minEigenvalue = s.double("min", .positive, default: q.minEigenvalue) ?? q.minEigenvalue
            q.maxEigenvalue = s.double("max", .positive, default: q.maxEigenvalue) ?? q.maxEigenvalue
            q.zeroEigenvalues = s.int("zeros", .atLeast(0), default: 0) ?? 0
            let spacing = s.choice("spacing", default: Spacing.linear, what: "spacing")
            q.logSpacing = spacing == .log
            q.twoPoint = spacing == .twoPoint
            if q.minEigenvalue > q.maxEigenvalue {
                s.error("min (\(q.minEigenvalue)) must not exceed max (\(q.maxEigenvalue))")
            }
            if let d = s.dimension, q.zeroEigenvalues >= d {
                s.error(at: "zeros", "\(q.zeroEigenvalues) zero eigenvalues leave none positive in dimension \(d); use at most \(d - 1)")
            }
        }
        q.rotate = p.bool("rotate", default: false) ?? false
        if q.rotate, let d = p.dimension, d > Self.maximumRotatedDimension {
            p.error(at: "rotate", "a rotated quadratic is dense (O(d²) per gradient); dimension \(d) is over the limit of \(Self.maximumRotatedDimension)")
        }
        parameters = q
    }

    /// Strongly convex exactly when A has no zero eigenvalue (μ is then λ_min(A)).
    public var guarantees: FamilyGuarantees {
        FamilyGuarantees(smooth: true, pl: true, boundedGradients: false, exactOptimum: true,
                         stronglyConvex: parameters.zeroEigenvalues == 0)
    }

    /// A rotated A is held dense, with its rotation while it is built.
    public func instanceDoubles(dimension: Int, workers: Int) -> Double {
        parameters.rotate ? 2 * Double(dimension) * Double(dimension) : 0
    }

    public func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem {
        try Self.build(parameters, dimension: dimension, workers: workers, heterogeneity: heterogeneity, rng: &rng)
    }

    struct Parameters: Sendable, Equatable {
        var minEigenvalue = 1.0
        var maxEigenvalue = 10.0
        /// How many eigenvalues are exactly zero (a singular, still PL, A).
        var zeroEigenvalues = 0
        var logSpacing = false
        var rotate = false
        /// Every positive eigenvalue at min except the largest, at max (`spacing: two-point`).
        var twoPoint = false
    }

    /// The eigenvalues: `zeroEigenvalues` zeros, then min…max spaced linearly (or
    /// geometrically, or min repeated with max last), ascending.
    static func spectrum(_ p: Parameters, dimension d: Int) -> [Double] {
        let positive = d - p.zeroEigenvalues
        var values = [Double](repeating: 0, count: p.zeroEigenvalues)
        for k in 0..<positive {
            let t = positive == 1 ? 1.0 : Double(k) / Double(positive - 1)
            if p.twoPoint {
                values.append(k == positive - 1 ? p.maxEigenvalue : p.minEigenvalue)
                continue
            }
            values.append(p.logSpacing
                ? p.minEigenvalue * pow(p.maxEigenvalue / p.minEigenvalue, t)
                : p.minEigenvalue + (p.maxEigenvalue - p.minEigenvalue) * t)
        }
        return values
    }

    /// A random orthogonal d × d matrix (row-major): modified Gram–Schmidt on Gaussian columns.
    static func randomOrthogonal(_ d: Int, rng: inout RandomStream) -> [Double] {
        var q = (0..<(d * d)).map { _ in rng.nextGaussian() }   // column j = q[·, j]
        for j in 0..<d {
            for k in 0..<j {
                var dot = 0.0
                for i in 0..<d { dot += q[i * d + j] * q[i * d + k] }
                for i in 0..<d { q[i * d + j] -= dot * q[i * d + k] }
            }
            var norm = 0.0
            for i in 0..<d { norm += q[i * d + j] * q[i * d + j] }
            norm = norm.squareRoot()
            for i in 0..<d { q[i * d + j] /= norm }
        }
        return q
    }

    static func build(_ p: Parameters, dimension d: Int, workers n: Int, heterogeneity: Double,
                      rng: inout RandomStream) throws -> BuiltProblem {
        let lambda = spectrum(p, dimension: d)
        var dense: [Double] = []
        var diagonal: [Double] = lambda
        var eigenvalues = lambda
        var how = "spectrum as constructed (A diagonal)"
        if p.rotate {
            let q = randomOrthogonal(d, rng: &rng)
            dense = [Double](repeating: 0, count: d * d)
            for i in 0..<d { for j in 0...i {
                var s = 0.0
                for k in 0..<d { s += q[i * d + k] * lambda[k] * q[j * d + k] }
                dense[i * d + j] = s
                dense[j * d + i] = s
            } }
            diagonal = []
            eigenvalues = try GSL.symmetricEigenvalues(dense, dimension: d, context: "quadratic: eigenvalues of A")
            how = "GSL symmetric eigensolver on A = QΛQᵀ"
        }
        // Centres: cᵢ = heterogeneity · ξᵢ, ξᵢ ~ N(0, I/d); c̄ is their mean (computed by the objective).
        let sd = heterogeneity / Double(d).squareRoot()
        let centres = (0..<(n * d)).map { _ in sd * rng.nextGaussian() }
        let objective = QuadraticObjective(dimension: d, workers: n, diagonal: diagonal, dense: dense, centres: centres)
        let L = eigenvalues.last ?? 0
        // Eigenvalues below this are round-off zeros of a singular A.
        let zeroTolerance = 1e-10 * max(L, 1)
        let mu = eigenvalues.first { $0 > zeroTolerance }
        var g2 = 0.0
        for v in objective.workerShifts { g2 += v * v }
        g2 /= Double(n)
        let constants = ProblemConstants(
            L: DerivedConstant(L, "λ_max(A), \(how)"),
            mu: mu.map { DerivedConstant($0, "smallest positive eigenvalue of A, \(how)") },
            fstar: DerivedConstant(objective.fstar, "(1/n) Σ ½(cᵢ − c̄)ᵀA(cᵢ − c̄), exact"),
            fstarIsLowerBound: false,
            B2: DerivedConstant(1, "exact for quadratics with a common A"),
            G2: DerivedConstant(g2, "(1/n) Σ‖A(cᵢ − c̄)‖², exact"),
            workerSmoothness: DerivedConstant(L, "every fᵢ has the Hessian A, so Lᵢ = L and L̃ = L"))
        return BuiltProblem(objective: objective, constants: constants)
    }
}

extension ProblemFamily where Self == QuadraticFamily {
    /// `problem: {family: quadratic, …}` in code: `ProblemSpec(family: .quadratic(maxEigenvalue: 4), …)`.
    public static func quadratic(minEigenvalue: Double = 1, maxEigenvalue: Double = 10, zeroEigenvalues: Int = 0,
                                 logSpacing: Bool = false, rotate: Bool = false) -> QuadraticFamily {
        QuadraticFamily(minEigenvalue: minEigenvalue, maxEigenvalue: maxEigenvalue, zeroEigenvalues: zeroEigenvalues,
                        logSpacing: logSpacing, rotate: rotate)
    }
}
