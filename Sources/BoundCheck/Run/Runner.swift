import Foundation
import Synchronization

/// Seeds are run in blocks of this many; a block is the unit of work handed to a thread, to a
/// shard (`--shard`) and to the resume cache. Fixed — not derived from `--jobs` — so that results
/// are bit-identical for any number of jobs or shards: blocks are merged in block order whatever
/// order they finished in. One seed per block: a seed of a large problem is already seconds of
/// work (so per-item overhead does not matter), and a method with only a few seeds still
/// spreads over every core.
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
}

/// The merged result of one method over all its seeds.
public struct MethodTrace: Codable, Sendable, Equatable {
    public var method: ResolvedMethod
    public var seeds: Int
    public var checkpoints: [Int]
    public var statistics: [[RunningStatistics]]
    public var divergedAt: [Int?]
    public var gaps: [[Double]]
    public var identityDeviation: Double
    public var maxWorkerEstimateNorm2: Double

    public func statistics(_ metric: Metric, at checkpoint: Int) -> RunningStatistics {
        statistics[checkpoint][MetricIndex.index(metric)]
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
        var result = BlockResult(item: item, seeds: seeds, statistics: [], divergedAt: [], gaps: [],
                                 identityDeviation: 0, maxWorkerEstimateNorm2: 0)
        for seed in seeds {
            let outcome = simulation.run(seedIndex: seed, statistics: &statistics)
            result.divergedAt.append(outcome.divergedAt)
            result.gaps.append(outcome.gaps)
            result.identityDeviation = max(result.identityDeviation, outcome.identityDeviation)
            result.maxWorkerEstimateNorm2 = max(result.maxWorkerEstimateNorm2, outcome.maxWorkerEstimateNorm2)
        }
        result.statistics = statistics
        return result
    }

    /// Runs `items` on `jobs` threads; results come back in the order of `items`. `finished`
    /// sees each result as soon as its item is done (on the thread that ran it), e.g. to cache it.
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
        let shared = Mutex(Shared(next: alongside == nil ? 0 : -1, results: Array(repeating: nil, count: items.count)))
        let threads = min(jobs, items.count + (alongside == nil ? 0 : 1))
        DispatchQueue.concurrentPerform(iterations: max(threads, 1)) { _ in
            while true {
                let index = shared.withLock { state in
                    defer { state.next += 1 }
                    return state.next
                }
                if index < 0 { alongside?(); continue }
                guard index < items.count else { return }
                let result = Runner.run(items[index], instance: instance, methods: methods, profile: profile)
                finished?(result)
                let done = shared.withLock { state in
                    state.results[index] = result
                    state.done += 1
                    return state.done
                }
                progress?(done, items.count)
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
            for block in mine {
                for c in 0..<checkpoints.count { for m in 0..<MetricIndex.all.count { statistics[c][m].merge(block.statistics[c][m]) } }
                trace.seeds += block.seeds.count
                trace.divergedAt += block.divergedAt
                trace.gaps += block.gaps
                trace.identityDeviation = max(trace.identityDeviation, block.identityDeviation)
                trace.maxWorkerEstimateNorm2 = max(trace.maxWorkerEstimateNorm2, block.maxWorkerEstimateNorm2)
            }
            trace.statistics = statistics
            return trace
        }
    }
}
