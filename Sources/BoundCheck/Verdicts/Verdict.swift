import Foundation
import GSL

/// A bound's verdict against the runs (docs/theory.md §6; the verdict words of docs/verdicts.md).
public enum Verdict: String, Codable, Sendable, Equatable {
    case holds, violated, inconclusive, diverged, unsupported
    case notApplicable = "not-applicable"
    /// The bound, a condition of it or an assumption could not be evaluated (NaN, ±∞, division
    /// by zero, a domain error). Fails the report, like a violation.
    case error
}

/// One checkpoint's comparison: observed mean with its confidence limits against the bound.
public struct CheckpointComparison: Codable, Sendable, Equatable {
    public var k: Int
    public var bound: Double
    public var observed: Double
    public var sd: Double
    public var seeds: Int
    /// The distribution-free lower limit (``NonnegativeMeanTest``); `violated` rests on it.
    public var lower: Double
    /// The Student-t upper limit; `holds` rests on it.
    public var upper: Double
    public var verdict: Verdict
    /// The Student-t lower limit, shown for comparison (it decides nothing).
    public var studentLower: Double? = nil
}

/// How a bound fared: the verdict and the numbers behind it.
public struct BoundVerdict: Codable, Sendable, Equatable {
    public var verdict: Verdict
    public var reason: String
    public var comparisons: [CheckpointComparison]
    /// Late tightness: max of observed/bound over checkpoints k ≥ K/2 (the headline).
    public var tightness: Double?
    /// observed/bound at the last compared checkpoint.
    public var finalRatio: Double?
    /// Mean of the observed metric over the last quarter of the checkpoints, against the floor.
    public var plateau: Double?
    public var plateauOverFloor: Double?
    /// For inconclusive verdicts: about how many seeds would decide the closest undecided checkpoint.
    public var seedsToDecide: Int?
    /// The observed decay against the bound's rate part (docs/theory.md §6, rate; docs/verdicts.md).
    public var rate: RateFit?
    /// max of observed/bound over all checkpoints k ≥ 1 (for a gap bound usually k = 1, where
    /// both sides are about Δ₀).
    public var tightnessOverall: Double? = nil
    /// The absolute round-off floor added to the bound in every comparison.
    public var roundOffFloor: Double? = nil

    public init(verdict: Verdict, reason: String, comparisons: [CheckpointComparison], tightness: Double? = nil,
                finalRatio: Double? = nil) {
        self.verdict = verdict
        self.reason = reason
        self.comparisons = comparisons
        self.tightness = tightness
        self.finalRatio = finalRatio
    }
}

/// The verdict rule (docs/verdicts.md): a distribution-free test for `violated`, a Student-t
/// upper limit for `holds`, both at the Bonferroni level α/C.
public struct VerdictRule: Sendable {
    /// The report's confidence, e.g. 0.99: its family-wise false-alarm rate is at most 1 − confidence.
    public var confidence: Double
    /// How many checkpoint × bound comparisons the report makes (the Bonferroni divisor).
    public var comparisons: Int
    /// Relative round-off tolerance of a comparison: B is taken as B·(1 + tolerance) + floor.
    public static let roundOff = 1e-9
    /// The absolute round-off floor is this many machine epsilons times the magnitude the
    /// metric is computed from (``roundOffFloor(metric:trace:fstar:)``).
    public static let roundOffFactor = 256.0

    public init(confidence: Double, comparisons: Int) {
        self.confidence = confidence
        self.comparisons = max(comparisons, 1)
    }

    /// The per-comparison level α/C, α = 1 − confidence.
    public var level: Double { (1 - confidence) / Double(comparisons) }

    /// The one-sided Student-t quantile t_{1 − α/C, S − 1}, α = 1 − confidence.
    public func quantile(seeds: Int) throws -> Double {
        try GSL.studentTQuantile(1 - level, degreesOfFreedom: Double(max(seeds - 1, 1)))
    }

    /// The absolute round-off floor of comparisons of `metric` on `trace`: 256·ε times the
    /// magnitude the run's numbers start from — |f(x⁰)| + |f*| for gap metrics (f − f* cancels
    /// two numbers of that size, and the iterate itself is only known to ε relative), ‖∇f(x⁰)‖²
    /// for gradient metrics (checkpoint 0 is k = 0, the same for every seed).
    public static func roundOffFloor(metric: Metric, trace: MethodTrace, fstar: Double) -> Double {
        let isGap = metric == .gap || metric == .virtualGap || metric == .lyapunov
        guard let first = trace.checkpoints.indices.first else { return 0 }
        let start = trace.statistics(isGap ? .gap : .grad, at: first)
        guard start.count > 0, start.mean.isFinite else { return roundOffFactor * Double.ulpOfOne * abs(fstar) }
        let magnitude = isGap ? abs(start.mean + fstar) + abs(fstar) : abs(start.mean)
        return roundOffFactor * Double.ulpOfOne * magnitude
    }

    /// Compares a bound with the runs at its stated checkpoints.
    ///
    /// - violated: at some checkpoint the distribution-free test rejects E[X] ≤ B′ at level α/C,
    ///   B′ = B(1 + 10⁻⁹) + floor (for a "minₜ E" bound: at every window before it, see
    ///   docs/verdicts.md);
    /// - holds: the Student-t upper limit X̄ + t·s/√S is at or below B′ at every checkpoint;
    /// - inconclusive otherwise, with about how many seeds would decide;
    /// - error: the bound could not be evaluated.
    /// A deterministic run (every seed identical) is compared exactly with B′; a single seed of
    /// a random run (`--seeds 1`) decides nothing.
    public func judge(evaluation: BoundEvaluation, trace: MethodTrace, deterministic: Bool, fstar: Double = 0) throws -> BoundVerdict {
        if let error = evaluation.error {
            return BoundVerdict(verdict: .error, reason: "could not be evaluated: \(error)", comparisons: [])
        }
        if !evaluation.failedConditions.isEmpty {
            return BoundVerdict(verdict: .notApplicable, reason: evaluation.failedConditions.joined(separator: "; "), comparisons: [])
        }
        if trace.divergedSeeds > 0 {
            let first = trace.divergedAt.compactMap { $0 }.min() ?? 0
            let measured = evaluation.notes.keys.contains { $0 == "G2-measured" || $0 == "sigma2-measured" }
            if measured {
                return BoundVerdict(verdict: .notApplicable,
                                    reason: "\(evaluation.id)'s hypothesis fails (E‖g‖² unbounded): \(trace.divergedSeeds) of \(trace.seeds) seeds diverged (NaN or ∞), first at iteration \(first), so no finite second-moment bound G² exists on these runs",
                                    comparisons: [])
            }
            return BoundVerdict(verdict: .diverged,
                                reason: "\(trace.divergedSeeds) of \(trace.seeds) seeds diverged (NaN or ∞), first at iteration \(first); the bound applies, so this is a violation",
                                comparisons: [])
        }
        let floor = Self.roundOffFloor(metric: evaluation.metric, trace: trace, fstar: fstar)
        let level = self.level
        let isMinOfMean = evaluation.metric == .minGrad
        var comparisons: [CheckpointComparison] = []
        var needed = 0
        var studentOnly = 0, studentOnlySeeds: Int?
        for (c, k) in trace.checkpoints.enumerated() {
            guard let bound = evaluation.values[c] else { continue }
            let stats = trace.statistics(evaluation.metric, at: c)
            guard stats.count > 0 else { continue }
            let limitB = bound + Self.roundOff * abs(bound) + floor
            var observed = stats.mean
            var lower = observed, upper = observed
            var studentLower: Double?
            var rejected = false
            // The samples behind the test: per-seed values, or for a "minₜ E" bound the seeds'
            // window minima before this checkpoint (one sample set per window).
            let windows: [[Double]] = isMinOfMean
                ? (1...max(c, 1)).filter { $0 <= c }.map { trace.windowMinima(at: $0) }
                : [trace.values(evaluation.metric, at: c)]
            // Identical seeds (deterministic): the per-seed minimum over every t is the minimum of
            // the mean, exactly. Otherwise the kept per-iteration means (GradPath).
            if isMinOfMean, !deterministic, let m = trace.minOfMeanGrad(before: k) { observed = m; lower = m; upper = m }
            let haveSamples = windows.allSatisfy { !$0.isEmpty } && !windows.isEmpty
            if deterministic {
                rejected = observed > limitB
            } else if stats.count >= 2 && haveSamples {
                let t = try quantile(seeds: stats.count)
                let half = t * stats.standardDeviation / Double(stats.count).squareRoot()
                if isMinOfMean {
                    // minₜ E X ≤ E X at any checkpoint j before k: the smallest upper limit of
                    // ‖∇f‖² there bounds it from above.
                    upper = trace.checkpoints.indices.filter { trace.checkpoints[$0] < k }.compactMap { j -> Double? in
                        let g = trace.statistics(.grad, at: j)
                        guard g.count >= 2, let tj = try? quantile(seeds: g.count) else { return nil }
                        return g.mean + tj * g.standardDeviation / Double(g.count).squareRoot()
                    }.min() ?? .infinity
                    studentLower = nil
                } else {
                    upper = stats.mean + half
                    studentLower = stats.mean - half
                }
                // Intersection–union: minₜ E X > B needs every window's E[min] > B.
                rejected = windows.allSatisfy { NonnegativeMeanTest.rejects($0, bound: limitB, level: level) }
                lower = windows.map { NonnegativeMeanTest.lowerLimit($0, level: level) }.min() ?? 0
                if !rejected {
                    if observed > limitB {
                        let seeds = windows.compactMap { NonnegativeMeanTest.seedsToReject($0, bound: limitB, level: level) }.max()
                        if let seeds { needed = max(needed, seeds) }
                        if let sl = studentLower, sl > limitB {
                            studentOnly += 1
                            studentOnlySeeds = max(studentOnlySeeds ?? 0, seeds ?? 0)
                        }
                    } else if upper > limitB, stats.mean != bound, !isMinOfMean {
                        if let n = safeCount(pow(t * stats.standardDeviation / abs(stats.mean - bound), 2)) { needed = max(needed, n) }
                    }
                }
            } else {
                // One seed of a random run: no interval can be formed, so nothing is decided.
                lower = -.infinity
                upper = .infinity
                needed = max(needed, 2)
            }
            let verdict: Verdict = rejected ? .violated : (upper <= limitB ? .holds : .inconclusive)
            comparisons.append(CheckpointComparison(k: k, bound: bound, observed: observed, sd: stats.standardDeviation,
                                                    seeds: stats.count, lower: lower, upper: upper, verdict: verdict,
                                                    studentLower: studentLower))
        }
        guard !comparisons.isEmpty else {
            return BoundVerdict(verdict: .notApplicable, reason: "no checkpoint where both the bound and an observation exist", comparisons: [])
        }
        // Tightness leaves out k = 0, where a gap bound equals Δ₀ plus its floor and the ratio is
        // trivially about 1; the headline is the late part k ≥ K/2 (see docs/verdicts.md).
        let informative = comparisons.count > 1 ? comparisons.filter { $0.k > 0 } : comparisons
        let ratio = { (c: CheckpointComparison) -> Double in c.bound > 0 ? c.observed / c.bound : .infinity }
        let lastK = trace.checkpoints.last ?? 0
        let late = informative.filter { 2 * $0.k >= lastK }
        var result = BoundVerdict(verdict: .holds, reason: "", comparisons: comparisons,
                                  tightness: (late.isEmpty ? informative : late).map(ratio).max(),
                                  finalRatio: informative.last.map(ratio))
        result.tightnessOverall = informative.map(ratio).max()
        result.roundOffFloor = floor
        let tail = comparisons.suffix(max(1, comparisons.count / 4))
        let plateau = tail.map(\.observed).reduce(0) { $0 + $1 / Double(tail.count) }
        result.plateau = plateau
        if let bFloor = evaluation.floor, bFloor > 0 { result.plateauOverFloor = plateau / bFloor }
        result.rate = try RateFit.fit(metric: evaluation.metric, comparisons: comparisons, floor: evaluation.floor, plateau: plateau)
        let floorText = "round-off floor \(fmt(floor)) added to the bound"
        if let v = comparisons.first(where: { $0.verdict == .violated }) {
            result.verdict = .violated
            result.reason = deterministic
                ? "at k = \(v.k) the observed value \(fmt(v.observed)) exceeds the bound \(fmt(v.bound)) (deterministic run, exact comparison; \(floorText))"
                : "at k = \(v.k) the observed mean \(fmt(v.observed)) has distribution-free lower confidence limit \(fmt(v.lower)) above the bound \(fmt(v.bound))\(isMinOfMean ? " (minₜ of the mean over seeds; the limit holds for every t before k)" : "") (\(floorText))"
        } else if comparisons.allSatisfy({ $0.verdict == .holds }) {
            result.verdict = .holds
            result.reason = deterministic
                ? "at or below the bound at all \(comparisons.count) checkpoints (deterministic run, exact comparison; \(floorText))"
                : "upper confidence limit at or below the bound at all \(comparisons.count) checkpoints"
        } else {
            result.verdict = .inconclusive
            let undecided = comparisons.filter { $0.verdict == .inconclusive }.count
            result.reason = "the bound lies inside the confidence interval at \(undecided) checkpoint(s)"
            if studentOnly > 0 {
                result.reason += "; at \(studentOnly) of them the Student-t lower limit is above the bound, but that assumes a near-normal mean, and a test that assumes only that the metric is ≥ 0 does not reject"
                    + (studentOnlySeeds.map { $0 > 0 ? " (about \($0) seeds would decide)" : "" } ?? "")
            }
            result.seedsToDecide = needed > 0 ? needed : nil
        }
        return result
    }
}
