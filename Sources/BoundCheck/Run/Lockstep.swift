import Dispatch

/// Seeds in lockstep: several work items of one method advance together, iteration by
/// iteration, so that an objective whose gradient reads a lot of data (the data families' rows)
/// reads it once per worker and iteration for all of them (``Objective/workerGradients(_:at:into:)``).
///
/// An execution choice only: work items, the cache and shard files stay one seed each, every
/// item gets its own ``BlockResult``, and the results are bit-identical to running the items one
/// by one (the batched gradient gives each point the bits of its own call; everything else —
/// oracle stages, streams, method state, metrics — is each seed's own). So groups may depend on
/// `--jobs`. Memory grows with the group (a ``Simulation`` per seed), not with iterations.
enum Lockstep {
    /// The most seeds advanced together: 8 iterates of d = 10³ are 64 KB, still close to the core.
    static let maximumGroup = 8

    /// The runner's tasks, as indices into `items`: one item each, unless the objective evaluates
    /// points together; then each method's items (in their order) in one group if there are at
    /// most ``maximumGroup`` (its seeds then share every read of the rows; ``innerThreads(tasks:jobs:)``
    /// splits its workers over the threads left over), else in groups of ⌈its items / jobs⌉, at
    /// most ``maximumGroup``, so that `jobs` threads all have work.
    static func tasks(_ items: [WorkItem], objective: any Objective, jobs: Int) -> [[Int]] {
        guard objective.evaluatesPointsTogether, seedBlockSize == 1 else { return items.indices.map { [$0] } }
        var methods: [Int] = [], byMethod: [Int: [Int]] = [:]
        for (index, item) in items.enumerated() {
            if byMethod[item.method] == nil { methods.append(item.method) }
            byMethod[item.method, default: []].append(index)
        }
        var tasks: [[Int]] = []
        for method in methods {
            let mine = byMethod[method] ?? []
            let size = mine.count <= maximumGroup
                ? max(mine.count, 1) : min(maximumGroup, max(1, (mine.count + max(jobs, 1) - 1) / max(jobs, 1)))
            for start in stride(from: 0, to: mine.count, by: size) {
                tasks.append(Array(mine[start..<min(start + size, mine.count)]))
            }
        }
        return tasks
    }

    /// The most memory a group may take for its per-worker gradients when its workers are split
    /// over threads (n × seeds × d numbers): beyond it the group runs on one thread.
    static let maximumSplitBytes = 256 << 20

    /// Threads per group task: the threads that fewer tasks than `jobs` leave idle
    /// (⌊jobs / tasks⌋, at least 1), so a single method's group still uses every core.
    static func innerThreads(tasks: Int, jobs: Int) -> Int { max(1, max(jobs, 1) / max(tasks, 1)) }

    /// Runs `items` (one seed each, all of one method) together; their results in their order,
    /// each equal to ``Runner/run(_:instance:methods:profile:)`` of the item alone. With
    /// `threads` > 1 the workers' batched gradients of an iteration are computed on that many
    /// threads (workers t, t + threads, …) into per-worker buffers, then every seed's stages and
    /// method step run in worker order as before: the same bits, whatever `threads`.
    static func run(_ items: [WorkItem], instance: Instance, methods: [ResolvedMethod], profile: RunSpec,
                    threads: Int = 1) -> [BlockResult] {
        guard let method = items.first?.method else { return [] }
        precondition(seedBlockSize == 1 && items.allSatisfy { $0.method == method }, "lockstep: one method, one seed per item")
        let checkpoints = checkpointIterations(iterations: profile.iterations, count: profile.checkpoints)
        let probeCheckpoints = AssumptionProbe.trajectoryCheckpoints(count: checkpoints.count)
        let simulations = items.map { _ in
            Simulation(instance: instance, method: methods[method], iterations: profile.iterations, checkpoints: checkpoints)
        }
        let empty = [[RunningStatistics]](repeating: [RunningStatistics](repeating: RunningStatistics(), count: MetricIndex.all.count),
                                          count: checkpoints.count)
        var statistics = [[[RunningStatistics]]](repeating: empty, count: items.count)
        var probePoints: [ProbeTrajectoryPoint] = []
        for (lane, item) in items.enumerated() {
            let seed = item.block * seedBlockSize
            if seed == 0, !probeCheckpoints.isEmpty {
                simulations[lane].checkpointObserver = { c, x in
                    if probeCheckpoints.contains(c) { probePoints.append(ProbeTrajectoryPoint(checkpoint: c, x: Array(x))) }
                }
            }
            simulations[lane].start(seedIndex: profile.firstSeed + seed)
        }

        // The live seeds' iterates and gradient buffers, in lane order; a seed that is done
        // (diverged, or past the last iteration) drops out.
        // (At a checkpoint, `points` holds each recording seed's xᵏ and virtual iterate.)
        let points = UnsafeMutableBufferPointer<UnsafePointer<Double>>.allocate(capacity: 2 * items.count)
        let gradients = UnsafeMutableBufferPointer<UnsafeMutablePointer<Double>>.allocate(capacity: items.count)
        let values = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * items.count)
        let hasVirtual = UnsafeMutableBufferPointer<Bool>.allocate(capacity: items.count)
        hasVirtual.initialize(repeating: false)
        defer { points.deallocate(); gradients.deallocate(); values.deallocate(); hasVirtual.deallocate() }
        var live = Array(simulations.indices)
        let objective = instance.objective, n = instance.workers, d = instance.dimension, lanes = items.count
        let split = threads > 1 && n > 1 && n * lanes * d <= maximumSplitBytes / MemoryLayout<Double>.size
        // With `split`: worker i's gradient at lane p's iterate goes to perWorker[(i·lanes + p)·d…].
        let perWorker = UnsafeMutableBufferPointer<Double>.allocate(capacity: split ? n * lanes * d : 0)
        let targets = UnsafeMutableBufferPointer<UnsafeMutablePointer<Double>>.allocate(capacity: split ? n * lanes : 0)
        defer { perWorker.deallocate(); targets.deallocate() }
        for k in 0...profile.iterations where !live.isEmpty {
            for (p, lane) in live.enumerated() {
                let simulation = simulations[lane]
                simulation.beginPass(k)
                points[p] = UnsafePointer(simulation.x.pointer.baseAddress!)
                gradients[p] = simulation.gi.pointer.baseAddress!
            }
            let at = UnsafeBufferPointer(rebasing: points[0..<live.count])
            let into = UnsafeBufferPointer(rebasing: gradients[0..<live.count])
            if split {
                let count = live.count
                for i in 0..<n { for p in 0..<count { targets[i * lanes + p] = perWorker.baseAddress! + (i * lanes + p) * d } }
                // The closure is @Sendable: the buffers travel as addresses; each thread writes only
                // its own workers' buffers and everyone reads the iterates, which nobody writes here.
                let pointsAddress = Int(bitPattern: at.baseAddress), targetsAddress = Int(bitPattern: targets.baseAddress)
                let step = min(threads, n)
                DispatchQueue.concurrentPerform(iterations: step) { t in
                    let at = UnsafeBufferPointer(start: UnsafePointer<UnsafePointer<Double>>(bitPattern: pointsAddress), count: count)
                    let targets = UnsafeMutablePointer<UnsafeMutablePointer<Double>>(bitPattern: targetsAddress)!
                    for i in stride(from: t, to: n, by: step) {
                        objective.workerGradients(i, at: at, into: UnsafeBufferPointer(start: targets + i * lanes, count: count))
                    }
                }
                for i in 0..<n {
                    for (p, lane) in live.enumerated() {
                        simulations[lane].gi.pointer.baseAddress!.update(from: targets[i * lanes + p], count: d)
                        simulations[lane].workerPass(i, k: k)
                    }
                }
            } else {
                for i in 0..<n {
                    objective.workerGradients(i, at: at, into: into)
                    for lane in live { simulations[lane].workerPass(i, k: k) }
                }
            }
            // f at every recording seed's checkpoint points in one pass over the rows.
            var m = 0
            for lane in live {
                let simulation = simulations[lane]
                simulation.finishPass(k)
                guard simulation.recordsCheckpoint(k) else { continue }
                let at = simulation.checkpointPoints()
                points[m] = at.x.baseAddress!; m += 1
                hasVirtual[lane] = at.virtual != nil
                if let virtual = at.virtual { points[m] = virtual.baseAddress!; m += 1 }
            }
            if m > 0 { objective.values(at: UnsafeBufferPointer(rebasing: points[0..<m]), into: UnsafeMutableBufferPointer(rebasing: values[0..<m])) }
            var kept = 0, v = 0
            for index in live.indices {
                let lane = live[index], simulation = simulations[lane]
                var given: (x: Double, virtual: Double?)?
                if simulation.recordsCheckpoint(k) {
                    given = (values[v], hasVirtual[lane] ? values[v + 1] : nil)
                    v += hasVirtual[lane] ? 2 : 1
                }
                if simulation.conclude(k, statistics: &statistics[lane], values: given) { live[kept] = lane; kept += 1 }
            }
            live.removeLast(live.count - kept)
        }

        return items.enumerated().map { lane, item in
            let seeds = (item.block * seedBlockSize)..<min((item.block + 1) * seedBlockSize, profile.seeds)
            var result = BlockResult(starting: item, seeds: seeds, iterations: profile.iterations)
            if seeds.lowerBound == 0 { result.probePoints = probePoints }
            result.append(simulations[lane].outcome)
            result.statistics = statistics[lane]
            return result
        }
    }
}
