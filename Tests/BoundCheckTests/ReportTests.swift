import Foundation
import Testing
@testable import BoundCheck

/// Reports and the numbers behind them: the verdict rule's false-alarm rate, the rate fit, the
/// SGDM-vs-SGD comparison, JUnit, and snapshots of a small report.
@Suite("Rate fit")
struct RateFitTests {
    static func comparisons(_ ks: [Int], observed: (Int) -> Double, bound: (Int) -> Double) -> [CheckpointComparison] {
        ks.map { k in CheckpointComparison(k: k, bound: bound(k), observed: observed(k), sd: 0, seeds: 1, lower: observed(k), upper: observed(k), verdict: .holds) }
    }

    @Test("exponential decay to a plateau: the fitted contraction is the true one, the bound's is its r")
    func exponential() throws {
        let ks = [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 400, 500, 600, 700]
        let c = Self.comparisons(ks, observed: { 5 * pow(0.97, Double($0)) + 0.01 }, bound: { 6 * pow(0.99, Double($0)) + 0.5 })
        let fit = try #require(try RateFit.fit(metric: .gap, comparisons: c, floor: 0.5, plateau: 0.01))
        #expect(fit.model == .exponential)
        #expect(abs(exp(fit.observedSlope) - 0.97) < 1e-3)
        #expect(abs(exp(fit.predictedSlope) - 0.99) < 1e-9)
        #expect(fit.consistent == true)
        // A run slower than the bound's rate is flagged (descriptively).
        let slow = Self.comparisons(ks, observed: { 5 * pow(0.995, Double($0)) + 0.01 }, bound: { 6 * pow(0.99, Double($0)) + 0.5 })
        #expect(try RateFit.fit(metric: .gap, comparisons: slow, floor: 0.5, plateau: 0.01)?.consistent == false)
    }

    @Test("power-law decay: the exponent of avg-grad against K")
    func power() throws {
        let ks = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
        let c = Self.comparisons(ks, observed: { 3 / Double($0) + 1e-4 }, bound: { 10 / Double($0) + 0.2 })
        let fit = try #require(try RateFit.fit(metric: .avgGrad, comparisons: c, floor: 0.2, plateau: 1e-4))
        #expect(fit.model == .power)
        #expect(abs(fit.observedSlope + 1) < 0.02)
        #expect(abs(fit.predictedSlope + 1) < 1e-9)
        #expect(fit.consistent == nil)   // exponents carry no consistency mark
    }

    @Test("a bound's own rate part: AS-2 contracts by r = 1 − γμ(1−m), AS-1 decays like 1/K")
    func boundRates() throws {
        let spec = BoundCatalogTests.spec()
        let c = try BoundCatalogTests.context(spec, gamma: 0.05, beta: 1)
        let ks = checkpointIterations(iterations: 500, count: 20)
        let as2 = BoundEvaluator.evaluate(AS2(), context: c, checkpoints: ks)
        let r = 1 - 0.05 * (c.constants[.mu] ?? .nan) * (1 - c.m)
        #expect(abs(try #require(as2.rateSlope) - log(r)) < 1e-9)
        let as1 = BoundEvaluator.evaluate(AS1(), context: c, checkpoints: ks)
        #expect(abs(try #require(as1.rateSlope) + 1) < 1e-9)
        #expect(as1.rateDescription == "∝ K^-1")
    }

    @Test("no transient, no fit")
    func none() throws {
        let c = Self.comparisons([1, 2, 3, 4], observed: { _ in 1 }, bound: { _ in 2 })
        #expect(try RateFit.fit(metric: .gap, comparisons: c, floor: 2, plateau: 1) == nil)
    }
}

@Suite("Momentum against SGD")
struct MomentumComparisonTests {
    static func trace(_ id: String, kind: MethodKind, beta: Double, gamma: Double, gaps: [[Double]]) -> MethodTrace {
        let method = ResolvedMethod(MethodSpec(id: id, settings: kind == .sgdm ? Sgdm(beta: beta) as any Method : Sgd(), step: .fixed(gamma)), gamma: gamma, stepRule: "")
        return MethodTrace(method: method, seeds: gaps.count, checkpoints: [0, 10, 20, 50, 100], statistics: [], divergedAt: gaps.map { _ in nil },
                           gaps: gaps, identityDeviation: 0, maxWorkerEstimateNorm2: 0)
    }

    @Test("pairs by equal γ and equal γβ; paired differences decide the finding")
    func pairing() throws {
        func gaps(_ base: [Double], _ shift: (Int) -> Double) -> [[Double]] {
            (0..<6).map { s in base.map { $0 + shift(s) } }
        }
        let momentum = Self.trace("sgdm-1", kind: .sgdm, beta: 0.5, gamma: 0.2, gaps: gaps([10, 5, 2, 0.3, 0.1]) { 0.01 * Double($0) })
        let same = Self.trace("sgd-same", kind: .sgd, beta: 1, gamma: 0.2, gaps: gaps([10, 6, 3, 1.5, 0.2]) { 0.011 * Double($0) })
        let wobble: (Int) -> Double = { s in 0.01 * Double(s) + (s % 2 == 0 ? 0.05 : -0.05) }
        let effective = Self.trace("sgd-eff", kind: .sgd, beta: 1, gamma: 0.1, gaps: gaps([10, 5, 2, 0.3, 0.1], wobble))
        let other = Self.trace("sgd-other", kind: .sgd, beta: 1, gamma: 0.3, gaps: momentum.gaps)
        let results = try MomentumComparison.all([momentum, same, effective, other], confidence: 0.95)
        #expect(results.count == 2)
        let a = try #require(results.first { $0.sgd == "sgd-same" })
        #expect(a.pairing == MomentumComparison.Pairing.equalStep)
        #expect(a.atK == 20)                           // nearest a fifth of 100
        #expect(a.finding == MomentumComparison.Finding.momentumLower)
        #expect(a.momentumLowerOnSeeds == 6)
        // Target 90% of the way from the start (10.0275) to the larger final gap (0.2275): 1.2075.
        // Momentum reaches it at k = 50, SGD at 100.
        #expect(abs(a.target - 1.2075) < 1e-12)
        #expect(a.medianIterationsMomentum == 50 && a.medianIterationsSGD == 100)
        let b = try #require(results.first { $0.sgd == "sgd-eff" })
        #expect(b.pairing == MomentumComparison.Pairing.equalEffectiveStep)
        #expect(b.finding == MomentumComparison.Finding.noSignificantDifference)
        // One seed: exact for a deterministic oracle, no finding for a random one.
        let one = [Self.trace("sgdm-1", kind: .sgdm, beta: 0.5, gamma: 0.2, gaps: [momentum.gaps[0]]),
                   Self.trace("sgd-same", kind: .sgd, beta: 1, gamma: 0.2, gaps: [same.gaps[0]])]
        #expect(try MomentumComparison.all(one, confidence: 0.95, deterministic: true).first?.finding == MomentumComparison.Finding.momentumLower)
        #expect(try MomentumComparison.all(one, confidence: 0.95, deterministic: false).first?.finding == MomentumComparison.Finding.noSignificantDifference)
    }
}

@Suite("JUnit report")
struct JUnitReportTests {
    @Test("counts the checks and the failing ones")
    func counts() throws {
        let xml = try #require(try SnapshotTests.render()["junit.xml"])
        // 16 bound checks (dKGT not applicable on both sgd methods), the user assumption and the five theory
        // checks of a deterministic oracle (A5 not checked).
        #expect(xml.contains("<testsuites name=\"boundcheck\" tests=\"22\" failures=\"1\" errors=\"0\" skipped=\"4\">"))
        #expect(xml.contains("<testcase classname=\"snapshot\" name=\"sgdm-1/no-floor [user]\">\n      <failure message="))
    }

    @Test("escapes XML text and attributes")
    func escaping() {
        #expect(JUnitReport.escape("a<b & \"c\" 'd'\u{1}") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos; ")
    }
}

/// Snapshots of a small report: the Markdown page, the index and junit.xml of a deterministic
/// experiment. Re-record with `BOUNDCHECK_RECORD_SNAPSHOTS=1 swift test --filter Snapshot` and
/// review the diff before committing it.
@Suite("Report snapshots")
struct SnapshotTests {
    static let yaml = """
    name: snapshot
    description: A small deterministic report for snapshot tests.
    seed: 4
    problem: {family: quadratic, dimension: 6, workers: 2, heterogeneity: 0.3, start: {scale: 1.0}, spectrum: {min: 1, max: 3}}
    oracle: [{additive-bias: {norm: 0.2}}]
    methods:
      - {method: sgdm, beta: 0.5, step: 0.05}
      - {method: sgd, step: 0.05}
      - {method: sgd, step: 0.025}
    user-bounds:
      - {id: no-floor, method: sgdm, metric: avg-grad, expression: "2*D0/(gamma*(1-m)*K)"}
    assumptions:
      - {id: bias-norm, holds-if: "bias2 <= zeta2"}
    expect: {no-floor: violated}
    run: {iterations: 200, seeds: 1, checkpoints: 10}
    """

    static func render() throws -> [String: String] {
        let p = try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "snapshot.yaml"))
        let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: 1), probe: AssumptionProbe.run(p))
        let provenance = Provenance(commit: "snapshot", toolchain: "Swift", wallTimeSeconds: 0)
        return ["snapshot.md": MarkdownReport.page(result, provenance: provenance).markdown,
                "index.md": MarkdownReport.index([result], provenance: provenance),
                "junit.xml": JUnitReport.render([result])]
    }

    @Test("the small report renders as recorded")
    func snapshot() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
        let record = ProcessInfo.processInfo.environment["BOUNDCHECK_RECORD_SNAPSHOTS"] == "1"
        for (name, text) in try Self.render().sorted(by: { $0.key < $1.key }) {
            let file = folder.appendingPathComponent(name)
            if record {
                try Data(text.utf8).write(to: file, options: .atomic)
                continue
            }
            let recorded = try String(contentsOf: file, encoding: .utf8)
            if recorded != text {
                let a = recorded.split(separator: "\n", omittingEmptySubsequences: false), b = text.split(separator: "\n", omittingEmptySubsequences: false)
                let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
                Issue.record("\(name) differs from the snapshot at line \(line + 1):\n  recorded: \(line < a.count ? String(a[line]) : "<end>")\n  now:      \(line < b.count ? String(b[line]) : "<end>")\nRe-record with BOUNDCHECK_RECORD_SNAPSHOTS=1 after reviewing.")
            }
        }
    }

    @Test("rendering is deterministic: two renders give the same bytes")
    func deterministic() throws {
        #expect(try Self.render() == Self.render())
    }
}
