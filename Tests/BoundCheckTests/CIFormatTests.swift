import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import BoundCheck

// The CI formats against their specs: GitHub workflow-command annotations (escaping, position),
// summary.md (verdict first, failing checks before problems, no relative links, bounded size),
// and junit.xml (the testsuites/testsuite/testcase/failure structure JUnit readers expect).

/// A small deterministic file with one failing user bound (no expectation) and one unmet
/// expectation (F1 holds, the file expects violated).
private let failingYAML = """
name: ci-formats
seed: 4
problem: {family: quadratic, dimension: 6, workers: 2, heterogeneity: 0.3, start: {scale: 1.0}, spectrum: {min: 1, max: 3}}
oracle: [{additive-bias: {norm: 0.2}}]
methods:
  - {method: sgdm, beta: 0.5, step: 0.05}
  - {method: sgd, step: 0.05}
user-bounds:
  - {id: tiny, method: sgd, metric: avg-grad, expression: "1e-6*D0"}
expect: {sgdm-1/F1: violated}
run: {iterations: 100, seeds: 1, checkpoints: 6}
"""

private func failingResult() throws -> ExperimentResult {
    let p = try PreparedExperiment(spec: SpecLoader().load(yaml: failingYAML, file: "Problems/ci-formats.yaml"))
    return try Experiment.judge(p, traces: Experiment.run(p, jobs: 1), probe: AssumptionProbe.run(p))
}

/// 1-based line and column of the first occurrence of `needle` on the line containing `lineMarker`.
private func position(of needle: String, onLineWith lineMarker: String, in text: String) -> (Int, Int)? {
    for (i, line) in text.components(separatedBy: "\n").enumerated() where line.contains(lineMarker) {
        guard let r = line.range(of: needle) else { return nil }
        return (i + 1, line.distance(from: line.startIndex, to: r.lowerBound) + 1)
    }
    return nil
}

@Suite("GitHub annotations")
struct GitHubAnnotationTests {
    @Test("messages escape %, CR and LF; properties also escape : and ,")
    func escaping() {
        #expect(GitHubAnnotations.escapeData("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b")
        #expect(GitHubAnnotations.escapeProperty("C:\\x,y%\n") == "C%3A\\x%2Cy%25%0A")
        let line = GitHubAnnotations.command(file: "Problems/a,b.yaml", line: 3, column: 7, title: "p: F1 violated", message: "line 1\nline 2")
        #expect(line == "::error file=Problems/a%2Cb.yaml,line=3,col=7,title=p%3A F1 violated::line 1%0Aline 2")
        // An annotation is one line whatever the message holds.
        #expect(!line.contains("\n") && !line.contains("\r"))
    }

    @Test("each failing check is annotated at the line that declares it")
    func positions() throws {
        let result = try failingResult()
        #expect(!result.passed)
        let text = GitHubAnnotations.render([result], sources: ["Problems/ci-formats.yaml": failingYAML])
        let lines = text.split(separator: "\n").map(String.init)
        // The failing user bound: at its user-bounds entry.
        let (tinyLine, tinyColumn) = try #require(position(of: "{id: tiny", onLineWith: "id: tiny", in: failingYAML))
        let tiny = try #require(lines.first { $0.contains("sgd-1/tiny") })
        #expect(tiny.hasPrefix("::error file=Problems/ci-formats.yaml,line=\(tinyLine),col=\(tinyColumn),title="))
        #expect(tiny.contains("violated"))
        #expect(tiny.contains("against the bound"))      // observed, bound and checkpoint in the message
        // The unmet expectation: at the expect key.
        let (expectLine, expectColumn) = try #require(position(of: "sgdm-1/F1", onLineWith: "expect:", in: failingYAML))
        let f1 = try #require(lines.first { $0.contains("sgdm-1/F1") })
        #expect(f1.hasPrefix("::error file=Problems/ci-formats.yaml,line=\(expectLine),col=\(expectColumn),"))
        #expect(f1.contains("holds (expected violated)"))
        #expect(lines.allSatisfy { $0.hasPrefix("::error ") })
    }

    @Test("a failing catalog bound without an expectation sits at its method's entry")
    func methodPosition() throws {
        let locations = try #require(ProblemFileLocations(text: failingYAML))
        let (line, column) = try #require(position(of: "{method: sgd,", onLineWith: "{method: sgd,", in: failingYAML))
        #expect(locations.bound("AS-1", methodID: "sgd-1", methodIndex: 1) == .init(line: line, column: column))
        // An assumption with no declared constant and no expectation: the part of the file it is about.
        let (oracleLine, _) = try #require(position(of: "oracle", onLineWith: "oracle:", in: failingYAML))
        #expect(locations.assumption("A4").line == oracleLine)
    }

    @Test("bad input is annotated at each problem's position")
    func badInput() throws {
        let bad = failingYAML.replacingOccurrences(of: "beta: 0.5", with: "beta: 5").replacingOccurrences(of: "seeds: 1", with: "seeds: 0")
        do {
            _ = try SpecLoader().load(yaml: bad, file: "Problems/bad.yaml")
            Issue.record("the bad file loaded")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.count == 2)
            let text = GitHubAnnotations.render(errors.diagnostics)
            let lines = text.split(separator: "\n")
            #expect(lines.count == 2)
            for (d, line) in zip(errors.diagnostics, lines) {
                #expect(line.hasPrefix("::error file=Problems/bad.yaml,line=\(d.line),col=\(d.column),title=bad input"))
                #expect(d.line > 1 && d.column > 1)
            }
        }
    }
}

@Suite("Summary format")
struct SummaryFormatTests {
    static let provenance = Provenance(commit: "abc1234", toolchain: "Swift", wallTimeSeconds: 0)

    @Test("verdict line first, failing checks with reasons before the problem rows, no relative links")
    func layout() throws {
        let failing = try failingResult()
        var passing = failing
        passing.name = "other"
        passing.passed = true
        for i in passing.methods.indices { for j in passing.methods[i].bounds.indices { passing.methods[i].bounds[j].fails = false } }
        passing.unmatchedExpectations = []
        let text = SummaryReport.render([passing, failing], provenance: Self.provenance)
        #expect(text.hasPrefix("## ❌ BoundCheck: 1 of 2 problem files not as expected\n"))
        let failures = try #require(text.range(of: "### Failing checks"))
        let problems = try #require(text.range(of: "### Problems"))
        #expect(failures.lowerBound < problems.lowerBound)
        #expect(text.contains("| sgd-1/tiny | **violated** |"))
        #expect(text.contains("| sgdm-1/F1 | **holds (expected violated)** |"))
        // The failing problem's row comes before the passing one.
        let rows = text[problems.upperBound...]
        let failingRow = try #require(rows.range(of: "`ci-formats`"))
        let passingRow = try #require(rows.range(of: "`other`"))
        #expect(failingRow.lowerBound < passingRow.lowerBound)
        #expect(!text.contains("]("), "no links without --link-base")
        // With a link base every link is absolute.
        let linked = SummaryReport.render([failing], provenance: Self.provenance, linkBase: "https://example.org/run/42")
        let targets = markdownLinkTargets(linked).map(\.target)
        #expect(!targets.isEmpty)
        #expect(targets.allSatisfy { $0.hasPrefix("https://example.org/run/42/") })
        #expect(targets.contains("https://example.org/run/42/ci-formats.md"))
    }

    @Test("a suite of 3000 problem files, a third failing, stays far below GitHub's 64 KiB comment limit")
    func bounded() throws {
        let failing = try failingResult()
        var results: [ExperimentResult] = []
        for i in 0..<3000 {
            var r = failing
            r.name = "problem-\(i)"
            r.sourcePath = "Problems/problem-\(i).yaml"
            if i % 3 != 0 {
                r.passed = true
                for a in r.methods.indices { for b in r.methods[a].bounds.indices { r.methods[a].bounds[b].fails = false } }
                r.unmatchedExpectations = []
            }
            results.append(r)
        }
        let text = SummaryReport.render(results, provenance: Self.provenance, linkBase: "https://example.org/reports")
        #expect(text.utf8.count < 48 * 1024, "summary is \(text.utf8.count) bytes")
        #expect(text.hasPrefix("## ❌ BoundCheck: 1000 of 3000 problem files not as expected"))
        #expect(text.contains("… and \(2000 - SummaryReport.maximumFailureRows) more failing checks"))
        #expect(text.contains("… and \(3000 - SummaryReport.maximumProblemRows) more problem files (\(1000 - SummaryReport.maximumProblemRows) not as expected)"))
    }

    @Test("table cells cannot be broken by | or line breaks in reasons")
    func cells() {
        #expect(SummaryReport.cell("a|b\nc") == "a\\|b c")
    }
}

/// The junit.xml structure: testsuites ⊃ testsuite ⊃ testcase ⊃ failure|skipped, with the
/// attributes the common JUnit XML schema requires and counts that agree with the elements.
private final class JUnitStructure: NSObject, XMLParserDelegate {
    var path: [String] = []
    var errors: [String] = []
    var suites: [(attributes: [String: String], cases: Int, failures: Int, skipped: Int)] = []
    var rootAttributes: [String: String] = [:]
    var failureTypes: [String] = []
    var failureBodies: [String] = []
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let parent = path.last
        let allowedParent: [String: String?] = ["testsuites": nil, "testsuite": "testsuites", "testcase": "testsuite",
                                                "failure": "testcase", "skipped": "testcase", "system-out": "testcase"]
        if let expected = allowedParent[name] {
            if expected != parent { errors.append("<\(name)> inside <\(parent ?? "document")>") }
        } else {
            errors.append("unexpected element <\(name)>")
        }
        switch name {
        case "testsuites": rootAttributes = attributes
        case "testsuite":
            for key in ["name", "tests", "failures", "errors", "skipped"] where attributes[key] == nil { errors.append("testsuite without \(key)") }
            suites.append((attributes, 0, 0, 0))
        case "testcase":
            for key in ["name", "classname"] where attributes[key] == nil { errors.append("testcase without \(key)") }
            suites[suites.count - 1].cases += 1
        case "failure":
            guard let type = attributes["type"], !type.isEmpty, attributes["message"] != nil else {
                errors.append("failure without message or type")
                break
            }
            failureTypes.append(type)
            suites[suites.count - 1].failures += 1
        case "skipped": suites[suites.count - 1].skipped += 1
        default: break
        }
        path.append(name)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "failure" { failureBodies.append(text) }
        path.removeLast()
    }
}

@Suite("JUnit format")
struct JUnitFormatTests {
    @Test("junit.xml has the JUnit structure, counts that match, and failures with a type and a body")
    func structure() throws {
        let xml = JUnitReport.render([try failingResult()])
        let parser = XMLParser(data: Data(xml.utf8))
        let structure = JUnitStructure()
        parser.delegate = structure
        #expect(parser.parse(), "well-formed XML")
        #expect(structure.errors.isEmpty, "\(structure.errors)")
        let suite = try #require(structure.suites.first)
        #expect(Int(suite.attributes["tests"] ?? "") == suite.cases)
        #expect(Int(suite.attributes["failures"] ?? "") == suite.failures)
        #expect(Int(suite.attributes["skipped"] ?? "") == suite.skipped)
        #expect(Int(structure.rootAttributes["tests"] ?? "") == suite.cases)
        #expect(suite.failures == 2)
        #expect(Set(structure.failureTypes) == ["violated", "unexpected-holds"])
        for body in structure.failureBodies {
            for field in ["check: ", "outcome: ", "reason: ", "checkpoint: k = ", "observed: ", "bound: "] {
                #expect(body.contains(field), "failure body lacks \(field): \(body)")
            }
        }
    }
}

@Suite("CI formats end to end")
struct CIFormatEndToEndTests {
    @Test("the built tool: a failing bound gives a summary line, an annotation at its line and exit 1; bad input an annotation at the error and exit 2")
    func endToEnd() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boundcheck-ci-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try failingYAML.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let run = try runBoundcheck(["check", "p.yaml", "--format", "md,summary,github", "--out", "out", "--no-cache"], in: folder)
        #expect(run.status == 1, "\(run.err)")
        let (tinyLine, tinyColumn) = try #require(position(of: "{id: tiny", onLineWith: "id: tiny", in: failingYAML))
        #expect(run.out.contains("::error file=p.yaml,line=\(tinyLine),col=\(tinyColumn),title=ci-formats%3A sgd-1/tiny violated::"), "\(run.out)")
        let summary = try String(contentsOf: folder.appendingPathComponent("out/summary.md"), encoding: .utf8)
        #expect(summary.hasPrefix("## ❌ BoundCheck: 1 of 1 problem files not as expected"))
        #expect(summary.contains("| sgd-1/tiny | **violated** |"))

        try failingYAML.replacingOccurrences(of: "beta: 0.5", with: "beta: 1.5")
            .write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try runBoundcheck(["check", "bad.yaml", "--format", "github", "--out", "out2", "--no-cache"], in: folder)
        #expect(bad.status == 2)
        let (betaLine, _) = try #require(position(of: "beta", onLineWith: "beta: 0.5", in: failingYAML))
        #expect(bad.out.contains("::error file=bad.yaml,line=\(betaLine),"), "\(bad.out)")
        #expect(bad.out.contains("methods[0].beta"))
    }
}
