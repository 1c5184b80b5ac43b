import Foundation
import Synchronization

/// Seeds are run in blocks of this many; a block is the unit of work handed to a thread, to a
/// shard (`--shard`) and to the resume cache. Fixed — not derived from `--jobs` — so that results
/// are bit-identical for any number of jobs or shards: blocks are merged in block order whatever
/// order they finished in. One seed per block: a seed of a large problem is already seconds of
/// work (so per-item overhead does not matter), and a method with only a few seeds still
/// spreads over every core. (For the data families, a thread may still run several one-seed
/// items of a method together, in lockstep: an execution choice with the same results, see `Lockstep`.)
public let seedBlockSize = 1

/// One unit of work: a block of seeds of one method.
public struct WorkItem: Hashable, Sendable, Codable {
    public var method: Int
    public var block: Int
}

/// What one work item produced.
public struct BlockResult: Codable, Sendable, Equatable {
    public var item: WorkItem
    public var seeds: Range<Int>
    /// [checkpoint][metric], metrics in ``MetricIndex/all`` order.
    public var statistics: [[RunningStatistics]]
    /// Per seed: the iteration at which it diverged, if it did.
    public var divergedAt: [Int?]
    /// Per seed: the gap at each checkpoint.
    public var gaps: [[Double]]
    public var identityDeviation: Double
    public var maxWorkerEstimateNorm2: Double
    /// Per seed of the block: its metrics at each checkpoint, [seed][checkpoint][metric] (NaN
    /// where not recorded).
    public var samples: [[[Double?]]] = []
    /// Per seed: minₜ ‖∇f(xᵗ)‖² over the window before each checkpoint, [seed][checkpoint].
    public var windowMinima: [[Double?]] = []
    /// Σ over the block's seeds of ‖∇f(xᵗ)‖² at the iterations ``GradPath`` keeps, and how many
    /// seeds contributed (a diverged seed stops contributing). At most 4096 numbers per block.
    public var gradPathSum: [Double] = []
    public var gradPathCount: [Int] = []
    /// For the block holding seed 0: x at the checkpoints where the assumption probe measures
    /// (``AssumptionProbe/trajectoryCheckpoints(count:settings:)``), so it need not rerun seed 0.
    public var probePoints: [ProbeTrajectoryPoint] = []
}

extension BlockResult {
    /// An item's result before its first seed.
    init(starting item: WorkItem, seeds: Range<Int>, iterations: Int) {
        self.init(item: item, seeds: seeds, statistics: [], divergedAt: [], gaps: [], identityDeviation: 0, maxWorkerEstimateNorm2: 0)
        gradPathSum = [Double](repeating: 0, count: GradPath.count(iterations: iterations))
        gradPathCount = [Int](repeating: 0, count: GradPath.count(iterations: iterations))
    }

    /// Adds the next seed's outcome (seeds in order).
    mutating func append(_ outcome: Simulation.SeedOutcome) {
        // Optionals, not NaN, mark missing values: results must compare equal to themselves.
        samples.append(outcome.values.map { $0.map { $0.isFinite ? $0 : nil } })
        windowMinima.append(outcome.windowMinima.map { $0.isFinite ? $0 : nil })
        for (t, v) in outcome.gradPath.enumerated() where v.isFinite {
            gradPathSum[t] += v
            gradPathCount[t] += 1
        }
        divergedAt.append(outcome.divergedAt)
        gaps.append(outcome.gaps)
        identityDeviation = max(identityDeviation, outcome.identityDeviation)
        maxWorkerEstimateNorm2 = max(maxWorkerEstimateNorm2, outcome.maxWorkerEstimateNorm2)
    }
}

/// The merged result of one method over all its seeds.
public struct MethodTrace: Encodable, Sendable, Equatable {
    public var method: ResolvedMethod
    public var seeds: Int
    public var checkpoints: [Int]
    public var statistics: [[RunningStatistics]]
    public var divergedAt: [Int?]
    public var gaps: [[Double]]
    public var identityDeviation: Double
    public var maxWorkerEstimateNorm2: Double
    /// Per seed, in seed order: metrics at each checkpoint, [seed][checkpoint][metric].
    public var samples: [[[Double?]]] = []
    /// Per seed: minₜ ‖∇f(xᵗ)‖² over the window kᶜ⁻¹ ≤ t < kᶜ, [seed][checkpoint].
    public var windowMinima: [[Double?]] = []
    /// (1/S) Σₛ ‖∇f(xᵗ)‖² at t = 0, s, 2s, … (``GradPath``; s = 1 up to K = 4096) — the mean over
    /// seeds per iteration (summed in seed-block order, so bit-identical for any split), for
    /// bounds on minₜ E‖∇f(xᵗ)‖².
    public var gradMeanByIteration: [Double?] = []
    /// The iteration stride of ``gradMeanByIteration``.
    public var gradMeanStride: Int = 1

    public func statistics(_ metric: Metric, at checkpoint: Int) -> RunningStatistics {
        statistics[checkpoint][MetricIndex.index(metric)]
    }

    /// The seeds' values of `metric` at checkpoint `c` (finite ones only, in seed order).
    public func values(_ metric: Metric, at c: Int) -> [Double] {
        let m = MetricIndex.index(metric)
        return samples.compactMap { $0.indices.contains(c) ? $0[c][m] : nil }
    }

    /// The seeds' window minima of ‖∇f‖² before checkpoint `c` (finite ones, seed order).
    public func windowMinima(at c: Int) -> [Double] {
        windowMinima.compactMap { $0.indices.contains(c) ? $0[c] : nil }
    }

    /// minₜ over t < k of the mean over seeds of ‖∇f(xᵗ)‖² (the quantity of a "minₜ E" bound).
    public func minOfMeanGrad(before k: Int) -> Double? {
        let stride = max(gradMeanStride, 1)
        let n = min((k + stride - 1) / stride, gradMeanByIteration.count)   // indices i with i·s < k
        guard n > 0 else { return nil }
        var best = Double.infinity
        for t in 0..<n { if let v = gradMeanByIteration[t], v < best { best = v } }
        return best.isFinite ? best : nil
    }

    public var divergedSeeds: Int { divergedAt.compactMap { $0 }.count }
}

/// Runs every method of an instance over its seeds, in parallel over work items.
public struct Runner {
    public var jobs: Int

    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.jobs = max(1, jobs)
    }

    /// The work items of a run, in their canonical order (method, then block).
    public static func workItems(methods: Int, seeds: Int) -> [WorkItem] {
        let blocks = (seeds + seedBlockSize - 1) / seedBlockSize
        return (0..<methods).flatMap { m in (0..<blocks).map { WorkItem(method: m, block: $0) } }
    }

    /// Runs one work item.
    public static func run(_ item: WorkItem, instance: Instance, methods: [ResolvedMethod], profile: RunSpec) -> BlockResult {
        let checkpoints = checkpointIterations(iterations: profile.iterations, count: profile.checkpoints)
        let seeds = (item.block * seedBlockSize)..<min((item.block + 1) * seedBlockSize, profile.seeds)
        let simulation = Simulation(instance: instance, method: methods[item.method], iterations: profile.iterations,
                                    checkpoints: checkpoints)
        var statistics = [[RunningStatistics]](repeating: [RunningStatistics](repeating: RunningStatistics(), count: MetricIndex.all.count),
                                               count: checkpoints.count)
        var result = BlockResult(starting: item, seeds: seeds, iterations: profile.iterations)
        let probeCheckpoints = AssumptionProbe.trajectoryCheckpoints(count: checkpoints.count)
        for seed in seeds {
            var probePoints: [ProbeTrajectoryPoint] = []
            simulation.checkpointObserver = seed != 0 || probeCheckpoints.isEmpty ? nil : { c, x in
                if probeCheckpoints.contains(c) { probePoints.append(ProbeTrajectoryPoint(checkpoint: c, x: Array(x))) }
            }
            let outcome = simulation.run(seedIndex: profile.firstSeed + seed, statistics: &statistics)
            simulation.checkpointObserver = nil
            if seed == 0 { result.probePoints = probePoints }
            result.append(outcome)
        }
        result.statistics = statistics
        return result
    }

    /// Runs `items` on `jobs` threads; results come back in the order of `items`. `finished`
    /// sees each result as soon as its item is done (on the thread that ran it), e.g. to cache it.
    /// Where the objective evaluates points together, a thread takes a group of items of one
    /// method and runs their seeds in lockstep (`Lockstep.tasks`); each item's
    /// result is the same as alone.
    ///
    /// `alongside`, if given, is one more task for the same threads, taken first (it is
    /// typically the longest single task: the assumption probe), so that it overlaps the items
    /// instead of running after them.
    public func run(_ items: [WorkItem], instance: Instance, methods: [ResolvedMethod], profile: RunSpec,
                    progress: (@Sendable (Int, Int) -> Void)? = nil, finished: (@Sendable (BlockResult) -> Void)? = nil,
                    alongside: (@Sendable () -> Void)? = nil) -> [BlockResult] {
        // What the threads share: the next item to take, the results so far and how many are done.
        // Guarded by one mutex the compiler checks; the simulation itself runs outside it.
        struct Shared {
            var next: Int
            var done = 0
            var results: [BlockResult?]
        }
        // Tasks: single items, or groups of items run with their seeds in lockstep (``Lockstep``).
        let tasks = Lockstep.tasks(items, objective: instance.objective, jobs: jobs)
        let innerThreads = Lockstep.innerThreads(tasks: tasks.count, jobs: jobs)
        let shared = Mutex(Shared(next: alongside == nil ? 0 : -1, results: Array(repeating: nil, count: items.count)))
        let threads = min(jobs, tasks.count + (alongside == nil ? 0 : 1))
        DispatchQueue.concurrentPerform(iterations: max(threads, 1)) { _ in
            while true {
                let index = shared.withLock { state in
                    defer { state.next += 1 }
                    return state.next
                }
                if index < 0 { alongside?(); continue }
                guard index < tasks.count else { return }
                let task = tasks[index]
                let results = task.count == 1
                    ? [Runner.run(items[task[0]], instance: instance, methods: methods, profile: profile)]
                    : Lockstep.run(task.map { items[$0] }, instance: instance, methods: methods, profile: profile,
                                   threads: innerThreads)
                for (position, result) in zip(task, results) {
                    finished?(result)
                    let done = shared.withLock { state in
                        state.results[position] = result
                        state.done += 1
                        return state.done
                    }
                    progress?(done, items.count)
                }
            }
        }
        return shared.withLock { state in state.results.map { $0! } }
    }

    /// Merges block results (any order) into one trace per method, blocks in block order.
    public static func merge(_ blocks: [BlockResult], methods: [ResolvedMethod], profile: RunSpec) -> [MethodTrace] {
        let checkpoints = checkpointIterations(iterations: profile.iterations, count: profile.checkpoints)
        return methods.enumerated().map { index, method in
            let mine = blocks.filter { $0.item.method == index }.sorted { $0.item.block < $1.item.block }
            var statistics = [[RunningStatistics]](repeating: [RunningStatistics](repeating: RunningStatistics(), count: MetricIndex.all.count),
                                                   count: checkpoints.count)
            var trace = MethodTrace(method: method, seeds: 0, checkpoints: checkpoints, statistics: [], divergedAt: [],
                                    gaps: [], identityDeviation: 0, maxWorkerEstimateNorm2: 0)
            var pathSum = [Double](repeating: 0, count: GradPath.count(iterations: profile.iterations))
            var pathCount = [Int](repeating: 0, count: GradPath.count(iterations: profile.iterations))
            for block in mine {
                for c in 0..<checkpoints.count { for m in 0..<MetricIndex.all.count { statistics[c][m].merge(block.statistics[c][m]) } }
                trace.samples += block.samples
                trace.windowMinima += block.windowMinima
                // In block order: the same bits for any number of jobs or shards. Each term is
                // divided by the seed count first, so the sum cannot overflow on finite input.
                for t in 0..<min(pathSum.count, block.gradPathSum.count) {
                    pathSum[t] += block.gradPathSum[t] / Double(max(profile.seeds, 1))
                    pathCount[t] += block.gradPathCount[t]
                }
                trace.seeds += block.seeds.count
                trace.divergedAt += block.divergedAt
                trace.gaps += block.gaps
                trace.identityDeviation = max(trace.identityDeviation, block.identityDeviation)
                trace.maxWorkerEstimateNorm2 = max(trace.maxWorkerEstimateNorm2, block.maxWorkerEstimateNorm2)
            }
            trace.statistics = statistics
            trace.gradMeanStride = GradPath.stride(iterations: profile.iterations)
            // Rescaled to the seeds that reached t (all of them unless some diverged).
            trace.gradMeanByIteration = zip(pathSum, pathCount).map { sum, n in
                n > 0 ? sum * (Double(max(profile.seeds, 1)) / Double(n)) : nil
            }
            return trace
        }
    }
}
