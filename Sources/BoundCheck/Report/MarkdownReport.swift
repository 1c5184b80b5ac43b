import Foundation

/// Markdown reports (docs/verdicts.md explains every number): `index.md` on one screen and one page per problem,
/// rendered from ``ExperimentResult`` alone, with SVG plots written beside them.
public enum MarkdownReport {
    /// A plot's path in the output folder: `plots/<problem>/<method>.<metric>.svg`. Each problem
    /// has its own folder and metric names contain no '.', so no two (problem, method, metric)
    /// share a path, whatever '-' or '.' the names contain.
    public static func plotPath(problem: String, method: String, metric: Metric) -> String {
        "plots/\(problem)/\(method).\(metric.rawValue).svg"
    }

    static func verdictCell(_ b: CheckedBound) -> String {
        let word = "`\(b.verdict.verdict.rawValue)`"
        if let expected = b.expected { return b.fails ? "\(word) ✗ (expected `\(expected.rawValue)`)" : "\(word) ✓ expected" }
        return b.fails ? "\(word) ✗" : word
    }

    static func number(_ v: Double?) -> String { v.map { $0.isFinite ? fmt($0) : "—" } ?? "—" }

    static func assumptionCell(_ c: AssumptionCheck) -> String {
        let word = "`\(c.verdict.rawValue)`"
        if let expected = c.expected { return c.fails ? "\(word) ✗ (expected `\(expected.rawValue)`)" : "\(word) ✓ expected" }
        return c.fails ? "\(word) ✗" : word
    }

    /// What the probe measured for a constant, for the constants table.
    static func measured(_ name: ConstantName, _ probe: ProbeReport?) -> String {
        guard let probe else { return "—" }
        let lookup: [ConstantName: (ProbedAssumption, String)] = [
            .L: (.smoothness, "L"), .mu: (.pl, "mu"), .fstar: (.lowerBound, "min f"), .m: (.bias, "m given zeta2"),
            .zeta2: (.bias, "zeta2 given m"), .M: (.variance, "M given sigma2"), .sigma2: (.variance, "sigma2 given M"),
            .B2: (.heterogeneity, "B2 given G2"), .G2: (.heterogeneity, "G2 given B2"),
        ]
        guard let (assumption, key) = lookup[name], let check = probe.checks.first(where: { $0.id == assumption.rawValue }),
              let value = check.measured[key] else { return "—" }
        return check.verdict == .violated ? "**\(fmt(value))** ✗" : fmt(value)
    }

    static func rateCell(_ rate: RateFit?) -> String {
        guard let rate else { return "—" }
        let mark = rate.consistent == false ? " (slower)" : ""
        switch rate.model {
        case .exponential: return "\(fmt(exp(rate.observedSlope))) / \(fmt(exp(rate.predictedSlope)))\(mark)"
        case .power: return "k^\(fmt(rate.observedSlope)) / k^\(fmt(rate.predictedSlope))\(mark)"
        }
    }

    /// The index: every problem × method × bound with verdict, tightness and floor; alert blocks
    /// for failures.
    public static func index(_ results: [ExperimentResult], provenance: Provenance) -> String {
        var out = "# BoundCheck report\n\n"
        let failed = results.filter { !$0.passed }
        let files = ProblemFileResults.grouping(results)
        let failedFiles = files.filter { !$0.passed }.count
        out += "\(files.count) problem file(s)\(ProblemFileResults.headline(results).cells), \(failed.isEmpty ? "all as expected" : "\(failedFiles) with unexpected verdicts").\n\n"
        for r in failed {
            let bad = r.failedChecks.map { "\($0.isAssumption ? "assumption " : "")\($0.check) `\($0.verdict)`" }
            out += "> [!CAUTION]\n> **[\(r.name)](\(r.reportPage).md)**: \((bad + r.unmatchedExpectations.map { "expectation \($0) matched nothing" }).joined(separator: ", "))\n\n"
        }
        out += "| problem | result | holds | violated | inconclusive | not applicable | unsupported | diverged | error | assumption checks |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|\n"
        // One row per problem file; a sweep's cells share its row, their counts summed.
        for file in files {
            let verdicts = file.results.flatMap { r in r.methods.flatMap { $0.bounds.map(\.verdict.verdict) } }
            func count(_ v: Verdict) -> String { let n = verdicts.filter { $0 == v }.count; return n == 0 ? "·" : String(n) }
            let checks = file.results.flatMap { $0.probe?.checks ?? [] }
            let failing = Array(Set(checks.filter(\.fails).map(\.id))).sorted()
            let probe = checks.isEmpty ? "—" : "\(checks.count - checks.filter(\.fails).count)/\(checks.count) as expected" + (failing.isEmpty ? "" : " (✗ \(failing.joined(separator: ", ")))")
            let name = file.isSweep ? "\(file.name) (sweep, \(file.results.count) cells)" : file.name
            out += "| [\(name)](\(file.page).md) | \(file.passed ? "pass" : "**fail**") | \(count(.holds)) | \(count(.violated)) | \(count(.inconclusive)) | "
            out += "\(count(.notApplicable)) | \(count(.unsupported)) | \(count(.diverged)) | \(count(.error)) | \(probe) |\n"
        }
        let checks = results.reduce(0) { $0 + $1.methods.reduce(0) { $0 + $1.bounds.count } }
        out += "\n## Every bound\n\n<details><summary>All \(checks) bound checks, with tightness and floor</summary>\n\n"
        out += "| problem | method | bound | kind | verdict | tightness (late) | tightness (overall) | floor |\n|---|---|---|---|---|---|---|---|\n"
        for r in results {
            for m in r.methods {
                for b in m.bounds {
                    out += "| [\(r.name)](\(r.reportPage).md) | \(m.method.id) | \(b.evaluation.id) | \(b.evaluation.kind.rawValue) | \(verdictCell(b)) | \(number(b.verdict.tightness)) | \(number(b.verdict.tightnessOverall)) | \(number(b.evaluation.floor)) |\n"
                }
                if m.bounds.isEmpty { out += "| [\(r.name)](\(r.reportPage).md) | \(m.method.id) | — | — | no bound selected | — | — | — |\n" }
            }
            for check in r.probe?.checks ?? [] where check.kind == "user" || check.verdict == .violated || check.expected != nil {
                out += "| [\(r.name)](\(r.reportPage).md) | probe | \(check.id) | assumption | \(assumptionCell(check)) | — | — | — |\n"
            }
        }
        out += "\n</details>\n"
        out += "\nTightness is the largest observed/bound ratio over the late checkpoints k ≥ K/2 (overall: over all k ≥ 1, where a gap bound's maximum sits at k = 1 and says little); the floor is the bound's K → ∞ limit. "
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
        out += r.oracleDeterministic ? (r.seeds == 1 ? " (deterministic: one seed, exact comparison).\n" : " (deterministic oracle; a random method part needs seeds).\n") : ".\n"
        out += selectionNote(r)
        out += "Profile `\(r.profile)`: \(r.iterations) iterations, \(r.selection?.seed != nil && r.seeds > 1 ? "1 seed (index \(r.selection!.seed!)) of \(r.seeds)" : "\(r.seeds) seed(s)"), confidence \(r.confidence) with a Bonferroni correction over \(r.comparisons + (r.probe?.comparisons ?? 0) + r.methodComparisons.count) comparisons (\(r.comparisons) bound checks, \(r.probe?.comparisons ?? 0) probe tests\(r.methodComparisons.isEmpty ? "" : ", \(r.methodComparisons.count) paired comparisons")).\n\n"
        out += "## Constants\n\nThe value the bounds use (declared in the file, or computed), beside what the assumption probe measured: "
        out += "the smallest value the probe points need (for m, ζ², M, σ², B², G² given the other constant of the pair), the largest secant for L, the smallest ‖∇f‖²/(2(f − f*)) for μ, the smallest f for f*.\n\n"
        out += "| name | value | measured (probe) | how obtained |\n|---|---|---|---|\n"
        for constant in ConstantTable.order {
            guard let e = r.constants.entry(constant) else { continue }
            let name = constant.rawValue
            let declared = e.declared ? " (declared; computed \(number(e.computed)))" : ""
            out += "| \(name) | \(fmt(e.value))\(declared) | \(measured(constant, r.probe)) | \(e.how) |\n"
        }
        for name in r.constants.userConstantNames {
            guard let e = r.constants.entries[name] else { continue }
            out += "| \(name) | \(fmt(e.value)) | — | \(e.how) |\n"
        }
        if r.fstarIsLowerBound { out += "\nf* is not known: `fstar` is a lower bound f_inf, so gradient bounds stay valid (looser) and gap bounds do not apply.\n" }
        for m in r.methods {
            let method = m.method
            out += "\n## \(method.id)\n\n`\(method.kind.rawValue)`, β = \(fmt(method.beta)), γ = \(fmt(method.gamma)) (\(method.stepRule))"
            out += method.settings.reportHeadline(m.trace) + ".\n"
            if m.trace.divergedSeeds > 0 { out += "\n> [!WARNING]\n> \(m.trace.divergedSeeds) of \(m.trace.seeds) seeds diverged.\n" }
            out += "\n| bound | kind | metric | verdict | tightness late (overall) | final ratio | floor | plateau/floor | rate obs / pred | largest γ | source |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
            for b in m.bounds {
                let e = b.evaluation
                out += "| \(e.id) | \(e.kind.rawValue) | \(e.metric.rawValue) | \(verdictCell(b)) | \(number(b.verdict.tightness)) (\(number(b.verdict.tightnessOverall))) | \(number(b.verdict.finalRatio)) | \(number(e.floor)) | \(number(b.verdict.plateauOverFloor)) | \(rateCell(b.verdict.rate)) | \(number(e.largestStep)) | \(e.source) |\n"
            }
            for b in m.bounds {
                let e = b.evaluation
                out += "\n**\(e.id)** (\(e.kind.rawValue)): `\(e.formula)` — \(b.verdict.reason)\(b.verdict.reason.hasSuffix(".") ? "" : ".")"
                if let n = b.verdict.seedsToDecide { out += " About \(n) seeds would decide it." }
                if !e.conditions.isEmpty { out += " Conditions: " + e.conditions.map { "`\($0)`" }.joined(separator: ", ") + "." }
                if !e.assumptions.isEmpty { out += " Relies on \(e.assumptions.joined(separator: ", "))." }
                out += floorNote(b)
                if let rate = b.verdict.rate {
                    out += " Rate (\(rate.model.rawValue) fit over \(rate.points) transient checkpoints, k = \(rate.firstK)…\(rate.lastK)): \(rate.summary)\(rate.consistent == false ? " — the runs contract slower than the bound's rate part" : "")."
                }
                if !e.notes.isEmpty { out += " Notes: " + e.notes.keys.sorted().map { "\($0) = \(fmt(e.notes[$0]!))" }.joined(separator: ", ") + "." }
                out += "\n"
                if !b.verdict.comparisons.isEmpty {
                    out += "\n<details><summary>\(e.id): observed against bound at \(b.verdict.comparisons.count) checkpoints</summary>\n\n"
                    out += "| k | bound | observed mean | [lower, upper] confidence limits | observed/bound | verdict |\n|---|---|---|---|---|---|\n"
                    for c in b.verdict.comparisons {
                        out += "| \(c.k) | \(fmt(c.bound)) | \(fmt(c.observed)) | [\(fmt(c.lower)), \(fmt(c.upper))] | \(c.bound > 0 ? fmt(c.observed / c.bound) : "—") | \(c.verdict.rawValue) |\n"
                    }
                    out += "\n</details>\n"
                }
            }
            for metric in Set(m.bounds.filter { !$0.verdict.comparisons.isEmpty }.map(\.evaluation.metric)).sorted(by: { $0.rawValue < $1.rawValue }) {
                let file = plotPath(problem: r.name, method: method.id, metric: metric)
                plots[file] = plot(r, m, metric)
                out += "\n![\(method.id) \(metric.rawValue)](\(file))\n"
            }
        }
        if !r.momentumComparisons.isEmpty {
            out += momentumSection(r)
            for c in r.momentumComparisons {
                guard let svg = ReportPlots.momentumPlot(r, c) else { continue }
                let file = ReportPlots.momentumPlotFile(r, c)
                plots[file] = svg
                out += "\n![\(c.momentum) against \(c.sgd), \(c.pairing.rawValue)](\(file))\n"
            }
        }
        if !r.methodComparisons.isEmpty { out += comparisonSection(r, plots: &plots) }
        if let probe = r.probe { out += probeSection(probe) }
        out += "\n## Provenance\n\nSpec hash `\(r.specHash)`, source `\(r.sourcePath ?? "in code")`, commit `\(provenance.commit)`, \(provenance.toolchain), GSL \(provenance.gslVersion), wall time \(String(format: "%.1f", provenance.wallTimeSeconds)) s.\n"
        return (out, plots)
    }

    static func momentumSection(_ r: ExperimentResult) -> String {
        var out = "\n## Momentum against SGD\n\nPaired over seeds (the methods share random streams seed by seed). "
        out += "The gap f(xᵏ) − f* at k* (nearest a fifth of the run), mean difference momentum − SGD with a two-sided \(r.confidence) interval "
        out += "(descriptive, not a gated check), and the median iterations to reach the target gap (90% of the way down from the start to the larger final mean gap); — means the median seed never reached it.\n\n"
        out += "| momentum | SGD | pairing | k* | gap momentum | gap SGD | difference [interval] | momentum lower on | finding | target | iterations momentum | iterations SGD |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for c in r.momentumComparisons {
            let diverged = c.divergedSGD + c.divergedMomentum > 0 ? " (diverged: momentum \(c.divergedMomentum), SGD \(c.divergedSGD))" : ""
            out += "| \(c.momentum) (β = \(fmt(c.beta)), γ = \(fmt(c.gammaMomentum))) | \(c.sgd) (γ = \(fmt(c.gammaSGD))) | \(c.pairing.rawValue) | \(c.atK) | "
            out += "\(number(c.meanGapMomentum)) | \(number(c.meanGapSGD)) | \(number(c.meanDifference)) [\(number(c.lower)), \(number(c.upper))] | "
            out += "\(c.momentumLowerOnSeeds)/\(c.pairedSeeds) seeds\(diverged) | \(c.finding.rawValue) | \(number(c.target)) | "
            out += "\(c.medianIterationsMomentum.map(String.init) ?? "—") | \(c.medianIterationsSGD.map(String.init) ?? "—") |\n"
        }
        return out
    }

    static func probeSection(_ probe: ProbeReport) -> String {
        var out = "\n## Assumption probe\n\n"
        out += "\(probe.points.count) points (x⁰, points along each method's seed-0 run, random points near x⁰); "
        out += probe.samples > 1 ? "\(probe.samples) fresh oracle samples per point in \(probe.batches) batches. " : "a deterministic oracle, evaluated once per point. "
        out += "A contradicted assumption makes every bound that relies on it `unsupported`.\n\n"
        out += "| check | statement | declared | measured | verdict | test |\n|---|---|---|---|---|---|\n"
        for c in probe.checks {
            let declared = c.declared.keys.sorted().map { "\($0) = \(fmt(c.declared[$0]!))" }.joined(separator: ", ")
            let measured = c.measured.keys.sorted().map { "\($0): \(fmt(c.measured[$0]!))" }.joined(separator: ", ")
            out += "| \(c.id) | `\(c.statement)` | \(declared.isEmpty ? "—" : declared) | \(measured.isEmpty ? "—" : measured) | \(assumptionCell(c)) | \(c.test) |\n"
        }
        for c in probe.checks where c.verdict == .violated || c.fails {
            out += "\n> [!WARNING]\n> **\(c.id)** \(c.verdict.rawValue): \(c.reason)\n"
        }
        if !probe.notChecked.isEmpty {
            out += "\nNot checked: " + probe.notChecked.keys.sorted().map { "\($0) (\(probe.notChecked[$0]!))" }.joined(separator: "; ") + ".\n"
        }
        return out
    }

    static func plot(_ r: ExperimentResult, _ m: MethodResult, _ metric: Metric) -> String {
        ReportPlots.boundPlot(r, m, metric)
    }
}
