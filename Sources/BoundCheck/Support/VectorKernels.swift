/// The few dense-vector kernels the hot loops need, on raw buffers so that nothing allocates
/// and the optimizer can vectorize. All are plain loops: at the sizes here (d ≤ 10⁵) they run
/// at memory bandwidth.
enum Vec {
    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    @inline(__always)
    static func normSquared(_ a: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * a[i] }
        return s
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
