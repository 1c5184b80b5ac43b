internal import CKernels

#if canImport(Glibc)
import Glibc
#endif

extension WorkerDataset {
    /// Rows per block of ``addWeightedRows(worker:points:into:weight:)``: about 512 KB of rows, so
    /// a block read by the first pass (the inner products) is still in L2 for the second.
    static func lockstepBlockRows(dimension: Int) -> Int { max(1, 65_536 / max(dimension, 1)) }

    /// For each point p, in row order s over worker i's rows:
    /// gradients[p] ← gradients[p] + w(yₛ, aₛ·x_p) aₛ — each row read once for all points.
    ///
    /// The same bits, point by point, as the one-point loop of the data families
    /// (`z = Vec.dot(row, x)`, then `gradient[j] += w(yₛ, z) * row[j]` for every j, row after row),
    /// whatever the number of points or the CPU level: the C kernels (bc_rows.h) keep each
    /// point's order of operations, and the weights are computed here, in Swift, as before.
    @inline(__always)
    func addWeightedRows(worker: Int, points: UnsafeBufferPointer<UnsafePointer<Double>>,
                         into gradients: UnsafeBufferPointer<UnsafeMutablePointer<Double>>,
                         weight: (_ target: Double, _ innerProduct: Double) -> Double) {
        let d = dimension, r = rowsPerWorker, count = points.count
        guard count > 0, let x = points.baseAddress, let g = gradients.baseAddress else { return }
        let block = min(r, Self.lockstepBlockRows(dimension: d))
        features.withUnsafeBufferPointer { a in
            targets.withUnsafeBufferPointer { y in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: block * count) { weights in
                    let w = weights.baseAddress!
                    var first = worker * r
                    let end = first + r
                    while first < end {
                        let rows = min(block, end - first), base = a.baseAddress! + first * d
                        bc_row_dots(base, rows, d, x, count, w)
                        for s in 0..<rows {
                            let target = y[first + s]
                            for p in 0..<count { w[s * count + p] = weight(target, w[s * count + p]) }
                        }
                        bc_add_weighted_rows(base, rows, d, w, count, g)
                        first += rows
                    }
                }
            }
        }
    }
}

extension WorkerDataset {
    /// For each point p, in row order over all rows: sums[p] ← sums[p] + term(yₛ, aₛ·x_p) — the
    /// loss sums of the data families' values, each row read once for all points (same bits as
    /// one `Vec.dot` per row and point).
    @inline(__always)
    func sumOverRows(points: UnsafeBufferPointer<UnsafePointer<Double>>, into sums: UnsafeMutableBufferPointer<Double>,
                     term: (_ target: Double, _ innerProduct: Double) -> Double) {
        let d = dimension, count = points.count
        guard count > 0, let x = points.baseAddress else { return }
        let block = min(rows, Self.lockstepBlockRows(dimension: d))
        features.withUnsafeBufferPointer { a in
            targets.withUnsafeBufferPointer { y in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: block * count) { dots in
                    let z = dots.baseAddress!
                    var first = 0
                    while first < rows {
                        let n = min(block, rows - first)
                        bc_row_dots(a.baseAddress! + first * d, n, d, x, count, z)
                        for s in 0..<n {
                            let target = y[first + s]
                            for p in 0..<count { sums[p] += term(target, z[s * count + p]) }
                        }
                        first += n
                    }
                }
            }
        }
    }
}

extension LogisticNonconvexObjective {
    /// ``value(at:)`` at several points, each row read once for all of them.
    func values(at points: UnsafeBufferPointer<UnsafePointer<Double>>, into values: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        for p in 0..<points.count { values[p] = 0 }
        data.sumOverRows(points: points, into: values) { y, z in Self.softplus(-y * z) }
        for p in 0..<points.count {
            let x = points[p]
            var reg = 0.0
            for j in 0..<d { let t = x[j]; reg += t * t / (1 + t * t) }
            values[p] = values[p] / Double(data.rows) + lambda * reg
        }
    }

    var evaluatesPointsTogether: Bool { true }

    /// ``workerGradient(_:at:into:)`` at several points, each row read once for all of them.
    func workerGradients(_ worker: Int, at points: UnsafeBufferPointer<UnsafePointer<Double>>,
                         into gradients: UnsafeBufferPointer<UnsafeMutablePointer<Double>>) {
        let d = dimension, scale = 1 / Double(data.rowsPerWorker)
        for p in 0..<points.count {
            let x = points[p], gradient = gradients[p]
            for j in 0..<d { let t = x[j], q = 1 + t * t; gradient[j] = lambda * 2 * t / (q * q) }
        }
        // d/dx log(1 + exp(−y z)) = −y σ(−y z) a
        data.addWeightedRows(worker: worker, points: points, into: gradients) { y, z in -y / (1 + exp(y * z)) * scale }
    }
}

extension CompositeObjective {
    /// ``value(at:)`` at several points, each row read once for all of them.
    func values(at points: UnsafeBufferPointer<UnsafePointer<Double>>, into values: UnsafeMutableBufferPointer<Double>) {
        for p in 0..<points.count { values[p] = 0 }
        data.sumOverRows(points: points, into: values) { y, z in Self.logCosh(z - y) }
        for p in 0..<points.count { values[p] /= Double(data.rows) }
    }

    var evaluatesPointsTogether: Bool { true }

    /// ``workerGradient(_:at:into:)`` at several points, each row read once for all of them.
    func workerGradients(_ worker: Int, at points: UnsafeBufferPointer<UnsafePointer<Double>>,
                         into gradients: UnsafeBufferPointer<UnsafeMutablePointer<Double>>) {
        let d = dimension, scale = 1 / Double(data.rowsPerWorker)
        for p in 0..<points.count { let gradient = gradients[p]; for j in 0..<d { gradient[j] = 0 } }
        data.addWeightedRows(worker: worker, points: points, into: gradients) { y, z in tanh(z - y) * scale }
    }
}
