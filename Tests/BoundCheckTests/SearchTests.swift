import Foundation
import Testing
@testable import BoundCheck

/// The worst-case hunt (docs/problem-files.md, "Searches"): it finds and confirms a planted
/// violation, confirms none for a true bound, writes a file that reproduces the confirmation,
/// and refuses bad ranges with their positions.
@Suite struct SearchTests {
    /// A user bound false only in the corner γ ≥ 0.4, σ² ≥ 0.5 of the box.
    static func file(expression: String, search: String? = nil) -> String {
        """
        name: planted
        seed: 3
        problem:
          family: quadratic
          dimension: 8
          workers: 2
          spectrum: {min: 0.5, max: 2}
          start: {scale: 1.0}
        oracle:
          - gaussian-noise: {variance: 0.1}
        methods:
          - {id: sgd, method: sgd, step: 0.1}
        bounds: []
        run: {iterations: 150, seeds: 12, checkpoints: 8}
        user-bounds:
          - id: planted
            method: sgd
            metric: gap
            expression: "\(expression)"
        search:
        \(search ?? "  methods[sgd].step: {min: 0.05, max: 0.5}\n  oracle[gaussian-noise].variance: {range: [0.01, 1], scale: log}")

        """
    }
    static let falseInCorner = "1e-3 + 100*max(0, 0.4 - gamma) + 100*max(0, 0.5 - sigma2)"

    static func search(_ text: String, budget: Int = 24) throws -> SearchOutcome {
        let loader = SpecLoader()
        let space = try loader.loadSearch(yaml: text, file: "planted.yaml", defaultName: "planted")
        return try Search.run(space, request: SearchRequest(bound: "planted", budget: budget, jobs: 2), loader: loader,
                              catalog: .standard, commit: "c", toolchain: "t")
    }

    @Test("a bound false only in a corner of the box: the search finds the corner and the fresh-seed confirmation calls it violated")
    func findsPlantedViolation() throws {
        let o = try Self.search(Self.file(expression: Self.falseInCorner))
        #expect(o.evaluations.count == 24)
        let best = try #require(o.best)
        #expect(Double(best.values[0])! >= 0.4 && Double(best.values[1])! >= 0.5, "the best point lies in the corner")
        #expect(o.violated)
        #expect(o.confirmed?.verdict == "sgd: violated")
        // Every evaluation ran on seeds of its own, and the confirmation on seeds none used.
        let firstSeeds = o.evaluations.map(\.firstSeed)
        #expect(Set(firstSeeds).count == firstSeeds.count && !firstSeeds.contains(o.confirmationSeed))
        #expect(firstSeeds.allSatisfy { $0 >= 12 }, "the file's own seeds 0..<12 are left to check")
    }

    @Test("a true bound: nothing is confirmed violated (exit 0)")
    func trueBoundHolds() throws {
        let o = try Self.search(Self.file(expression: "1e-3 + 100*max(0, 0.4 - gamma) + 100*max(0, 0.5 - sigma2) + 10*D0 + 10"), budget: 12)
        #expect(o.best != nil && !o.violated)
        #expect((o.confirmed?.upperRatio ?? 2) < 1)
    }

    @Test("the worst-case file has no search: key and check on it reproduces the confirmation's tightness exactly")
    func worstCaseFileReproduces() throws {
        let o = try Self.search(Self.file(expression: Self.falseInCorner), budget: 12)
        #expect(!o.worstCaseFile.contains("search:"))
        let spec = try SpecLoader().load(yaml: o.worstCaseFile, file: "planted-worst.yaml")
        let prepared = try PreparedExperiment(spec: spec)
        let request = CheckRequest(settings: CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil),
                                   jobs: 1, commit: "c", toolchain: "t")
        guard case .reports(let pages) = try CheckRun.run([prepared], request: request, cache: nil, codeVersion: "", events: { _ in }) else {
            Issue.record("expected reports"); return
        }
        let again = Search.ratios(pages[0].result, bound: "planted", method: nil, catalog: .standard)
        #expect(again.tightness == o.confirmed?.tightness && again.tightness != nil)
        #expect(again.upper == o.confirmed?.upperRatio)
        #expect(pages[0].result.name == "planted-worst")
    }

    @Test("bad ranges are bad input with their positions: inverted, empty, log of a non-positive value, a path that names nothing")
    func badRanges() {
        func problems(_ search: String) -> [Diagnostic] {
            do { _ = try SpecLoader().loadSearch(yaml: Self.file(expression: "1", search: search), file: "f.yaml"); return [] }
            catch let e as SpecErrors { return e.diagnostics } catch { return [] }
        }
        let inverted = problems("  methods[sgd].step: {min: 0.5, max: 0.1}")
        #expect(inverted.count == 1 && inverted[0].line == 21 && inverted[0].message.contains("inverted"))
        #expect(problems("  methods[sgd].step: {min: 0.5, max: 0.5}").first?.message.contains("empty") == true)
        #expect(problems("  methods[sgd].step: {min: 0, max: 0.5, scale: log}").first?.message.contains("log scale needs min > 0") == true)
        let missing = problems("  methods[sgd].stepp: {min: 0.1, max: 0.5}")
        #expect(missing.count == 1 && missing[0].line == 21 && missing[0].column == 3 && missing[0].message.contains("no key 'stepp'"))
        #expect(problems("  problem.family: {min: 1, max: 2}").first?.message.contains("must name a number") == true)
        #expect(problems("  methods[sgd].step: [0.1, 0.5]").isEmpty == false)
    }

    @Test("integer parameters are rounded and ranges map linearly or logarithmically from the unit interval")
    func rangeMapping() {
        let log = SearchRange(path: "x", low: 0.01, high: 1, logarithmic: true, integer: false, hops: [])
        #expect(log.value(at: 0.5).value == 0.1 && log.value(at: 2).value == 1)
        let k = SearchRange(path: "k", low: 1, high: 10, logarithmic: false, integer: true, hops: [])
        #expect(k.value(at: 0.5).text == "6" && k.value(at: 0).text == "1")
        let lhs = Search.latinHypercube(count: 5, dimensions: 2, seed: 1)
        for d in 0..<2 { #expect(Set(lhs.map { Int($0[d] * 5) }) == Set(0..<5), "one point per stratum") }
    }
}
