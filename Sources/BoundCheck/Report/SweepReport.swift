import Foundation
import SVGChart

extension ExperimentResult {
    /// The page (without `.md`) that reports this result: its own, or its sweep's for a cell.
    public var reportPage: String { sweep?.sweep ?? name }
}

/// The report of a sweep (docs/verdicts.md, "Sweeps"): one page for all its cells — the grid as
/// a table, heatmaps over two parameters at a time, and the JSON with every cell's full report.
public enum SweepReport {
    /// One rendered sweep: its Markdown page, its JSON, its plots by path.
    public struct Page {
        public var name: String
        public var markdown: String
        public var json: String
        public var plots: [String: String]
    }

    /// Results grouped by sweep, in the order their first cell appears; cells in grid order.
    public static func groups(_ results: [ExperimentResult]) -> [(name: String, cells: [ExperimentResult])] {
        var order: [String] = []
        var cells: [String: [ExperimentResult]] = [:]
        for r in results {
            guard let s = r.sweep else { continue }
            if cells[s.sweep] == nil { order.append(s.sweep) }
            cells[s.sweep, default: []].append(r)
        }
        return order.map { ($0, cells[$0]!.sorted { $0.sweep!.index < $1.sweep!.index }) }
    }

    /// The method a cell's headline numbers are about: its first `sgdm` method, else its first.
    static func primary(_ r: ExperimentResult) -> MethodResult? {
        r.methods.first { $0.method.kind == .sgdm } ?? r.methods.first
    }

    static func finalGap(_ m: MethodResult) -> Double? {
        guard let c = m.trace.checkpoints.indices.last else { return nil }
        let s = m.trace.statistics(.gap, at: c)
        return s.count > 0 && s.mean.isFinite ? s.mean : nil
    }

    static func comparison(_ r: ExperimentResult, _ pairing: MomentumComparison.Pairing) -> MomentumComparison? {
        guard let p = primary(r) else { return nil }
        return r.momentumComparisons.first { $0.momentum == p.method.id && $0.pairing == pairing }
    }

    /// The late tightness of bound `id` for the cell's primary method.
    static func tightness(_ r: ExperimentResult, bound id: String) -> Double? {
        primary(r)?.bounds.first { $0.evaluation.id == id }?.verdict.tightness.flatMap { $0.isFinite ? $0 : nil }
    }

    /// A quantity drawn as heatmaps: its value and mark in a cell.
    struct Quantity {
        var slug: String
        var title: String
        var legend: String
        var scale: Heatmap.Scale
        var note: String
        var value: (ExperimentResult) -> (Double?, Bool)
    }

    static func quantities(_ cells: [ExperimentResult]) -> [Quantity] {
        let method = cells.first.flatMap(primary)?.method.id ?? "the first method"
        var list: [Quantity] = [
            Quantity(slug: "final-gap", title: "Final gap f(x^K) − f* of \(method)", legend: "mean final gap over seeds",
                     scale: .sequential, note: "", value: { r in (primary(r).flatMap(finalGap), false) }),
        ]
        for (pairing, slug) in [(MomentumComparison.Pairing.equalStep, "sgdm-minus-sgd-equal-step"),
                                (.equalEffectiveStep, "sgdm-minus-sgd-equal-effective-step")] {
            list.append(Quantity(slug: slug, title: "SGDM − SGD paired gap difference at \(pairing.rawValue) (\(method))",
                                 legend: "mean paired difference at k* (negative: momentum lower)", scale: .diverging,
                                 note: "* and outline: significant (the interval excludes 0 at the file's confidence; descriptive, no Bonferroni)",
                                 value: { r in
                                     guard let c = comparison(r, pairing) else { return (nil, false) }
                                     return (c.meanDifference, c.finding != .noSignificantDifference)
                                 }))
        }
        var bounds: [String] = []
        for r in cells { for b in primary(r)?.bounds ?? [] where !bounds.contains(b.evaluation.id) { bounds.append(b.evaluation.id) } }
        for id in bounds {
            list.append(Quantity(slug: "tightness-\(id)", title: "Late tightness of \(id) for \(method)",
                                 legend: "observed / bound at k ≥ K/2 (over 1: above the bound)", scale: .sequential,
                                 note: "* and outline: verdict violated; n/a: the bound does not apply there", value: { r in
                                     let violated = primary(r)?.bounds.contains { $0.evaluation.id == id && $0.verdict.verdict == .violated } ?? false
                                     return (tightness(r, bound: id), violated)
                                 }))
        }
        return list
    }

    static func fmt(_ v: Double?) -> String { v.map { $0.isFinite ? BoundCheck.fmt($0) : "—" } ?? "—" }

    public static func render(name: String, cells: [ExperimentResult], provenance: Provenance) throws -> Page {
        guard let first = cells.first, let info = first.sweep else {
            return Page(name: name, markdown: "# Sweep \(name)\n\nNo cells.\n", json: "{}\n", plots: [:])
        }
        let axes = info.axes
        let failed = cells.filter { !$0.passed }
        var out = "# Sweep: \(name)\n\n"
        if !first.description.isEmpty { out += first.description.trimmingCharacters(in: .whitespacesAndNewlines) + "\n\n" }
        out += "\(cells.count) cells (\(axes.map { String($0.values.count) }.joined(separator: " × "))), \(first.profile) profile: "
        out += "\(first.iterations) iterations, \(first.seeds) seeds per method; \(first.family) in d = \(first.dimension) on \(first.workers) workers. "
        out += "Every cell is a full experiment (probe included); the Bonferroni family spans the whole sweep: "
        out += "\(first.comparisons) comparisons at confidence \(first.confidence).\n\n"
        out += failed.isEmpty ? "All cells as expected.\n\n" : "> [!CAUTION]\n> \(failed.count) of \(cells.count) cells with unexpected verdicts: \(failed.map { "cell \($0.sweep!.index + 1)" }.joined(separator: ", ")).\n\n"
        out += "## Axes\n\n| key path | values |\n|---|---|\n"
        for a in axes { out += "| `\(a.path)` | \(a.values.map { "`\($0)`" }.joined(separator: ", ")) |\n" }

        out += "\n## Cells\n\n"
        out += "Final gap: mean f(xᴷ) − f* over seeds, per method. SGDM − SGD: the mean paired gap difference at k* for the first SGDM method"
        out += " (negative: momentum lower; **bold**: significant). Tightness: the largest late observed/bound over the cell's bounds.\n\n"
        out += "| cell | " + axes.map { "`\($0.path)`" }.joined(separator: " | ") + " | result | verdicts | worst late tightness | SGDM − SGD equal γ | SGDM − SGD equal γβ | final gap |\n"
        out += "|" + String(repeating: "---|", count: axes.count + 7) + "\n"
        for r in cells {
            let s = r.sweep!
            let verdicts = r.methods.flatMap { $0.bounds.map(\.verdict.verdict.rawValue) }
            let counted = Dictionary(grouping: verdicts, by: { $0 }).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }
            let failing = r.failedChecks.map { "✗ \($0.check) `\($0.verdict)`" }
            let worst = r.methods.flatMap { m in m.bounds.compactMap { b in b.verdict.tightness.map { ($0, "\(m.method.id)/\(b.evaluation.id)") } } }
                .filter { $0.0.isFinite }.max { $0.0 < $1.0 }
            func diff(_ p: MomentumComparison.Pairing) -> String {
                guard let c = comparison(r, p) else { return "—" }
                let text = fmt(c.meanDifference)
                return c.finding == .noSignificantDifference ? text : "**\(text)**"
            }
            let gaps = r.methods.map { "\($0.method.id) \(fmt(finalGap($0)))" }.joined(separator: "; ")
            out += "| \(s.index + 1) | " + zip(s.axes, s.coordinates).map { "`\($0.values[$1])`" }.joined(separator: " | ")
            out += " | \(r.passed ? "pass" : "**fail**") | \((counted + failing).joined(separator: ", ")) | "
            out += "\(worst.map { "\(fmt($0.0)) (\($0.1))" } ?? "—") | \(diff(.equalStep)) | \(diff(.equalEffectiveStep)) | \(gaps) |\n"
        }

        var plots: [String: String] = [:]
        out += "\n## Heatmaps\n\n"
        out += "Two parameters at a time; the other parameters' values, if any, each get a panel. Cell labels give the values; grey cells have none.\n"
        for q in quantities(cells) {
            let charts = heatmaps(q, cells: cells, axes: axes)
            guard !charts.isEmpty else { continue }
            out += "\n### \(q.title)\n\n"
            for (suffix, chart) in charts {
                let path = "plots/\(name)/heatmap-\(q.slug)-\(suffix).svg"
                plots[path] = chart.svg()
                out += "![\(q.title)](\(path))\n\n"
            }
        }
        out += "\n---\n\nCommit `\(provenance.commit)`, \(provenance.toolchain), GSL \(provenance.gslVersion), wall time \(String(format: "%.1f", provenance.wallTimeSeconds)) s.\n"

        // The JSON: the sweep's axes, and per cell its parameters and full report (its numbers
        // as they read back from the report's own text: JSONValue.reread).
        var cellDocuments: [JSONValue] = []
        for r in cells {
            let s = r.sweep!
            var parameters: [String: JSONValue] = [:]
            for (a, c) in zip(s.axes, s.coordinates) { parameters[a.path] = .string(a.values[c]) }
            cellDocuments.append(.object(["cell": .int(s.index + 1), "parameters": .object(parameters), "verdict": .string(r.passed ? "pass" : "fail"),
                                          "report": JSONReport.document(r, provenance: provenance).reread()]))
        }
        let document: JSONValue = .object([
            "sweep": .string(name), "description": .string(first.description), "verdict": .string(failed.isEmpty ? "pass" : "fail"),
            "axes": .array(axes.map { .object(["path": .string($0.path), "values": .strings($0.values)]) }),
            "comparisons": .int(first.comparisons), "confidence": .double(first.confidence), "cells": .array(cellDocuments),
        ])
        return Page(name: name, markdown: out, json: try document.prettyText() + "\n", plots: plots)
    }

    /// The heatmaps of one quantity: one per pair of axes (x the axis with the shorter labels),
    /// with a panel per combination of the other axes' values. Empty when no cell has a value.
    static func heatmaps(_ q: Quantity, cells: [ExperimentResult], axes: [SweepAxis]) -> [(String, Heatmap)] {
        var byCoordinates: [[Int]: ExperimentResult] = [:]
        for r in cells { byCoordinates[r.sweep!.coordinates] = r }
        guard cells.contains(where: { q.value($0).0 != nil }) else { return [] }
        var pairs: [(Int, Int)] = []
        if axes.count == 1 { pairs = [(0, -1)] } else {
            for i in axes.indices { for j in axes.indices where j > i { pairs.append((i, j)) } }
        }
        var charts: [(String, Heatmap)] = []
        for (i, j) in pairs {
            var (xAxis, yAxis) = (i, j)
            if j >= 0 {
                let wi = axes[i].values.map(\.count).max() ?? 0, wj = axes[j].values.map(\.count).max() ?? 0
                if wj < wi { (xAxis, yAxis) = (j, i) }
            }
            let others = axes.indices.filter { $0 != i && $0 != j }
            var combos: [[Int]] = [[]]
            for o in others { combos = combos.flatMap { c in axes[o].values.indices.map { c + [$0] } } }
            let rowCount = yAxis >= 0 ? axes[yAxis].values.count : 1
            let panels = combos.map { combo -> HeatmapPanel in
                var values: [[Double?]] = [], marked: [[Bool]] = []
                for row in 0..<rowCount {
                    var vr: [Double?] = [], mr: [Bool] = []
                    for col in axes[xAxis].values.indices {
                        var coordinates = [Int](repeating: 0, count: axes.count)
                        coordinates[xAxis] = col
                        if yAxis >= 0 { coordinates[yAxis] = row }
                        for (o, v) in zip(others, combo) { coordinates[o] = v }
                        let (value, mark) = byCoordinates[coordinates].map(q.value) ?? (nil, false)
                        vr.append(value); mr.append(mark)
                    }
                    values.append(vr); marked.append(mr)
                }
                let title = zip(others, combo).map { "\(axes[$0].path) = \(axes[$0].values[$1])" }.joined(separator: ", ")
                return HeatmapPanel(title: title, values: values, marked: marked)
            }
            let chart = Heatmap(title: q.title, xLabel: axes[xAxis].path, yLabel: yAxis >= 0 ? axes[yAxis].path : "",
                                columns: axes[xAxis].values, rows: yAxis >= 0 ? axes[yAxis].values : [""],
                                panels: panels, scale: q.scale, legend: q.legend, note: q.note)
            charts.append((j >= 0 ? "\(min(xAxis, yAxis) + 1)x\(max(xAxis, yAxis) + 1)" : "1", chart))
        }
        return charts
    }
}
