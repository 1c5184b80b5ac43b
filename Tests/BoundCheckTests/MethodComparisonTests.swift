import Foundation
import Testing
@testable import BoundCheck

/// `compare:` (docs/problem-files.md, "Comparing two methods"): positioned errors for pairs that
/// name no method, a method twice, or a pair twice; and the paired analysis — identical methods
/// differ by exactly nothing on common random numbers, a clearly better method is found lower,
/// and each pair counts in the report's Bonferroni family.
@Suite("Comparing two methods (compare:)")
struct MethodComparisonTests {
    static func file(_ compare: String, methods: String? = nil, oracle: String = "[{gaussian-noise: {variance: 0.5}}]") -> String {
        """
        name: compare-test
        seed: 5
        problem: {family: quadratic, dimension: 6, workers: 2, spectrum: {min: 0.5, max: 3}}
        oracle: \(oracle)
        methods:
        \(methods ?? "  - {id: fast, method: sgd, step: 0.2}\n  - {id: slow, method: sgd, step: 0.005}\n  - {id: twin, method: sgd, step: 0.2}")
        run: {iterations: 80, seeds: 8, checkpoints: 8}
        compare:
        \(compare)
        """
    }

    static func diagnostics(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "compare-test.yaml")
            return []
        } catch let errors as SpecErrors {
            return errors.diagnostics
        } catch {
            return [Diagnostic(file: "", line: 0, column: 0, keyPath: "", message: "\(error)")]
        }
    }

    static func result(_ yaml: String) throws -> ExperimentResult {
        let p = try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "compare-test.yaml"))
        return try Experiment.judge(p, traces: Experiment.run(p, jobs: 1))
    }

    @Test("an unknown id is an error at its value, with the closest id suggested")
    func unknownID() {
        let found = Self.diagnostics(Self.file("  - {a: fats, b: slow}"))
        #expect(found.count == 1, "\(found)")
        let d = found.first
        #expect(d?.keyPath == "compare[0].a")
        #expect(d?.line == 11 && d?.column == 9, "\(String(describing: d))")
        #expect(d?.message.contains("no method with id 'fats'") == true && d?.message.contains("did you mean 'fast'?") == true,
                "\(String(describing: d))")
    }

    @Test("a method paired with itself and a pair listed twice (in either order) are errors at their entries")
    func selfAndDuplicate() {
        let found = Self.diagnostics(Self.file("  - {a: fast, b: fast}\n  - {a: fast, b: slow}\n  - {a: slow, b: fast}"))
        #expect(found.map(\.keyPath) == ["compare[0].b", "compare[2]"], "\(found)")
        #expect(found.map(\.line) == [11, 13], "\(found)")
        #expect(found.first?.message.contains("compared with itself") == true)
        #expect(found.last?.message.contains("listed twice (first at compare[1])") == true, "\(found)")
        // The same pair on another metric is another comparison.
        #expect(Self.diagnostics(Self.file("  - {a: fast, b: slow}\n  - {a: slow, b: fast, metric: avg-grad}")).isEmpty)
    }

    @Test("a missing side, an unknown key and an unknown metric are errors")
    func badEntries() {
        let found = Self.diagnostics(Self.file("  - {a: fast}\n  - {a: fast, b: slow, c: twin}\n  - {a: fast, b: slow, metric: grad}"))
        #expect(found.map(\.keyPath) == ["compare[0].b", "compare[1].c", "compare[2].metric"], "\(found)")
        #expect(found[safe: 1]?.message.hasPrefix("unknown key 'c'") == true, "\(found)")
        #expect(found.last?.message.contains("gap") == true && found.last?.message.contains("avg-grad") == true, "\(found)")
    }

    @Test("identical methods on common random numbers differ by exactly 0 on every seed: no significant difference")
    func identicalMethods() throws {
        let r = try Self.result(Self.file("  - {a: fast, b: twin}"))
        let c = try #require(r.methodComparisons.first)
        #expect(c.difference.pairs == 8)
        #expect(c.difference.mean == 0 && c.difference.lower == 0 && c.difference.upper == 0, "\(c)")
        #expect(c.difference.finding == .noSignificantDifference)
        #expect(c.atK == 80)
    }

    @Test("a clearly better method is found lower, whichever side it is on, and for either metric")
    func betterMethodLower() throws {
        let r = try Self.result(Self.file("  - {a: fast, b: slow}\n  - {a: slow, b: fast, metric: avg-grad}"))
        #expect(r.methodComparisons.count == 2)
        let gap = try #require(r.methodComparisons.first)
        #expect(gap.difference.finding == .aLower, "\(gap)")
        #expect(gap.findingText == "fast lower")
        #expect(gap.difference.upper < 0 && gap.difference.aLowerOnSeeds == 8)
        let avg = try #require(r.methodComparisons.last)
        #expect(avg.metric == .avgGrad)
        #expect(avg.difference.finding == .bLower && avg.findingText == "fast lower", "\(avg)")
    }

    @Test("each pair is one comparison of the report's Bonferroni family, and its interval is at that level")
    func bonferroni() throws {
        let one = try Self.result(Self.file("  - {a: fast, b: slow}"))
        let two = try Self.result(Self.file("  - {a: fast, b: slow}\n  - {a: fast, b: twin}"))
        for r in [one, two] {
            let family = Double(r.comparisons + (r.probe?.comparisons ?? 0) + r.methodComparisons.count)
            for c in r.methodComparisons {
                #expect(abs(c.level - (1 - (1 - r.confidence) / family)) < 1e-15, "\(c.level) \(family)")
            }
        }
        // A wider family gives a wider interval for the same pair.
        let a = try #require(one.methodComparisons.first), b = try #require(two.methodComparisons.first)
        #expect(a.difference.mean == b.difference.mean)
        #expect(b.difference.upper - b.difference.lower > a.difference.upper - a.difference.lower)
        // The page and the JSON show the pairs; a file without compare: has neither.
        let provenance = Provenance(commit: "x", toolchain: "t", wallTimeSeconds: 0)
        let page = MarkdownReport.page(two, provenance: provenance)
        #expect(page.markdown.contains("## Method comparisons") && page.markdown.contains("2 paired comparisons"))
        #expect(page.plots.keys.contains("plots/compare-test/fast+vs+twin+gap.svg"))
        #expect(try JSONReport.render(two, provenance: provenance).contains("\"method-comparisons\""))
        var none = two
        none.methodComparisons = []
        #expect(!MarkdownReport.page(none, provenance: provenance).markdown.contains("paired comparisons"))
        #expect(try !JSONReport.render(none, provenance: provenance).contains("method-comparisons"))
    }

    @Test("a deterministic pair decides from one seed")
    func oneSeed() throws {
        let yaml = Self.file("  - {a: fast, b: slow}", oracle: "[]").replacingOccurrences(of: "seeds: 8", with: "seeds: 1")
        let c = try #require(try Self.result(yaml).methodComparisons.first)
        #expect(c.difference.pairs == 1 && c.difference.finding == .aLower, "\(c)")
    }

    @Test("swapping a and b negates the difference and its interval and swaps the finding; a seed with a non-finite side is left out")
    func swapSymmetry() throws {
        let a: [Double?] = [1.0, 1.2, 0.9, 1.1, nil, .infinity], b: [Double?] = [2.0, 2.1, 2.2, 1.9, 2.0, 2.0]
        let ab = try PairedDifference(a, b, confidence: 0.99, deterministic: false)
        let ba = try PairedDifference(b, a, confidence: 0.99, deterministic: false)
        #expect(ab.pairs == 4 && ab.aLowerOnSeeds == 4 && ba.aLowerOnSeeds == 0)
        #expect(ab.mean == -ba.mean && ab.lower == -ba.upper && ab.upper == -ba.lower)
        #expect(ab.finding == .aLower && ba.finding == .bLower)
        // One pair of a random run decides nothing.
        let one = try PairedDifference([1.0], [2.0], confidence: 0.99, deterministic: false)
        #expect(one.finding == .noSignificantDifference && one.lower == -.infinity)
    }
}
