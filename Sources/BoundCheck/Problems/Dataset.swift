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
