import Foundation
import SVGChart

/// The output of `boundcheck search` (docs/problem-files.md, "Searches"): `search.md` with the
/// box, every evaluation and the confirmation; `plots/search-progress.svg`; `search.json`; the
/// worst case as `<name>-worst.yaml`; and the confirmation's own report set.
public enum SearchReport {
    public static let progressPlot = "plots/search-progress.svg"

    static func n(_ v: Double?) -> String { v.map { $0.isFinite ? fmt($0) : "—" } ?? "—" }

    /// Best upper ratio so far against evaluations, with every evaluation as a dot and the
    /// bound (ratio 1) as a dashed line.
    public static func progress(_ o: SearchOutcome) -> String {
        let evaluations = o.evaluations
        var best = -Double.infinity
        var bestSoFar: [Double] = []
        for e in evaluations {
            if let r = e.upperRatio { best = max(best, r) }
            bestSoFar.append(best.isFinite ? best : .nan)
        }
        let xs = evaluations.map { Double($0.index + 1) }
        // Dots only: a NaN between points breaks the line, leaving each point's marker.
        var dotX: [Double] = [], dotY: [Double] = []
        for e in evaluations { dotX += [Double(e.index + 1), .nan]; dotY += [e.upperRatio ?? .nan, .nan] }
        var series = [
            PlotSeries(label: "best so far", x: xs, y: bestSoFar),
            PlotSeries(label: "each evaluation", x: dotX, y: dotY, markers: true),
            PlotSeries(label: "bound (ratio 1)", x: [1, Double(max(evaluations.count, 2))], y: [1, 1], style: .dashed, color: "#000000"),
        ]
        if let c = o.confirmed?.upperRatio {
            series.append(PlotSeries(label: "confirmation (fresh seeds)", x: [Double(evaluations.count)], y: [c], color: "#009E73", markers: true))
        }
        // Ratios spanning more than two decades are drawn on a log axis.
        let positive = evaluations.compactMap(\.upperRatio).filter { $0 > 0 && $0.isFinite }
        let log = (positive.max() ?? 1) / (positive.min() ?? 1) > 100
        return LinePlot(title: "Search for the worst case of \(o.request.bound): upper ratio against evaluations",
                        xLabel: "evaluation", yLabel: "late upper limit / bound", yScale: log ? .log10 : .linear, series: series).svg()
    }

    public static func markdown(_ o: SearchOutcome) -> String {
        let spec = o.space.spec
        let file = spec.sourcePath ?? spec.name
        let profile = o.request.quick ? spec.quick : spec.run
        let seeds = o.request.seedsOverride ?? profile.seeds
        var out = "# Search: the worst case of \(o.request.bound)\(o.request.method.map { " (method \($0))" } ?? "") in `\(file)`\n\n"
        out += "The objective is the bound's late tightness taken at its upper confidence limit: the largest (upper limit of the observed metric) / bound over the checkpoints k ≥ K/2"
        out += o.request.method == nil ? ", over the methods that have the bound.\n\n" : ".\n\n"
        out += "| key path | min | max | scale | integer |\n|---|---|---|---|---|\n"
        for r in o.space.ranges { out += "| `\(r.path)` | \(fmt(r.low)) | \(fmt(r.high)) | \(r.logarithmic ? "log" : "linear") | \(r.integer ? "yes" : "no") |\n" }
        let starts = Set(o.evaluations.map(\.start)).count
        out += "\n\(o.evaluations.count) evaluations (budget \(o.request.budget)), each a full run of the \(o.request.quick ? "quick" : "full") profile (\(profile.iterations) iterations) on \(seeds) seeds of its own, "
        out += "from \(starts) start(s) of a scrambled Latin hypercube, each improved by GSL's Nelder–Mead simplex (nmsimplex2) in the box's unit coordinates (log ranges in log coordinates). Evaluations skip the assumption probe; the confirmation runs it.\n\n"
        if let best = o.best {
            out += "**Best evaluation:** #\(best.index + 1): " + zip(o.space.ranges, best.values).map { "`\($0.path)` = \($1)" }.joined(separator: ", ")
            out += "; upper ratio \(n(best.upperRatio)), tightness \(n(best.tightness)) (\(best.verdict ?? "—")).\n\n"
            out += "The largest of many noisy evaluations is biased upward, so the best point was run again on seeds no evaluation used "
            out += "(first seed \(o.confirmationSeed)); only this confirmation decides.\n\n"
            if let c = o.confirmed {
                out += "**Confirmation:** upper ratio \(n(c.upperRatio)), tightness \(n(c.tightness)), \(c.verdict ?? c.note ?? "—"). "
                out += o.violated ? "**The bound is violated at this point** (exit code 1).\n\n" : "No violation confirmed (exit code 0).\n\n"
            }
            out += "The worst case as a problem file: [\(o.worstCaseName).yaml](\(o.worstCaseName).yaml) (`boundcheck check\(o.request.quick ? " --quick" : "") \(o.worstCaseName).yaml` reproduces the confirmation); its report: [\(o.worstCaseName).md](\(o.worstCaseName).md).\n\n"
        } else {
            out += "**No evaluation gave a ratio** (the bound was never applicable, or no point was valid); nothing to confirm.\n\n"
        }
        out += "![best ratio against evaluations](\(progressPlot))\n\n"
        out += "## Every evaluation\n\n| # | start | " + o.space.ranges.map { "`\($0.path)`" }.joined(separator: " | ") + " | first seed | upper ratio | tightness | verdict or note |\n"
        out += "|" + String(repeating: "---|", count: o.space.ranges.count + 6) + "\n"
        for e in o.evaluations {
            out += "| \(e.index + 1) | \(e.start + 1) | " + e.values.joined(separator: " | ")
            out += " | \(e.firstSeed) | \(n(e.upperRatio)) | \(n(e.tightness)) | \((e.verdict ?? e.note ?? "—").replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }

    public static func json(_ o: SearchOutcome) throws -> String {
        func entry(_ e: SearchEvaluation) -> [String: JSONValue] {
            ["evaluation": .int(e.index + 1), "start": .int(e.start + 1), "values": .strings(e.values), "first-seed": .int(e.firstSeed),
             "upper-ratio": .finite(e.upperRatio), "tightness": .finite(e.tightness), "verdict": .nullable(e.verdict), "note": .nullable(e.note)]
        }
        let document: JSONValue = .object([
            "file": .string(o.space.spec.sourcePath ?? o.space.spec.name), "bound": .string(o.request.bound), "method": .nullable(o.request.method),
            "budget": .int(o.request.budget), "profile": .string(o.request.quick ? "quick" : "full"),
            "ranges": .array(o.space.ranges.map {
                .object(["path": .string($0.path), "min": .double($0.low), "max": .double($0.high), "scale": .string($0.logarithmic ? "log" : "linear"),
                         "integer": .bool($0.integer)])
            }),
            "evaluations": .array(o.evaluations.map { .object(entry($0)) }),
            "best": o.best.map { .object(entry($0)) } ?? .null,
            "confirmation": o.confirmed.map { var c = entry($0); c["violated"] = .bool(o.violated); return .object(c) } ?? .null,
            "worst-case-file": o.best == nil ? .null : .string("\(o.worstCaseName).yaml"),
        ])
        return try document.prettyText() + "\n"
    }
}

extension ClaimedOutput {
    /// Writes a search's outputs (and its confirmation's report set) and swaps them in for the
    /// folder's previous contents, as `check` writes its reports.
    public func write(_ outcome: SearchOutcome, formats: Set<ReportFormat>, commit: String, toolchain: String,
                      replacing: () -> Void = {}) throws {
        replacing()
        try OutputFolder.replace(folder) { writer in
            if let page = outcome.confirmation {
                try ReportSet.write([page], formats: Set(formats.map(\.rawValue)), to: writer,
                                    indexProvenance: Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: 0))
                try writer.write(outcome.worstCaseFile, to: "\(outcome.worstCaseName).yaml")
            }
            try writer.write(SearchReport.markdown(outcome), to: "search.md")
            try writer.write(SearchReport.progress(outcome), to: SearchReport.progressPlot)
            try writer.write(try SearchReport.json(outcome), to: "search.json")
        }
    }
}
