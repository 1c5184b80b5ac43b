/// What a method's runner is built from (``Method/makeRunner(_:)``): the problem's sizes, the
/// step size and what the method may need from the problem.
public struct MethodSetup {
    public let dimension: Int
    public let workers: Int
    /// The resolved step size γ (η for M-DSGD).
    public let gamma: Double
    /// The objective, for a method that needs exact per-worker gradients of its own.
    public let objective: any Objective
    /// The oracle's environment, for kernels a method runs (``OracleStage/makeState(environment:)``).
    public let environment: OracleEnvironment

    public init(dimension: Int, workers: Int, gamma: Double, objective: any Objective, environment: OracleEnvironment) {
        self.dimension = dimension
        self.workers = workers
        self.gamma = gamma
        self.objective = objective
        self.environment = environment
    }
}

/// What a method measures besides the shared metrics, per seed (maxima over iterations).
public struct MethodMeasurements: Sendable {
    /// M-DSGD: max over iterations of ‖w̃ − (w − m̄)‖∞ / max(1, ‖w‖∞) (its transformation identity).
    public var identityDeviation = 0.0
    /// Largest ‖gᵢ‖² a worker sent the server (M1's measured G²).
    public var maxWorkerEstimateNorm2 = 0.0

    public init() {}
}

/// A method with its state for one run: every buffer allocated when it is built, nothing
/// allocated by its calls. The simulation calls it, in iteration k (docs/theory.md §2):
///
/// 1. ``beginIteration(_:)``;
/// 2. for each worker i, ``worker(_:k:estimate:workspace:rng:measurements:)`` with gᵢᵏ, the
///    worker's oracle estimate at xᵏ;
/// 3. ``endWorkerPass(_:)``;
/// 4. at a checkpoint, ``virtualIterate(_:)`` (the metrics at xᵏ are taken before the update);
/// 5. ``stepNormSquared()`` for the divergence check, then ``step(_:k:measurements:)``, which
///    moves xᵏ to xᵏ⁺¹.
///
/// ``reset(start:)`` starts every seed, with x = x⁰. A runner is used by one thread at a time.
public protocol MethodRunning: AnyObject {
    /// Puts the method's state at its start for a new seed; `start` is x⁰.
    func reset(start: UnsafeBufferPointer<Double>)
    /// Before iteration k's pass over the workers.
    func beginIteration(_ k: Int)
    /// Worker i's oracle estimate gᵢᵏ at xᵏ (`estimate`, length d: the method may overwrite it),
    /// with the worker's workspace and random stream (for kernels the method runs).
    func worker(_ i: Int, k: Int, estimate: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace,
                rng: inout RandomStream, measurements: inout MethodMeasurements)
    /// After the pass over the workers.
    func endWorkerPass(_ k: Int)
    /// The point whose gap the `virtual-gap` metric records at a checkpoint (nil: not recorded).
    /// Called after ``endWorkerPass(_:)`` and before ``step(_:k:measurements:)``, and at k = K.
    func virtualIterate(_ x: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double>?
    /// ‖·‖² of the direction the step is about to take: a non-finite value means divergence.
    func stepNormSquared() -> Double
    /// x ← xᵏ⁺¹.
    func step(_ x: UnsafeMutableBufferPointer<Double>, k: Int, measurements: inout MethodMeasurements)
    /// The method's Lyapunov quantity at a checkpoint before the last (the `lyapunov` metric),
    /// given the gap f(xᵏ) − f*; called where ``virtualIterate(_:)`` is. Default NaN: not recorded.
    func lyapunov(_ x: UnsafeBufferPointer<Double>, gap: Double) -> Double
}

extension MethodRunning {
    public func lyapunov(_ x: UnsafeBufferPointer<Double>, gap: Double) -> Double { .nan }
}
