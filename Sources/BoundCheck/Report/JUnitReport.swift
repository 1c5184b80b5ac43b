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
            func testCase(_ name: String, failure: String?, skip: String?, output: String) {
                tests += 1
                cases += "    <testcase classname=\"\(escape(r.name))\" name=\"\(escape(name))\""
                if let failure {
                    failures += 1
                    cases += ">\n      <failure message=\"\(escape(failure))\"/>\n"
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
                             failure: b.fails ? summary : nil,
                             skip: verdict == .notApplicable && !b.fails ? b.verdict.reason : nil,
                             output: summary)
                }
            }
            for check in r.probe?.checks ?? [] {
                let expectation = check.expected.map { " (expected \($0.rawValue))" } ?? ""
                let summary = "\(check.verdict.rawValue)\(expectation): \(check.reason)"
                testCase("assumption \(check.id): \(check.statement)", failure: check.fails ? summary : nil, skip: nil, output: summary)
            }
            for key in r.unmatchedExpectations {
                testCase("expect \(key)", failure: "the expectation matched no bound or assumption that was checked", skip: nil, output: "")
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

    /// XML text and attribute escaping (shared with the SVG plots).
    static func escape(_ text: String) -> String { SVGFormat.escape(text) }
}
