import Foundation

extension AssumptionProbe {
    // MARK: - Points

    struct Location {
        var label: String
        var methodID: String
        var x: [Double]
    }

    /// The checkpoint indices (into the run's checkpoints) where the probe takes its points along
    /// each method's seed-0 run: `pointsPerMethod` evenly spread ones, the last included.
    public static func trajectoryCheckpoints(count: Int, settings: ProbeSettings = .standard) -> [Int] {
        guard count > 1, settings.pointsPerMethod > 0 else { return [] }
        let points = min(settings.pointsPerMethod, count - 1)
        return Array(Set((1...points).map { ($0 * (count - 1)) / points })).sorted()
    }

    /// Each method's seed-0 trajectory points, in method order, from the block results that ran
    /// seed 0 (``Runner/run(_:instance:methods:profile:)`` keeps them); nil when one is missing.
    public static func trajectories(from results: [BlockResult], methods: Int) -> [[ProbeTrajectoryPoint]]? {
        var byMethod = [[ProbeTrajectoryPoint]?](repeating: nil, count: methods)
        for r in results where r.seeds.contains(0) && r.item.method < methods { byMethod[r.item.method] = r.probePoints }
        guard byMethod.allSatisfy({ $0 != nil }) else { return nil }
        return byMethod.map { $0! }
    }

    /// x⁰, points along each method's seed-0 run (the run's own stream, so they are points the
    /// runs visited), and random points around x⁰ from the probe's stream. The seed-0 points are
    /// the ones the runs kept (`trajectories`) or, without them, from running seed 0 again —
    /// the same deterministic run, so the same bits either way.
    static func probeLocations(_ prepared: PreparedExperiment, settings: ProbeSettings,
                               trajectories: [[ProbeTrajectoryPoint]]? = nil) -> [Location] {
        let instance = prepared.instance
        let firstID = prepared.methods.first?.id ?? ""
        var locations = [Location(label: "x⁰", methodID: firstID, x: instance.start)]
        let checkpoints = prepared.checkpoints
        let wanted = trajectoryCheckpoints(count: checkpoints.count, settings: settings)
        let runEstimates = prepared.profile.iterations * prepared.profile.seeds * max(prepared.methods.count, 1)
        let (perMethod, randomPoints) = pointCounts(settings: settings, runEstimates: runEstimates,
                                                    methods: prepared.methods.count,
                                                    deterministic: instance.oracleConstants.deterministic)
        for (m, method) in prepared.methods.enumerated() where !wanted.isEmpty {
            let captured: [ProbeTrajectoryPoint]
            if let trajectories, trajectories.indices.contains(m) {
                captured = trajectories[m]
            } else {
                let simulation = Simulation(instance: instance, method: method, iterations: prepared.profile.iterations,
                                            checkpoints: checkpoints)
                var points: [ProbeTrajectoryPoint] = []
                simulation.checkpointObserver = { c, x in
                    if wanted.contains(c) { points.append(ProbeTrajectoryPoint(checkpoint: c, x: Array(x))) }
                }
                var scratch = [[RunningStatistics]](repeating: [RunningStatistics](repeating: RunningStatistics(), count: MetricIndex.all.count),
                                                    count: checkpoints.count)
                // The runs' first seed (seed index `first-seed`, 0 unless set), as the runs keep it.
                _ = simulation.run(seedIndex: prepared.profile.firstSeed, statistics: &scratch)
                captured = points
            }
            // `perMethod` of them, evenly spread and the last always among them.
            let chosen = perMethod >= captured.count ? captured
                : (1...max(perMethod, 1)).map { captured[($0 * captured.count) / max(perMethod, 1) - 1] }
            for point in chosen where checkpoints.indices.contains(point.checkpoint) && !locations.contains(where: { $0.x == point.x }) {
                locations.append(Location(label: "\(method.id) k=\(checkpoints[point.checkpoint])", methodID: method.id, x: point.x))
            }
        }
        let d = instance.dimension
        let scale = max((Vec.normSquared(instance.start) / Double(d)).squareRoot(), 1)
        for j in 0..<randomPoints {
            var rng = RandomStream(key: StreamKey(problemSeed: instance.seed, purpose: .probe, seedIndex: 1 << 40, worker: j))
            let x = instance.start.map { $0 + scale * rng.nextGaussian() }
            locations.append(Location(label: "random \(j + 1)", methodID: firstID, x: x))
        }
        return locations
    }

    // MARK: - Measurement

    /// A point's exact quantities and per-batch estimates.
    struct Measurement {
        var point: ProbePoint
        var x: [Double]
        var gradient: [Double]
        var bias2: [Double]
        var variance: [Double]
        var h2: [Double]
    }

    static func measure(_ instance: Instance, at x: [Double], label: String, methodID: String, pointIndex: Int,
                        batches: Int, perBatch: Int) -> Measurement {
        let objective = instance.objective
        let n = instance.workers, d = instance.dimension
        var workerGrad2 = 0.0
        for i in 0..<n { workerGrad2 += Vec.normSquared(objective.workerGradient(i, at: x)) }
        workerGrad2 /= Double(n)
        let estimator = Simulation(instance: instance,
                                   method: ResolvedMethod(MethodSpec(id: "probe", settings: Sgd(), step: .fixed(1)), gamma: 1, stepRule: ""),
                                   iterations: 0, checkpoints: [0])
        estimator.reset(seedIndex: pointIndex, purpose: .probe)
        var gradient: [Double] = []
        var bias2: [Double] = [], variance: [Double] = [], h2: [Double] = []
        for _ in 0..<batches {
            // Welford over the batch: the mean vector and Σ‖g − ḡ‖².
            var mean = [Double](repeating: 0, count: d)
            var m2 = 0.0
            for r in 0..<perBatch {
                let (exact, g) = estimator.estimate(at: x)
                gradient = exact
                let count = Double(r + 1)
                for j in 0..<d {
                    let delta = g[j] - mean[j]
                    mean[j] += delta / count
                    m2 += delta * (g[j] - mean[j])
                }
            }
            let v = perBatch > 1 ? m2 / Double(perBatch - 1) : 0
            variance.append(v)
            bias2.append(distanceSquared(mean, gradient) - v / Double(perBatch))
            h2.append(Vec.normSquared(mean) - v / Double(perBatch))
        }
        let average = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
        let point = ProbePoint(label: label, methodID: methodID, grad2: Vec.normSquared(gradient),
                               gap: objective.value(at: x) - (instance.constants[.fstar] ?? 0),
                               bias2: average(bias2), variance: average(variance), h2: average(h2), workerGrad2: workerGrad2)
        return Measurement(point: point, x: x, gradient: gradient, bias2: bias2, variance: variance, h2: h2)
    }

    // MARK: - How many samples

    /// Samples per point and batches: R = min(`settings.samples`, max(16, ⌊runEstimates / (10 ·
    /// points)⌋)), split into B = min(`settings.batches`, ⌊R/2⌋) batches of b = ⌊R/B⌋ (R = B·b).
    /// So the probe draws at most a tenth of the oracle estimates the runs draw, and never fewer
    /// than its t-test needs: b ≥ 2 for an unbiased within-batch variance, and B ≥ 8 batches
    /// (7 degrees of freedom), with which the Bonferroni-corrected test still finds a violation
    /// about twice the size the full 16 batches find (docs/verdicts.md); with 4 batches it would
    /// take six times the size. A deterministic oracle: one draw.
    static func sampling(settings: ProbeSettings, runEstimates: Int, points: Int,
                         deterministic: Bool) -> (samples: Int, batches: Int, perBatch: Int) {
        if deterministic { return (1, 1, 1) }
        let budget = runEstimates / (10 * max(points, 1))
        let wanted = max(min(settings.samples, budget), minimumSamples)
        let batches = max(2, min(settings.batches, wanted / 2))
        let perBatch = max(2, wanted / batches)
        return (batches * perBatch, batches, perBatch)
    }

    /// Trajectory points per method and random points: all of `settings` while the runs pay for
    /// 16 draws at each (a tenth of their estimates), else fewer — first fewer points per method
    /// (down to the last checkpoint's), then fewer random points (down to none) — so that on a
    /// very short run the probe measures x⁰ and each method's last point rather than drawing many
    /// times what the runs drew. A deterministic oracle draws once per point: all points.
    static func pointCounts(settings: ProbeSettings, runEstimates: Int, methods: Int,
                            deterministic: Bool) -> (perMethod: Int, random: Int) {
        let full = (settings.pointsPerMethod, settings.randomPoints)
        if deterministic || methods == 0 { return full }
        let affordable = runEstimates / (10 * minimumSamples)
        if 1 + methods * settings.pointsPerMethod + settings.randomPoints <= affordable { return full }
        let perMethod = max(1, min(settings.pointsPerMethod, (affordable - 1 - settings.randomPoints) / methods))
        let random = max(0, min(settings.randomPoints, affordable - 1 - methods * perMethod))
        return (perMethod, random)
    }

    /// The fewest draws per point: 8 batches of 2.
    public static let minimumSamples = 16
}
