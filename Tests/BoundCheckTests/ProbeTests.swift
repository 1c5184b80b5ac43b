import Testing
@testable import BoundCheck

/// The assumption probe (docs/theory.md §6): it must catch declared constants the data contradict,
/// leave true ones alone (at about the stated false-alarm rate), and make the bounds that rely
/// on a contradicted assumption `unsupported`.
@Suite("Assumption probe")
struct ProbeTests {
    static func prepared(_ yaml: String) throws -> PreparedExperiment {
        try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "probe-test.yaml"))
    }

    static func quadratic(seed: Int = 5, oracle: String, extra: String = "", seeds: Int = 4) -> String {
        """
        name: probe-test
        seed: \(seed)
        problem: {family: quadratic, dimension: 12, workers: 3, heterogeneity: 0.5, start: {scale: 2.0}, spectrum: {min: 0.5, max: 4}}
        oracle: \(oracle)
        methods:
          - {method: sgdm, beta: 0.5, step: 0.02}
          - {method: sgd, step: 0.02}
        run: {iterations: 200, seeds: \(seeds), checkpoints: 12}
        \(extra)
        """
    }

    static func check(_ report: ProbeReport, _ id: String) -> AssumptionCheck? { report.checks.first { $0.id == id } }

    @Test("computed constants pass every check on noisy and deterministic oracles")
    func computedConstantsHold() throws {
        for oracle in ["[{gaussian-noise: {variance: 0.3}}, {top-k: {k: 4}}]", "[{scale: {factor: 0.7}}]",
                       "[{additive-bias: {norm: 0.4}}, {gaussian-noise: {variance: 0.2}}]", "[{rand-k: {k: 3}}]"] {
            let report = try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: oracle)))
            for c in report.checks { #expect(c.verdict == .holds, "\(oracle): \(c.id) \(c.reason)") }
            #expect(Set(report.checks.map(\.id)).isSuperset(of: ["A1", "A2", "A3", "A4", "A6"]), "\(oracle)")
        }
    }

    @Test("a declared constant that is too small is caught: m (noisy), L, μ, f*, G²")
    func tooSmallDeclarationsAreCaught() throws {
        let noisyScale = "[{gaussian-noise: {variance: 0.2}}, {scale: {factor: 0.6}}]"
        let m = try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: noisyScale, extra: "constants: {m: 0.05, zeta2: 0}")))
        #expect(Self.check(m, "A4")?.verdict == .violated)
        // Exact bias −0.4∇f: the data need m = 0.16 (the lower confidence limit stays just below).
        let needed = Self.check(m, "A4")?.measured["m given zeta2"] ?? 0
        #expect(needed > 0.12 && needed <= 0.16 + 1e-9, "measured m \(needed)")

        let exact = "[{additive-bias: {norm: 0.3}}]"
        #expect(Self.check(try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: exact, extra: "constants: {L: 2}"))), "A2")?.verdict == .violated)
        #expect(Self.check(try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: exact, extra: "constants: {mu: 2}"))), "A3")?.verdict == .violated)
        #expect(Self.check(try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: exact, extra: "constants: {fstar: 5}"))), "A1")?.verdict == .violated)
        #expect(Self.check(try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: exact, extra: "constants: {G2: 0.01}"))), "A6")?.verdict == .violated)
        #expect(Self.check(try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: exact, extra: "constants: {zeta2: 0.08}"))), "A4")?.verdict == .violated)
    }

    @Test("a too-small declared σ² is caught by the A5 t-test")
    func varianceCaught() throws {
        // A short run (4 seeds) gives the probe its fewest draws (8 batches of 2): still caught.
        let short = try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: "[{gaussian-noise: {variance: 3}}]", extra: "constants: {sigma2: 0.1}")))
        #expect(short.batches == 8 && short.samples == 16)
        #expect(Self.check(short, "A5")?.verdict == .violated)
        // 40 seeds give it 96 draws (16 batches of 6), and a measured σ² close to the truth.
        let report = try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: "[{gaussian-noise: {variance: 3}}]", extra: "constants: {sigma2: 0.1}", seeds: 40)))
        #expect(report.batches == 16 && report.samples == 96)
        #expect(Self.check(report, "A5")?.verdict == .violated)
        // Aggregate σ² = 3/n = 1; the lower confidence limit is somewhat below it.
        let needed = Self.check(report, "A5")?.measured["sigma2 given M"] ?? 0
        #expect(needed > 0.7 && needed < 1.05, "measured σ² \(needed)")
    }

    @Test("false alarms: a tight A4 (‖b‖ = ζ exactly, noisy) is called violated rarely")
    func falseAlarmRate() throws {
        // The additive bias is exact, so ‖b‖² − ζ² has mean 0 at every point: each probe is a
        // family of tests at level 0.9 (Bonferroni), so it raises an alarm with probability ≤ 0.1.
        var alarms = 0
        let trials = 20
        for seed in 0..<trials {
            let yaml = Self.quadratic(seed: 100 + seed, oracle: "[{additive-bias: {norm: 0.5}}, {gaussian-noise: {variance: 0.5}}]",
                                      extra: "constants: {m: 0, zeta2: 0.25}\ncheck: {confidence: 0.9}")
            if Self.check(try AssumptionProbe.run(Self.prepared(yaml)), "A4")?.verdict == .violated { alarms += 1 }
        }
        // P(≥ 6 of 20) < 1.2% when each trial alarms with probability ≤ 0.1.
        #expect(alarms <= 5, "\(alarms) of \(trials) probes flagged a true assumption")
    }

    @Test("user assumptions: an inequality is t-tested on its margin; a wrong one is violated")
    func userAssumptions() throws {
        let extra = """
        assumptions:
          - {id: true-bias, holds-if: "bias2 <= 0.16*grad2 + 1e-12"}
          - {id: wrong-bias, holds-if: "bias2 <= 0.05*grad2"}
          - {id: compound, holds-if: "var >= 0 and grad2 >= 0"}
        """
        let report = try AssumptionProbe.run(Self.prepared(Self.quadratic(oracle: "[{gaussian-noise: {variance: 0.2}}, {scale: {factor: 0.6}}]", extra: extra)))
        #expect(Self.check(report, "true-bias")?.verdict == .holds)
        #expect(Self.check(report, "wrong-bias")?.verdict == .violated)
        #expect(Self.check(report, "compound")?.verdict == .holds)
        #expect(Self.check(report, "compound")?.test.contains("no confidence level") == true)
    }

    @Test("a contradicted assumption makes the bounds relying on it unsupported, and expect can name it")
    func unsupportedBounds() throws {
        let yaml = Self.quadratic(oracle: "[{gaussian-noise: {variance: 0.2}}, {scale: {factor: 0.6}}]",
                                  extra: "constants: {m: 0.05}\nexpect: {A4: violated, F1: unsupported}")
        let p = try Self.prepared(yaml)
        let probe = try AssumptionProbe.run(p)
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 2), probe: probe)
        let f1 = result.methods[0].bounds.first { $0.evaluation.id == "F1" }
        #expect(f1?.verdict.verdict == .unsupported)
        #expect(f1?.fails == false)
        #expect(result.probe?.checks.first { $0.id == "A4" }?.fails == false)
        // F2 is not expected unsupported, so it fails the report.
        #expect(result.methods[0].bounds.first { $0.evaluation.id == "F2" }?.fails == true)
        #expect(!result.passed)
        // Without the probe the same bounds are judged against the runs alone.
        let plain = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1), probe: nil)
        #expect(plain.methods[0].bounds.allSatisfy { $0.verdict.verdict != .unsupported })
    }

    @Test("one Bonferroni family: the probe counts the bound comparisons before the runs, never fewer than are made")
    func sharedCorrection() throws {
        for oracle in ["[{gaussian-noise: {variance: 0.3}}, {top-k: {k: 11}}]", "[{additive-bias: {norm: 0.2}}]"] {
            let p = try Self.prepared(Self.quadratic(oracle: oracle))
            let probe = try AssumptionProbe.run(p)
            #expect(probe.bonferroni == probe.comparisons + p.plannedBoundComparisons)
            let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 2), probe: probe)
            #expect(p.plannedBoundComparisons >= result.comparisons, "\(oracle)")
            #expect(result.comparisons > 0)
        }
        // M-DSGD's M1 needs a run-measured G²; it is counted before the runs all the same.
        let memory = try Self.prepared(Self.quadratic(oracle: "[{gaussian-noise: {variance: 0.3}}]").replacingOccurrences(
            of: "  - {method: sgdm, beta: 0.5, step: 0.02}\n  - {method: sgd, step: 0.02}",
            with: "  - {method: mdsgd, beta: 0.5, sparsifier: {top-k: {k: 4}}, step: 0.01}"))   // within M1's stable step
        let result = try Experiment.judge(memory, traces: Experiment.run(memory, jobs: 2), probe: nil)
        #expect(result.comparisons > 0 && memory.plannedBoundComparisons >= result.comparisons)
    }

    @Test("bounds declare the assumptions they rely on; user bounds by the constants they mention")
    func boundAssumptions() throws {
        #expect(AS1().assumptions == ["A1", "A2", "A4", "A5"])
        #expect(F2(onX: false).assumptions.contains("A3"))
        #expect(!F1().assumptions.contains("A3"))
        #expect(ProbedAssumption.using(["mu", "gamma", "K"]) == ["A3"])
        #expect(ProbedAssumption.using(["D0", "zeta2", "sigma2"]) == ["A1", "A4", "A5"])
    }
}

@Suite("Expression margins")
struct ExpressionMarginTests {
    @Test("an inequality's margin is oriented so that ≥ 0 means it holds; other expressions have none")
    func margins() throws {
        let vars: Set<String> = ["a", "b"]
        let le = try BoundExpression("a + 1 <= 2*b", allowedVariables: vars)
        #expect(try le.margin(["a": 1, "b": 3])?.margin == 4)
        #expect(try le.margin(["a": 1, "b": 3])?.scale == 8)
        let ge = try BoundExpression("a >= b", allowedVariables: vars)
        #expect(try ge.margin(["a": 1, "b": 3])?.margin == -2)
        #expect(try BoundExpression("a == b", allowedVariables: vars).margin(["a": 1, "b": 1]) == nil)
        #expect(try BoundExpression("a < b and b < 3", allowedVariables: vars).isInequality == false)
        #expect(try BoundExpression("a + b", allowedVariables: vars).margin(["a": 1, "b": 1]) == nil)
    }
}
