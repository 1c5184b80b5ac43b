internal import CKernels

/// The few dense-vector kernels the hot loops need, on raw buffers so that nothing allocates.
/// From `Vec.cKernelMinimum` entries on, dot, axpy and scale run in CKernels (bc_vec.h) at the
/// CPU's vector width (AVX-512, AVX2 or baseline, chosen at run time): the same operations in
/// the same order as the Swift loops, so the same bits either way.
enum Vec {
    /// Below this length the Swift loop is cheaper than the call.
    @inline(__always) static var cKernelMinimum: Int { 32 }

    /// Σ aᵢbᵢ with eight running sums in two SIMD4 accumulators (summed in a fixed order at the
    /// end), so that the additions do not wait on each other and run as vector instructions:
    /// several times a single sum's speed, and the same inputs always give the same bits.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        if count >= cKernelMinimum { return bc_dot(a, b, count) }
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
        var i = 0
        while i + 8 <= count {
            s0 += ra.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self)
            s1 += ra.loadUnaligned(fromByteOffset: (i &+ 4) &* 8, as: SIMD4<Double>.self)
                * rb.loadUnaligned(fromByteOffset: (i &+ 4) &* 8, as: SIMD4<Double>.self)
            i &+= 8
        }
        var tail = 0.0
        while i < count { tail += a[i] * b[i]; i &+= 1 }
        let s = s0 + s1
        return ((s[0] + s[1]) + (s[2] + s[3])) + tail
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

    /// y ← y + x for an oracle estimate x: entry by entry over the indices the last stage
    /// declared (``SparseSupport``; x is zero elsewhere, and y + 0 = y for every y a sum of
    /// estimates can hold, so the bits are those of the dense add), else ``axpy(_:_:_:)`` with α = 1.
    @inline(__always)
    static func addEstimate(_ x: UnsafeMutableBufferPointer<Double>, support: SparseSupport, to y: UnsafeMutableBufferPointer<Double>) {
        if let kept = support.declared {
            for j in kept { y[j] += x[j] }
        } else {
            axpy(1, UnsafeBufferPointer(x), y)
        }
    }

    /// y ← y + α x
    @inline(__always)
    static func axpy(_ alpha: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        if y.count >= cKernelMinimum, let px = x.baseAddress, let py = y.baseAddress {
            precondition(x.count >= y.count)
            return bc_axpy(alpha, px, py, y.count)
        }
        for i in 0..<y.count { y[i] += alpha * x[i] }
    }

    @inline(__always)
    static func scale(_ alpha: Double, _ y: UnsafeMutableBufferPointer<Double>) {
        if y.count >= cKernelMinimum, let py = y.baseAddress { return bc_scale(alpha, py, y.count) }
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
