/// The compression operators, in place on raw buffers (no allocation): Top-K, Rand-K, scaled
/// sign and norm clipping (docs/theory.md §5). Shared by the oracle pipeline and M-DSGD's sparsifier.
enum Compressors {
    /// Keeps exactly `k` entries of largest magnitude, ties broken by index (the lower index
    /// is kept), and zeroes the rest. O(d) and exact: T, the k-th largest magnitude, is found
    /// by selection, and one pass keeps what is above T and the first of those equal to it.
    ///
    /// For large d and small k the selection runs on a short candidate list rather than on all
    /// of u (the idea of Floyd and Rivest's SELECT): a systematic sample of |u| gives a
    /// threshold t that very likely has a few more than k magnitudes at or above it; one
    /// branch-free pass copies those into `scratch`, and T is selected among them. When fewer
    /// than k make it (an unlucky sample) it falls back to selecting over all of |u|. Either way
    /// T is the exact k-th largest, so the result does not depend on the sample.
    ///
    /// Otherwise, when the smaller side is short — k, or the d − k + 1 smallest magnitudes when
    /// k is close to d — T is the top of a bounded heap of that side built in one pass over u
    /// (most entries fail a single compare with the heap's top), not a quickselect over all of
    /// |u|. Quickselect over all of |u| remains for the rest and whenever u holds NaN, so every
    /// path gives the same T and the same kept set.
    static func topK(_ u: UnsafeMutableBufferPointer<Double>, k: Int, scratch: UnsafeMutableBufferPointer<Double>) {
        _ = topKThreshold(u, k: k, scratch: scratch)
    }

    /// ``topK(_:k:scratch:)``, returning T, or NaN where it was not computed (k ≥ d, k ≤ 0, the
    /// heap path).
    static func topKThreshold(_ u: UnsafeMutableBufferPointer<Double>, k: Int, scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = u.count
        if k >= d { return .nan }
        if k <= 0 { for i in 0..<d { u[i] = 0 }; return .nan }
        var threshold = Double.nan
        // scratch[0..<candidates] holds (reordered) every magnitude ≥ T, so the counts below
        // need not look at all of u.
        var candidates = 0
        if d >= 2048 && k * 8 <= d {
            threshold = sampledThreshold(u, k: k, scratch: scratch, candidates: &candidates)
        } else if useHeap(d: d, k: k), heapTopK(u, k: k, scratch: scratch) {
            return .nan
        }
        if threshold.isNaN {
            for i in 0..<d { scratch[i] = abs(u[i]) }
            // The k-th largest = the (d − k)-th smallest (0-based).
            threshold = select(scratch, count: d, rank: d - k)
            candidates = d
        }
        var above = 0, atOrAbove = 0
        for i in 0..<candidates {
            let a = scratch[i]
            above &+= a > threshold ? 1 : 0
            atOrAbove &+= a >= threshold ? 1 : 0
        }
        keep(u, k: k, threshold: threshold, above: above, atOrAbove: atOrAbove)
        return threshold
    }

    /// Zeroes all but the k entries of largest magnitude, given T (the k-th largest magnitude)
    /// and how many magnitudes are above T and at or above it; ties at T keep the lowest indices.
    @inline(__always)
    static func keep(_ u: UnsafeMutableBufferPointer<Double>, k: Int, threshold: Double, above: Int, atOrAbove: Int) {
        let d = u.count
        if atOrAbove == k {
            // No ties to break: keep exactly what is at or above T (branch-free).
            for i in 0..<d { u[i] = abs(u[i]) >= threshold ? u[i] : 0 }
            return
        }
        var equalToKeep = k - above
        for i in 0..<d {
            let a = abs(u[i])
            if a > threshold { continue }
            if a == threshold && equalToKeep > 0 { equalToKeep -= 1; continue }
            u[i] = 0
        }
    }

    /// Whether the heap beats quickselect over all of |u| (measured on random vectors, d ≤ 2000):
    /// its cost grows like h·(1 + ln(d/h))·log h for a side of h entries.
    @inline(__always)
    static func useHeap(d: Int, k: Int) -> Bool {
        let h = min(k, d - k + 1)
        return h <= 16 || h * 16 <= d
    }

    /// Top-K through a bounded heap of the smaller side, in two passes over u (the heap, then
    /// the keep); false, with u untouched, when u holds NaN (the caller then selects over all
    /// of |u|, exactly as before).
    ///
    /// For k ≤ d − k + 1 a min-heap keeps the k largest magnitudes: T, the k-th largest, is its
    /// top, every magnitude above T is in it, and the keep pass keeps those and the first
    /// k − above equal to T. Otherwise a min-heap of −|uᵢ| keeps the h = d − k + 1 smallest
    /// magnitudes: T, the h-th smallest, is minus its top (negation is exact), every magnitude
    /// below T is in it, and a backward pass drops those and the last d − k − below equal to T.
    /// Either way the kept set is the one selection gives. Uses scratch[0..<h].
    static func heapTopK(_ u: UnsafeMutableBufferPointer<Double>, k: Int,
                         scratch: UnsafeMutableBufferPointer<Double>) -> Bool {
        let d = u.count
        let largest = k <= d - k + 1
        let h = largest ? k : d - k + 1
        let sign: Double = largest ? 1 : -1
        var sawNaN = false
        // The first h values, heapified bottom-up.
        for i in 0..<h {
            let v = sign * abs(u[i])
            sawNaN = sawNaN || v.isNaN
            scratch[i] = v
        }
        if h > 1 {
            var start = h / 2 - 1
            while start >= 0 {
                siftDown(scratch, from: start, value: scratch[start], count: h)
                start -= 1
            }
        }
        var top = scratch[0]
        for i in h..<d {
            let v = sign * abs(u[i])
            sawNaN = sawNaN || v.isNaN
            if v > top {
                siftDown(scratch, from: 0, value: v, count: h)
                top = scratch[0]
            }
        }
        if sawNaN { return false }
        let threshold = sign * top
        // Heap entries strictly beyond T: above T (largest side) or below it (smallest side).
        var beyond = 0
        for i in 0..<h { beyond &+= scratch[i] > top ? 1 : 0 }
        if largest {
            var ties = k - beyond
            for i in 0..<d {
                let a = abs(u[i])
                let tie = a == threshold && ties > 0
                ties &-= tie ? 1 : 0
                u[i] = a > threshold || tie ? u[i] : 0
            }
        } else {
            var drops = d - k - beyond
            var i = d - 1
            while i >= 0 {
                let a = abs(u[i])
                let tie = a == threshold && drops > 0
                drops &-= tie ? 1 : 0
                u[i] = a < threshold || tie ? 0 : u[i]
                i -= 1
            }
        }
        return true
    }

    /// Places `value` at `i` of the min-heap `heap[0..<count]`, moving smaller children up.
    @inline(__always)
    private static func siftDown(_ heap: UnsafeMutableBufferPointer<Double>, from i: Int, value: Double, count: Int) {
        var i = i
        while true {
            let left = 2 * i + 1
            if left >= count { break }
            let smaller = left + 1 < count && heap[left + 1] < heap[left] ? left + 1 : left
            if heap[smaller] >= value { break }
            heap[i] = heap[smaller]
            i = smaller
        }
        heap[i] = value
    }

    /// T = the k-th largest |uᵢ| found among candidates at or above a sampled threshold, or NaN
    /// when the candidates are fewer than k (or u holds NaN) and the caller must select over all.
    private static func sampledThreshold(_ u: UnsafeMutableBufferPointer<Double>, k: Int,
                                         scratch: UnsafeMutableBufferPointer<Double>, candidates: inout Int) -> Double {
        let d = u.count
        // A systematic sample of s magnitudes; expected sample points above T: s·k/d. The
        // threshold t is the sample's r-th largest, r a few standard deviations past that,
        // found with a min-heap of the r largest (at the back of scratch; candidates fill the front).
        let s = min(1024, d / 4)
        let stride = d / s
        let expected = Double(s) * Double(k) / Double(d)
        let r = min(s, Int((expected + 4 * expected.squareRoot() + 4).rounded(.up)))
        let heap = UnsafeMutableBufferPointer(rebasing: scratch[(d - r)..<d])
        var size = 0
        for j in 0..<s {
            let v = abs(u[j * stride])
            if size < r {
                var i = size
                size += 1
                while i > 0 {
                    let parent = (i - 1) / 2
                    if heap[parent] <= v { break }
                    heap[i] = heap[parent]
                    i = parent
                }
                heap[i] = v
            } else if v > heap[0] {
                siftDown(heap, from: 0, value: v, count: r)
            }
        }
        let t = heap[0]
        guard t.isFinite else { return .nan }
        var count = 0
        let limit = d - r
        // Four entries at a time against t (one rarely taken branch per four); the few groups
        // holding a candidate are then looked at entry by entry, in index order.
        var i = 0
        while i + 4 <= d {
            let m = max(max(abs(u[i]), abs(u[i + 1])), max(abs(u[i + 2]), abs(u[i + 3])))
            if !(m < t) {   // (a NaN in the group also looks here, so no candidate is missed)
                for j in i..<(i + 4) where abs(u[j]) >= t {
                    scratch[count] = abs(u[j])
                    count += 1
                }
                if count >= limit { return .nan }   // far too many candidates: select over all
            }
            i += 4
        }
        while i < d {
            if abs(u[i]) >= t { scratch[count] = abs(u[i]); count += 1 }
            i += 1
        }
        if count >= limit { return .nan }
        guard count >= k else { return .nan }
        candidates = count
        return select(scratch, count: count, rank: count - k)
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
