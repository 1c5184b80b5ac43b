import Foundation
import Testing
@testable import BoundCheck

/// What the probe costs and that cheapening it changed nothing it reports: its seed-0 points
/// come from the runs' own work items (the same bits as running seed 0 again), its points may
/// be measured on any number of threads, and it draws at most a tenth of the runs' oracle
/// estimates unless the t-test needs more (8 batches of 2 per point).
@Suite("Assumption probe cost")
struct ProbeCostTests {
    static let yaml = """
        name: probe-cost
        seed: 3
        problem: {family: quadratic, dimension: 12, workers: 3, heterogeneity: 0.5, start: {scale: 2.0}, spectrum: {min: 0.5, max: 4}}
        oracle: [{gaussian-noise: {variance: 0.3}}, {top-k: {k: 4}}]
        methods:
          - {method: sgdm, beta: 0.5, step: 0.02}
          - {method: sgd, step: 0.02}
        run: {iterations: 150, seeds: 10, checkpoints: 10}
        """

    static func prepared() throws -> PreparedExperiment {
        try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "probe-cost.yaml"))
    }

    @Test("the runs' kept seed-0 points give the same probe report, bit for bit, as running seed 0 again, on 1 or 3 threads")
    func keptPointsMatchRerun() throws {
        let p = try Self.prepared()
        let results = p.workItems.map { Runner.run($0, instance: p.instance, methods: p.methods, profile: p.profile) }
        let kept = try #require(AssumptionProbe.trajectories(from: results, methods: p.methods.count))
        #expect(kept.count == p.methods.count)
        #expect(kept.allSatisfy { !$0.isEmpty })
        let rerun = try AssumptionProbe.run(p)
        let fromRuns = try AssumptionProbe.run(p, trajectories: kept)
        let threaded = try AssumptionProbe.run(p, trajectories: kept, jobs: 3)
        #expect(fromRuns == rerun)
        #expect(threaded == rerun)
        #expect(rerun.points.count == 1 + 6 * p.methods.count + 2)
    }

    @Test("only the block of seed 0 keeps points; a missing one means no kept trajectories")
    func onlySeedZeroKeeps() throws {
        let p = try Self.prepared()
        let results = p.workItems.map { Runner.run($0, instance: p.instance, methods: p.methods, profile: p.profile) }
        for r in results { #expect(r.probePoints.isEmpty == !r.seeds.contains(0)) }
        #expect(AssumptionProbe.trajectories(from: results.filter { !$0.seeds.contains(0) }, methods: p.methods.count) == nil)
    }

    @Test("very short runs measure fewer points: first fewer per method (down to the last), then fewer random ones")
    func pointsScaleWithShortRuns() throws {
        let settings = ProbeSettings.standard
        func counts(_ estimates: Int, methods: Int = 1) -> (perMethod: Int, random: Int) {
            AssumptionProbe.pointCounts(settings: settings, runEstimates: estimates, methods: methods, deterministic: false)
        }
        // Benchmark (a) at 200 iterations × 4 seeds: 800 estimates pay for 5 points of 16 draws.
        #expect(counts(800) == (2, 2))
        #expect(counts(1_440) == (6, 2))             // 9 points × 16 draws × 10 = 1440: all of them
        #expect(counts(80) == (1, 0))                // (a) at 20 iterations: x⁰ and the last point
        #expect(counts(80, methods: 2) == (1, 0))
        #expect(AssumptionProbe.pointCounts(settings: settings, runEstimates: 8, methods: 1, deterministic: true) == (6, 2))
        // On a short run, the probe's points are a subset of the full set, the last of each
        // method among them, and the kept trajectories give the same report as a rerun.
        let short = try PreparedExperiment(spec: SpecLoader().load(
            yaml: Self.yaml.replacingOccurrences(of: "iterations: 150, seeds: 10", with: "iterations: 20, seeds: 2"), file: "short.yaml"))
        let results = short.workItems.map { Runner.run($0, instance: short.instance, methods: short.methods, profile: short.profile) }
        let report = try AssumptionProbe.run(short, trajectories: AssumptionProbe.trajectories(from: results, methods: short.methods.count))
        #expect(report == (try AssumptionProbe.run(short)))
        #expect(report.points.map(\.label) == ["x⁰", "sgdm-1 k=20", "sgd-1 k=20"])
    }

    @Test("samples scale with the runs: at most a tenth of their estimates, at least 8 batches of 2, at most 128 in 16 batches")
    func samplesScaleWithTheRuns() {
        let settings = ProbeSettings.standard
        func rule(_ runEstimates: Int, points: Int = 9) -> (samples: Int, batches: Int, perBatch: Int) {
            AssumptionProbe.sampling(settings: settings, runEstimates: runEstimates, points: points, deterministic: false)
        }
        // Long runs: the full 128 draws in 16 batches of 8, as before.
        #expect(rule(1_000_000) == (128, 16, 8))
        // Benchmark (a): 200 iterations × 4 seeds, 9 points: the floor, 16 draws = 144 of 800 estimates.
        #expect(rule(800) == (16, 8, 2))
        // In between the probe stays within a tenth of the runs' estimates.
        for estimates in stride(from: 16 * 9 * 10, through: 200_000, by: 3_331) {
            let r = rule(estimates)
            #expect(r.samples == r.batches * r.perBatch)
            #expect(r.batches >= 8 && r.perBatch >= 2 && r.batches <= 16 && r.samples <= 128)
            #expect(r.samples * 9 * 10 <= estimates, "\(estimates): \(r)")
        }
        // Tiny runs get the floor, whatever the budget.
        #expect(rule(10) == (16, 8, 2))
        #expect(AssumptionProbe.sampling(settings: settings, runEstimates: 10, points: 9, deterministic: true) == (1, 1, 1))
    }
}
