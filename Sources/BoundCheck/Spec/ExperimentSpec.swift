/// A validated problem file: one experiment. Produced by ``SpecLoader``; every value here is in
/// range and every cross-field rule (k ≤ d, clipping needs bounded gradients, …) holds.
public struct ExperimentSpec: Sendable, Equatable {
    public var name: String
    public var description: String
    public var seed: UInt64
    /// The file it came from (for messages and provenance), or nil when built in code.
    public var sourcePath: String?
    public var problem: ProblemSpec
    public var oracle: [AnyOracleStage]
    public var methods: [MethodSpec]
    public var run: RunSpec
    public var quick: RunSpec
    /// Catalog bounds to check (nil: every catalog bound that applies).
    public var bounds: [String]?
    public var confidence: Double
    /// Constants the file declares, overriding the computed ones (negative controls use this).
    public var declared: DeclaredConstants
    public var userBounds: [UserBoundSpec]
    public var assumptions: [AssumptionSpec]
    public var expect: [String: ExpectedOutcome]
    /// SHA-256-free but stable digest of the file's text (FNV-1a 64), for provenance and caching.
    public var specHash: String
    /// Where each method's `step` is in the file, by method id (for messages about the step).
    public var methodPositions = SourcePositions()
    /// The sweep cell this spec is, for a file with `sweep:` (nil otherwise).
    public var sweepCell: SweepCellInfo? = nil
    /// `compare:`: pairs of method ids to compare seed by seed (``MethodComparison``).
    public var compare: [ComparePair] = []

    public init(name: String, description: String = "", seed: UInt64 = 1, sourcePath: String? = nil,
                problem: ProblemSpec, oracle: [AnyOracleStage] = [], methods: [MethodSpec],
                run: RunSpec, quick: RunSpec? = nil, bounds: [String]? = nil, confidence: Double = 0.99,
                declared: DeclaredConstants = DeclaredConstants(), userBounds: [UserBoundSpec] = [],
                assumptions: [AssumptionSpec] = [], expect: [String: ExpectedOutcome] = [:], specHash: String = "") {
        self.name = name
        self.description = description
        self.seed = seed
        self.sourcePath = sourcePath
        self.problem = problem
        self.oracle = oracle
        self.methods = methods
        self.run = run
        self.quick = quick ?? run
        self.bounds = bounds
        self.confidence = confidence
        self.declared = declared
        self.userBounds = userBounds
        self.assumptions = assumptions
        self.expect = expect
        self.specHash = specHash
    }
}

public struct ProblemSpec: Sendable, Equatable {
    /// The family `problem.family` names, with its parameters (a plug-in of the ``Catalog``).
    public var family: any ProblemFamily
    public var dimension: Int
    public var workers: Int
    public var heterogeneity: Double
    public var start: StartSpec

    public init(family: any ProblemFamily, dimension: Int, workers: Int, heterogeneity: Double = 1,
                start: StartSpec = .gaussian(scale: 1)) {
        self.family = family
        self.dimension = dimension
        self.workers = workers
        self.heterogeneity = heterogeneity
        self.start = start
    }

    public static func == (a: ProblemSpec, b: ProblemSpec) -> Bool {
        a.family.isSameFamily(as: b.family) && a.dimension == b.dimension && a.workers == b.workers
            && a.heterogeneity == b.heterogeneity && a.start == b.start
    }
}

public enum StartSpec: Sendable, Equatable {
    /// x⁰ ~ N(0, scale² I), drawn from the problem's seed.
    case gaussian(scale: Double)
    case at([Double])
}

public enum StepSpec: Sendable, Equatable {
    case fixed(Double)
    /// The largest step every selected bound of the method allows, times a factor.
    case theory(factor: Double)
}

public struct RunSpec: Sendable, Equatable {
    public var iterations: Int
    public var seeds: Int
    public var checkpoints: Int
    /// The seed index of the first seed: seeds are firstSeed ..< firstSeed + seeds (`first-seed`).
    public var firstSeed = 0

    public init(iterations: Int, seeds: Int, checkpoints: Int = 40) {
        self.iterations = iterations
        self.seeds = seeds
        self.checkpoints = checkpoints
    }
}

/// Constants a file declares explicitly; each replaces the computed value (and reports say so).
/// Names that are not built-in constants are the user's own (``user``): expressions read them,
/// nothing else does.
public struct DeclaredConstants: Sendable, Equatable {
    public var values: [ConstantName: Double] = [:]
    /// User constants (`constants: {c: 2}`), by name.
    public var user: [String: Double] = [:]
    public init(_ values: [ConstantName: Double] = [:], user: [String: Double] = [:]) {
        self.values = values
        self.user = user
    }
    /// Names a file may declare.
    public static let names: [ConstantName] = [.L, .mu, .fstar, .B2, .G2, .m, .zeta2, .M, .sigma2]
}

/// Where an expression sits in its file, so errors inside it point at the right column.
/// Positions of parts of the file. They never make two specs differ: the same experiment
/// written another way is the same spec.
public struct SourcePositions: Sendable, Equatable {
    public var byID: [String: SourcePosition] = [:]
    public init() {}
    public static func == (a: SourcePositions, b: SourcePositions) -> Bool { true }
}

public struct SourcePosition: Sendable, Equatable {
    public var file: String
    public var line: Int
    /// Column of the expression's first character.
    public var column: Int
    public var keyPath: String
}

public struct UserBoundSpec: Sendable, Equatable {
    public var id: String
    /// A method kind (`sgdm`) or a method id (`sgdm-1`).
    public var method: String
    public var metric: Metric
    public var expression: String
    public var expressionPosition: SourcePosition
    public var requires: [(text: String, position: SourcePosition)]
    public var floor: String?
    public var description: String
    /// `relies-on:` — user assumption ids and A1–A6 the bound rests on: a contradicted one makes
    /// it `unsupported`.
    public var reliesOn: [String] = []
    /// Names beyond the built-in variables the file gives expressions (user constants,
    /// oracle and method parameters), so the expression compiles again as it did at load time.
    public var extraVariables: Set<String> = []

    public static func == (a: UserBoundSpec, b: UserBoundSpec) -> Bool {
        a.id == b.id && a.method == b.method && a.metric == b.metric && a.expression == b.expression
            && a.requires.map(\.text) == b.requires.map(\.text) && a.description == b.description
            && a.reliesOn == b.reliesOn
    }
}

public struct AssumptionSpec: Sendable, Equatable {
    public var id: String
    public var holdsIf: String
    public var position: SourcePosition
    /// Names beyond the built-in variables the condition may read (see ``UserBoundSpec/extraVariables``).
    public var extraVariables: Set<String> = []
}

public enum ExpectedOutcome: String, Sendable, Equatable, CaseIterable {
    case holds, violated, inconclusive, unsupported
    case notApplicable = "not-applicable"
    case diverged
}

/// What a bound is about (docs/bounds.md, "Kinds, metrics and notation").
public enum Metric: String, Sendable, Equatable, CaseIterable, Codable {
    /// f(xᵏ) − f*
    case gap
    /// ‖∇f(xᵏ)‖²
    case grad
    /// (1/k) Σ_{j<k} ‖∇f(xʲ)‖²
    case avgGrad = "avg-grad"
    /// min_{j<k} ‖∇f(xʲ)‖² (per run, then averaged over seeds)
    case minGrad = "min-grad"
    /// f(zᵏ) − f*, z the virtual iterate (SGDM) or w̃ (M-DSGD)
    case virtualGap = "virtual-gap"
    /// EF21's Lyapunov quantity f(xᵏ) − f* + (γ/θ)(1/n) Σᵢ ‖gᵢᵏ − ∇fᵢ(xᵏ)‖² (docs/theory.md,
    /// "EF21"); recorded only by methods that define one, at every checkpoint before the last.
    case lyapunov
}
