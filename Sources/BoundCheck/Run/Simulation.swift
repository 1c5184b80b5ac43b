/// Runs one method on one instance, seed after seed, with every buffer allocated once per
/// block of seeds: the iteration loop allocates nothing (docs/performance.md).
///
/// Iteration k (docs/theory.md §2): each worker i computes ∇fᵢ(xᵏ), passes it through its oracle
/// stages to get gᵢᵏ, and the server averages; the metrics at checkpoint k are taken at xᵏ
/// before the update, so `avg-grad` at k averages ‖∇f(xʲ)‖² over j = 0..k−1.
final class Simulation {
    let instance: Instance
    let method: ResolvedMethod
    let iterations: Int
    let checkpoints: [Int]
    let d: Int
    let n: Int
    let fstar: Double
    /// The oracle's stages with their kernel state for this run.
    let stages: [any OracleStageRunning]
    /// The method's state and step for this run (``MethodRunning``).
    let runner: any MethodRunning
    /// Every how many iterations ‖∇f‖² is kept for the mean over seeds (``GradPath``).
    let pathStride: Int

    // Shared buffers (length d): the iterate, ∇f, one worker's gradient/estimate, the stages' scratch.
    let x: Buffer, gradSum: Buffer, gi: Buffer, scratch: Buffer
    let rngs: UnsafeMutablePointer<RandomStream>
    /// The last stage's sparse hand-over to the method (``SparseSupport``): d indices and their count.
    let supportIndices: UnsafeMutablePointer<Int>, supportCount: UnsafeMutablePointer<Int>
    let permutations: [UnsafeMutableBufferPointer<Int>]
    /// Called at each checkpoint with (checkpoint index, the iterate): the probe uses it to
    /// take points along a run. Nil in ordinary runs.
    var checkpointObserver: ((Int, UnsafeBufferPointer<Double>) -> Void)?

    // The seed being run, between ``start(seedIndex:)`` and the last ``endPass(_:statistics:)``:
    // kept here rather than in locals so that several simulations can advance one iteration at a
    // time together (``Lockstep``). Separate properties, so each can be passed `inout` alone.
    /// What the seed has recorded so far.
    private(set) var outcome = SeedOutcome(checkpoints: 0, iterations: 0)
    /// The running mean, minimum, and window minimum of ‖∇f(xᵗ)‖² over t < k.
    private var sumGrad2 = 0.0, minGrad2 = Double.infinity, windowMin2 = Double.infinity
    /// The next checkpoint's index.
    private var nextCheckpoint = 0

    init(instance: Instance, method: ResolvedMethod, iterations: Int, checkpoints: [Int]) {
        self.instance = instance
        self.method = method
        self.iterations = iterations
        self.checkpoints = checkpoints
        d = instance.dimension
        n = instance.workers
        fstar = instance.constants[.fstar] ?? 0
        let environment = instance.oracleEnvironment
        stages = instance.oracle.map { $0.makeRunner(environment: environment) }
        runner = method.makeRunner(instance: instance)
        pathStride = GradPath.stride(iterations: iterations)
        x = Buffer(count: d); gradSum = Buffer(count: d); gi = Buffer(count: d); scratch = Buffer(count: d)
        supportIndices = .allocate(capacity: max(instance.dimension, 1))
        supportCount = .allocate(capacity: 1)
        supportCount.initialize(to: -1)
        rngs = .allocate(capacity: instance.workers)
        rngs.initialize(repeating: RandomStream(seed: 0), count: instance.workers)
        let needsPermutation = instance.oracle.contains { type(of: $0.stage).usesPermutation } || method.settings.usesPermutation
        permutations = needsPermutation ? (0..<instance.workers).map { _ in .allocate(capacity: instance.dimension) } : []
    }

    deinit {
        rngs.deinitialize(count: n)
        rngs.deallocate()
        supportIndices.deallocate()
        supportCount.deallocate()
        for p in permutations { p.deallocate() }
    }

    /// One seed's outcome beyond the checkpoint statistics.
    struct SeedOutcome {
        var divergedAt: Int?
        /// Gap f(xᵏ) − f* at each checkpoint (NaN after divergence), for paired comparisons.
        var gaps: [Double]
        /// What the method measured (M-DSGD's identity deviation, the largest ‖gᵢ‖² sent).
        var measurements = MethodMeasurements()
        /// M-DSGD: max over iterations of ‖w̃ − (w − m̄)‖∞ / max(1, ‖w‖∞).
        var identityDeviation: Double { measurements.identityDeviation }
        /// Largest ‖gᵢ‖² a worker sent the server (M1's measured G²).
        var maxWorkerEstimateNorm2: Double { measurements.maxWorkerEstimateNorm2 }
        /// This seed's metrics at each checkpoint, [checkpoint][metric] (NaN where not recorded):
        /// the distribution-free verdict needs the values, not only their mean.
        var values: [[Double]]
        /// minₜ ‖∇f(xᵗ)‖² over the window of iterations kᶜ⁻¹ ≤ t < kᶜ before each checkpoint
        /// (NaN for the empty window at k = 0): a lower bound on ‖∇f(xᵗ)‖² for every t in it.
        var windowMinima: [Double]
        /// ‖∇f(xᵗ)‖² at t = 0, s, 2s, … < K with s = ``GradPath/stride(iterations:)`` (NaN after
        /// divergence), for minₜ of the mean over seeds: every iteration up to K = 4096, a bounded
        /// number beyond.
        var gradPath: [Double]

        init(checkpoints: Int, iterations: Int) {
            divergedAt = nil
            gaps = [Double](repeating: .nan, count: checkpoints)
            values = [[Double]](repeating: [Double](repeating: .nan, count: MetricIndex.all.count), count: checkpoints)
            windowMinima = [Double](repeating: .nan, count: checkpoints)
            gradPath = [Double](repeating: .nan, count: GradPath.count(iterations: iterations))
        }
    }

    func reset(seedIndex: Int, purpose: StreamPurpose = .oracle) {
        for j in 0..<d { x.pointer[j] = instance.start[j] }
        for i in 0..<n {
            rngs[i] = RandomStream(key: StreamKey(problemSeed: instance.seed, purpose: purpose, seedIndex: seedIndex, worker: i))
        }
        for p in permutations { for j in 0..<d { p[j] = j } }
    }

    /// The workspace of worker i's kernels at `point`.
    @inline(__always)
    private func workspace(_ i: Int, at point: UnsafeBufferPointer<Double>) -> StageWorkspace {
        StageWorkspace(worker: i, point: point, scratch: scratch.pointer,
                       permutation: permutations.isEmpty ? UnsafeMutableBufferPointer(start: nil, count: 0) : permutations[i],
                       support: SparseSupport(indices: supportIndices, count: supportCount))
    }

    /// The aggregated oracle estimate g = (1/n) Σᵢ gᵢ at `point`, drawn from the streams of
    /// `purpose`/`seedIndex` (deterministic oracles: the same for every seed).
    static func aggregatedEstimate(instance: Instance, at point: [Double], purpose: StreamPurpose = .oracle,
                                   seedIndex: Int = 0) -> [Double] {
        let method = ResolvedMethod(MethodSpec(id: "estimate", settings: Sgd(), step: .fixed(1)), gamma: 1, stepRule: "")
        let simulation = Simulation(instance: instance, method: method, iterations: 0, checkpoints: [0])
        simulation.reset(seedIndex: seedIndex, purpose: purpose)
        return simulation.estimate(at: point).estimate
    }

    /// (∇f(point), g(point)) with the current streams.
    func estimate(at point: [Double]) -> (exact: [Double], estimate: [Double]) {
        let g = Buffer(count: d)
        Vec.fill(g.pointer, 0)
        Vec.fill(gradSum.pointer, 0)
        point.withUnsafeBufferPointer { p in
            for i in 0..<n {
                instance.objective.workerGradient(i, at: p, into: gi.pointer)
                Vec.axpy(1, gi.readOnly, gradSum.pointer)
                _ = applyStages(i, at: p)
                Vec.axpy(1, gi.readOnly, g.pointer)
            }
        }
        Vec.scale(1 / Double(n), gradSum.pointer)
        Vec.scale(1 / Double(n), g.pointer)
        return (gradSum.array, g.array)
    }

    /// Worker i's oracle stages in order on `gi` (∇fᵢ(point) on entry, the estimate gᵢ on
    /// return); returns the workspace they used. Each stage starts with no sparse declaration
    /// (``SparseSupport``), so what the workspace's support holds afterwards is the last stage's.
    @inline(__always)
    private func applyStages(_ i: Int, at point: UnsafeBufferPointer<Double>) -> StageWorkspace {
        let workspace = workspace(i, at: point)
        for stage in stages {
            workspace.support.clear()
            stage.apply(gi.pointer, workspace: workspace, rng: &rngs[i])
        }
        return workspace
    }

    /// Records checkpoint c, given f(xᵏ) and f at the method's virtual iterate (nil: none); false
    /// if a value is not finite (the run diverged).
    @inline(__always)
    private func record(_ c: Int, k: Int, grad2: Double, sumGrad2: Double /* the running mean of ‖∇f‖² over t < k */, minGrad2: Double, windowMin2: inout Double,
                        values: (x: Double, virtual: Double?),
                        statistics: inout [[RunningStatistics]], outcome: inout SeedOutcome) -> Bool {
        let gap = values.x - fstar
        let virtualGap = values.virtual.map { $0 - fstar } ?? .nan
        guard gap.isFinite, grad2.isFinite else { return false }
        checkpointObserver?(c, x.readOnly)
        outcome.gaps[c] = gap
        statistics[c][0].add(gap)
        statistics[c][1].add(grad2)
        outcome.values[c][0] = gap
        outcome.values[c][1] = grad2
        if k > 0 {
            // A running mean: Σ of k finite values could overflow.
            let average = sumGrad2
            statistics[c][2].add(average)
            statistics[c][3].add(minGrad2)
            outcome.values[c][2] = average
            outcome.values[c][3] = minGrad2
            outcome.windowMinima[c] = windowMin2
        }
        statistics[c][4].add(virtualGap)
        outcome.values[c][4] = virtualGap.isFinite ? virtualGap : .nan
        if k < iterations {
            let lyapunov = runner.lyapunov(x.readOnly, gap: gap)
            statistics[c][5].add(lyapunov)
            outcome.values[c][5] = lyapunov.isFinite ? lyapunov : .nan
        }
        windowMin2 = .infinity
        return true
    }

    /// Runs one seed, adding its metrics to `statistics[checkpoint][metric]`: the shared loop
    /// (docs/theory.md §2), calling the method's runner at the points ``MethodRunning`` lists.
    func run(seedIndex: Int, statistics: inout [[RunningStatistics]]) -> SeedOutcome {
        start(seedIndex: seedIndex)
        let objective = instance.objective, xs = x.readOnly
        for k in 0...iterations {
            beginPass(k)
            for i in 0..<n {
                objective.workerGradient(i, at: xs, into: gi.pointer)
                workerPass(i, k: k)
            }
            finishPass(k)
            if !conclude(k, statistics: &statistics) { break }
        }
        return outcome
    }

    // The loop of ``run(seedIndex:statistics:)`` in steps, for a driver that computes the
    // workers' gradients and the checkpoint values itself (several seeds at once, ``Lockstep``):
    // for k = 0…K, ``beginPass(_:)``; for each worker i, ∇fᵢ(xᵏ) into `gi`, then
    // ``workerPass(_:k:)``; then ``finishPass(_:)`` and ``conclude(_:statistics:values:)``, until
    // it returns false. At k = K the pass takes ∇f(xᴷ) alone (no oracle, no method).

    /// Starts seed `seedIndex` at x⁰.
    func start(seedIndex: Int) {
        reset(seedIndex: seedIndex)
        runner.reset(start: x.readOnly)
        outcome = SeedOutcome(checkpoints: checkpoints.count, iterations: iterations)
        sumGrad2 = 0; minGrad2 = .infinity; windowMin2 = .infinity
        nextCheckpoint = 0
    }

    /// Before iteration k's pass over the workers.
    func beginPass(_ k: Int) {
        if k < iterations { runner.beginIteration(k) }
        Vec.fill(gradSum.pointer, 0)
    }

    /// Worker i's part of iteration k, with ∇fᵢ(xᵏ) in `gi`: added to ∇f, then (k < K) passed
    /// through the oracle's stages and handed to the method.
    @inline(__always)
    func workerPass(_ i: Int, k: Int) {
        Vec.axpy(1, gi.readOnly, gradSum.pointer)
        guard k < iterations else { return }
        let workspace = applyStages(i, at: x.readOnly)
        runner.worker(i, k: k, estimate: gi.pointer, workspace: workspace, rng: &rngs[i], measurements: &outcome.measurements)
    }

    /// After iteration k's pass: ∇f(xᵏ) = the workers' mean; the method's end of pass.
    func finishPass(_ k: Int) {
        Vec.scale(1 / Double(n), gradSum.pointer)
        if k < iterations { runner.endWorkerPass(k) }
    }

    /// Whether iteration k records a checkpoint (its values are then f at ``checkpointPoints()``).
    func recordsCheckpoint(_ k: Int) -> Bool {
        nextCheckpoint < checkpoints.count && checkpoints[nextCheckpoint] == k
    }

    /// The points whose values a checkpoint records, after ``finishPass(_:)``: xᵏ and the
    /// method's virtual iterate (nil: none).
    func checkpointPoints() -> (x: UnsafeBufferPointer<Double>, virtual: UnsafeBufferPointer<Double>?) {
        (x.readOnly, runner.virtualIterate(x.readOnly))
    }

    /// The rest of iteration k: the metrics (at a checkpoint, with f at ``checkpointPoints()``
    /// from `values`, or computed here when nil), the divergence check and the step. False when
    /// the seed is done: k = K, or it diverged.
    func conclude(_ k: Int, statistics: inout [[RunningStatistics]], values: (x: Double, virtual: Double?)? = nil) -> Bool {
        let c = nextCheckpoint
        let grad2 = Vec.normSquared(gradSum.pointer)
        if c < checkpoints.count, checkpoints[c] == k {
            let values = values ?? {
                let points = checkpointPoints()
                return (instance.objective.value(at: points.x), points.virtual.map { instance.objective.value(at: $0) })
            }()
            if !record(c, k: k, grad2: grad2, sumGrad2: sumGrad2, minGrad2: minGrad2, windowMin2: &windowMin2,
                       values: values, statistics: &statistics, outcome: &outcome) {
                outcome.divergedAt = k
                return false
            }
            nextCheckpoint = c + 1
        }
        if k == iterations { return false }
        let step2 = runner.stepNormSquared()
        guard grad2.isFinite, step2.isFinite else { outcome.divergedAt = k; return false }
        if k % pathStride == 0 { outcome.gradPath[k / pathStride] = grad2 }
        sumGrad2 += (grad2 - sumGrad2) / Double(k + 1)
        minGrad2 = min(minGrad2, grad2)
        windowMin2 = min(windowMin2, grad2)
        runner.step(x.pointer, k: k, measurements: &outcome.measurements)
        return true
    }
}

/// Which iterations' ‖∇f(xᵗ)‖² the runs keep for the mean over seeds ("minₜ E" bounds): every
/// iteration while K ≤ 4096, else every s-th with s = ⌈K/4096⌉, so a seed keeps at most 4096
/// numbers however long it runs. (Beyond 4096 the minimum over t is taken over those t: at
/// least the true minimum of the mean, and the verdict's lower limit does not use it.)
public enum GradPath {
    public static let maximumPoints = 4096

    public static func stride(iterations: Int) -> Int { max(1, (iterations + maximumPoints - 1) / maximumPoints) }

    public static func count(iterations: Int) -> Int {
        let s = stride(iterations: iterations)
        return iterations <= 0 ? 0 : (iterations - 1) / s + 1
    }
}
