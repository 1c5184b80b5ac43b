import GSL

#if canImport(Glibc)
import Glibc
#endif

/// A composite (conditional) objective, F(x) = (1/N) Σₛ φ(aₛᵀx − yₛ) with φ = log cosh
/// (docs/theory.md §7), whose oracle sees each inner value uₛ = aₛᵀx − yₛ only through the mean of
/// m_in noisy samples, uₛ + σ_g ξ̄ with ξ̄ ~ N(0, 1/m_in).
///
/// φ' = tanh is 1-Lipschitz and bounded by 1, φ'' = sech² ≤ 1, so L = λ_max((1/N) Σ aₛaₛᵀ) and
/// ‖∇fᵢ‖ ≤ (1/Nᵢ) Σ‖aₛ‖. On worker i's own rows Aᵢ the same argument gives fᵢ's smoothness
/// Lᵢ = λ_max(AᵢᵀAᵢ)/Nᵢ (∇²fᵢ = (1/Nᵢ) Σ_{s ∈ i} sech²(uₛ) aₛaₛᵀ ⪯ AᵢᵀAᵢ/Nᵢ, attained where every
/// uₛ = 0). f_inf = 0 (log cosh ≥ 0); with noiseless targets f* = 0 exactly, at
/// the planted x_true.
///
/// The plug-in gradient (1/Nᵢ) Σ tanh(ûₛ) aₛ is biased because tanh is nonlinear. Its exact
/// mean is (1/Nᵢ) Σ E[tanh(uₛ + σ Z)] aₛ, computed here by Gaussian integration with GSL
/// (``expectedSampledWorkerGradient(_:at:innerStandardDeviation:)``).
final class CompositeObjective: Objective, Sendable {
    let data: WorkerDataset
    var dimension: Int { data.dimension }
    var workers: Int { data.workers }
    /// L̃, computed the first time a bound asks (``Objective/onDemandWorkerSmoothness()``).
    private let workerSmoothnessCache = ComputedOnce<DerivedConstant>()

    func onDemandWorkerSmoothness() throws -> DerivedConstant? {
        try workerSmoothnessCache.value {
            DerivedConstant(WorkerDataset.rootMeanSquare(try CompositeFamily.workerSmoothnessConstants(data: data)),
                            "√((1/n) Σ Lᵢ²), Lᵢ = λ_max(AᵢᵀAᵢ)/Nᵢ from worker i's rows, eigenvalues by GSL")
        }
    }

    init(data: WorkerDataset) { self.data = data }

    /// log cosh u, stable for large |u|.
    @inline(__always) static func logCosh(_ u: Double) -> Double {
        let a = abs(u)
        return a + log1p(exp(-2 * a)) - M_LN2
    }

    func value(at x: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for row in 0..<data.rows { s += Self.logCosh(inner(row, x)) }
        return s / Double(data.rows)
    }

    @inline(__always) func inner(_ row: Int, _ x: UnsafeBufferPointer<Double>) -> Double {
        let d = dimension
        return data.features.withUnsafeBufferPointer { a in
            Vec.dot(a.baseAddress! + row * d, x.baseAddress!, count: d) - data.targets[row]
        }
    }

    /// (1/Nᵢ) Σ w(uₛ) aₛ for a per-row weight w.
    @inline(__always)
    private func accumulate(_ worker: Int, _ x: UnsafeBufferPointer<Double>,
                            _ gradient: UnsafeMutableBufferPointer<Double>, weight: (Double) -> Double) {
        let d = dimension, r = data.rowsPerWorker
        for j in 0..<d { gradient[j] = 0 }
        let scale = 1 / Double(r)
        data.features.withUnsafeBufferPointer { a in
            for s in (worker * r)..<((worker + 1) * r) {
                let c = weight(inner(s, x)) * scale
                let row = a.baseAddress! + s * d
                for j in 0..<d { gradient[j] += c * row[j] }
            }
        }
    }

    func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>,
                        into gradient: UnsafeMutableBufferPointer<Double>) {
        accumulate(worker, x, gradient) { tanh($0) }
    }

    /// The plug-in estimate with each inner value seen through noise of standard deviation
    /// `innerStandardDeviation` (σ_g/√m_in): one draw per row and call.
    func sampledWorkerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>, innerStandardDeviation sigma: Double,
                               rng: inout RandomStream, into gradient: UnsafeMutableBufferPointer<Double>) {
        let d = dimension, r = data.rowsPerWorker
        for j in 0..<d { gradient[j] = 0 }
        let scale = 1 / Double(r)
        data.features.withUnsafeBufferPointer { a in
            for s in (worker * r)..<((worker + 1) * r) {
                let c = tanh(inner(s, x) + sigma * rng.nextGaussian()) * scale
                let row = a.baseAddress! + s * d
                for j in 0..<d { gradient[j] += c * row[j] }
            }
        }
    }

    /// E[tanh(u + σZ)], Z ~ N(0, 1), by GSL integration over ℝ.
    static func expectedTanh(_ u: Double, sigma: Double) throws -> Double {
        if sigma == 0 { return tanh(u) }
        let norm = 1 / (2 * Double.pi).squareRoot()
        return try GSL.integrateOverReals(context: "composite: E[tanh(u + σZ)] at u = \(u)") { z in
            tanh(u + sigma * z) * norm * exp(-0.5 * z * z)
        }.value
    }

    /// The exact mean of ``sampledWorkerGradient(_:at:innerStandardDeviation:rng:into:)``.
    func expectedSampledWorkerGradient(_ worker: Int, at x: [Double], innerStandardDeviation sigma: Double) throws -> [Double] {
        var g = [Double](repeating: 0, count: dimension)
        var failure: Error?
        x.withUnsafeBufferPointer { xs in
            g.withUnsafeMutableBufferPointer { gs in
                accumulate(worker, xs, gs) { u in
                    do { return try Self.expectedTanh(u, sigma: sigma) } catch { failure = error; return .nan }
                }
            }
        }
        if let failure { throw failure }
        return g
    }
}

/// **composite** — f = (1/N) Σ φ(aₛᵀx − yₛ) with φ(t) = log cosh t on planted data (`samples`
/// rows per worker, targets with noise `target-noise`).
///
/// Constants: L = λ_max((1/N) Σ aₛaₛᵀ) by GSL; f* = 0 exact with noiseless targets, else a lower
/// bound f_inf = 0; gradient bounds (1/Nᵢ) Σ‖aₛ‖; L̃ = √((1/n) Σᵢ Lᵢ²) from each worker's
/// Lᵢ = λ_max(AᵢᵀAᵢ)/Nᵢ on its own rows, by GSL (L ≤ L̃ since DᵀD = Σᵢ AᵢᵀAᵢ). Guarantees: smooth, bounded gradients; not PL;
/// exact f* only without target noise.
public struct CompositeFamily: ProblemFamily {
    public static let name = "composite"
    public static let synopsis = "(1/N) Σ log cosh(aₛᵀx − yₛ); samples-per-worker, target-noise; bounded gradients"
    public static let parameterKeys = ["samples-per-worker", "target-noise"]
    var parameters: Parameters

    public init(samplesPerWorker: Int = 50, targetNoise: Double = 0) {
        parameters = Parameters(samplesPerWorker: samplesPerWorker, targetNoise: targetNoise)
    }

    /// `samples-per-worker: ≥ 1 (50)`, `target-noise: ≥ 0 (0)`; an invalid value is reported and
    /// the default used.
    public init?(parameters p: inout ParameterReader) {
        let defaults = Parameters()
        parameters = Parameters(
            samplesPerWorker: p.int("samples-per-worker", .atLeast(1), default: defaults.samplesPerWorker) ?? defaults.samplesPerWorker,
            targetNoise: p.double("target-noise", .nonNegative, default: defaults.targetNoise) ?? defaults.targetNoise)
    }

    public var guarantees: FamilyGuarantees {
        FamilyGuarantees(smooth: true, pl: false, boundedGradients: true, exactOptimum: parameters.targetNoise == 0)
    }

    public var rowsPerWorker: Int { parameters.samplesPerWorker }

    /// The data setup, and the probe's exact means, which integrate over every row at each of its
    /// points (about ten points of some hundreds of integrand evaluations).
    public func setupWork(dimension: Int, workers: Int) -> Double {
        let rows = Double(workers) * Double(parameters.samplesPerWorker)
        return WorkerDataset.setupWork(dimension: dimension, workers: workers, rowsPerWorker: parameters.samplesPerWorker)
            + 3000 * rows * Double(dimension)
    }

    public func instanceDoubles(dimension: Int, workers: Int) -> Double {
        WorkerDataset.instanceDoubles(dimension: dimension, workers: workers, rowsPerWorker: parameters.samplesPerWorker)
    }

    public func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem {
        try Self.build(parameters, dimension: dimension, workers: workers, heterogeneity: heterogeneity, rng: &rng)
    }

    struct Parameters: Sendable, Equatable {
        var samplesPerWorker = 50
        /// Standard deviation of the targets' noise; 0 makes f* = 0 exact.
        var targetNoise = 0.0
    }

    static func build(_ p: Parameters, dimension d: Int, workers n: Int, heterogeneity: Double,
                      rng: inout RandomStream) throws -> BuiltProblem {
        // Targets from a planted model: yₛ = aₛᵀx_true + targetNoise · N(0, 1), x_true ~ N(0, I).
        let data = WorkerDataset.planted(dimension: d, workers: n, rowsPerWorker: p.samplesPerWorker,
                                         heterogeneity: heterogeneity, truthScale: 1, rng: &rng) { z, rng in
            z + p.targetNoise * rng.nextGaussian()
        }
        let objective = CompositeObjective(data: data)
        let lambdaMax = try data.largestGramEigenvalue(context: "composite: λ_max((1/N) Σ aₛaₛᵀ)")
        let bounds = (0..<n).map { data.meanRowNorm(worker: $0) }
        let exact = p.targetNoise == 0
        let constants = WorkerDataset.boundedGradientConstants(
            L: DerivedConstant(lambdaMax / Double(data.rows), "λ_max((1/N) Σ aₛaₛᵀ) by GSL, since φ'' ≤ 1"),
            fstar: DerivedConstant(0, exact ? "f(x_true) = 0 with noiseless targets, and φ ≥ 0"
                                            : "lower bound f_inf = 0 (φ ≥ 0)"),
            fstarIsLowerBound: !exact,
            workerGradientBounds: bounds, how: "(1/Nᵢ) Σ‖aₛ‖ since |tanh| ≤ 1")
        return BuiltProblem(objective: objective, constants: constants)
    }

    /// Each worker's smoothness Lᵢ = λ_max(AᵢᵀAᵢ)/Nᵢ, from its own rows Aᵢ (φ'' = sech² ≤ 1).
    static func workerSmoothnessConstants(data: WorkerDataset) throws -> [Double] {
        try data.largestWorkerGramEigenvalues(context: "composite: λ_max(AᵢᵀAᵢ)").map { $0 / Double(data.rowsPerWorker) }
    }
}

extension ProblemFamily where Self == CompositeFamily {
    /// `problem: {family: composite, …}` in code.
    public static func composite(samplesPerWorker: Int = 50, targetNoise: Double = 0) -> CompositeFamily {
        CompositeFamily(samplesPerWorker: samplesPerWorker, targetNoise: targetNoise)
    }
}
