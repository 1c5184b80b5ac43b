/// Markdown reports (DESIGN.md "Reports"): `index.md` on one screen and one page per problem,
/// rendered from ``ExperimentResult`` alone, with SVG plots written beside them.
public enum MarkdownReport {
    static func verdictCell(_ b: CheckedBound) -> String {
        let word = "`\(b.verdict.verdict.rawValue)`"
        if let expected = b.expected { return b.fails ? "\(word) ✗ (expected `\(expected.rawValue)`)" : "\(word) ✓ expected" }
        return b.fails ? "\(word) ✗" : word
    }

    static func number(_ v: Double?) -> String { v.map { $0.isFinite ? fmt($0) : "—" } ?? "—" }

    /// The index: every problem × method × bound with verdict, tightness and floor; alert blocks
    /// for failures.
    public static func index(_ results: [ExperimentResult], provenance: Provenance) -> String {
        var out = "# BoundCheck report\n\n"
        let failed = results.filter { !$0.passed }
        out += "\(results.count) problem file(s), \(failed.isEmpty ? "all as expected" : "\(failed.count) with unexpected verdicts").\n\n"
        for r in failed {
            let bad = r.methods.flatMap { m in m.bounds.filter(\.fails).map { "\(m.method.id)/\($0.evaluation.id) `\($0.verdict.verdict.rawValue)`" } }
            out += "> [!CAUTION]\n> **[\(r.name)](\(r.name).md)**: \((bad + r.unmatchedExpectations.map { "expectation \($0) matched nothing" }).joined(separator: ", "))\n\n"
        }
        out += "| problem | method | bound | kind | verdict | tightness | floor |\n|---|---|---|---|---|---|---|\n"
        for r in results {
            for m in r.methods {
                for b in m.bounds {
                    out += "| [\(r.name)](\(r.name).md) | \(m.method.id) | \(b.evaluation.id) | \(b.evaluation.kind.rawValue) | \(verdictCell(b)) | \(number(b.verdict.tightness)) | \(number(b.evaluation.floor)) |\n"
                }
                if m.bounds.isEmpty { out += "| [\(r.name)](\(r.name).md) | \(m.method.id) | — | — | no bound selected | — | — |\n" }
            }
        }
        out += "\nTightness is the largest observed/bound ratio over the checkpoints; the floor is the bound's K → ∞ limit. "
        out += "GSL \(provenance.gslVersion), \(provenance.toolchain), commit \(provenance.commit).\n"
        return out
    }

    /// One problem's page and its plots (file name → SVG).
    public static func page(_ r: ExperimentResult, provenance: Provenance) -> (markdown: String, plots: [String: String]) {
        var plots: [String: String] = [:]
        var out = "# \(r.name)\n\n"
        if !r.description.isEmpty { out += "\(r.description)\n\n" }
        out += r.passed ? "**Verdict: pass** — every bound as expected.\n\n" : "> [!CAUTION]\n> **Verdict: fail** — see the bounds marked ✗.\n\n"
        out += "Family `\(r.family)`, d = \(r.dimension), \(r.workers) worker(s); oracle: \(r.oracle.isEmpty ? "exact gradients" : r.oracle.map { "`\($0)`" }.joined(separator: " → "))"
        out += r.oracleDeterministic ? " (deterministic: one seed, exact comparison).\n" : ".\n"
        out += "Profile `\(r.profile)`: \(r.iterations) iterations, \(r.seeds) seed(s), confidence \(r.confidence) with a Bonferroni correction over \(r.comparisons) comparisons.\n\n"
        out += "## Constants\n\n| name | value | how obtained |\n|---|---|---|\n"
        for name in ConstantTable.order {
            guard let e = r.constants.entries[name] else { continue }
            let declared = e.declared ? " (declared; computed \(number(e.computed)))" : ""
            out += "| \(name) | \(fmt(e.value))\(declared) | \(e.how) |\n"
        }
        if r.fstarIsLowerBound { out += "\nf* is not known: `fstar` is a lower bound f_inf, so gradient bounds stay valid (looser) and gap bounds do not apply.\n" }
        for m in r.methods {
            let method = m.method
            out += "\n## \(method.id)\n\n`\(method.kind)`, β = \(fmt(method.beta)), γ = \(fmt(method.gamma)) (\(method.stepRule))"
            if method.kind == "mdsgd" {
                out += ", sparsifier `\(method.sparsifier ?? "")`, \(method.variant ?? "") momentum. Transformation identity: max relative deviation \(number(m.trace.identityDeviation))"
            }
            out += ".\n"
            if m.trace.divergedSeeds > 0 { out += "\n> [!WARNING]\n> \(m.trace.divergedSeeds) of \(m.trace.seeds) seeds diverged.\n" }
            out += "\n| bound | kind | metric | verdict | tightness | final ratio | floor | plateau/floor | largest γ | source |\n|---|---|---|---|---|---|---|---|---|---|\n"
            for b in m.bounds {
                let e = b.evaluation
                out += "| \(e.id) | \(e.kind.rawValue) | \(e.metric.rawValue) | \(verdictCell(b)) | \(number(b.verdict.tightness)) | \(number(b.verdict.finalRatio)) | \(number(e.floor)) | \(number(b.verdict.plateauOverFloor)) | \(number(e.largestStep)) | \(e.source) |\n"
            }
            for b in m.bounds {
                let e = b.evaluation
                out += "\n**\(e.id)** (\(e.kind.rawValue)): `\(e.formula)` — \(b.verdict.reason)"
                if let n = b.verdict.seedsToDecide { out += " About \(n) seeds would decide it." }
                if !e.notes.isEmpty { out += " Notes: " + e.notes.keys.sorted().map { "\($0) = \(fmt(e.notes[$0]!))" }.joined(separator: ", ") + "." }
                out += "\n"
            }
            for metric in Set(m.bounds.filter { !$0.verdict.comparisons.isEmpty }.map(\.evaluation.metric)).sorted(by: { $0.rawValue < $1.rawValue }) {
                let file = "plots/\(r.name)-\(method.id)-\(metric.rawValue).svg"
                plots[file] = plot(r, m, metric)
                out += "\n![\(method.id) \(metric.rawValue)](\(file))\n"
            }
        }
        out += "\n## Provenance\n\nSpec hash `\(r.specHash)`, source `\(r.sourcePath ?? "in code")`, commit `\(provenance.commit)`, \(provenance.toolchain), GSL \(provenance.gslVersion), wall time \(String(format: "%.1f", provenance.wallTimeSeconds)) s.\n"
        return (out, plots)
    }

    static func plot(_ r: ExperimentResult, _ m: MethodResult, _ metric: Metric) -> String {
        let t = m.trace
        var xs: [Double] = [], ys: [Double] = [], lo: [Double] = [], hi: [Double] = []
        let z = 1.96
        for (c, k) in t.checkpoints.enumerated() {
            let s = t.statistics(metric, at: c)
            guard s.count > 0 else { continue }
            let half = s.count > 1 ? z * s.standardDeviation / Double(s.count).squareRoot() : 0
            xs.append(Double(max(k, 1))); ys.append(s.mean); lo.append(s.mean - half); hi.append(s.mean + half)
        }
        var series = [PlotSeries(label: "observed mean (95% band)", x: xs, y: ys, lower: lo, upper: hi)]
        for b in m.bounds where b.evaluation.metric == metric && !b.verdict.comparisons.isEmpty {
            series.append(PlotSeries(label: "\(b.evaluation.id) (\(b.evaluation.kind.rawValue))",
                                     x: b.verdict.comparisons.map { Double(max($0.k, 1)) },
                                     y: b.verdict.comparisons.map(\.bound), style: .dashed))
        }
        return LinePlot(title: "\(r.name) · \(m.method.id) · \(metric.rawValue)", xLabel: "iteration k",
                        yLabel: metric.rawValue, xScale: .log10, yScale: .log10, series: series).svg()
    }
}
