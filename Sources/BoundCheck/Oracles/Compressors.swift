/// The compression operators, in place on raw buffers (no allocation): Top-K, Rand-K, scaled
/// sign and norm clipping (THEORY §5). Shared by the oracle pipeline and M-DSGD's sparsifier.
enum Compressors {
    /// Keeps exactly `k` entries of largest magnitude, ties broken by index (the lower index
    /// is kept), and zeroes the rest. O(d): the k-th largest magnitude is found by selection on a
    /// copy in `scratch` (length ≥ d), then one pass keeps what is above it and the first of
    /// those equal to it.
    static func topK(_ u: UnsafeMutableBufferPointer<Double>, k: Int, scratch: UnsafeMutableBufferPointer<Double>) {
        let d = u.count
        if k >= d { return }
        if k <= 0 { for i in 0..<d { u[i] = 0 }; return }
        for i in 0..<d { scratch[i] = abs(u[i]) }
        // The k-th largest = the (d − k)-th smallest (0-based).
        let threshold = select(scratch, count: d, rank: d - k)
        var above = 0
        for i in 0..<d where abs(u[i]) > threshold { above += 1 }
        var equalToKeep = k - above
        for i in 0..<d {
            let a = abs(u[i])
            if a > threshold { continue }
            if a == threshold && equalToKeep > 0 { equalToKeep -= 1; continue }
            u[i] = 0
        }
    }

    /// The element of rank `rank` (0-based, ascending) of `a[0..<count]`, reordering `a`.
    /// Quickselect with median-of-three pivots and a three-way partition, so runs of equal
    /// values (ties, zeros) cost O(d) rather than O(d²).
    static func select(_ a: UnsafeMutableBufferPointer<Double>, count: Int, rank: Int) -> Double {
        var lo = 0, hi = count - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            let x = a[lo], y = a[mid], z = a[hi]
            let pivot = max(min(x, y), min(max(x, y), z))
            // Partition into < pivot | == pivot | > pivot.
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                let v = a[i]
                if v < pivot { a.swapAt(lt, i); lt += 1; i += 1 } else if v > pivot { a.swapAt(i, gt); gt -= 1 } else { i += 1 }
            }
            if rank < lt { hi = lt - 1 } else if rank > gt { lo = gt + 1 } else { return pivot }
        }
        return a[lo]
    }

    /// Keeps `k` coordinates chosen uniformly without replacement, multiplied by `scale`
    /// (d/k for the unbiased oracle, 1 for error feedback's sparsifier), and zeroes the rest.
    /// `permutation` (length d, any permutation of 0..<d) is advanced by a partial
    /// Fisher–Yates shuffle, so its first k entries are a uniform k-subset whatever it held.
    static func randK(_ u: UnsafeMutableBufferPointer<Double>, k: Int, scale: Double,
                      permutation: UnsafeMutableBufferPointer<Int>, scratch: UnsafeMutableBufferPointer<Double>,
                      rng: inout RandomStream) {
        let d = u.count
        for i in 0..<k {
            let j = i + rng.nextInt(below: d - i)
            permutation.swapAt(i, j)
        }
        for i in 0..<k { scratch[i] = u[permutation[i]] }
        for i in 0..<d { u[i] = 0 }
        for i in 0..<k { u[permutation[i]] = scale * scratch[i] }
    }

    /// (‖u‖₁/d) · sign(u), sign(0) = 0.
    static func scaledSign(_ u: UnsafeMutableBufferPointer<Double>) {
        let d = u.count
        var l1 = 0.0
        for i in 0..<d { l1 += abs(u[i]) }
        let s = l1 / Double(d)
        for i in 0..<d { u[i] = u[i] > 0 ? s : (u[i] < 0 ? -s : 0) }
    }

    /// min{1, τ/‖u‖} · u, for every finite u: ‖u‖ comes from ``norm(_:)``, which neither
    /// overflows (‖u‖ > 1e154 made ‖u‖² = ∞ and the result zero) nor underflows; and when
    /// τ/‖u‖ itself underflows (τ = 1e-200, ‖u‖ = 1e200) each entry is divided by ‖u‖ first.
    static func clip(_ u: UnsafeMutableBufferPointer<Double>, tau: Double) {
        let norm = norm(UnsafeBufferPointer(u))
        guard norm > tau else { return }
        let factor = tau / norm
        if factor >= Double.leastNormalMagnitude {
            Vec.scale(factor, u)
        } else {
            for i in 0..<u.count { u[i] = u[i] / norm * tau }
        }
    }

    /// The Euclidean norm ‖u‖ without overflow or underflow, as BLAS dnrm2 computes it: the
    /// plain sum of squares where it is safe (one pass, the common case), otherwise the
    /// largest magnitude a is factored out, ‖u‖ = a·‖u/a‖, whose squares lie in [0, d]. NaN
    /// in u gives NaN and ∞ gives ∞ (so a diverging run still stops).
    static func norm(_ u: UnsafeBufferPointer<Double>) -> Double {
        let squares = Vec.normSquared(u)
        // Below 2⁹⁰⁰ nothing overflowed; above 2⁻⁹⁰⁰ what underflow lost (under 2⁻¹⁰⁷⁴ a
        // square) is at most d·2⁻¹⁷⁴ of the sum.
        if squares.isFinite && squares >= 0x1p-900 && squares <= 0x1p900 { return squares.squareRoot() }
        if squares.isNaN { return squares }
        var largest = 0.0
        for i in 0..<u.count { largest = max(largest, abs(u[i])) }
        if largest == 0 || !largest.isFinite { return largest }
        var scaled = 0.0
        for i in 0..<u.count {
            let t = u[i] / largest
            scaled += t * t
        }
        return largest * scaled.squareRoot()
    }
}
