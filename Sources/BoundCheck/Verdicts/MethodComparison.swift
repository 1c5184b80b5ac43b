/// One pair a file asks to compare (`compare:`, docs/problem-files.md, "Comparing two methods").
public struct ComparePair: Sendable, Equatable {
    public var a: String
    public var b: String
    /// The per-seed quantity compared at the last checkpoint: `gap` or `avg-grad`.
    public var metric: Metric

    public static let metrics: [Metric] = [.gap, .avgGrad]

    public init(a: String, b: String, metric: Metric = .gap) {
        self.a = a
        self.b = b
        self.metric = metric
    }
}

/// Two methods a file names in `compare:`, paired over the same seeds (common random numbers),
/// with the analysis of ``MomentumComparison`` (``PairedDifference``) applied at the last
/// checkpoint: the mean paired difference a − b of the final gap f(x^K) − f* (differences of
/// f alone, so f* need not be known) or of the final avg-grad (1/K) Σ ‖∇f(xʲ)‖², with a
/// two-sided Student-t interval. Unlike the automatic SGDM-vs-SGD comparisons, which are
/// descriptive, a listed pair is a claim the file asks for: it counts in the report's
/// Bonferroni family (``level`` is 1 − (1 − confidence)/C, C the report's comparisons), so the
/// report's findings and verdicts together keep the family-wise error within 1 − confidence.
/// A finding never fails a report.
public struct MethodComparison: Codable, Sendable, Equatable {
    public var a: String
    public var b: String
    public var metric: Metric
    public var atK: Int
    /// The two-sided confidence of the interval (the report's, Bonferroni-corrected).
    public var level: Double
    /// Means over each method's finite seeds at the last checkpoint.
    public var meanA: Double
    public var meanB: Double
    /// a − b over the seeds where both runs are finite, with its interval and finding.
    public var difference: PairedDifference
    public var divergedA: Int
    public var divergedB: Int

    /// The finding in words, with the methods' ids.
    public var findingText: String {
        switch difference.finding {
        case .aLower: "\(a) lower"
        case .bLower: "\(b) lower"
        case .noSignificantDifference: difference.finding.rawValue
        }
    }

    /// The seeds' values of `metric` at checkpoint `c` (nil where a seed has none).
    static func perSeed(_ t: MethodTrace, _ metric: Metric, at c: Int) -> [Double?] {
        if metric == .gap { return t.gaps.map { $0.indices.contains(c) ? $0[c] : nil } }
        let m = MetricIndex.index(metric)
        return t.samples.map { $0.indices.contains(c) ? $0[c][m] : nil }
    }

    /// `deterministic`: both methods and the oracle draw nothing, so one seed is exact.
    public static func compare(_ pair: ComparePair, _ ta: MethodTrace, _ tb: MethodTrace, level: Double,
                               deterministic: Bool) throws -> MethodComparison {
        let c = min(ta.checkpoints.count, tb.checkpoints.count) - 1
        let va = perSeed(ta, pair.metric, at: c), vb = perSeed(tb, pair.metric, at: c)
        let d = try PairedDifference(va, vb, confidence: level, deterministic: deterministic)
        func finiteMean(_ v: [Double?]) -> Double {
            let values = v.compactMap { $0 }.filter(\.isFinite)
            return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        return MethodComparison(a: pair.a, b: pair.b, metric: pair.metric, atK: c >= 0 ? ta.checkpoints[c] : 0, level: level,
                                meanA: finiteMean(va), meanB: finiteMean(vb), difference: d,
                                divergedA: ta.divergedSeeds, divergedB: tb.divergedSeeds)
    }
}
