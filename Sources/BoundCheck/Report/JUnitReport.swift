import SVGChart

/// `Reports/junit.xml` (docs/verdicts.md, "JUnit"): one test suite per problem file, one test case
/// per bound check (method × bound) and per assumption check, for CI systems that read JUnit.
///
/// A check fails exactly when it makes the report fail (an unexpected verdict); a bound that is
/// not applicable is reported as skipped with its failed condition. No timestamps or durations
/// are written, so identical results give identical bytes.
public enum JUnitReport {
    public static func render(_ results: [ExperimentResult]) -> String {
        var suites = ""
        var totalTests = 0, totalFailures = 0, totalSkipped = 0
        for r in results {
            var cases = ""
            var tests = 0, failures = 0, skipped = 0
            func testCase(_ name: String, failure: Failure?, skip: String?, output: String) {
                tests += 1
                cases += "    <testcase classname=\"\(escape(r.name))\" name=\"\(escape(name))\""
                if let failure {
                    failures += 1
                    cases += ">\n      <failure message=\"\(escape(failure.message))\" type=\"\(escape(failure.type))\">\(escape(failure.body))</failure>\n"
                } else if let skip {
                    skipped += 1
                    cases += ">\n      <skipped message=\"\(escape(skip))\"/>\n"
                } else {
                    cases += ">\n"
                }
                cases += "      <system-out>\(escape(output))</system-out>\n    </testcase>\n"
            }
            for m in r.methods {
                for b in m.bounds {
                    let verdict = b.verdict.verdict
                    let expectation = b.expected.map { " (expected \($0.rawValue))" } ?? ""
                    let summary = "\(verdict.rawValue)\(expectation): \(b.verdict.reason)"
                    testCase("\(m.method.id)/\(b.evaluation.id) [\(b.evaluation.kind.rawValue)]",
                             failure: b.fails ? Failure(message: summary, type: failureType(verdict.rawValue, expected: b.expected?.rawValue),
                                                        body: failureBody(b)) : nil,
                             skip: verdict == .notApplicable && !b.fails ? b.verdict.reason : nil,
                             output: summary)
                }
            }
            for check in r.probe?.checks ?? [] {
                let expectation = check.expected.map { " (expected \($0.rawValue))" } ?? ""
                let summary = "\(check.verdict.rawValue)\(expectation): \(check.reason)"
                let failure = Failure(message: summary, type: failureType(check.verdict.rawValue, expected: check.expected?.rawValue),
                                      body: "assumption \(check.id): \(check.statement)\noutcome: \(FailureDetail.outcome(check))\nreason: \(check.reason)\ntest: \(check.test)")
                testCase("assumption \(check.id): \(check.statement)", failure: check.fails ? failure : nil, skip: nil, output: summary)
            }
            for key in r.unmatchedExpectations {
                let message = "the expectation matched no bound or assumption that was checked"
                testCase("expect \(key)", failure: Failure(message: message, type: "unmet-expectation", body: "expect \(key): \(message)"),
                         skip: nil, output: "")
            }
            totalTests += tests; totalFailures += failures; totalSkipped += skipped
            suites += "  <testsuite name=\"\(escape(r.name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
            suites += cases
            suites += "  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<testsuites name=\"boundcheck\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\" skipped=\"\(totalSkipped)\">\n"
            + suites + "</testsuites>\n"
    }

    /// A `<failure>` element: a one-line message, a type, and a body with the details.
    struct Failure {
        var message: String
        var type: String
        var body: String
    }

    /// The failure's type: the verdict when it fails by itself (`violated`, `unsupported`,
    /// `diverged`, `inconclusive` under --strict), `unexpected-VERDICT` when an expectation said otherwise.
    static func failureType(_ verdict: String, expected: String?) -> String {
        expected == nil || expected == verdict ? verdict : "unexpected-\(verdict)"
    }

    /// The observed mean, the bound and the checkpoint that decided, and the reason, one per line.
    static func failureBody(_ b: CheckedBound) -> String {
        var lines = ["check: \(b.evaluation.id) [\(b.evaluation.kind.rawValue), \(b.evaluation.metric.rawValue)] \(b.evaluation.formula)",
                     "outcome: \(FailureDetail.outcome(b))",
                     "reason: \(b.verdict.reason)"]
        if let c = FailureDetail.decisive(b) {
            lines.append("checkpoint: k = \(c.k)")
            lines.append("observed: \(FailureDetail.fmt(c.observed)) (mean of \(c.seeds) seed\(c.seeds == 1 ? "" : "s"); interval \(FailureDetail.fmt(c.lower)) to \(FailureDetail.fmt(c.upper)))")
            lines.append("bound: \(FailureDetail.fmt(c.bound))")
        }
        lines.append("source: \(b.evaluation.source)")
        return lines.joined(separator: "\n")
    }

    /// XML text and attribute escaping (shared with the SVG plots).
    static func escape(_ text: String) -> String { SVGFormat.escape(text) }
}
