#if canImport(Glibc)
import Glibc
#endif

/// Logistic regression with a nonconvex regularizer (docs/theory.md §7):
/// fᵢ(x) = (1/Nᵢ) Σ_{s ∈ i} log(1 + exp(−yₛ aₛᵀx)) + λ Σⱼ xⱼ²/(1 + xⱼ²), labels yₛ ∈ {±1}.
///
/// L = λ_max(DᵀD)/(4N) + 2λ (the logistic loss has curvature ≤ ¼, the regularizer ≤ 2λ); the
/// same argument on worker i's own rows Aᵢ (Nᵢ of them) gives fᵢ's smoothness
/// Lᵢ = λ_max(AᵢᵀAᵢ)/(4Nᵢ) + 2λ, since ∇²fᵢ = (1/Nᵢ) Σ_{s ∈ i} σ'(·) aₛaₛᵀ + λ diag(φ''(xⱼ)) with
/// 0 ≤ σ' ≤ ¼ and |φ''| ≤ 2 (both attained at x = 0, so Lᵢ is the exact sup of ‖∇²fᵢ‖);
/// f_inf = 0 is a lower bound (both parts are nonnegative), not f*. Gradients are bounded:
/// ‖∇fᵢ‖ ≤ (1/Nᵢ) Σ‖aₛ‖ + λ √d · 3√3/8, so A6 holds with B² = 0, G² = (1/n) Σᵢ G_max,i².
final class LogisticNonconvexObjective: Objective, Sendable {
    let data: WorkerDataset
    let lambda: Double
    var dimension: Int { data.dimension }
    var workers: Int { data.workers }
    /// L̃, computed the first time a bound asks (``Objective/onDemandWorkerSmoothness()``).
    private let workerSmoothnessCache = ComputedOnce<DerivedConstant>()

    func onDemandWorkerSmoothness() throws -> DerivedConstant? {
        try workerSmoothnessCache.value {
            DerivedConstant(WorkerDataset.rootMeanSquare(try LogisticNonconvexFamily.workerSmoothnessConstants(data: data, lambda: lambda)),
                            "√((1/n) Σ Lᵢ²), Lᵢ = λ_max(AᵢᵀAᵢ)/(4Nᵢ) + 2λ from worker i's rows, eigenvalues by GSL")
        }
    }

    init(data: WorkerDataset, lambda: Double) {
        self.data = data
        self.lambda = lambda
    }

    /// log(1 + e^z) without overflow.
    @inline(__always) static func softplus(_ z: Double) -> Double {
        z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
    }

    func value(at x: UnsafeBufferPointer<Double>) -> Double {
        let d = dimension
        var loss = 0.0
        data.features.withUnsafeBufferPointer { a in
            for s in 0..<data.rows {
                let z = Vec.dot(a.baseAddress! + s * d, x.baseAddress!, count: d)
                loss += Self.softplus(-data.targets[s] * z)
            }
        }
        var reg = 0.0
        for j in 0..<d { let t = x[j]; reg += t * t / (1 + t * t) }
        return loss / Double(data.rows) + lambda * reg
    }

    func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>,
                        into gradient: UnsafeMutableBufferPointer<Double>) {
        let d = dimension, r = data.rowsPerWorker
        for j in 0..<d { let t = x[j], q = 1 + t * t; gradient[j] = lambda * 2 * t / (q * q) }
        let scale = 1 / Double(r)
        data.features.withUnsafeBufferPointer { a in
            data.targets.withUnsafeBufferPointer { y in
                for s in (worker * r)..<((worker + 1) * r) {
                    let row = a.baseAddress! + s * d
                    let z = Vec.dot(row, x.baseAddress!, count: d)
                    // d/dx log(1 + exp(−y z)) = −y σ(−y z) a
                    let coefficient = -y[s] / (1 + exp(y[s] * z)) * scale
                    for j in 0..<d { gradient[j] += coefficient * row[j] }
                }
            }
        }
    }
}

/// **logistic-ncvx** — logistic regression on planted data with the nonconvex regulariser
/// λ Σ xⱼ²/(1 + xⱼ²) (`samples` rows per worker, `lambda`).
///
/// Constants: L by GSL from the data, f_inf = 0 a lower bound only, gradient bounds from the
/// rows' norms, L̃ = √((1/n) Σᵢ Lᵢ²) from each worker's Lᵢ = λ_max(AᵢᵀAᵢ)/(4Nᵢ) + 2λ (its own
/// rows, by GSL; L ≤ L̃ since DᵀD = Σᵢ AᵢᵀAᵢ). Guarantees: smooth, bounded gradients; not PL;
/// f_inf only.
public struct LogisticNonconvexFamily: ProblemFamily {
    public static let name = "logistic-ncvx"
    public static let synopsis = "logistic loss + λ Σ xⱼ²/(1+xⱼ²); samples-per-worker, lambda; bounded gradients"
    public static let parameterKeys = ["samples-per-worker", "lambda"]
    var parameters: Parameters

    public init(samplesPerWorker: Int = 50, lambda: Double = 0.1) {
        parameters = Parameters(samplesPerWorker: samplesPerWorker, lambda: lambda)
    }

    /// `samples-per-worker: ≥ 1 (50)`, `lambda: ≥ 0 (0.1)`; an invalid value is reported and the
    /// default used.
    public init?(parameters p: inout ParameterReader) {
        let defaults = Parameters()
        parameters = Parameters(
            samplesPerWorker: p.int("samples-per-worker", .atLeast(1), default: defaults.samplesPerWorker) ?? defaults.samplesPerWorker,
            lambda: p.double("lambda", .nonNegative, default: defaults.lambda) ?? defaults.lambda)
    }

    public var guarantees: FamilyGuarantees { FamilyGuarantees(smooth: true, pl: false, boundedGradients: true, exactOptimum: false) }

    public var rowsPerWorker: Int { parameters.samplesPerWorker }

    public func setupWork(dimension: Int, workers: Int) -> Double {
        WorkerDataset.setupWork(dimension: dimension, workers: workers, rowsPerWorker: parameters.samplesPerWorker)
    }

    public func instanceDoubles(dimension: Int, workers: Int) -> Double {
        WorkerDataset.instanceDoubles(dimension: dimension, workers: workers, rowsPerWorker: parameters.samplesPerWorker)
    }

    public func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem {
        try Self.build(parameters, dimension: dimension, workers: workers, heterogeneity: heterogeneity, rng: &rng)
    }

    struct Parameters: Sendable, Equatable {
        var samplesPerWorker = 50
        var lambda = 0.1
    }

    static func build(_ p: Parameters, dimension d: Int, workers n: Int, heterogeneity: Double,
                      rng: inout RandomStream) throws -> BuiltProblem {
        // Labels from a planted model: P(y = 1) = σ(aᵀx_true), x_true ~ N(0, 4I).
        let data = WorkerDataset.planted(dimension: d, workers: n, rowsPerWorker: p.samplesPerWorker,
                                         heterogeneity: heterogeneity, truthScale: 2, rng: &rng) { z, rng in
            rng.nextUniform() < 1 / (1 + exp(-z)) ? 1 : -1
        }
        let objective = LogisticNonconvexObjective(data: data, lambda: p.lambda)
        let lambdaMax = try data.largestGramEigenvalue(context: "logistic-ncvx: λ_max(DᵀD)")
        let phiPrimeMax = 3 * Double(3).squareRoot() / 8
        let bounds = (0..<n).map { data.meanRowNorm(worker: $0) + p.lambda * Double(d).squareRoot() * phiPrimeMax }
        let constants = WorkerDataset.boundedGradientConstants(
            L: DerivedConstant(lambdaMax / (4 * Double(data.rows)) + 2 * p.lambda, "λ_max(DᵀD)/(4N) + 2λ, eigenvalue by GSL"),
            fstar: DerivedConstant(0, "lower bound f_inf = 0 (loss and regularizer are nonnegative)"),
            fstarIsLowerBound: true,
            workerGradientBounds: bounds, how: "(1/Nᵢ) Σ‖aₛ‖ + λ√d·3√3/8")
        return BuiltProblem(objective: objective, constants: constants)
    }

    /// Each worker's smoothness Lᵢ = λ_max(AᵢᵀAᵢ)/(4Nᵢ) + 2λ, from its own rows Aᵢ.
    static func workerSmoothnessConstants(data: WorkerDataset, lambda: Double) throws -> [Double] {
        try data.largestWorkerGramEigenvalues(context: "logistic-ncvx: λ_max(AᵢᵀAᵢ)").map {
            $0 / (4 * Double(data.rowsPerWorker)) + 2 * lambda
        }
    }
}

extension ProblemFamily where Self == LogisticNonconvexFamily {
    /// `problem: {family: logistic-ncvx, …}` in code.
    public static func logisticNonconvex(samplesPerWorker: Int = 50, lambda: Double = 0.1) -> LogisticNonconvexFamily {
        LogisticNonconvexFamily(samplesPerWorker: samplesPerWorker, lambda: lambda)
    }
}
