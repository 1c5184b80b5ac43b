import Foundation

/// `--format summary`: `summary.md`, a compact Markdown for `$GITHUB_STEP_SUMMARY` and pull-request
/// comments. It opens with the overall verdict, lists the failing checks first with their
/// reasons, then one row per problem file. It has no relative links (they break on GitHub's
/// summary page and in comments); with `linkBase` (the URL where the output folder is
/// published) each problem links to its page there. Its size is bounded whatever the suite's
/// size: at most ``maximumFailureRows`` failing checks and ``maximumProblemRows`` problems are
/// listed, with the rest counted, and reasons are shortened — far below GitHub's 64 KiB comment
/// and 1 MiB step-summary limits.
public enum SummaryReport {
    public static let maximumFailureRows = 40
    public static let maximumProblemRows = 150
    public static let maximumReasonLength = 300

    public static func render(_ results: [ExperimentResult], provenance: Provenance, linkBase: String? = nil) -> String {
        let failed = results.filter { !$0.passed }
        let head = ProblemFileResults.headline(results)
        var out = failed.isEmpty
            ? "## ✅ BoundCheck: \(head.passed)/\(head.files) problem files as expected\(head.cells)\n\n"
            : "## ❌ BoundCheck: \(head.files - head.passed) of \(head.files) problem files not as expected\(head.cells)\n\n"
        let verdicts = results.flatMap { $0.methods.flatMap { $0.bounds.map(\.verdict.verdict) } }
        let counts = [Verdict.holds, .violated, .inconclusive, .notApplicable, .unsupported, .diverged].compactMap { v -> String? in
            let n = verdicts.filter { $0 == v }.count
            return n == 0 ? nil : "\(n) \(v.rawValue)"
        }
        let assumptionChecks = results.reduce(0) { $0 + ($1.probe?.checks.count ?? 0) }
        let profiles = Set(results.map(\.profile)).sorted().joined(separator: ", ")
        out += "Profile `\(profiles)`; \(verdicts.count) bound checks (\(counts.isEmpty ? "none" : counts.joined(separator: ", "))), "
        out += "\(assumptionChecks) assumption checks. Commit \(provenance.commit), GSL \(provenance.gslVersion).\n\n"

        // Failing checks first.
        var failures: [(problem: String, check: String, outcome: String, why: String)] = []
        for r in failed {
            for m in r.methods {
                for b in m.bounds where b.fails {
                    var why = b.verdict.reason
                    if let numbers = FailureDetail.numbers(b) { why += "; " + numbers }
                    failures.append((problemCell(r, linkBase), "\(m.method.id)/\(b.evaluation.id)", FailureDetail.outcome(b), why))
                }
            }
            for c in r.probe?.checks ?? [] where c.fails {
                failures.append((problemCell(r, linkBase), "assumption \(c.id)", FailureDetail.outcome(c), "\(c.statement): \(c.reason)"))
            }
            for key in r.unmatchedExpectations {
                failures.append((problemCell(r, linkBase), "expect \(key)", "unmet", "the expectation matched no bound or assumption that was checked"))
            }
        }
        if !failures.isEmpty {
            out += "### Failing checks (\(failures.count))\n\n| problem | check | outcome | why |\n|---|---|---|---|\n"
            for f in failures.prefix(maximumFailureRows) {
                out += "| \(f.problem) | \(cell(f.check)) | **\(cell(f.outcome))** | \(cell(shorten(f.why))) |\n"
            }
            if failures.count > maximumFailureRows {
                out += "\n… and \(failures.count - maximumFailureRows) more failing checks (every one is in `junit.xml` and the reports).\n"
            }
            out += "\n"
        }

        // One row per problem, failing ones first.
        out += "### Problems\n\n| problem | result | holds | violated | inconclusive | not applicable | unsupported | diverged | assumptions |\n"
        out += "|---|---|---|---|---|---|---|---|---|\n"
        let ordered = failed + results.filter(\.passed)
        for r in ordered.prefix(maximumProblemRows) {
            let v = r.methods.flatMap { $0.bounds.map(\.verdict.verdict) }
            func count(_ x: Verdict) -> String { let n = v.filter { $0 == x }.count; return n == 0 ? "·" : String(n) }
            let checks = r.probe?.checks ?? []
            let failing = checks.filter(\.fails).map(\.id)
            let probe = checks.isEmpty ? "—" : "\(checks.count - failing.count)/\(checks.count)" + (failing.isEmpty ? "" : " (✗ \(failing.joined(separator: ", ")))")
            out += "| \(problemCell(r, linkBase)) | \(r.passed ? "✅ pass" : "❌ **fail**") | \(count(.holds)) | \(count(.violated)) | \(count(.inconclusive)) | "
            out += "\(count(.notApplicable)) | \(count(.unsupported)) | \(count(.diverged)) | \(cell(probe)) |\n"
        }
        if ordered.count > maximumProblemRows {
            let rest = ordered.dropFirst(maximumProblemRows)
            let restFailed = rest.filter { !$0.passed }.count
            out += "\n… and \(rest.count) more problem files (\(restFailed == 0 ? "all as expected" : "\(restFailed) not as expected")).\n"
        }
        return out + comparisons(results, linkBase)
    }

    /// The findings of the files' `compare:` pairs (nothing when no file lists one).
    static func comparisons(_ results: [ExperimentResult], _ linkBase: String?) -> String {
        let rows = results.flatMap { r in r.methodComparisons.map { (r, $0) } }
        guard !rows.isEmpty else { return "" }
        var out = "\n### Method comparisons (\(rows.count))\n\n| problem | a − b | metric | k | difference [interval] | finding |\n|---|---|---|---|---|---|\n"
        for (r, c) in rows.prefix(maximumProblemRows) {
            let d = [c.difference.mean, c.difference.lower, c.difference.upper].map(MarkdownReport.number)
            out += "| \(problemCell(r, linkBase)) | \(cell("\(c.a) − \(c.b)")) | \(c.metric.rawValue) | \(c.atK) | \(d[0]) [\(d[1]), \(d[2])] | \(cell(c.findingText)) |\n"
        }
        if rows.count > maximumProblemRows { out += "\n… and \(rows.count - maximumProblemRows) more comparisons (every one is in the reports).\n" }
        return out
    }

    /// The problem's name, linked to its page under `linkBase` when one is given, with its file.
    static func problemCell(_ r: ExperimentResult, _ linkBase: String?) -> String {
        let name: String
        if let linkBase, !linkBase.isEmpty {
            let base = linkBase.hasSuffix("/") ? linkBase : linkBase + "/"
            let page = r.reportPage.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? r.reportPage
            name = "[\(cell(r.name))](\(base)\(page).md)"
        } else {
            name = "`\(cell(r.name))`"
        }
        return r.sourcePath.map { "\(name) (`\(cell($0))`)" } ?? name
    }

    /// Text safe inside a Markdown table cell: one line, no unescaped `|`.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "|", with: "\\|")
    }

    static func shorten(_ text: String) -> String {
        text.count <= maximumReasonLength ? text : String(text.prefix(maximumReasonLength - 1)) + "…"
    }
}
