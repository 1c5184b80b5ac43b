import GSL

/// SGDM against plain SGD on the same seeds (docs/theory.md §8: "momentum reached a lower training loss
/// by iteration 50"), at equal γ and at equal effective step γ_SGD = γβ. Every `sgdm` method of a
/// file (β < 1) is paired with every `sgd` method whose step matches either way (relative 1e−9).
///
/// The methods share their random streams seed by seed (common random numbers), so per-seed
/// differences are paired. Two readings:
/// - the gap f(xᵏ) − f* at an early checkpoint k* (the one nearest a fifth of the run, the
///   papers' iteration 50 of 200–300): mean paired difference with a two-sided Student-t
///   interval at the file's confidence (descriptive: no Bonferroni; it never fails a report),
///   and on how many seeds momentum was lower;
/// - iterations to reach a target gap — 90% of the way down from the starting mean gap to the
///   larger of the two final mean gaps, so both methods reach it on average and it means the
///   same with f* or only f_inf — the median over seeds at checkpoint resolution; a seed that
///   never reaches it, or diverges, counts as never.
public struct MomentumComparison: Codable, Sendable, Equatable {
    public enum Pairing: String, Codable, Sendable {
        case equalStep = "equal γ"
        case equalEffectiveStep = "equal γβ"
    }

    public enum Finding: String, Codable, Sendable {
        case momentumLower = "momentum lower"
        case sgdLower = "SGD lower"
        case noSignificantDifference = "no significant difference"
    }

    public var momentum: String
    public var sgd: String
    public var pairing: Pairing
    public var beta: Double
    public var gammaMomentum: Double
    public var gammaSGD: Double
    public var atK: Int
    /// Seeds where both runs are finite at k*.
    public var pairedSeeds: Int
    public var meanGapMomentum: Double
    public var meanGapSGD: Double
    /// Mean of (momentum − SGD) over paired seeds, with its confidence interval.
    public var meanDifference: Double
    public var lower: Double
    public var upper: Double
    public var momentumLowerOnSeeds: Int
    public var finding: Finding
    public var divergedMomentum: Int
    public var divergedSGD: Int
    public var target: Double
    /// Median iterations to reach the target; nil when the median seed never reaches it.
    public var medianIterationsMomentum: Int?
    public var medianIterationsSGD: Int?

    /// `deterministic`: the oracle draws nothing, so one seed is exact; otherwise one seed gives
    /// no interval and finds no difference.
    public static func all(_ traces: [MethodTrace], confidence: Double, deterministic: Bool = true) throws -> [MomentumComparison] {
        var out: [MomentumComparison] = []
        func same(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }
        for s in traces where s.method.kind == .sgdm && s.method.beta < 1 {
            for g in traces where g.method.kind == .sgd {
                if same(g.method.gamma, s.method.gamma) {
                    out.append(try compare(s, g, .equalStep, confidence: confidence, deterministic: deterministic))
                } else if same(g.method.gamma, s.method.gamma * s.method.beta) {
                    out.append(try compare(s, g, .equalEffectiveStep, confidence: confidence, deterministic: deterministic))
                }
            }
        }
        return out
    }

    static func compare(_ s: MethodTrace, _ g: MethodTrace, _ pairing: Pairing, confidence: Double,
                        deterministic: Bool) throws -> MomentumComparison {
        let checkpoints = s.checkpoints
        let last = checkpoints.count - 1
        let fifth = Double(checkpoints.last ?? 0) / 5
        let c = checkpoints.indices.min { abs(Double(checkpoints[$0]) - fifth) < abs(Double(checkpoints[$1]) - fifth) } ?? 0
        let d = try PairedDifference(s.gaps.map { $0[c] }, g.gaps.map { $0[c] }, confidence: confidence, deterministic: deterministic)
        let finding: Finding = d.finding == .aLower ? .momentumLower : (d.finding == .bLower ? .sgdLower : .noSignificantDifference)

        func finiteMean(_ t: MethodTrace, _ c: Int) -> Double {
            let values = t.gaps.map { $0[c] }.filter(\.isFinite)
            return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        let start = max(finiteMean(s, 0), finiteMean(g, 0))
        let finals = [finiteMean(s, last), finiteMean(g, last)].filter(\.isFinite)
        let slower = finals.max() ?? start
        let target = slower + 0.1 * max(start - slower, 0)
        func medianIterations(_ t: MethodTrace) -> Int? {
            let reached = t.gaps.map { gaps in gaps.indices.first { gaps[$0] <= target }.map { checkpoints[$0] } }
            let sorted = reached.map { $0.map(Double.init) ?? .infinity }.sorted()
            guard !sorted.isEmpty else { return nil }
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            return median.isFinite ? Int(median.rounded(.up)) : nil
        }
        return MomentumComparison(
            momentum: s.method.id, sgd: g.method.id, pairing: pairing, beta: s.method.beta,
            gammaMomentum: s.method.gamma, gammaSGD: g.method.gamma, atK: checkpoints[c],
            pairedSeeds: d.pairs, meanGapMomentum: finiteMean(s, c), meanGapSGD: finiteMean(g, c),
            meanDifference: d.mean, lower: d.lower, upper: d.upper, momentumLowerOnSeeds: d.aLowerOnSeeds, finding: finding,
            divergedMomentum: s.divergedSeeds, divergedSGD: g.divergedSeeds, target: target,
            medianIterationsMomentum: medianIterations(s), medianIterationsSGD: medianIterations(g))
    }
}

/// The paired difference a − b of one per-seed quantity of two methods run on the same seeds
/// (common random numbers): over the seeds where both are finite, the mean difference with its
/// two-sided Student-t interval at `confidence`, how many seeds had a lower, and the finding —
/// a lower when the interval lies below 0, b lower when above, otherwise no significant
/// difference. One pair is exact when nothing is random (the interval is the difference itself)
/// and decides nothing otherwise (the interval is the whole line). Shared by the SGDM-vs-SGD
/// comparisons and a file's `compare:` pairs.
public struct PairedDifference: Codable, Sendable, Equatable {
    public enum Finding: String, Codable, Sendable {
        case aLower = "a lower"
        case bLower = "b lower"
        case noSignificantDifference = "no significant difference"
    }

    /// Seeds where both values are finite.
    public var pairs: Int
    public var mean: Double
    public var lower: Double
    public var upper: Double
    public var aLowerOnSeeds: Int
    public var finding: Finding

    public init(_ a: [Double?], _ b: [Double?], confidence: Double, deterministic: Bool) throws {
        var differences: [Double] = [], wins = 0
        for seed in 0..<min(a.count, b.count) {
            guard let x = a[seed], let y = b[seed], x.isFinite, y.isFinite else { continue }
            differences.append(x - y)
            if x < y { wins += 1 }
        }
        let mean = differences.isEmpty ? .nan : differences.reduce(0, +) / Double(differences.count)
        var lower = mean, upper = mean
        if differences.count >= 2 {
            let t = try GSL.studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom: Double(differences.count - 1))
            let half = t * GSL.standardDeviation(differences) / Double(differences.count).squareRoot()
            lower -= half
            upper += half
        } else if !deterministic {
            lower = -.infinity
            upper = .infinity
        }
        self.pairs = differences.count
        self.mean = mean
        self.lower = lower
        self.upper = upper
        self.aLowerOnSeeds = wins
        self.finding = upper < 0 ? .aLower : (lower > 0 ? .bLower : .noSignificantDifference)
    }
}
