import Foundation

/// `--format github`: GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`)
/// that put each failing bound, method or assumption check at the problem file's line that
/// declares it, and each bad-input error at its position. They are written to standard output,
/// where the runner reads them.
///
/// Escaping follows GitHub's workflow-command rules: in the message `%`, `\r` and `\n` become
/// `%25`, `%0D`, `%0A`; in property values `:` and `,` additionally become `%3A` and `%2C`.
public enum GitHubAnnotations {
    /// The message part of a workflow command.
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A property value (`file`, `title`, …) of a workflow command.
    public static func escapeProperty(_ text: String) -> String {
        var out = ""
        for ch in escapeData(text).unicodeScalars {
            switch ch {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// One workflow command, e.g. `::error file=Problems/x.yaml,line=3,col=5,title=…::message`.
    public static func command(_ level: String = "error", file: String?, line: Int?, column: Int?,
                               title: String?, message: String) -> String {
        var properties: [String] = []
        if let file { properties.append("file=\(escapeProperty(file))") }
        if let line, line > 0 { properties.append("line=\(line)") }
        if let column, column > 0 { properties.append("col=\(column)") }
        if let title { properties.append("title=\(escapeProperty(title))") }
        let head = properties.isEmpty ? "::\(level)" : "::\(level) " + properties.joined(separator: ",")
        return head + "::" + escapeData(message)
    }

    /// One annotation per failing check of every result. `sources` gives a problem file's text by
    /// its path; by default the file is read from disk (an unreadable file puts the annotation at
    /// line 1). `catalog` gives the bounds' groups, whose `expect` entries locate them too.
    public static func render(_ results: [ExperimentResult], sources: [String: String] = [:], catalog: Catalog = .standard) -> String {
        var lines: [String] = []
        for r in results {
            let path = r.sourcePath ?? "\(r.name).yaml"
            let text = sources[path] ?? (try? String(contentsOfFile: path, encoding: .utf8))
            let locations = text.flatMap { ProblemFileLocations(text: $0, file: path) }
            for (index, m) in r.methods.enumerated() {
                for b in m.bounds where b.fails {
                    let p = locations?.bound(b.evaluation.id, group: catalog.group(ofBound: b.evaluation.id), methodID: m.method.id, methodIndex: index)
                    let check = "\(m.method.id)/\(b.evaluation.id)"
                    lines.append(command(file: path, line: p?.line ?? 1, column: p?.column,
                                         title: "\(r.name): \(check) \(FailureDetail.outcome(b))",
                                         message: FailureDetail.text(b)))
                }
            }
            for check in r.probe?.checks ?? [] where check.fails {
                let p = locations?.assumption(check.id)
                lines.append(command(file: path, line: p?.line ?? 1, column: p?.column,
                                     title: "\(r.name): assumption \(check.id) \(FailureDetail.outcome(check))",
                                     message: "\(check.statement): \(FailureDetail.outcome(check)). \(check.reason)"))
            }
            for key in r.unmatchedExpectations {
                let p = locations?.expect[key]
                lines.append(command(file: path, line: p?.line ?? 1, column: p?.column,
                                     title: "\(r.name): expect \(key)",
                                     message: "the expectation '\(key)' matched no bound or assumption that was checked"))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// One annotation per bad-input problem, at its position.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { d in
            command(file: d.file, line: d.line, column: d.column,
                    title: d.keyPath.isEmpty ? "bad input" : "bad input: \(d.keyPath)", message: d.message) + "\n"
        }.joined()
    }
}

/// The facts behind a failing check, shared by annotations, JUnit failure bodies and the
/// summary: the outcome, the reason, and the observed mean against the bound at the checkpoint
/// that decided it.
public enum FailureDetail {
    /// "violated" or "holds (expected violated)".
    public static func outcome(_ b: CheckedBound) -> String {
        b.verdict.verdict.rawValue + (b.expected.map { " (expected \($0.rawValue))" } ?? "")
    }

    public static func outcome(_ c: AssumptionCheck) -> String {
        c.verdict.rawValue + (c.expected.map { " (expected \($0.rawValue))" } ?? "")
    }

    /// The checkpoint that decided the verdict: the first with the bound's verdict when it is
    /// violated, else the one with the largest observed/bound ratio.
    public static func decisive(_ b: CheckedBound) -> CheckpointComparison? {
        let comparisons = b.verdict.comparisons
        if b.verdict.verdict == .violated, let first = comparisons.first(where: { $0.verdict == .violated }) { return first }
        return comparisons.filter { $0.bound > 0 && $0.observed.isFinite }.max { $0.observed / $0.bound < $1.observed / $1.bound }
            ?? comparisons.last
    }

    /// "observed 0.52 [0.50, 0.54] against the bound 0.40 at k = 120 (1.3×)".
    public static func numbers(_ b: CheckedBound) -> String? {
        guard let c = decisive(b) else { return nil }
        let ratio = c.bound > 0 && c.observed.isFinite ? String(format: " (%.3g× the bound)", c.observed / c.bound) : ""
        return "observed mean \(fmt(c.observed)) (interval \(fmt(c.lower)) to \(fmt(c.upper)), \(c.seeds) seed\(c.seeds == 1 ? "" : "s")) against the bound \(fmt(c.bound)) at checkpoint k = \(c.k)\(ratio)"
    }

    /// The whole story in one paragraph: outcome, reason, numbers.
    public static func text(_ b: CheckedBound) -> String {
        let reason = b.verdict.reason.hasSuffix(".") ? b.verdict.reason : b.verdict.reason + "."
        var parts = ["\(b.evaluation.id) [\(b.evaluation.kind.rawValue), \(b.evaluation.metric.rawValue)]: \(outcome(b)). \(reason)"]
        if let numbers = numbers(b) { parts.append(numbers + ".") }
        return parts.joined(separator: " ")
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
}
