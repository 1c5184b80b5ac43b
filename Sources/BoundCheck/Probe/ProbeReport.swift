// The probe's vocabulary and results: the assumptions it measures (A1–A6), its settings, what
// it measured at a point and its report. The probe itself is in AssumptionProbe.swift (the
// checks), ProbePoints.swift (where it measures and how many samples) and ProbeStatistics.swift
// (the t-test); split so that each file stays under ~400 lines.

/// The assumptions of docs/theory.md §3 the probe measures, each with the constants it tests. A bound
/// lists the ones it relies on (``Bound/assumptions``); when the probe contradicts one, the
/// bound's verdict is *unsupported*.
public enum ProbedAssumption: String, CaseIterable, Codable, Sendable {
    case lowerBound = "A1", smoothness = "A2", pl = "A3", bias = "A4", variance = "A5", heterogeneity = "A6"

    /// The constants whose declared (or computed) values the check tests.
    public var constants: [ConstantName] {
        switch self {
        case .lowerBound: [.fstar, .D0]
        case .smoothness: [.L]
        case .pl: [.mu]
        case .bias: [.m, .zeta2]
        case .variance: [.M, .sigma2]
        case .heterogeneity: [.B2, .G2]
        }
    }

    public var statement: String {
        switch self {
        case .lowerBound: "f(x) ≥ f*"
        case .smoothness: "‖∇f(x) − ∇f(y)‖ ≤ L‖x − y‖"
        case .pl: "½‖∇f(x)‖² ≥ μ(f(x) − f*)"
        case .bias: "‖h − ∇f‖² ≤ m‖∇f‖² + ζ²"
        case .variance: "E‖g − h‖² ≤ M‖h‖² + σ²"
        case .heterogeneity: "(1/n) Σᵢ ‖∇fᵢ‖² ≤ B²‖∇f‖² + G²"
        }
    }

    /// The assumptions whose constants appear among `variables` (for user bounds).
    public static func using(_ variables: Set<String>) -> Set<String> {
        Set(allCases.filter { !variables.isDisjoint(with: $0.constants.map(\.rawValue)) }.map(\.rawValue))
    }
}

/// How much the probe samples.
public struct ProbeSettings: Sendable, Equatable {
    /// R: fresh oracle draws per point at most (a deterministic oracle is drawn once); fewer,
    /// down to 16 (8 batches of 2), so that the probe draws at most a tenth of the estimates the
    /// runs draw (the rule is in docs/verdicts.md).
    public var samples = 128
    /// The draws split into at most this many batches; the batch estimates feed the t-tests.
    public var batches = 16
    /// Points taken along each method's seed-0 run (at evenly spread checkpoints), at most:
    /// fewer on a run too short to pay for 16 draws at each point (docs/verdicts.md).
    public var pointsPerMethod = 6
    /// Points drawn around the start, x⁰ + s·N(0, I) with s = max(‖x⁰‖/√d, 1), at most (as above).
    public var randomPoints = 2

    public init() {}
    public static let standard = ProbeSettings()
}

/// A point of a method's seed-0 run the probe measures at: x at the run's checkpoint
/// `checkpoint` (an index into its checkpoints). The run's work item keeps them, so the probe
/// needs no run of its own, and they travel with the item through the cache and shard files.
public struct ProbeTrajectoryPoint: Codable, Sendable, Equatable {
    public var checkpoint: Int
    public var x: [Double]

    public init(checkpoint: Int, x: [Double]) {
        self.checkpoint = checkpoint
        self.x = x
    }
}

/// What was measured at one probe point.
public struct ProbePoint: Codable, Sendable, Equatable {
    /// Where the point comes from ("x⁰", "sgdm-1 k=120", "random 1").
    public var label: String
    /// Which method's γ and β user assumptions see at this point.
    public var methodID: String
    public var grad2: Double
    /// f(x) − f* (or − f_inf when only a lower bound is known).
    public var gap: Double
    /// Unbiased estimates from the fresh samples (docs/theory.md §6): ‖b‖², V = E‖g − h‖², ‖h‖².
    public var bias2: Double
    public var variance: Double
    public var h2: Double
    /// (1/n) Σᵢ ‖∇fᵢ(x)‖².
    public var workerGrad2: Double
}

public enum AssumptionVerdict: String, Codable, Sendable, Equatable {
    case holds, violated
    /// The assumption's condition cannot be evaluated (division by zero, a domain error): fails
    /// the report whatever `expect` says.
    case error
}

/// One assumption check: a catalog assumption (A1–A6) or a user `assumptions` entry.
public struct AssumptionCheck: Codable, Sendable, Equatable {
    public var id: String
    public var statement: String
    /// `theory` for A1–A6, `user` for the file's `assumptions`.
    public var kind: String
    public var verdict: AssumptionVerdict
    public var declared: [String: Double]
    /// The smallest constants the data need, next to the declared ones: for noisy estimates the
    /// largest lower confidence limit over the points (noise alone does not inflate them).
    public var measured: [String: Double]
    /// How the comparison was made (exact, or the t-test with its correction).
    public var test: String
    public var reason: String
    public var expected: AssumptionVerdict?
    public var fails: Bool
    /// Beside ``measured`` (statistical checks only): the largest upper confidence limit over
    /// the points, under the same keys — a declared value at least this large is not
    /// contradicted at the probe's confidence (docs/problem-files.md, "Testing a conjecture sharply").
    public var measuredUpper: [String: Double]? = nil
}

/// The probe's findings for one problem file.
public struct ProbeReport: Codable, Sendable, Equatable {
    public var samples: Int
    public var batches: Int
    public var confidence: Double
    /// Statistical comparisons the probe made.
    public var comparisons: Int
    /// The Bonferroni divisor of its t-tests: its own comparisons plus the report's bound
    /// comparisons, so that bounds and assumptions together keep the report's family-wise
    /// false-alarm rate at most 1 − confidence.
    public var bonferroni: Int
    public var points: [ProbePoint]
    public var checks: [AssumptionCheck]
    /// Catalog assumptions not checked, with why.
    public var notChecked: [String: String]

    /// Ids of the assumptions the data contradict: catalog ones (A1–A6) and the file's own
    /// (a user bound's `relies-on` names them).
    public var contradicted: Set<String> {
        Set(checks.filter { $0.verdict == .violated }.map(\.id))
    }
}

