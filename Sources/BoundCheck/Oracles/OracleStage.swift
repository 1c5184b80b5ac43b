/// One stage of a worker's oracle: the problem file's `oracle:` list names stages in the order
/// they act on each worker's gradient (docs/theory.md §5). A stage is one type holding everything
/// about it — its problem-file name and parameters, whether it is random, the constants it
/// declares and how they propagate, what it needs from the problem, and its kernel — and joins
/// the tool through `Catalog.register(_:)` with the stage's type (docs/extending.md walks through a new one).
///
/// Built-in stages live in Oracles/Stages/, one file each, and use exactly this API.
public protocol OracleStage: Sendable, Equatable {
    /// The problem file's word for the stage (`top-k`).
    static var name: String { get }
    /// What `boundcheck list` shows: parameters, action, randomness, declared constants.
    static var synopsis: OracleStageSynopsis { get }
    /// Variables this stage gives expressions (user bounds, assumptions); without such a stage
    /// an expression naming one is refused at load time.
    static var providedVariables: [OracleStageVariable] { get }
    /// Whether the kernel uses ``StageWorkspace/permutation`` (a per-worker permutation of
    /// 0..<d, reset to the identity at the start of every seed).
    static var usesPermutation: Bool { get }

    /// Reads the stage's parameters; every problem goes to the reader as a positioned
    /// diagnostic, and nil is returned when the stage cannot be built.
    init?(parameters: inout ParameterReader)

    /// Whether the stage draws random numbers (it then needs ≥ 2 seeds).
    var isRandom: Bool { get }

    /// Problems with where the stage stands or what it needs from the problem (a message each,
    /// reported at the stage's entry).
    func placementProblems(_ placement: StagePlacement) -> [String]

    /// A message when `method` cannot run with this stage placed so, nil when it can.
    func unsupportedMethod(_ method: MethodKind, placement: StagePlacement) -> String?

    /// What is known about the stage's output given what is known about its input
    /// (docs/theory.md §5): the stage's declared constants, per worker.
    func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds

    /// δ (contraction) or τ (clipping threshold) the stage declares, for bounds and expressions.
    func declaredConstants(dimension: Int) -> OracleStageConstants

    /// The stage's numeric parameters as expression variables: each (parameter, value) becomes
    /// the variable `<stage>_<parameter>` (``ExpressionVariables``), e.g. `top_k_k`.
    func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)]

    /// δ of an expected contraction, E‖C(u) − u‖² ≤ (1 − δ)‖u‖², for a stage that is not a
    /// contraction for every u (so it declares no δ to the bounds) but whose compressor is one in
    /// expectation: expressions may read it as `delta` (nil: none).
    func expectedContraction(dimension: Int) -> Double?

    /// What the kernel keeps between calls, built once per run (buffers, precomputed factors).
    associatedtype State
    func makeState(environment: OracleEnvironment) -> State
    /// u ← the stage applied to u (one worker's vector, length d), in place, allocating nothing.
    func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout State, workspace: StageWorkspace,
               rng: inout RandomStream)
}

extension OracleStage {
    public static var providedVariables: [OracleStageVariable] { [] }
    public static var usesPermutation: Bool { false }
    public func placementProblems(_ placement: StagePlacement) -> [String] { [] }
    public func unsupportedMethod(_ method: MethodKind, placement: StagePlacement) -> String? { nil }
    public func declaredConstants(dimension: Int) -> OracleStageConstants { OracleStageConstants() }
    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [] }
    public func expectedContraction(dimension: Int) -> Double? { nil }
    public var name: String { Self.name }

    /// The stage read from a problem file, type-erased (nil: reported problems).
    static func read(_ parameters: inout ParameterReader) -> AnyOracleStage? {
        Self(parameters: &parameters).map { AnyOracleStage($0) }
    }

    fileprivate func isEqual(to other: any OracleStage) -> Bool {
        (other as? Self) == self
    }
}

/// The text `boundcheck list` prints for a stage.
public struct OracleStageSynopsis: Sendable, Equatable {
    /// The parameters as written in a problem file, e.g. `{k: K} | {fraction: f}` (empty: none).
    public var parameters: String
    /// What the stage does to u.
    public var action: String
    /// Whether it draws random numbers (`random`, `deterministic`, or a condition).
    public var randomness: String
    /// The constants it declares, in short.
    public var constants: String

    public init(parameters: String, action: String, randomness: String, constants: String) {
        self.parameters = parameters
        self.action = action
        self.randomness = randomness
        self.constants = constants
    }
}

/// An expression variable a stage can provide.
public enum OracleStageVariable: String, Sendable, CaseIterable {
    /// δ, the contraction factor of a compressor.
    case delta
    /// τ, the clipping threshold.
    case tau

    /// What the oracle lacks when the variable is not defined.
    var missing: String {
        switch self {
        case .delta: "contracting compressor"
        case .tau: "clip stage"
        }
    }
}

/// Constants a stage declares besides its ``EstimateBounds``; a later stage's value replaces an
/// earlier one's.
public struct OracleStageConstants: Sendable, Equatable {
    /// δ: ‖C(u) − u‖² ≤ (1 − δ)‖u‖² for every u.
    public var delta: Double?
    /// τ: the output's norm is at most τ.
    public var tau: Double?

    public init(delta: Double? = nil, tau: Double? = nil) {
        self.delta = delta
        self.tau = tau
    }
}

/// Where a stage stands in its file, for ``OracleStage/placementProblems(_:)``.
public struct StagePlacement: Sendable {
    /// The stage's index in the `oracle:` list.
    public var index: Int
    /// Its index among the stages read without error.
    public var position: Int
    /// Whether it is the first entry and the first stage.
    public var isFirst: Bool { index == 0 && position == 0 }
    /// The problem's family, when the problem could be read.
    public var family: (any ProblemFamily)?
    /// Whether a random stage comes before this one.
    public var randomBefore: Bool
}

/// The problem a stage runs on: what its constants and its state may need.
public struct OracleEnvironment: Sendable {
    public let dimension: Int
    public let workers: Int
    /// The problem file's seed, for streams of the stage's own (keyed with ``StreamPurpose/instance``).
    public let problemSeed: UInt64
    public let objective: any Objective
    /// G_max,i with ‖∇fᵢ‖ ≤ G_max,i, when the family has bounded gradients.
    public let workerGradientBounds: [Double]?

    public init(dimension: Int, workers: Int, problemSeed: UInt64, objective: any Objective,
                workerGradientBounds: [Double]?) {
        self.dimension = dimension
        self.workers = workers
        self.problemSeed = problemSeed
        self.objective = objective
        self.workerGradientBounds = workerGradientBounds
    }
}

/// What a kernel call may use besides its vector: valid for the call only.
public struct StageWorkspace {
    /// The worker whose estimate this is.
    public let worker: Int
    /// The point the gradient was taken at.
    public let point: UnsafeBufferPointer<Double>
    /// Length d, shared by all stages; contents undefined on entry.
    public let scratch: UnsafeMutableBufferPointer<Double>
    /// Length d when the stage ``OracleStage/usesPermutation``, else empty: a permutation of
    /// 0..<d kept per worker across iterations (shared with an M-DSGD Rand-K sparsifier).
    public let permutation: UnsafeMutableBufferPointer<Int>
    /// Where a stage may declare that its output is zero outside a list of indices, so that the
    /// method adds a sparse estimate entry by entry instead of over all d coordinates.
    public let support: SparseSupport

    public init(worker: Int, point: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>,
                permutation: UnsafeMutableBufferPointer<Int>, support: SparseSupport = .unavailable) {
        self.worker = worker
        self.point = point
        self.scratch = scratch
        self.permutation = permutation
        self.support = support
    }
}

/// A sparse hand-over from the last oracle stage to the method: the indices outside which the
/// stage's output is zero (e.g. the K entries Top-K kept), so that a method adding the estimate
/// to a sum touches K entries, not d. Only a speed-up: adding the zeros would give the same
/// bits. The simulation clears the declaration before every stage, so what reaches the method
/// is what the *last* stage declared; a stage that declares nothing leaves it unknown, and the
/// method adds densely. Valid for the call only.
public struct SparseSupport {
    private let indices: UnsafeMutablePointer<Int>?
    private let count: UnsafeMutablePointer<Int>?

    /// No buffer: declarations are ignored (kernels called outside a simulation).
    public static var unavailable: SparseSupport { SparseSupport(indices: nil, count: nil) }

    /// `indices` must hold d values; `count` is the declared length, negative for none.
    init(indices: UnsafeMutablePointer<Int>?, count: UnsafeMutablePointer<Int>?) {
        self.indices = indices
        self.count = count
    }

    /// A buffer of d indices for the stage to fill before ``declare(count:)``, or nil when
    /// declarations are ignored.
    public var buffer: UnsafeMutablePointer<Int>? { indices }

    /// Declares that the output is zero outside the first `n` entries of ``buffer``.
    public func declare(count n: Int) { count?.pointee = n }

    /// Forgets any declaration (before each stage).
    func clear() { count?.pointee = -1 }

    /// The declared indices, or nil if the last stage declared none.
    public var declared: UnsafeBufferPointer<Int>? {
        guard let count, let indices, count.pointee >= 0 else { return nil }
        return UnsafeBufferPointer(start: indices, count: count.pointee)
    }
}

/// A stage of any type, as a problem file's oracle list holds it.
public struct AnyOracleStage: Sendable, Equatable, CustomStringConvertible {
    public let stage: any OracleStage

    public init(_ stage: any OracleStage) { self.stage = stage }

    public var name: String { type(of: stage).name }
    public var isRandom: Bool { stage.isRandom }
    public var description: String { "\(stage)" }

    func placementProblems(_ placement: StagePlacement) -> [String] { stage.placementProblems(placement) }

    public static func == (a: AnyOracleStage, b: AnyOracleStage) -> Bool { a.stage.isEqual(to: b.stage) }

    /// The stage with its kernel state for one run.
    func makeRunner(environment: OracleEnvironment) -> any OracleStageRunning {
        func open<S: OracleStage>(_ s: S) -> any OracleStageRunning {
            OracleStageRunner(stage: s, state: s.makeState(environment: environment))
        }
        return open(stage)
    }
}

/// A stage and its run state behind one dynamic call.
protocol OracleStageRunning: AnyObject {
    func apply(_ u: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace, rng: inout RandomStream)
}

final class OracleStageRunner<S: OracleStage>: OracleStageRunning {
    let stage: S
    var state: S.State

    init(stage: S, state: S.State) {
        self.stage = stage
        self.state = state
    }

    func apply(_ u: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace, rng: inout RandomStream) {
        stage.apply(u, state: &state, workspace: workspace, rng: &rng)
    }
}

extension [AnyOracleStage] {
    /// Per-worker ``EstimateBounds`` after every stage, from the exact gradient's.
    func propagate(worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        var b = EstimateBounds.exact(normBound: environment.workerGradientBounds?[worker])
        for s in self { b = s.stage.propagate(b, worker: worker, environment: environment) }
        return b
    }
}
