internal import CKernels

/// What the `top-k` stage remembers of one worker between calls: the exact threshold T of its
/// previous call and the margin below it at which candidates are collected.
///
/// Successive gradient estimates of a worker change little from one iteration to the next, so
/// last call's K-th largest magnitude is a good guess of this call's. With that hint, Top-K is
/// one vectorized pass collecting the magnitudes at or above t = (1 − margin)·T (CKernels,
/// bc_topk.h), the exact T selected among those candidates, and a vectorized keep pass — no
/// sample, no pass over all of |u| in Swift. The hint changes only the cost, never the result:
/// T is the exact K-th largest magnitude whenever at least K candidates are collected (all
/// magnitudes ≥ t are), and otherwise — too few or too many candidates, NaN in u, no hint yet —
/// ``Compressors/topK(_:k:scratch:)`` runs as without a hint.
struct TopKHint: Sendable {
    /// The previous call's exact T (NaN: none yet).
    var threshold = Double.nan
    /// Candidates are collected at or above (1 − margin)·threshold; adapted so that about 1.5K–4K
    /// qualify.
    var margin = 0.1

    mutating func update(threshold t: Double, candidates: Int, k: Int) {
        threshold = t
        if candidates < k {
            margin = min(2 * margin, 0.5)
        } else if candidates > 4 * k {
            margin *= 0.7
        } else if 2 * candidates < 3 * k {
            margin = min(1.3 * margin, 0.5)
        }
    }
}

extension Compressors {
    /// Top-K exactly as ``topK(_:k:scratch:)`` (the same kept set, ties to the lower index),
    /// through the candidate path of ``TopKHint`` when the hint applies (d ≥ 2048, k ≤ d/8, as
    /// the sampled path), updating the hint. Returns whether the candidate path was taken; then
    /// the kept indices, ascending, are declared to `support` (the candidates' positions come
    /// from the same scan).
    @discardableResult
    static func topK(_ u: UnsafeMutableBufferPointer<Double>, k: Int, scratch: UnsafeMutableBufferPointer<Double>,
                     hint: inout TopKHint, support: SparseSupport = .unavailable) -> Bool {
        let d = u.count
        guard d >= 2048, k >= 1, k * 8 <= d, hint.threshold > 0, hint.threshold.isFinite,
              let base = u.baseAddress, let out = scratch.baseAddress else {
            hint.threshold = topKThreshold(u, k: k, scratch: scratch)
            return false
        }
        // At most `limit` candidates (the kernel may write 8 more): beyond that a pass over all
        // of u is cheaper than selecting among them.
        let limit = min(d - 8, 16 * k + 64)
        // The candidates' indices go straight into the support buffer (d ≥ limit + 8 entries).
        let indices = support.buffer
        let count = indices.map { buffer in
            buffer.withMemoryRebound(to: Int64.self, capacity: d) {
                bc_candidates_at_least(base, d, hint.threshold * (1 - hint.margin), out, $0, limit)
            }
        } ?? bc_magnitudes_at_least(base, d, hint.threshold * (1 - hint.margin), out, limit)
        var sawNaN = false
        for i in 0..<min(count, limit) { sawNaN = sawNaN || scratch[i].isNaN }
        guard count >= k, count < limit, !sawNaN else {
            let t = topKThreshold(u, k: k, scratch: scratch)
            hint.update(threshold: t, candidates: count >= limit ? 16 * k + 64 : count, k: k)
            return false
        }
        let threshold = select(scratch, count: count, rank: count - k)
        var above = 0, atOrAbove = 0
        for i in 0..<count {
            let a = scratch[i]
            above &+= a > threshold ? 1 : 0
            atOrAbove &+= a >= threshold ? 1 : 0
        }
        if atOrAbove == k {
            bc_keep_at_least(base, d, threshold)
        } else {
            keep(u, k: k, threshold: threshold, above: above, atOrAbove: atOrAbove)
        }
        if let indices {
            // The kept entries are among the candidates (whose indices the scan wrote in index
            // order; the selection reordered only their magnitudes) and are exactly those the
            // keep pass left nonzero: every kept |u| ≥ T > 0.
            var kept = 0
            for i in 0..<count where u[indices[i]] != 0 {
                indices[kept] = indices[i]
                kept += 1
            }
            support.declare(count: kept)
        }
        hint.update(threshold: threshold, candidates: count, k: k)
        return true
    }
}
