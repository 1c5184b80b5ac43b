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
    let composite: CompositeObjective?
    /// Every how many iterations ‖∇f‖² is kept for the mean over seeds (``GradPath``).
    let pathStride: Int

    // Shared buffers (length d).
    let x: Buffer, v: Buffer, g: Buffer, gradSum: Buffer, gi: Buffer, scratch: Buffer, aux: Buffer, aux2: Buffer
    // Per worker (worker momentum; M-DSGD's u and memory).
    let workerA: [Buffer]
    let workerB: [Buffer]
    let rngs: UnsafeMutablePointer<RandomStream>
    let permutations: [UnsafeMutableBufferPointer<Int>]
    /// M-DSGD only: (1/p) Σ mᵢ and the vector a worker sends.
    let memoryMean: Buffer?, sentBuffer: Buffer?
    /// Called at each checkpoint with (checkpoint index, the iterate): the probe uses it to
    /// take points along a run. Nil in ordinary runs.
    var checkpointObserver: ((Int, UnsafeBufferPointer<Double>) -> Void)?

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
        composite = instance.objective as? CompositeObjective
        pathStride = GradPath.stride(iterations: iterations)
        x = Buffer(count: d); v = Buffer(count: d); g = Buffer(count: d); gradSum = Buffer(count: d)
        gi = Buffer(count: d); scratch = Buffer(count: d); aux = Buffer(count: d); aux2 = Buffer(count: d)
        let perWorker = method.kind == .mdsgd || method.placement == .worker
        workerA = perWorker ? (0..<instance.workers).map { _ in Buffer(count: instance.dimension) } : []
        workerB = method.kind == .mdsgd ? (0..<instance.workers).map { _ in Buffer(count: instance.dimension) } : []
        rngs = .allocate(capacity: instance.workers)
        rngs.initialize(repeating: RandomStream(seed: 0), count: instance.workers)
        let needsPermutation = instance.oracle.contains { type(of: $0.stage).usesPermutation }
            || method.sparsifier == SparsifierSpec.randK(k: 1).name
        permutations = needsPermutation ? (0..<instance.workers).map { _ in .allocate(capacity: instance.dimension) } : []
        let memory = method.kind == .mdsgd
        memoryMean = memory ? Buffer(count: instance.dimension) : nil
        sentBuffer = memory ? Buffer(count: instance.dimension) : nil
    }

    deinit {
        rngs.deinitialize(count: n)
        rngs.deallocate()
        for p in permutations { p.deallocate() }
    }

    /// One seed's outcome beyond the checkpoint statistics.
    struct SeedOutcome {
        var divergedAt: Int?
        /// Gap f(xᵏ) − f* at each checkpoint (NaN after divergence), for paired comparisons.
        var gaps: [Double]
        /// M-DSGD: max over iterations of ‖w̃ − (w − m̄)‖∞ / max(1, ‖w‖∞).
        var identityDeviation: Double
        /// Largest ‖gᵢ‖² a worker sent the server (M1's measured G²).
        var maxWorkerEstimateNorm2: Double
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
            identityDeviation = 0
            maxWorkerEstimateNorm2 = 0
            values = [[Double]](repeating: [Double](repeating: .nan, count: MetricIndex.all.count), count: checkpoints)
            windowMinima = [Double](repeating: .nan, count: checkpoints)
            gradPath = [Double](repeating: .nan, count: GradPath.count(iterations: iterations))
        }
    }

    func reset(seedIndex: Int, purpose: StreamPurpose = .oracle) {
        for j in 0..<d { x.pointer[j] = instance.start[j]; v.pointer[j] = 0 }
        for b in workerA { Vec.fill(b.pointer, 0) }
        for b in workerB { Vec.fill(b.pointer, 0) }
        for i in 0..<n {
            rngs[i] = RandomStream(key: StreamKey(problemSeed: instance.seed, purpose: purpose, seedIndex: seedIndex, worker: i))
        }
        for p in permutations { for j in 0..<d { p[j] = j } }
    }

    /// gi ← the worker's oracle estimate, given gi = ∇fᵢ(x) on entry.
    @inline(__always)
    private func applyOracle(_ i: Int, at point: UnsafeBufferPointer<Double>) {
        let workspace = StageWorkspace(worker: i, point: point, scratch: scratch.pointer,
                                       permutation: permutations.isEmpty ? UnsafeMutableBufferPointer(start: nil, count: 0) : permutations[i])
        for stage in stages {
            stage.apply(gi.pointer, workspace: workspace, rng: &rngs[i])
        }
    }

    /// The aggregated oracle estimate g = (1/n) Σᵢ gᵢ at `point`, drawn from the streams of
    /// `purpose`/`seedIndex` (deterministic oracles: the same for every seed).
    static func aggregatedEstimate(instance: Instance, at point: [Double], purpose: StreamPurpose = .oracle,
                                   seedIndex: Int = 0) -> [Double] {
        let method = ResolvedMethod(MethodSpec(id: "estimate", kind: .sgd, beta: 1, step: .fixed(1)), gamma: 1, stepRule: "")
        let simulation = Simulation(instance: instance, method: method, iterations: 0, checkpoints: [0])
        simulation.reset(seedIndex: seedIndex, purpose: purpose)
        return simulation.estimate(at: point).estimate
    }

    /// (∇f(point), g(point)) with the current streams.
    func estimate(at point: [Double]) -> (exact: [Double], estimate: [Double]) {
        Vec.fill(g.pointer, 0)
        point.withUnsafeBufferPointer { p in
            forEachWorkerEstimate(at: p) { _ in Vec.axpy(1, gi.readOnly, g.pointer) }
        }
        Vec.scale(1 / Double(n), g.pointer)
        return (gradSum.array, g.array)
    }

    /// The per-worker pass every method shares: for each worker i, gi ← ∇fᵢ(point), added to
    /// gradSum, then gi ← the worker's oracle estimate gᵢ, handed to `body(i)`. On return gradSum
    /// holds ∇f(point) = (1/n) Σᵢ ∇fᵢ(point). Inlined with its body, so it costs nothing.
    @inline(__always)
    private func forEachWorkerEstimate(at point: UnsafeBufferPointer<Double>, _ body: (Int) -> Void) {
        Vec.fill(gradSum.pointer, 0)
        for i in 0..<n {
            instance.objective.workerGradient(i, at: point, into: gi.pointer)
            Vec.axpy(1, gi.readOnly, gradSum.pointer)
            applyOracle(i, at: point)
            body(i)
        }
        Vec.scale(1 / Double(n), gradSum.pointer)
    }

    /// gradSum ← ∇f(point); returns ‖∇f(point)‖².
    private func exactGradient(at point: UnsafeBufferPointer<Double>) -> Double {
        Vec.fill(gradSum.pointer, 0)
        for i in 0..<n {
            instance.objective.workerGradient(i, at: point, into: gi.pointer)
            Vec.axpy(1, gi.readOnly, gradSum.pointer)
        }
        Vec.scale(1 / Double(n), gradSum.pointer)
        return Vec.normSquared(gradSum.pointer)
    }

    /// Runs one seed, adding its metrics to `statistics[checkpoint][metric]`.
    func run(seedIndex: Int, statistics: inout [[RunningStatistics]]) -> SeedOutcome {
        reset(seedIndex: seedIndex)
        switch method.kind {
        case .sgdm, .sgd: return runMomentum(statistics: &statistics)
        case .mdsgd: return runMemory(statistics: &statistics)
        }
    }

    /// Records checkpoint c; false if a value is not finite (the run diverged).
    @inline(__always)
    private func record(_ c: Int, k: Int, grad2: Double, sumGrad2: Double /* the running mean of ‖∇f‖² over t < k */, minGrad2: Double, windowMin2: inout Double,
                        virtual: UnsafeBufferPointer<Double>?,
                        statistics: inout [[RunningStatistics]], outcome: inout SeedOutcome) -> Bool {
        let gap = instance.objective.value(at: x.readOnly) - fstar
        let virtualGap = virtual.map { instance.objective.value(at: $0) - fstar } ?? .nan
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
        windowMin2 = .infinity
        return true
    }

    private func runMomentum(statistics: inout [[RunningStatistics]]) -> SeedOutcome {
        var outcome = SeedOutcome(checkpoints: checkpoints.count, iterations: iterations)
        let gamma = method.gamma, beta = method.beta
        let isSGD = method.kind == .sgd
        let workerMomentum = !workerA.isEmpty
        let firstGradient = method.initialization == .firstGradient
        // Virtual iterate zᵏ = xᵏ − q vᵏ⁻¹, q = γ(1 − β)/β.
        let q = gamma * (1 - beta) / beta
        let invN = 1 / Double(n)
        var sumGrad2 = 0.0, minGrad2 = Double.infinity, windowMin2 = Double.infinity
        var c = 0
        let xs = x.readOnly
        for k in 0...iterations {
            if k == iterations {
                let grad2 = exactGradient(at: xs)
                for j in 0..<d { aux.pointer[j] = x.pointer[j] - q * v.pointer[j] }
                if c < checkpoints.count, checkpoints[c] == k,
                   !record(c, k: k, grad2: grad2, sumGrad2: sumGrad2, minGrad2: minGrad2, windowMin2: &windowMin2, virtual: isSGD ? xs : aux.readOnly,
                           statistics: &statistics, outcome: &outcome) {
                    outcome.divergedAt = k
                }
                break
            }
            Vec.fill(g.pointer, 0)
            if workerMomentum { Vec.fill(aux2.pointer, 0) }
            forEachWorkerEstimate(at: xs) { i in
                Vec.axpy(1, gi.readOnly, g.pointer)
                if workerMomentum {
                    let vi = workerA[i].pointer
                    if k == 0 && firstGradient {
                        Vec.copy(gi.readOnly, vi)
                    } else {
                        for j in 0..<d { vi[j] = (1 - beta) * vi[j] + beta * gi.pointer[j] }
                    }
                    Vec.axpy(invN, workerA[i].readOnly, aux2.pointer)
                }
            }
            Vec.scale(invN, g.pointer)
            let grad2 = Vec.normSquared(gradSum.pointer)
            if k == 0 && firstGradient { Vec.copy(g.readOnly, v.pointer) }   // v⁻¹ = g⁰, so v⁰ = g⁰
            if c < checkpoints.count, checkpoints[c] == k {
                for j in 0..<d { aux.pointer[j] = x.pointer[j] - q * v.pointer[j] }
                if !record(c, k: k, grad2: grad2, sumGrad2: sumGrad2, minGrad2: minGrad2, windowMin2: &windowMin2, virtual: isSGD ? xs : aux.readOnly,
                           statistics: &statistics, outcome: &outcome) {
                    outcome.divergedAt = k
                    break
                }
                c += 1
            }
            let step2 = Vec.normSquared(g.pointer)
            guard grad2.isFinite, step2.isFinite else { outcome.divergedAt = k; break }
            if k % pathStride == 0 { outcome.gradPath[k / pathStride] = grad2 }
            sumGrad2 += (grad2 - sumGrad2) / Double(k + 1)
            minGrad2 = min(minGrad2, grad2)
            windowMin2 = min(windowMin2, grad2)
            if isSGD {
                Vec.axpy(-gamma, g.readOnly, x.pointer)
            } else {
                if workerMomentum {
                    Vec.copy(aux2.readOnly, v.pointer)
                } else {
                    for j in 0..<d { v.pointer[j] = (1 - beta) * v.pointer[j] + beta * g.pointer[j] }
                }
                Vec.axpy(-gamma, v.readOnly, x.pointer)
            }
        }
        return outcome
    }

    /// M-DSGD (docs/theory.md §2): x is w, v holds w̃ (tracked by its own recursion), aux holds
    /// w^{t−1} − w^t for the global-momentum variant, g accumulates the sent (1/p) Σ sₖ and
    /// gradSum ∇f(w).
    private func runMemory(statistics: inout [[RunningStatistics]]) -> SeedOutcome {
        var outcome = SeedOutcome(checkpoints: checkpoints.count, iterations: iterations)
        let eta = method.gamma, beta = method.beta
        let global = method.variant == .global
        let invN = 1 / Double(n)
        let sparsifier = Mdsgd.sparsifierKernel(method, dimension: d)
        let noPermutation = UnsafeMutableBufferPointer<Int>(start: nil, count: 0)
        Vec.copy(x.readOnly, v.pointer)   // w̃⁰ = w⁰ (memories start at 0)
        Vec.fill(aux.pointer, 0)
        var sumGrad2 = 0.0, minGrad2 = Double.infinity, windowMin2 = Double.infinity
        var c = 0
        let ws = x.readOnly
        // Buffers: workerA[i] = uᵢ, workerB[i] = mᵢ; uMean, mMean = (1/p) Σ uᵢ, (1/p) Σ mᵢ; sent = sₖ.
        let uMean = aux2, mMean = memoryMean!, sent = sentBuffer!
        for t in 0...iterations {
            if t == iterations {
                let grad2 = exactGradient(at: ws)
                if c < checkpoints.count, checkpoints[c] == t,
                   !record(c, k: t, grad2: grad2, sumGrad2: sumGrad2, minGrad2: minGrad2, windowMin2: &windowMin2, virtual: v.readOnly,
                           statistics: &statistics, outcome: &outcome) {
                    outcome.divergedAt = t
                }
                break
            }
            Vec.fill(g.pointer, 0)
            Vec.fill(uMean.pointer, 0)
            Vec.fill(mMean.pointer, 0)
            forEachWorkerEstimate(at: ws) { i in
                outcome.maxWorkerEstimateNorm2 = max(outcome.maxWorkerEstimateNorm2, Vec.normSquared(gi.pointer))
                let u = workerA[i].pointer, memory = workerB[i].pointer
                if global {
                    for j in 0..<d { u[j] = eta * gi.pointer[j] + beta * aux.pointer[j] }
                } else {
                    for j in 0..<d { u[j] = beta * u[j] + eta * gi.pointer[j] }
                }
                Vec.axpy(invN, workerA[i].readOnly, uMean.pointer)
                // aₖ = mₖ + uₖ; sₖ = S(aₖ); mₖ ← aₖ − sₖ
                Vec.axpy(1, workerA[i].readOnly, memory)
                Vec.copy(workerB[i].readOnly, sent.pointer)
                let workspace = StageWorkspace(worker: i, point: ws, scratch: scratch.pointer,
                                               permutation: permutations.isEmpty ? noPermutation : permutations[i])
                sparsifier.apply(sent.pointer, workspace: workspace, rng: &rngs[i])
                Vec.axpy(-1, sent.readOnly, memory)
                Vec.axpy(invN, sent.readOnly, g.pointer)
                Vec.axpy(invN, workerB[i].readOnly, mMean.pointer)
            }
            let grad2 = Vec.normSquared(gradSum.pointer)
            if c < checkpoints.count, checkpoints[c] == t {
                if !record(c, k: t, grad2: grad2, sumGrad2: sumGrad2, minGrad2: minGrad2, windowMin2: &windowMin2, virtual: v.readOnly,
                           statistics: &statistics, outcome: &outcome) {
                    outcome.divergedAt = t
                    break
                }
                c += 1
            }
            guard grad2.isFinite, Vec.normSquared(g.pointer).isFinite else { outcome.divergedAt = t; break }
            if t % pathStride == 0 { outcome.gradPath[t / pathStride] = grad2 }
            sumGrad2 += (grad2 - sumGrad2) / Double(t + 1)
            minGrad2 = min(minGrad2, grad2)
            windowMin2 = min(windowMin2, grad2)
            // w^{t+1} = w^t − (1/p) Σ sₖ; w^t − w^{t+1} is next step's global momentum.
            Vec.copy(g.readOnly, aux.pointer)
            Vec.axpy(-1, g.readOnly, x.pointer)
            // w̃^{t+1} = w̃^t − (1/p) Σ uₖ; the identity says w̃ = w − (1/p) Σ mₖ.
            Vec.axpy(-1, uMean.readOnly, v.pointer)
            var deviation = 0.0, scale = 1.0
            for j in 0..<d {
                deviation = max(deviation, abs(v.pointer[j] - (x.pointer[j] - mMean.pointer[j])))
                scale = max(scale, abs(x.pointer[j]))
            }
            outcome.identityDeviation = max(outcome.identityDeviation, deviation / scale)
        }
        return outcome
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
