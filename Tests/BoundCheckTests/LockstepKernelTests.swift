import CKernels
import Testing
@testable import BoundCheck

/// Every CPU level this machine has (the kernels are checked on each).
private func levels() -> [bc_level] {
    let best = bc_supported_level()
    return [BC_LEVEL_BASELINE, BC_LEVEL_AVX2, BC_LEVEL_AVX512].filter { $0.rawValue <= best.rawValue }
}

/// Runs `body` at every CPU level, then goes back to the level in use before.
private func atEveryLevel(_ body: (bc_level) throws -> Void) rethrows {
    let before = bc_current_level()
    defer { bc_set_level(before) }
    for level in levels() {
        #expect(bc_set_level(level) == level)
        try body(level)
    }
}

private func randomValues(_ count: Int, _ rng: inout RandomStream) -> [Double] {
    (0..<count).map { _ in rng.nextGaussian() * (rng.nextUniform() < 0.1 ? 1e3 : 1) }
}

@Suite("Seeds in lockstep: the row kernels", .serialized)
struct LockstepKernelTests {
    /// Sizes around the 8-wide chunks and the kernels' 2-row and 8/4/2/1-point groups.
    static let shapes: [(d: Int, rows: Int, points: Int)] = [
        (1, 1, 1), (3, 2, 2), (7, 5, 3), (8, 1, 8), (9, 4, 5), (15, 3, 7), (16, 6, 9), (17, 7, 11), (31, 2, 4),
        (64, 9, 8), (100, 13, 6), (257, 3, 16), (1000, 4, 8),
    ]

    @Test("bc_row_dots gives each point Vec.dot's bits, at every CPU level and shape")
    func dotsMatchVecDot() {
        var rng = RandomStream(seed: 41)
        for (d, rows, points) in Self.shapes {
            let a = randomValues(rows * d, &rng)
            let xs = (0..<points).map { _ in randomValues(d, &rng) }
            var expected = [Double](repeating: 0, count: rows * points)
            for r in 0..<rows {
                for p in 0..<points {
                    expected[r * points + p] = a.withUnsafeBufferPointer { av in
                        xs[p].withUnsafeBufferPointer { Vec.dot(av.baseAddress! + r * d, $0.baseAddress!, count: d) }
                    }
                }
            }
            let pointers = xs.map { x -> UnsafeMutablePointer<Double> in
                let p = UnsafeMutablePointer<Double>.allocate(capacity: d)
                p.initialize(from: x, count: d)
                return p
            }
            defer { pointers.forEach { $0.deallocate() } }
            let constant = pointers.map { UnsafePointer($0) }
            atEveryLevel { level in
                var dots = [Double](repeating: .nan, count: rows * points)
                bc_row_dots(a, rows, d, constant, points, &dots)
                #expect(dots.map(\.bitPattern) == expected.map(\.bitPattern),
                        "d = \(d), rows = \(rows), points = \(points), \(String(cString: bc_level_name(level)))")
            }
        }
    }

    @Test("bc_add_weighted_rows adds rows in order, a multiply then an add, at every CPU level and shape")
    func weightedRowsMatchTheScalarLoop() {
        var rng = RandomStream(seed: 42)
        for (d, rows, points) in Self.shapes {
            let a = randomValues(rows * d, &rng)
            let weights = randomValues(rows * points, &rng)
            let start = (0..<points).map { _ in randomValues(d, &rng) }
            var expected = start
            for p in 0..<points {
                for r in 0..<rows {
                    let c = weights[r * points + p]
                    for j in 0..<d { expected[p][j] += c * a[r * d + j] }
                }
            }
            atEveryLevel { level in
                let g = start.map { x -> UnsafeMutablePointer<Double> in
                    let p = UnsafeMutablePointer<Double>.allocate(capacity: d)
                    p.initialize(from: x, count: d)
                    return p
                }
                defer { g.forEach { $0.deallocate() } }
                bc_add_weighted_rows(a, rows, d, weights, points, g)
                for p in 0..<points {
                    #expect(Array(UnsafeBufferPointer(start: g[p], count: d)).map(\.bitPattern) == expected[p].map(\.bitPattern),
                            "d = \(d), rows = \(rows), point \(p) of \(points), \(String(cString: bc_level_name(level)))")
                }
            }
        }
    }

    /// The data families' batched gradient against one call per point.
    private func checkFamily(_ family: any ProblemFamily, d: Int, rowsPerWorker: Int) throws {
        var rng = RandomStream(seed: UInt64(d * 131 + rowsPerWorker))
        let built = try family.build(dimension: d, workers: 3, heterogeneity: 0.5, rng: &rng)
        let objective = built.objective
        #expect(objective.evaluatesPointsTogether)
        for count in [1, 2, 3, 8, 9] {
            let xs = (0..<count).map { _ in randomValues(d, &rng) }
            let expectedValues = xs.map { objective.value(at: $0) }
            let valuePoints = xs.map { x -> UnsafeMutablePointer<Double> in
                let p = UnsafeMutablePointer<Double>.allocate(capacity: d)
                p.initialize(from: x, count: d)
                return p
            }
            defer { valuePoints.forEach { $0.deallocate() } }
            atEveryLevel { level in
                var values = [Double](repeating: .nan, count: count)
                valuePoints.map { UnsafePointer($0) }.withUnsafeBufferPointer { at in
                    values.withUnsafeMutableBufferPointer { objective.values(at: at, into: $0) }
                }
                #expect(values.map(\.bitPattern) == expectedValues.map(\.bitPattern),
                        "\(type(of: family).name) values, d = \(d), \(count) points, \(String(cString: bc_level_name(level)))")
            }
            for worker in 0..<3 {
                let expected = xs.map { objective.workerGradient(worker, at: $0) }
                let points = xs.map { x -> UnsafeMutablePointer<Double> in
                    let p = UnsafeMutablePointer<Double>.allocate(capacity: d)
                    p.initialize(from: x, count: d)
                    return p
                }
                let gradients = xs.map { _ in UnsafeMutablePointer<Double>.allocate(capacity: d) }
                defer { (points + gradients).forEach { $0.deallocate() } }
                try atEveryLevel { level in
                    points.map { UnsafePointer($0) }.withUnsafeBufferPointer { at in
                        gradients.withUnsafeBufferPointer { into in objective.workerGradients(worker, at: at, into: into) }
                    }
                    for p in 0..<count {
                        let got = Array(UnsafeBufferPointer(start: gradients[p], count: d))
                        #expect(got.map(\.bitPattern) == expected[p].map(\.bitPattern),
                                "\(type(of: family).name) d = \(d), \(rowsPerWorker) rows, point \(p) of \(count), \(String(cString: bc_level_name(level)))")
                    }
                    try #require(!got(gradients, d).contains { !$0.isFinite })
                }
            }
        }
    }

    private func got(_ gradients: [UnsafeMutablePointer<Double>], _ d: Int) -> [Double] {
        gradients.flatMap { Array(UnsafeBufferPointer(start: $0, count: d)) }
    }

    @Test("logistic-ncvx: workerGradients and values give each point the bits of workerGradient and value (every level, d not a multiple of 8)",
          arguments: [(1, 1), (5, 3), (13, 40), (64, 7), (203, 300)])
    func logisticBatchedGradient(d: Int, rows: Int) throws {
        try checkFamily(LogisticNonconvexFamily(samplesPerWorker: rows, lambda: 0.05), d: d, rowsPerWorker: rows)
    }

    @Test("composite: workerGradients and values give each point the bits of workerGradient and value (every level, d not a multiple of 8)",
          arguments: [(1, 2), (9, 4), (24, 33), (130, 600)])
    func compositeBatchedGradient(d: Int, rows: Int) throws {
        try checkFamily(CompositeFamily(samplesPerWorker: rows, targetNoise: 0.3), d: d, rowsPerWorker: rows)
    }

    @Test("the default workerGradients (families that do not override it) makes one call per point")
    func defaultBatchedGradient() throws {
        var rng = RandomStream(seed: 7)
        let built = try QuadraticFamily().build(dimension: 11, workers: 2, heterogeneity: 1, rng: &rng)
        #expect(!built.objective.evaluatesPointsTogether)
        let xs = (0..<3).map { _ in randomValues(11, &rng) }
        let points = xs.map { x -> UnsafeMutablePointer<Double> in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: 11)
            p.initialize(from: x, count: 11)
            return p
        }
        let gradients = xs.map { _ in UnsafeMutablePointer<Double>.allocate(capacity: 11) }
        defer { (points + gradients).forEach { $0.deallocate() } }
        points.map { UnsafePointer($0) }.withUnsafeBufferPointer { at in
            gradients.withUnsafeBufferPointer { into in built.objective.workerGradients(1, at: at, into: into) }
        }
        for p in 0..<3 {
            #expect(Array(UnsafeBufferPointer(start: gradients[p], count: 11)) == built.objective.workerGradient(1, at: xs[p]))
        }
    }

    /// The Gram matrix as it was computed before the row kernel: the scalar loop, lower triangle
    /// in blocks of 32 rows, then mirrored.
    private func scalarGram(_ a: [Double], rows: Int, columns d: Int) -> [Double] {
        var g = [Double](repeating: 0, count: d * d)
        var start = 0
        while start < rows {
            let end = min(start + 32, rows)
            for i in 0..<d { for s in start..<end { let c = a[s * d + i]; for j in 0...i { g[i * d + j] += c * a[s * d + j] } } }
            start = end
        }
        for i in 0..<d { for j in (i + 1)..<max(i + 1, d) { g[i * d + j] = g[j * d + i] } }
        return g
    }

    @Test("the Gram matrix through the row kernel has the scalar loop's bits (every level; sizes around the blocks)",
          arguments: [(1, 1), (5, 3), (9, 40), (17, 300), (130, 1100)])
    func gramMatchesScalarLoop(d: Int, rows: Int) {
        var rng = RandomStream(seed: UInt64(d + 1000 * rows))
        let a = randomValues(rows * d, &rng)
        let expected = scalarGram(a, rows: rows, columns: d)
        atEveryLevel { level in
            #expect(gramMatrix(a, rows: rows, columns: d).map(\.bitPattern) == expected.map(\.bitPattern),
                    "d = \(d), \(rows) rows, \(String(cString: bc_level_name(level)))")
        }
    }
}
