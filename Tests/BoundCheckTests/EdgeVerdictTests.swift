import Foundation
import Testing
@testable import BoundCheck

/// Verdicts at the edges (issue 12): unevaluable bounds, round-off, extreme magnitudes, random
/// method parts, M1's stability step, "minₜ E" bounds and late tightness.
@Suite("Verdicts at the edges")
struct EdgeVerdictTests {
    static func prepared(_ yaml: String) throws -> PreparedExperiment {
        try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "edge.yaml"))
    }

    static func file(oracle: String = "[]", methods: String = "  - {id: sgd, method: sgd, step: 0.05}", extra: String,
                     run: String = "{iterations: 60, seeds: 4, checkpoints: 8}") -> String {
        """
        name: edge
        seed: 3
        problem: {family: quadratic, dimension: 6, workers: 2, heterogeneity: 0.3, start: {scale: 2.0}, spectrum: {min: 0.5, max: 2}}
        oracle: \(oracle)
        methods:
        \(methods)
        run: \(run)
        \(extra)
        """
    }

    @Test("an unevaluable bound or requires is an error that fails the report, naming the cause and the position",
          arguments: ["1/0", "log(0)", "sqrt(-1)", "exp(1000)", "(-8)^(1/3)"])
    func unevaluableBound(_ expression: String) throws {
        let yaml = Self.file(extra: "user-bounds:\n  - {id: bad, method: sgd, metric: gap, expression: \"\(expression)\"}\n")
        let p = try Self.prepared(yaml)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1))
        let bad = try #require(result.methods[0].bounds.first { $0.evaluation.id == "bad" })
        #expect(bad.verdict.verdict == .error)
        #expect(bad.fails)
        #expect(!result.passed)
        #expect(bad.verdict.reason.contains("edge.yaml:"), "no position in: \(bad.verdict.reason)")
        #expect(result.failedChecks.contains { $0.verdict == "error" })
    }

    @Test("requires: [\"1/0 <= 1\"] is an error, not 'not applicable'; a false requires stays not-applicable")
    func unevaluableRequires() throws {
        let yaml = Self.file(extra: """
            user-bounds:
              - {id: bad-req, method: sgd, metric: gap, expression: "D0 + 1", requires: ["1/0 <= 1"]}
              - {id: false-req, method: sgd, metric: gap, expression: "D0 + 1", requires: ["L < 0"]}
            expect: {bad-req: holds}
            """)
        let p = try Self.prepared(yaml)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1))
        let bad = try #require(result.methods[0].bounds.first { $0.evaluation.id == "bad-req" })
        #expect(bad.verdict.verdict == .error)
        #expect(bad.verdict.reason.contains("division by zero"), "\(bad.verdict.reason)")
        #expect(bad.fails, "an error fails whatever expect says")
        let no = try #require(result.methods[0].bounds.first { $0.evaluation.id == "false-req" })
        #expect(no.verdict.verdict == .notApplicable)
        #expect(!no.fails)
    }

    @Test("a deterministic run that stalls at round-off is not called violated by a bound decaying below it")
    func roundOffFloor() throws {
        // Exact gradients, γ = 0.05, eigenvalues ≥ 0.5: every component of x − x* contracts by
        // 0.975 per step, so Δ₀·0.951ᴷ ≥ Δ₀·0.975²ᴷ is a true bound. It reaches 10⁻⁶⁴ at K = 3000,
        // far below where the computed gap stalls (round-off of f against f*).
        let yaml = Self.file(extra: "user-bounds:\n  - {id: tiny, method: sgd, metric: gap, expression: \"D0*0.951^K\"}\n",
                             run: "{iterations: 3000, seeds: 1, checkpoints: 20}")
        let p = try Self.prepared(yaml)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1))
        let tiny = try #require(result.methods[0].bounds.first { $0.evaluation.id == "tiny" })
        #expect(tiny.verdict.verdict == .holds, "\(tiny.verdict.reason)")
        #expect((tiny.verdict.roundOffFloor ?? 0) > 0)
        // The floor itself, where the stall is visible: a gap stalled at 10⁻³¹ from Δ₀ = 16 against
        // a bound that decays to 10⁻⁴⁵ (f* = 0, so no cancellation in f − f* hides it).
        let stalled = SyntheticTrace.trace([[16], [1e-10], [1e-31], [1e-31]], checkpoints: [0, 100, 1000, 2000])
        let decaying = SyntheticTrace.evaluation([16, 1e-9, 1e-42, 1e-45], checkpoints: [0, 100, 1000, 2000])
        let v = try VerdictRule(confidence: 0.99, comparisons: 4).judge(evaluation: decaying, trace: stalled, deterministic: true)
        #expect(v.verdict == .holds, "\(v.reason)")
        #expect(v.comparisons.contains { $0.observed > $0.bound * (1 + VerdictRule.roundOff) }, "the test lost its teeth")
        // A real violation far above round-off is still caught.
        let wrong = SyntheticTrace.evaluation([16, 1e-12, 1e-42, 1e-45], checkpoints: [0, 100, 1000, 2000])
        #expect(try VerdictRule(confidence: 0.99, comparisons: 4).judge(evaluation: wrong, trace: stalled, deterministic: true).verdict == .violated)
    }

    @Test("metrics near 10³⁰⁰ and 10⁻³⁰⁰: statistics keep their spread, a true bound is never violated, nothing traps")
    func extremeMagnitudes() throws {
        var rng = RandomStream(seed: 17)
        for scale in [1e-300, 1e-200, 1e200, 1e300] {
            var alarms = 0
            for _ in 0..<50 {
                let values = (0..<3).map { _ in (0..<16).map { _ in scale * exp(0.5 * rng.nextGaussian()) } }
                var s = RunningStatistics()
                values[0].forEach { s.add($0) }
                #expect(s.standardDeviation > 0 && s.standardDeviation.isFinite, "scale \(scale): sd \(s.standardDeviation)")
                let mean = scale * exp(0.125)
                let v = try VerdictRule(confidence: 0.99, comparisons: 3)
                    .judge(evaluation: SyntheticTrace.evaluation([mean, mean, mean]), trace: SyntheticTrace.trace(values), deterministic: false)
                if v.verdict == .violated { alarms += 1 }
                _ = v.seedsToDecide
            }
            #expect(alarms <= 2, "scale \(scale): \(alarms) of 50 reports call a true bound violated")
        }
        // Merging statistics across wildly different magnitudes is exact in the large one.
        var a = RunningStatistics(), b = RunningStatistics()
        a.add(1e-300); b.add(1e300); b.add(3e300)
        a.merge(b)
        #expect(abs(a.mean - 4e300 / 3) < 1e286)
    }

    @Test("a Rand-K sparsifier makes a method random: seeds are kept and it is not compared exactly")
    func randomMethodPart() throws {
        let yaml = Self.file(methods: "  - {id: ef, method: mdsgd, beta: 0.5, sparsifier: {rand-k: {k: 2}}, step: 0.05}", extra: "")
        let p = try Self.prepared(yaml)
        #expect(p.profile.seeds == 4)
        #expect(!p.isDeterministic(method: 0))
        let exact = try Self.prepared(Self.file(methods: "  - {id: ef, method: mdsgd, beta: 0.5, sparsifier: {top-k: {k: 2}}, step: 0.05}", extra: ""))
        #expect(exact.profile.seeds == 1)
        #expect(exact.isDeterministic(method: 0))
        // A file with one seed and a random method is refused at load time.
        #expect(throws: (any Error).self) {
            try Self.prepared(Self.file(methods: "  - {id: ef, method: mdsgd, beta: 0.5, sparsifier: {rand-k: {k: 2}}, step: 0.05}", extra: "",
                                        run: "{iterations: 60, seeds: 1}"))
        }
    }

    @Test("M1's theory step keeps the error-feedback memory stable where (1−β)/(2L) lets the run blow up (Problems/mdsgd-sign-theory.yaml)")
    func m1StableStep() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Problems/mdsgd-sign-theory.yaml")
        let p = try PreparedExperiment(spec: SpecLoader().load(path: url.path), quick: true)
        let traces = Experiment.run(p, jobs: 2)
        let start = try #require(traces[0].statistics(.gap, at: 0).mean as Double?)
        let theoryEnd = traces[0].statistics(.gap, at: traces[0].checkpoints.count - 1)
        let oldEnd = traces[1].statistics(.gap, at: traces[1].checkpoints.count - 1)
        #expect(theoryEnd.count == p.profile.seeds && theoryEnd.mean < start, "theory step: gap \(theoryEnd.mean) from \(start)")
        #expect(!(oldEnd.mean < 1e6 * start), "the former step no longer blows up: gap \(oldEnd.mean)")
        let result = try Experiment.judge(p, traces: traces)
        let old = try #require(result.methods[1].bounds.first { $0.evaluation.id == "M1" })
        #expect(old.verdict.verdict == .notApplicable)
        #expect(old.verdict.reason.contains("error feedback stable"))
        #expect(result.methods[0].method.stepRule.contains("error feedback stable"))
    }

    @Test("a diverged run under a run-measured G² says M1's hypothesis fails instead of calling it violated")
    func m1HypothesisFails() throws {
        var trace = SyntheticTrace.trace([[1, 2, 3]])
        trace.divergedAt[1] = 40
        var e = SyntheticTrace.evaluation([10], metric: .avgGrad)
        e.id = "M1"
        e.notes = ["G2-measured": 5]
        let v = try VerdictRule(confidence: 0.99, comparisons: 1).judge(evaluation: e, trace: trace, deterministic: false)
        #expect(v.verdict == .notApplicable)
        #expect(v.reason.contains("hypothesis fails (E‖g‖² unbounded)"))
    }

    @Test("a minₜ E bound is compared with the minimum over t of the mean over seeds, not the mean of per-seed minima")
    func minOfMean() throws {
        // 40 seeds whose minima (0.54 in the window before k = 4) sit below the mean path, whose
        // minimum over t is 0.55: the report shows minₜ of the mean, not the mean of the minima.
        var trace = SyntheticTrace.trace([Array(repeating: 1, count: 40), Array(repeating: 0.54, count: 40)], checkpoints: [0, 4])
        trace.gradMeanByIteration = [1, 0.55, 0.55, 1]
        var e = SyntheticTrace.evaluation([0.25, 0.25], metric: .minGrad, checkpoints: [0, 4])
        e.values = [nil, 0.25]
        let rule = VerdictRule(confidence: 0.99, comparisons: 1)
        let v = try rule.judge(evaluation: e, trace: trace, deterministic: false)
        #expect(v.comparisons.first?.observed == 0.55)
        #expect(v.verdict == .violated, "\(v.reason)")
        // A bound the window minima do not clear by the test's margin is not violated.
        e.values = [nil, 0.5]
        #expect(try rule.judge(evaluation: e, trace: trace, deterministic: false).verdict != .violated)
        // A deterministic run takes the per-seed minimum over every iteration.
        let exact = try rule.judge(evaluation: SyntheticTrace.evaluation([0.5], metric: .minGrad, checkpoints: [4]),
                                   trace: SyntheticTrace.trace([[0.6]], checkpoints: [4]), deterministic: true)
        #expect(exact.verdict == .violated)
    }

    @Test("the per-iteration mean keeps every iteration up to K = 4096 and at most 4096 points beyond")
    func gradPathStride() {
        #expect(GradPath.stride(iterations: 4096) == 1 && GradPath.count(iterations: 4096) == 4096)
        #expect(GradPath.stride(iterations: 4097) == 2 && GradPath.count(iterations: 4097) == 2049)
        #expect(GradPath.count(iterations: 1_000_000) <= GradPath.maximumPoints)
        var trace = SyntheticTrace.trace([[1]], checkpoints: [10])
        trace.gradMeanStride = 3
        trace.gradMeanByIteration = [5, 4, 2, 1]   // t = 0, 3, 6, 9
        #expect(trace.minOfMeanGrad(before: 7) == 2)   // t = 0, 3, 6
        #expect(trace.minOfMeanGrad(before: 6) == 4)   // t = 0, 3
    }

    @Test("tightness: the headline is the late maximum (k ≥ K/2), the overall maximum beside it")
    func lateTightness() throws {
        let values = [[0.9], [0.5], [0.1], [0.05]]
        let trace = SyntheticTrace.trace(values, checkpoints: [1, 10, 50, 100])
        let v = try VerdictRule(confidence: 0.99, comparisons: 4)
            .judge(evaluation: SyntheticTrace.evaluation([1, 1, 1, 1], checkpoints: [1, 10, 50, 100]), trace: trace, deterministic: true)
        #expect(v.tightness == 0.1)
        #expect(v.tightnessOverall == 0.9)
    }

    @Test("a valid problem at 10⁻¹⁰⁰ and 10¹⁰⁰ scale: no false alarm from the probe or the bounds (underflowing spreads are not exact)",
          arguments: [1e-100, 1e100])
    func scaledProblem(_ scale: Double) throws {
        let yaml = """
            name: scale
            seed: 7
            problem: {family: quadratic, dimension: 6, workers: 2, heterogeneity: 0, start: {scale: \(scale)}, spectrum: {min: 0.5, max: 2}}
            oracle: [{relative-noise: {variance: 0.3}}]
            methods:
              - {id: sgd, method: sgd, step: 0.1}
            user-bounds:
              - {id: true-gap, method: sgd, metric: gap, expression: "D0"}
            run: {iterations: 100, seeds: 16, checkpoints: 10}
            """
        let p = try Self.prepared(yaml)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 2), probe: AssumptionProbe.run(p))
        #expect(result.passed, "\(result.failedChecks)")
        #expect(result.probe?.checks.allSatisfy { $0.verdict == .holds } == true)
    }

    @Test("random valid files at scales from 10⁻¹²⁰ to 10¹²⁰, exact or noisy oracles, Rand-K or Top-K memory: the catalog's true bounds never fail")
    func randomValidFiles() throws {
        var rng = RandomStream(seed: 1212)
        let scales = [1e-120, 1e-30, 1, 1e30, 1e120]
        let oracles = ["[]", "[{gaussian-noise: {variance: 0.3}}]", "[{relative-noise: {variance: 0.2}}]", "[{scale: {factor: 0.7}}]"]
        for index in 0..<16 {
            let scale = scales[rng.nextInt(below: scales.count)]
            let oracle = oracles[rng.nextInt(below: oracles.count)]
            let sparsifier = rng.nextInt(below: 2) == 0 ? "{rand-k: {k: 2}}" : "{top-k: {k: 2}}"
            let yaml = """
                name: random-\(index)
                seed: \(rng.nextInt(below: 1000))
                problem: {family: quadratic, dimension: 6, workers: 2, heterogeneity: 0.3, start: {scale: \(scale)}, spectrum: {min: 0.5, max: 2}}
                oracle: \(oracle)
                methods:
                  - {id: sgd, method: sgd, step: theory}
                  - {id: sgdm, method: sgdm, beta: 0.5, step: theory}
                  - {id: ef, method: mdsgd, beta: 0.5, sparsifier: \(sparsifier), step: 0.01}
                run: {iterations: 150, seeds: 8, checkpoints: 10}
                """
            let p = try Self.prepared(yaml)
            let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 2), probe: AssumptionProbe.run(p))
            #expect(result.passed, "scale \(scale), oracle \(oracle), \(sparsifier): \(result.failedChecks)")
        }
    }

    @Test("an assumption that cannot be evaluated is an error that fails the report, even when expected violated")
    func unevaluableAssumption() throws {
        let yaml = Self.file(oracle: "[{gaussian-noise: {variance: 0.2}}]", extra: """
            assumptions:
              - {id: bad-assumption, holds-if: "bias2 <= log(0)*grad2"}
            expect: {bad-assumption: violated}
            """)
        let p = try Self.prepared(yaml)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1), probe: AssumptionProbe.run(p))
        let check = try #require(result.probe?.checks.first { $0.id == "bad-assumption" })
        #expect(check.verdict == .error)
        #expect(check.fails)
        #expect(check.reason.contains("edge.yaml:"), "\(check.reason)")
        #expect(!result.passed)
    }
}
