import GSL

/// A bound's verdict against the runs (docs/theory.md §6; the verdict words of docs/verdicts.md).
public enum Verdict: String, Codable, Sendable, Equatable {
    case holds, violated, inconclusive, diverged, unsupported
    case notApplicable = "not-applicable"
}

/// One checkpoint's comparison: observed mean with its confidence limits against the bound.
public struct CheckpointComparison: Codable, Sendable, Equatable {
    public var k: Int
    public var bound: Double
    public var observed: Double
    public var sd: Double
    public var seeds: Int
    public var lower: Double
    public var upper: Double
    public var verdict: Verdict
}

/// How a bound fared: the verdict and the numbers behind it.
public struct BoundVerdict: Codable, Sendable, Equatable {
    public var verdict: Verdict
    public var reason: String
    public var comparisons: [CheckpointComparison]
    /// max over checkpoints k ≥ 1 of observed/bound.
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
}

/// Student-t confidence limits with a Bonferroni correction (docs/theory.md §6).
public struct VerdictRule: Sendable {
    /// The report's confidence, e.g. 0.99: its family-wise false-alarm rate is at most 1 − confidence.
    public var confidence: Double
    /// How many checkpoint × bound comparisons the report makes (the Bonferroni divisor).
    public var comparisons: Int
    /// Relative round-off tolerance of a comparison: B is taken as B·(1 + tolerance).
    public static let roundOff = 1e-9

    public init(confidence: Double, comparisons: Int) {
        self.confidence = confidence
        self.comparisons = max(comparisons, 1)
    }

    /// The one-sided Student-t quantile t_{1 − α/C, S − 1}, α = 1 − confidence.
    public func quantile(seeds: Int) throws -> Double {
        let alpha = (1 - confidence) / Double(comparisons)
        return try GSL.studentTQuantile(1 - alpha, degreesOfFreedom: Double(max(seeds - 1, 1)))
    }

    /// Compares a bound with the observed statistics at its stated checkpoints.
    ///
    /// - violated: the lower confidence limit X̄ − t·s/√S exceeds B(1 + 1e−9) at some checkpoint;
    /// - holds: the upper limit X̄ + t·s/√S is at or below B(1 + 1e−9) at every checkpoint;
    /// - inconclusive otherwise. A deterministic run (one seed, no noise) is compared exactly;
    ///   a single seed of a random oracle (`--seeds 1`) decides nothing.
    public func judge(evaluation: BoundEvaluation, trace: MethodTrace, deterministic: Bool) throws -> BoundVerdict {
        if !evaluation.failedConditions.isEmpty {
            return BoundVerdict(verdict: .notApplicable, reason: evaluation.failedConditions.joined(separator: "; "), comparisons: [])
        }
        if let error = evaluation.error {
            return BoundVerdict(verdict: .notApplicable, reason: "could not be evaluated: \(error)", comparisons: [])
        }
        if trace.divergedSeeds > 0 {
            let first = trace.divergedAt.compactMap { $0 }.min() ?? 0
            return BoundVerdict(verdict: .diverged,
                                reason: "\(trace.divergedSeeds) of \(trace.seeds) seeds diverged (NaN or ∞), first at iteration \(first); the bound applies, so this is a violation",
                                comparisons: [])
        }
        var comparisons: [CheckpointComparison] = []
        var needed = 0
        for (c, k) in trace.checkpoints.enumerated() {
            guard let bound = evaluation.values[c] else { continue }
            let stats = trace.statistics(evaluation.metric, at: c)
            guard stats.count > 0 else { continue }
            let limitB = bound + Self.roundOff * abs(bound)
            var lower = stats.mean, upper = stats.mean
            if !deterministic && stats.count >= 2 {
                let t = try quantile(seeds: stats.count)
                let half = t * stats.standardDeviation / Double(stats.count).squareRoot()
                lower -= half
                upper += half
                if lower <= limitB && upper > limitB, stats.mean != bound {
                    let n = (t * stats.standardDeviation / abs(stats.mean - bound))
                    needed = max(needed, Int((n * n).rounded(.up)))
                }
            } else if !deterministic {
                // One seed of a random oracle: no interval can be formed, so nothing is decided.
                lower = -.infinity
                upper = .infinity
                needed = max(needed, 2)
            }
            let verdict: Verdict = lower > limitB ? .violated : (upper <= limitB ? .holds : .inconclusive)
            comparisons.append(CheckpointComparison(k: k, bound: bound, observed: stats.mean, sd: stats.standardDeviation,
                                                    seeds: stats.count, lower: lower, upper: upper, verdict: verdict))
        }
        guard !comparisons.isEmpty else {
            return BoundVerdict(verdict: .notApplicable, reason: "no checkpoint where both the bound and an observation exist", comparisons: [])
        }
        // Tightness leaves out k = 0, where a gap bound equals Δ₀ plus its floor and the ratio is
        // trivially about 1.
        let informative = comparisons.count > 1 ? comparisons.filter { $0.k > 0 } : comparisons
        let ratios = informative.map { $0.bound > 0 ? $0.observed / $0.bound : .infinity }
        var result = BoundVerdict(verdict: .holds, reason: "", comparisons: comparisons,
                                  tightness: ratios.max(), finalRatio: ratios.last)
        let tail = comparisons.suffix(max(1, comparisons.count / 4))
        let plateau = tail.map(\.observed).reduce(0, +) / Double(tail.count)
        result.plateau = plateau
        if let floor = evaluation.floor, floor > 0 { result.plateauOverFloor = plateau / floor }
        result.rate = try RateFit.fit(metric: evaluation.metric, comparisons: comparisons, floor: evaluation.floor, plateau: plateau)
        if let v = comparisons.first(where: { $0.verdict == .violated }) {
            result.verdict = .violated
            result.reason = "at k = \(v.k) the observed mean \(fmt(v.observed)) has lower confidence limit \(fmt(v.lower)) above the bound \(fmt(v.bound))"
        } else if comparisons.allSatisfy({ $0.verdict == .holds }) {
            result.verdict = .holds
            result.reason = "upper confidence limit at or below the bound at all \(comparisons.count) checkpoints"
        } else {
            result.verdict = .inconclusive
            let undecided = comparisons.filter { $0.verdict == .inconclusive }.count
            result.reason = "the bound lies inside the confidence interval at \(undecided) checkpoint(s)"
            result.seedsToDecide = needed > 0 ? needed : nil
        }
        return result
    }
}
