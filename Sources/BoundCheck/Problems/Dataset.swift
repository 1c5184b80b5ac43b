internal import CKernels
import GSL

/// Synthetic rows split evenly over workers, as the data-based families use them: worker i
/// holds rows i·Nᵢ ..< (i+1)·Nᵢ of a row-major N × d matrix.
struct WorkerDataset: Sendable {
    let dimension: Int
    let workers: Int
    let rowsPerWorker: Int
    /// Row-major N × d features.
    let features: [Double]
    let targets: [Double]

    var rows: Int { workers * rowsPerWorker }

    /// Features aₛ ~ N(mᵢ, I/d) with a worker mean mᵢ = heterogeneity · N(0, I/d), so rows have
    /// norm about 1 and workers differ by about `heterogeneity`.
    static func gaussianFeatures(dimension d: Int, workers n: Int, rowsPerWorker r: Int,
                                 heterogeneity: Double, rng: inout RandomStream) -> [Double] {
        let sd = 1 / Double(d).squareRoot()
        var features = [Double](repeating: 0, count: n * r * d)
        for i in 0..<n {
            let shift = (0..<d).map { _ in heterogeneity * sd * rng.nextGaussian() }
            for s in 0..<r {
                let base = (i * r + s) * d
                for j in 0..<d { features[base + j] = shift[j] + sd * rng.nextGaussian() }
            }
        }
        return features
    }

    func rowNorm(_ row: Int) -> Double {
        var s = 0.0
        for j in 0..<dimension { s += features[row * dimension + j] * features[row * dimension + j] }
        return s.squareRoot()
    }

    /// (1/Nᵢ) Σ_{s ∈ worker i} ‖aₛ‖
    func meanRowNorm(worker: Int) -> Double {
        (0..<rowsPerWorker).reduce(0.0) { $0 + rowNorm(worker * rowsPerWorker + $1) } / Double(rowsPerWorker)
    }

    /// (1/Nᵢ) Σ_{s ∈ worker i} ‖aₛ‖²
    func meanRowNormSquared(worker: Int) -> Double {
        (0..<rowsPerWorker).reduce(0.0) { let n = rowNorm(worker * rowsPerWorker + $1); return $0 + n * n } / Double(rowsPerWorker)
    }
}

extension WorkerDataset {
    /// The one-off work of a data family's setup: forming and decomposing its Gram matrix, N·m²
    /// + m³ for N rows and m = min(d, N), and each worker's own (for Lᵢ), Nᵢ·mᵢ² + mᵢ³ with
    /// mᵢ = min(d, Nᵢ), n of them (``ProblemFamily/setupWork(dimension:workers:)``). The
    /// workers' are computed only when a method's bounds read L̃, but always counted: the cap
    /// stays an upper bound.
    static func setupWork(dimension: Int, workers: Int, rowsPerWorker: Int) -> Double {
        let d = Double(dimension), rows = Double(workers) * Double(rowsPerWorker), m = min(d, rows)
        let mi = min(d, Double(rowsPerWorker))
        return rows * m * m + m * m * m + rows * mi * mi + Double(workers) * mi * mi * mi
    }

    /// What a data family's instance holds (``ProblemFamily/instanceDoubles(dimension:workers:)``):
    /// the rows and targets, the Gram matrix and its workspace, and the transposed rows when
    /// d > N.
    static func instanceDoubles(dimension: Int, workers: Int, rowsPerWorker: Int) -> Double {
        let d = Double(dimension), rows = Double(workers) * Double(rowsPerWorker), m = min(d, rows)
        return rows * (d + 1) + 2 * m * m + (d > rows ? rows * d : 0)
    }

    /// The data setup of the data-based families (logistic-ncvx, composite): features from
    /// ``gaussianFeatures(dimension:workers:rowsPerWorker:heterogeneity:rng:)``, a planted model
    /// x_true = truthScale · N(0, I), and one target per row made by `target` from the row's inner
    /// product aₛᵀx_true (it may draw from the stream, e.g. a noisy value or a random label).
    ///
    /// The stream is read in this order: the features, x_true, then the targets row by row. The
    /// order fixes every instance, so it must not change.
    static func planted(dimension d: Int, workers n: Int, rowsPerWorker r: Int, heterogeneity: Double,
                        truthScale: Double, rng: inout RandomStream,
                        target: (_ innerProduct: Double, _ rng: inout RandomStream) -> Double) -> WorkerDataset {
        let features = gaussianFeatures(dimension: d, workers: n, rowsPerWorker: r, heterogeneity: heterogeneity, rng: &rng)
        let truth = (0..<d).map { _ in truthScale * rng.nextGaussian() }
        let targets: [Double] = (0..<(n * r)).map { s in
            var z = 0.0
            for j in 0..<d { z += features[s * d + j] * truth[j] }
            return target(z, &rng)
        }
        return WorkerDataset(dimension: d, workers: n, rowsPerWorker: r, features: features, targets: targets)
    }

    /// λ_max(DᵀD) of the N × d feature matrix D, by GSL.
    func largestGramEigenvalue(context: String) throws -> Double {
        try largestEigenvalueOfGram(features, rows: rows, columns: dimension, context: context)
    }

    /// λ_max(AᵢᵀAᵢ) for each worker's own Nᵢ × d rows Aᵢ, by GSL, one worker at a time (so the
    /// memory is one worker's Gram matrix, at most the whole data's).
    func largestWorkerGramEigenvalues(context: String) throws -> [Double] {
        let block = rowsPerWorker * dimension
        return try (0..<workers).map { i in
            try largestEigenvalueOfGram(Array(features[(i * block)..<((i + 1) * block)]), rows: rowsPerWorker,
                                        columns: dimension, context: "\(context), worker \(i)")
        }
    }

    /// Constants of a data family whose worker gradients are bounded, ‖∇fᵢ‖ ≤ G_max,i: then
    /// (1/n) Σᵢ ‖∇fᵢ‖² ≤ (1/n) Σᵢ G_max,i², so A6 holds with B² = 0 and G² = (1/n) Σᵢ G_max,i².
    /// `workerSmoothness` is L̃ = √((1/n) Σᵢ Lᵢ²), where the family computes the Lᵢ.
    static func boundedGradientConstants(L: DerivedConstant, fstar: DerivedConstant, fstarIsLowerBound: Bool,
                                         workerGradientBounds bounds: [Double], how: String,
                                         workerSmoothness: DerivedConstant? = nil) -> ProblemConstants {
        ProblemConstants(
            L: L, mu: nil, fstar: fstar, fstarIsLowerBound: fstarIsLowerBound,
            B2: DerivedConstant(0, "from bounded gradients"),
            G2: DerivedConstant(bounds.reduce(0) { $0 + $1 * $1 } / Double(bounds.count), "(1/n) Σ G_max,i² from bounded gradients"),
            workerGradientBounds: bounds,
            workerGradientBoundsHow: how,
            workerSmoothness: workerSmoothness)
    }

    /// √((1/n) Σᵢ vᵢ²): L̃ from the workers' Lᵢ.
    static func rootMeanSquare(_ values: [Double]) -> Double {
        (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
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
/// Sum of the rows' outer products aₛaₛᵀ in row order, G[i][j] += aₛ[i] aₛ[j] (a multiply, then an
/// add), over blocks of about 1 MB of rows: the row kernel of the lockstep gradients
/// (bc_add_weighted_rows, with the block itself as the weights: "point" i is row i of G) keeps 8
/// rows × 16 columns of G in vector registers while it runs down the block. The lower triangle
/// is then mirrored, as the scalar loop this replaced did (GSL's reference CBLAS `dsyrk` walks A by
/// columns here and took a minute for a 10⁴ × 10³ matrix); every entry has the same bits as before.
func gramMatrix(_ a: [Double], rows: Int, columns: Int) -> [Double] {
    let d = columns
    var g = [Double](repeating: 0, count: d * d)
    guard d > 0, rows > 0 else { return g }
    let block = max(1, min(rows, 131_072 / d))
    a.withUnsafeBufferPointer { pa in
        g.withUnsafeMutableBufferPointer { pg in
            let out = pg.baseAddress!
            let targets = (0..<d).map { out + $0 * d }
            targets.withUnsafeBufferPointer { t in
                var start = 0
                while start < rows {
                    let n = min(block, rows - start), rowsOfBlock = pa.baseAddress! + start * d
                    bc_add_weighted_rows(rowsOfBlock, n, d, rowsOfBlock, d, t.baseAddress!)
                    start += n
                }
            }
            for i in 0..<d { for j in (i + 1)..<max(i + 1, d) { out[i * d + j] = out[j * d + i] } }
        }
    }
    return g
}
