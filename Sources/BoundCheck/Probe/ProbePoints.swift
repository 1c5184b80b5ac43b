import Foundation

extension AssumptionProbe {
    // MARK: - Points

    struct Location {
        var label: String
        var methodID: String
        var x: [Double]
    }

    /// x⁰, points along each method's seed-0 run (the run's own stream, so they are points the
    /// runs visited), and random points around x⁰ from the probe's stream.
    static func probeLocations(_ prepared: PreparedExperiment, settings: ProbeSettings) -> [Location] {
        let instance = prepared.instance
        let firstID = prepared.methods.first?.id ?? ""
        var locations = [Location(label: "x⁰", methodID: firstID, x: instance.start)]
        let checkpoints = prepared.checkpoints
        let wanted: [Int] = {
            guard checkpoints.count > 1, settings.pointsPerMethod > 0 else { return [] }
            let count = min(settings.pointsPerMethod, checkpoints.count - 1)
            return Array(Set((1...count).map { ($0 * (checkpoints.count - 1)) / count })).sorted()
        }()
        for method in prepared.methods where !wanted.isEmpty {
            let simulation = Simulation(instance: instance, method: method, iterations: prepared.profile.iterations,
                                        checkpoints: checkpoints)
            var captured: [(Int, [Double])] = []
            simulation.checkpointObserver = { c, x in
                if wanted.contains(c) { captured.append((c, Array(x))) }
            }
            var scratch = [[RunningStatistics]](repeating: [RunningStatistics](repeating: RunningStatistics(), count: MetricIndex.all.count),
                                                count: checkpoints.count)
            _ = simulation.run(seedIndex: 0, statistics: &scratch)
            for (c, x) in captured where !locations.contains(where: { $0.x == x }) {
                locations.append(Location(label: "\(method.id) k=\(checkpoints[c])", methodID: method.id, x: x))
            }
        }
        let d = instance.dimension
        let scale = max((Vec.normSquared(instance.start) / Double(d)).squareRoot(), 1)
        for j in 0..<settings.randomPoints {
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
                                   method: ResolvedMethod(MethodSpec(id: "probe", kind: .sgd, beta: 1, step: .fixed(1)), gamma: 1, stepRule: ""),
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
}
