/// The few dense-vector kernels the hot loops need, on raw buffers so that nothing allocates
/// and the optimizer can vectorize. All are plain loops: at the sizes here (d ≤ 10⁵) they run
/// at memory bandwidth.
enum Vec {
    /// Σ aᵢbᵢ with four running sums (summed pairwise at the end), so that the additions do
    /// not wait on each other: about 4× a single sum's speed, and a fixed order, so the same
    /// inputs give the same bits.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            s0 += a[i] * b[i]; s1 += a[i + 1] * b[i + 1]; s2 += a[i + 2] * b[i + 2]; s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < count { s0 += a[i] * b[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        return dot(pa, pb, count: a.count)
    }

    @inline(__always)
    static func normSquared(_ a: UnsafeBufferPointer<Double>) -> Double {
        dot(a, a)
    }

    @inline(__always)
    static func normSquared(_ a: UnsafeMutableBufferPointer<Double>) -> Double {
        normSquared(UnsafeBufferPointer(a))
    }

    /// y ← y + α x
    @inline(__always)
    static func axpy(_ alpha: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<y.count { y[i] += alpha * x[i] }
    }

    @inline(__always)
    static func scale(_ alpha: Double, _ y: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<y.count { y[i] *= alpha }
    }

    @inline(__always)
    static func fill(_ y: UnsafeMutableBufferPointer<Double>, _ value: Double) {
        for i in 0..<y.count { y[i] = value }
    }

    @inline(__always)
    static func copy(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<y.count { y[i] = x[i] }
    }

    static func normSquared(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { normSquared($0) }
    }
}

/// A fixed-size, heap-allocated buffer of doubles for hot loops: allocated once per run, freed
/// when the run ends, accessed without bounds checks or copy-on-write.
final class Buffer {
    let pointer: UnsafeMutableBufferPointer<Double>

    init(count: Int, value: Double = 0) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: value)
    }

    init(copying array: [Double]) {
        pointer = .allocate(capacity: array.count)
        _ = pointer.initialize(from: array)
    }

    deinit { pointer.deallocate() }

    var readOnly: UnsafeBufferPointer<Double> { UnsafeBufferPointer(pointer) }
    var array: [Double] { Array(pointer) }
    var count: Int { pointer.count }
}
