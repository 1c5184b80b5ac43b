import Foundation
import Testing
@testable import BoundCheck

/// Sweeps (docs/problem-files.md, "Sweeps"): key paths, cells built by the normal builder,
/// errors at the sweep entry naming the cell, one Bonferroni family, one report per file.
@Suite struct SweepTests {
    static let base = """
        name: tiny-sweep
        seed: 4
        problem:
          family: quadratic
          dimension: 6
          workers: 2
          spectrum: {min: 0.5, max: 2}
        oracle:
          - gaussian-noise: {variance: 0.2}
          - top-k: {k: 5}
        methods:
          - {id: m, method: sgdm, beta: 0.5, step: 0.1}
          - {id: s, method: sgd, step: 0.1}
          - {id: s-eff, method: sgd, step: 0.05}
        bounds: [AS-1]
        run: {iterations: 60, seeds: 4, checkpoints: 6}

        """

    static func load(_ sweep: String, allowLarge: Bool = false) throws -> [ExperimentSpec] {
        try SpecLoader(allowLarge: allowLarge).loadAll(yaml: base + sweep, file: "tiny.yaml", defaultName: "tiny")
    }

    static func diagnostics(_ sweep: String) -> [Diagnostic] {
        do { _ = try load(sweep); return [] } catch let e as SpecErrors { return e.diagnostics } catch { return [] }
    }

    @Test("key paths parse indices, names and keys, and refuse malformed text with a reason")
    func keyPathSyntax() throws {
        let p = try YAMLKeyPath.parse("oracle[top-k].k").get()
        #expect(p.steps == [.key("oracle"), .name("top-k"), .key("k")])
        #expect(try YAMLKeyPath.parse("methods[0].beta").get().steps == [.key("methods"), .index(0), .key("beta")])
        for bad in ["", "methods[", "methods[].beta", "a..b", "a.", "methods[0]beta", "a b"] {
            if case .success = YAMLKeyPath.parse(bad) { Issue.record("'\(bad)' parsed as a key path") }
        }
    }

    @Test("the grid is the Cartesian product, last axis fastest, each cell with its substituted values")
    func cartesianProduct() throws {
        let specs = try Self.load("""
            sweep:
              methods[m].beta: [0.2, 0.8]
              oracle[top-k].k: [1, 2, 6]
            """)
        #expect(specs.count == 6)
        #expect(specs.map { $0.methods[0].beta } == [0.2, 0.2, 0.2, 0.8, 0.8, 0.8])
        #expect(specs.map(\.name) == (1...6).map { "tiny-sweep.cell\($0)" })
        #expect(specs[4].sweepCell?.coordinates == [1, 1])
        #expect(specs[4].sweepCell?.assignments == "methods[m].beta = 0.8, oracle[top-k].k = 2")
        #expect(Set(specs.map(\.specHash)).count == 6, "every cell has its own cache key")
        // The same value by index and by name is the same substitution.
        let byIndex = try Self.load("sweep:\n  oracle[1].top-k.k: [1, 2, 6]\n")
        #expect(byIndex.map { $0.oracle } == specs.prefix(3).map(\.oracle))
    }

    @Test("a whole stage can be a sweep value (bias type and level on one axis)")
    func stageValues() throws {
        let specs = try Self.load("sweep:\n  oracle[1]: [{top-k: {k: 2}}, {additive-bias: {norm: 0.3}}]\n")
        #expect(specs.map { $0.oracle.map(\.name) } == [["gaussian-noise", "top-k"], ["gaussian-noise", "additive-bias"]])
    }

    @Test("a path that names nothing, an empty list and overlapping paths are errors at the sweep entry")
    func badAxes() {
        let missing = Self.diagnostics("sweep:\n  methods[m].momentumm: [1]\n")
        #expect(missing.count == 1 && missing[0].line == 18 && missing[0].message.contains("has no key 'momentumm'"))
        let empty = Self.diagnostics("sweep:\n  methods[m].beta: []\n")
        #expect(empty.count == 1 && empty[0].line == 18 && empty[0].message.contains("empty list"))
        let ambiguous = Self.diagnostics("sweep:\n  methods[sgd].step: [0.1]\n")
        #expect(ambiguous.first?.message.contains("matches 2 items") == true)
        let overlap = Self.diagnostics("sweep:\n  oracle[1]: [{top-k: {k: 2}}]\n  oracle[top-k].k: [1]\n")
        #expect(overlap.first?.message.contains("names the same value") == true)
    }

    @Test("a value the target key rejects is reported at the sweep entry, naming the cell")
    func rejectedValue() {
        let d = Self.diagnostics("sweep:\n  methods[m].beta: [0.5, 1.5]\n")
        #expect(d.count == 1)
        #expect(d.first?.line == 18 && d.first?.column == 26, "at the value 1.5 in the sweep list")
        #expect(d.first?.message.contains("sweep cell 2 of 2: methods[m].beta = 1.5") == true)
    }

    @Test("the grid size is capped without --allow-large, with the sizes in the message")
    func gridCap() {
        let long = "[" + (1...20).map { "0.\($0 < 10 ? "0" : "")\($0)" }.joined(separator: ", ") + "]"
        let d = Self.diagnostics("sweep:\n  methods[m].beta: \(long)\n  methods[s].step: \(long)\n")
        #expect(d.first?.message.contains("400 cells (20 × 20), over the limit of \(SpecLoader.maximumSweepCells)") == true)
    }

    @Test("the Bonferroni family spans the sweep: every cell's divisor counts every cell's comparisons")
    func oneFamily() throws {
        let specs = try Self.load("sweep:\n  methods[m].beta: [0.3, 0.6]\n")
        let prepared = PreparedExperiment.sharingSweepFamilies(try specs.map { try PreparedExperiment(spec: $0) })
        let planned = try specs.map { try PreparedExperiment(spec: $0).plannedBoundComparisons }
        #expect(planned.allSatisfy { $0 > 0 })
        #expect(prepared[0].otherCellsComparisons == planned[1] && prepared[1].otherCellsComparisons == planned[0])
        var lone = specs[0]
        lone.sweepCell = nil
        let alone = try PreparedExperiment(spec: lone)
        let traces = Experiment.run(alone, jobs: 1)
        let single = try Experiment.judge(alone, traces: traces)
        let inSweep = try Experiment.judge(prepared[0], traces: traces)
        #expect(inSweep.comparisons == single.comparisons + planned[1])
        #expect(inSweep.sweep?.index == 0 && single.sweep == nil)
    }

    @Test("one report per sweep: its page, JSON with every cell and heatmaps; no page per cell; the index links the sweep")
    func oneReport() throws {
        let specs = try Self.load("sweep:\n  methods[m].beta: [0.3, 0.6]\n  methods[m].step: [0.05, 0.1]\n")
        let prepared = try ProblemFiles.prepare(specs, quick: false)
        let request = CheckRequest(settings: CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil),
                                   jobs: 2, commit: "c", toolchain: "t")
        guard case .reports(let pages) = try CheckRun.run(prepared, request: request, cache: nil, codeVersion: "", events: { _ in }) else {
            Issue.record("expected reports"); return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = ReportWriter(directory: folder.path, dryRun: true)
        try ReportSet.write(pages, formats: ["md", "json"], to: writer, indexProvenance: Provenance(commit: "c", toolchain: "t", wallTimeSeconds: 0))
        #expect(writer.written.contains("tiny-sweep.md") && writer.written.contains("tiny-sweep.json"))
        #expect(!writer.written.contains { $0.contains(".cell") }, "no page per cell")
        #expect(writer.written.contains("plots/tiny-sweep/heatmap-final-gap-1x2.svg"))
        #expect(writer.written.contains("plots/tiny-sweep/heatmap-sgdm-minus-sgd-equal-step-1x2.svg"))
        let page = try SweepReport.render(name: "tiny-sweep", cells: pages.map(\.result), provenance: pages[0].provenance)
        let json = try JSONSerialization.jsonObject(with: Data(page.json.utf8)) as? [String: Any]
        #expect((json?["cells"] as? [Any])?.count == 4)
        #expect(page.markdown.contains("| 4 | `0.6` | `0.1` |"))
        let index = MarkdownReport.index(pages.map(\.result), provenance: pages[0].provenance)
        #expect(index.contains("(tiny-sweep.md)") && !index.contains("cell1.md"))
        // One row for the sweep file, its four cells' counts summed; the headline counts files.
        #expect(index.contains("| [tiny-sweep (sweep, 4 cells)](tiny-sweep.md) | pass |"), "\(index)")
        #expect(index.contains("1 problem file(s) (4 experiments, counting each sweep cell), all as expected."))
        #expect(SummaryReport.render(pages.map(\.result), provenance: pages[0].provenance)
            .hasPrefix("## ✅ BoundCheck: 1/1 problem files as expected (4 experiments, counting each sweep cell)\n"))
    }

    @Test("a sharded sweep merges to the verdicts and numbers of an unsharded run, with the same family")
    func shardedSweep() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-shards-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("tiny.yaml")
        try (Self.base + "sweep:\n  methods[m].beta: [0.3, 0.6]\n").write(to: file, atomically: true, encoding: .utf8)
        let prepared = try ProblemFiles.prepare(try ProblemFiles.load([file.path], with: SpecLoader()), quick: false)
        func request(_ shard: Shard?) -> CheckRequest {
            CheckRequest(settings: CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil),
                         jobs: 1, shard: shard, commit: "c", toolchain: "t")
        }
        guard case .reports(let whole) = try CheckRun.run(prepared, request: request(nil), cache: nil, codeVersion: "", events: { _ in }) else {
            Issue.record("expected reports"); return
        }
        var shards: [(file: String, contents: ShardFile)] = []
        for index in 1...2 {
            guard case .shard(let f, _) = try CheckRun.run(prepared, request: request(try Shard(index: index, count: 2)), cache: nil,
                                                           codeVersion: "v", events: { _ in }) else { Issue.record("expected a shard"); return }
            shards.append(("shard-\(index)", f))
        }
        let merged = try CheckRun.judge(try MergedRun.merge(shards, loader: SpecLoader()), commit: "c", toolchain: "t", events: { _ in })
        #expect(merged.map(\.result) == whole.map(\.result))
        #expect(merged[0].result.sweep?.cells == 2)
    }
}
