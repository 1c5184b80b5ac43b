/// The section of a problem's page for the pairs a file lists in `compare:`.
extension MarkdownReport {
    static func comparisonSection(_ r: ExperimentResult, plots: inout [String: String]) -> String {
        var out = "\n## Method comparisons\n\nThe pairs this file lists in `compare:`, paired over seeds (the methods share random streams seed by seed). "
        out += "At the last checkpoint, the mean difference a − b of the gap f(xᴷ) − f* or of avg-grad (1/K) Σ ‖∇f(xʲ)‖², with a two-sided interval "
        out += "at the report's confidence with its Bonferroni correction (each pair is one of the report's comparisons); the finding is the lower method "
        out += "when the interval excludes 0. A finding never fails the report. The plots show the difference at every checkpoint with \(r.confidence) intervals (uncorrected).\n\n"
        let header = ["a", "b", "metric", "k", "mean a", "mean b", "difference a − b [interval]", "level", "a lower on", "finding"]
        out += "| " + header.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: header.count) + "\n"
        for c in r.methodComparisons {
            let d = c.difference
            let diverged = c.divergedA + c.divergedB > 0 ? " (diverged: \(c.a) \(c.divergedA), \(c.b) \(c.divergedB))" : ""
            let cells = [c.a, c.b, c.metric.rawValue, String(c.atK), number(c.meanA), number(c.meanB),
                         "\(number(d.mean)) [\(number(d.lower)), \(number(d.upper))]", fmt(c.level),
                         "\(d.aLowerOnSeeds)/\(d.pairs) seeds\(diverged)", c.findingText]
            out += "| " + cells.joined(separator: " | ") + " |\n"
        }
        for c in r.methodComparisons {
            guard let svg = ReportPlots.comparisonPlot(r, c) else { continue }
            let file = ReportPlots.comparisonPlotFile(r, c)
            plots[file] = svg
            out += "\n![\(c.a) against \(c.b), \(c.metric.rawValue)](\(file))\n"
        }
        return out
    }
}
