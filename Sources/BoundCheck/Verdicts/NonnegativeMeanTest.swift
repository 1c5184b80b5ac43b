import Foundation

/// A one-sided test of H₀: E[X] ≤ B for a metric X ≥ 0 that assumes nothing else about X — no
/// normality, no upper bound, no finite variance — by betting (an e-value).
///
/// For a fraction c ∈ (0, 1] let the wealth after seeds X₁…Xₙ be Wᶜ = Πᵢ (1 + c(Xᵢ/B − 1)).
/// Each factor is ≥ 1 − c ≥ 0 because Xᵢ ≥ 0, and under H₀ its expectation is
/// 1 + c(E[X]/B − 1) ≤ 1; the seeds are independent, so E[Wᶜ] ≤ 1. A mixture
/// W = Σⱼ wⱼ W^{cⱼ} with weights Σ wⱼ = 1 also has E[W] ≤ 1, and Markov's inequality gives
/// P(W ≥ 1/a) ≤ a under H₀: rejecting when W ≥ 1/a has level a, exactly, for every
/// distribution of X ≥ 0 with mean ≤ B and every n. (The same product is a nonnegative
/// supermartingale in i, so the level holds by Ville's inequality even if seeds were added
/// until it rejected.) The constant fractions make W symmetric in the seeds: no order matters.
///
/// The grid puts half the weight on c = 1 (all-in, the most powerful bet when the seeds
/// agree: it rejects as soon as (geometric mean of X/B)ⁿ ≥ 2/a) and spreads the rest over
/// smaller fractions, which survive seeds near 0 (a few runs that escaped to a basin).
///
/// The price of assuming only X ≥ 0: mass that the n seeds did not show could sit at 0, so no
/// valid test can reject unless the seeds exceed B by about a^(−1/n) (n = 32, a = 10⁻⁴: ×1.33).
public enum NonnegativeMeanTest {
    public static let fractions: [Double] = [1, 0.7, 0.5, 0.35, 0.25, 0.18, 0.125, 0.0625]
    public static let weights: [Double] = [0.5] + Array(repeating: 0.5 / 7, count: 7)

    /// log W at `bound` (values below 0 count as 0: a nonnegative metric's rounding error).
    /// B ≤ 0: +∞ if some value is positive (E[X] > 0 ≥ B is then certain), else −∞.
    public static func logWealth(_ values: [Double], bound: Double) -> Double {
        guard bound > 0 else { return values.contains { $0 > 0 } ? .infinity : -.infinity }
        var terms: [Double] = []
        for (c, w) in zip(fractions, weights) {
            var sum = log(w)
            for x in values {
                // Capped so that ∞ (a tiny bound) and −∞ (a zero at c = 1) never meet as NaN.
                let ratio = min(max(x, 0) / bound, 1e300)
                sum += log1p(c * (ratio - 1))
            }
            terms.append(sum)
        }
        return logSumExp(terms)
    }

    static func logSumExp(_ terms: [Double]) -> Double {
        if terms.contains(.infinity) { return .infinity }
        let top = terms.max() ?? -.infinity
        guard top > -.infinity else { return -.infinity }
        return top + log(terms.reduce(0) { $0 + exp($1 - top) })
    }

    /// Whether H₀: E[X] ≤ `bound` is rejected at level `level`.
    public static func rejects(_ values: [Double], bound: Double, level: Double) -> Bool {
        guard !values.isEmpty else { return false }
        return logWealth(values, bound: bound) >= -log(level)
    }

    /// The lower confidence limit sup{B : H₀: E[X] ≤ B rejected} (W decreases in B); 0 when
    /// nothing positive is rejected.
    public static func lowerLimit(_ values: [Double], level: Double) -> Double {
        let top = values.map { max($0, 0) }.max() ?? 0
        guard top > 0, top.isFinite else { return top.isFinite ? 0 : .infinity }
        // At B = max X every factor is ≤ 1, so W ≤ 1 < 1/level: not rejected.
        var high = top
        var low = top / 2
        var steps = 0
        while !rejects(values, bound: low, level: level) {
            high = low
            low /= 2
            steps += 1
            if steps > 2100 || low == 0 { return 0 }
        }
        // Bisection on log B between a rejected `low` and a not rejected `high`.
        for _ in 0..<60 {
            let mid = (low * high).squareRoot()
            guard mid > low, mid < high else { break }
            if rejects(values, bound: mid, level: level) { low = mid } else { high = mid }
        }
        return low
    }

    /// About how many seeds like these would make the test reject `bound` at `level`: with the
    /// best fraction's average log-growth g per seed, ⌈log(1/(a·w))/g⌉; nil when no fraction
    /// grows (the seeds' spread or mean gives no evidence against the bound).
    public static func seedsToReject(_ values: [Double], bound: Double, level: Double) -> Int? {
        guard bound > 0, !values.isEmpty else { return nil }
        var best: Double?
        for (c, w) in zip(fractions, weights) {
            let growth = values.reduce(0) { $0 + log1p(c * (min(max($1, 0) / bound, 1e300) - 1)) } / Double(values.count)
            guard growth > 0 else { continue }
            let needed = -log(level * w) / growth
            if best == nil || needed < best! { best = needed }
        }
        return best.flatMap(safeCount)
    }
}

/// ⌈x⌉ as an Int when it is finite and below 10⁹, else nil (never traps on ∞ or NaN).
func safeCount(_ x: Double) -> Int? {
    guard x.isFinite, x >= 0, x < 1e9 else { return nil }
    return Int(x.rounded(.up))
}
