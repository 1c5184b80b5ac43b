import GSL

#if canImport(Glibc)
import Glibc
#endif

/// Logistic regression with a nonconvex regularizer (THEORY §7):
/// fᵢ(x) = (1/Nᵢ) Σ_{s ∈ i} log(1 + exp(−yₛ aₛᵀx)) + λ Σⱼ xⱼ²/(1 + xⱼ²), labels yₛ ∈ {±1}.
///
/// L = λ_max(DᵀD)/(4N) + 2λ (the logistic loss has curvature ≤ ¼, the regularizer ≤ 2λ);
/// f_inf = 0 is a lower bound (both parts are nonnegative), not f*. Gradients are bounded:
/// ‖∇fᵢ‖ ≤ (1/Nᵢ) Σ‖aₛ‖ + λ √d · 3√3/8, so A6 holds with B² = 0, G² = (1/n) Σᵢ G_max,i².
final class LogisticNonconvexObjective: Objective, @unchecked Sendable {
    let data: WorkerDataset
    let lambda: Double
    var dimension: Int { data.dimension }
    var workers: Int { data.workers }

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

enum LogisticNonconvexFamily {
    struct Parameters: Sendable, Equatable {
        var samplesPerWorker = 50
        var lambda = 0.1
    }

    static func build(_ p: Parameters, dimension d: Int, workers n: Int, heterogeneity: Double,
                      rng: inout RandomStream) throws -> BuiltProblem {
        let features = WorkerDataset.gaussianFeatures(dimension: d, workers: n, rowsPerWorker: p.samplesPerWorker,
                                                      heterogeneity: heterogeneity, rng: &rng)
        // Labels from a planted model: P(y = 1) = σ(aᵀx_true), x_true ~ N(0, 4I).
        let truth = (0..<d).map { _ in 2 * rng.nextGaussian() }
        let rows = n * p.samplesPerWorker
        let targets: [Double] = (0..<rows).map { s in
            var z = 0.0
            for j in 0..<d { z += features[s * d + j] * truth[j] }
            return rng.nextUniform() < 1 / (1 + exp(-z)) ? 1 : -1
        }
        let data = WorkerDataset(dimension: d, workers: n, rowsPerWorker: p.samplesPerWorker,
                                 features: features, targets: targets)
        let objective = LogisticNonconvexObjective(data: data, lambda: p.lambda)
        let lambdaMax = try largestEigenvalueOfGram(features, rows: rows, columns: d,
                                                    context: "logistic-ncvx: λ_max(DᵀD)")
        let phiPrimeMax = 3 * Double(3).squareRoot() / 8
        let bounds = (0..<n).map { data.meanRowNorm(worker: $0) + p.lambda * Double(d).squareRoot() * phiPrimeMax }
        let constants = ProblemConstants(
            L: DerivedConstant(lambdaMax / (4 * Double(rows)) + 2 * p.lambda, "λ_max(DᵀD)/(4N) + 2λ, eigenvalue by GSL"),
            mu: nil,
            fstar: DerivedConstant(0, "lower bound f_inf = 0 (loss and regularizer are nonnegative)"),
            fstarIsLowerBound: true,
            B2: DerivedConstant(0, "from bounded gradients"),
            G2: DerivedConstant(bounds.reduce(0) { $0 + $1 * $1 } / Double(n), "(1/n) Σ G_max,i² from bounded gradients"),
            workerGradientBounds: bounds,
            workerGradientBoundsHow: "(1/Nᵢ) Σ‖aₛ‖ + λ√d·3√3/8")
        return BuiltProblem(objective: objective, constants: constants)
    }
}

/// λ_max(AᵀA) for a row-major rows × columns matrix A, from the smaller of the two Gram
/// matrices (AᵀA and AAᵀ share their nonzero eigenvalues), by GSL's symmetric eigensolver.
func largestEigenvalueOfGram(_ a: [Double], rows: Int, columns: Int, context: String) throws -> Double {
    if columns <= rows {
        return try GSL.symmetricEigenvalues(gramMatrix(a, rows: rows, columns: columns), dimension: columns, context: context).last ?? 0
    }
    var transposed = [Double](repeating: 0, count: a.count)
    for i in 0..<rows { for j in 0..<columns { transposed[j * rows + i] = a[i * columns + j] } }
    return try GSL.symmetricEigenvalues(gramMatrix(transposed, rows: columns, columns: rows), dimension: rows, context: context).last ?? 0
}

/// AᵀA (columns × columns, symmetric) for a row-major rows × columns matrix A.
///
/// Sum of the rows' outer products aₛaₛᵀ, lower triangle, taken over blocks of rows so that a
/// block of A stays in cache while each row of the result is updated with contiguous,
/// vectorized loops; then mirrored. GSL's reference CBLAS `dsyrk` walks A by columns here and
/// took a minute for a 10⁴ × 10³ matrix; this takes a second or two.
func gramMatrix(_ a: [Double], rows: Int, columns: Int) -> [Double] {
    let d = columns
    var g = [Double](repeating: 0, count: d * d)
    let block = 32
    a.withUnsafeBufferPointer { pa in
        g.withUnsafeMutableBufferPointer { pg in
            let base = pa.baseAddress!, out = pg.baseAddress!
            var start = 0
            while start < rows {
                let end = min(start + block, rows)
                for i in 0..<d {
                    let gi = out + i * d
                    for s in start..<end {
                        let row = base + s * d
                        let c = row[i]
                        for j in 0...i { gi[j] += c * row[j] }
                    }
                }
                start = end
            }
            for i in 0..<d { for j in (i + 1)..<max(i + 1, d) { out[i * d + j] = out[j * d + i] } }
        }
    }
    return g
}
