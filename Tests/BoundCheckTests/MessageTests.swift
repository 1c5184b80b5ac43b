import Foundation
import Testing
@testable import BoundCheck

// Messages in the user's terms: positioned, naming the cause and what would be valid.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// Every ```yaml block of the README and docs/*.md that is a whole problem file (it has
/// `problem`, `methods` and `run`), with where it is.
func docsProblemFiles() throws -> [(where: String, yaml: String)] {
    var files = ["README.md"]
    let docs = root.appendingPathComponent("docs")
    files += try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
    var found: [(String, String)] = []
    for file in files {
        let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            guard lines[i].hasPrefix("```yaml") || lines[i].hasPrefix("```yml") else { i += 1; continue }
            let start = i + 1
            var end = start
            while end < lines.count, !lines[end].hasPrefix("```") { end += 1 }
            let body = lines[start..<end].joined(separator: "\n") + "\n"
            let keys = Set(lines[start..<end].compactMap { line -> String? in
                guard let colon = line.firstIndex(of: ":"), !line.hasPrefix(" "), !line.hasPrefix("#") else { return nil }
                return String(line[..<colon])
            })
            if ["problem", "methods", "run"].allSatisfy(keys.contains) { found.append(("\(file):\(start)", body)) }
            i = end + 1
        }
    }
    return found
}

@Suite("Docs examples")
struct DocsExampleTests {
    @Test("every whole problem file in the README and docs loads verbatim and prepares (steps resolved)")
    func examplesLoad() throws {
        let examples = try docsProblemFiles()
        #expect(examples.count >= 2, "found \(examples.map(\.where))")
        #expect(examples.contains { $0.where.hasPrefix("docs/problem-files.md") })
        for example in examples {
            do {
                let spec = try SpecLoader().load(yaml: example.yaml, file: "example.yaml")
                _ = try PreparedExperiment(spec: spec, quick: true)
            } catch {
                Issue.record("\(example.where): \(error)")
            }
        }
    }
}

/// The complete example of docs/problem-files.md as it used to be: Top-K with k/d = 0.1 after
/// Gaussian noise, and M-DSGD with step: theory on a biased oracle.
private let unresolvable = """
name: quadratic-topk
problem:
  family: quadratic
  dimension: 50
  workers: 8
  spectrum: {min: 0.5, max: 10}
oracle:
  - gaussian-noise: {variance: 0.5}
  - top-k: {k: 5}
methods:
  - {method: sgdm, beta: 0.1, step: theory}
  - {method: sgd, step: 0.01}
  - {method: mdsgd, beta: 0.9, sparsifier: {top-k: {k: 5}}, step: theory, bounds: [M1]}
run: {iterations: 200, seeds: 4, checkpoints: 10}
"""

@Suite("Messages")
struct MessageTests {
    @Test("step: theory that cannot be resolved: at the method's step, called a method, with the cause and a fix")
    func stepTheory() throws {
        let spec = try SpecLoader().load(yaml: unresolvable, file: "q.yaml")
        do {
            _ = try PreparedExperiment(spec: spec)
            Issue.record("prepared")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.count == 2, "both methods are reported")
            let sgdm = try #require(errors.diagnostics.first)
            #expect(sgdm.file == "q.yaml")
            #expect(sgdm.line == 11 && sgdm.column == 37 && sgdm.keyPath == "methods[0].step", "\(sgdm)")
            #expect(sgdm.message.hasPrefix("step: theory cannot be resolved for method sgdm-1:"))
            #expect(!sgdm.description.contains("bound sgdm-1"))
            #expect(!sgdm.message.contains("relative noise"))
            for part in ["m = 0.9", "k/d = 0.1", "δ > ½", "after the compressor", "fixed step"] {
                #expect(sgdm.message.contains(part), "missing '\(part)': \(sgdm.message)")
            }
            let mdsgd = errors.diagnostics[1]
            #expect(mdsgd.line == 13 && mdsgd.keyPath == "methods[2].step")
            #expect(mdsgd.message.contains("method mdsgd-1") && mdsgd.message.contains("needs unbiased worker gradients"))
        }
    }

    @Test("a vanishingly small β gives a sentence, not a raw GSL bracketing error")
    func tinyBeta() throws {
        let yaml = """
        problem: {family: quadratic, dimension: 6, workers: 2, spectrum: {min: 1, max: 3}}
        methods:
          - {method: sgdm, beta: 5e-324, step: theory}
        run: {iterations: 100, seeds: 2, checkpoints: 6}
        """
        let spec = try SpecLoader().load(yaml: yaml, file: "b.yaml")
        do {
            _ = try PreparedExperiment(spec: spec)
            Issue.record("prepared")
        } catch let errors as SpecErrors {
            let message = try #require(errors.diagnostics.first).message
            #expect(message.contains("5e-324") && message.contains("vanishingly small"), "\(message)")
            #expect(!message.contains("GSL") && !message.contains("sign change"))
        }
        // With a fixed step the file runs its bounds' checks without a GSL error.
        let fixed = try SpecLoader().load(yaml: yaml.replacingOccurrences(of: "step: theory", with: "step: 0.01"), file: "b.yaml")
        let prepared = try PreparedExperiment(spec: fixed)
        for e in prepared.evaluateBounds(traces: nil).joined() {
            #expect(!(e.error ?? "").contains("GSL"), "\(e.id): \(e.error ?? "")")
        }
    }

    @Test("not-applicable reasons say what the bound needs and what is missing")
    func conditionPhrasing() throws {
        let yaml = """
        problem: {family: rational, dimension: 4, workers: 2}
        methods:
          - {method: sgd, step: 0.1}
        run: {iterations: 50, seeds: 2, checkpoints: 5}
        """
        let prepared = try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "r.yaml"))
        let as2 = try #require(prepared.evaluateBounds(traces: nil)[0].first { $0.id == "AS-2" })
        let reasons = as2.failedConditions.joined(separator: "; ")
        #expect(reasons.contains("needs a PL constant μ > 0 (A3), which the family does not have"), "\(reasons)")
        #expect(!reasons.contains("is known for the family"))
    }

    @Test("Unicode symbols get their ASCII names, and every bad character is reported")
    func unicodeHints() throws {
        func errors(_ text: String) -> [ExpressionError] {
            do {
                _ = try BoundExpression(text, allowedVariables: SpecBuilder.boundVariables)
                return []
            } catch { return error.all }
        }
        let cases: [(String, String)] = [
            ("Δ/K", "write 'D0' instead"), ("Δ₀/K", "write 'D0' instead"), ("μ*K", "write 'mu' instead"),
            ("γ*L", "write 'gamma' instead"), ("β", "write 'beta' instead"), ("ζ²", "write 'zeta2' instead"),
            ("σ²*L", "write 'sigma2' instead"), ("δ", "write 'delta' instead"), ("τ", "write 'tau' instead"),
            ("η", "write 'gamma' instead"), ("L ≤ 1", "write '<=' instead"), ("L ≥ 1", "write '>=' instead"),
            ("L − 1", "write '-' instead"), ("L · 2", "write '*' instead"), ("L × 2", "write '*' instead"),
        ]
        for (text, hint) in cases {
            let found = errors(text)
            #expect(found.first?.message.contains(hint) == true, "\(text): \(found.map(\.message))")
        }
        // Three bad characters, three errors, each at its own column.
        let three = errors("2*Δ/(γ*(1−m)*K)")
        #expect(three.map(\.offset) == [2, 5, 9], "\(three)")
        #expect(three.map(\.message).allSatisfy { $0.hasPrefix("unexpected character") })
    }

    @Test("every unknown variable and function of an expression is reported, in text order")
    func allUnknownNames() throws {
        do {
            _ = try BoundExpression("zeta/(1-m) + sgima2*L + ln(K)", allowedVariables: SpecBuilder.boundVariables)
            Issue.record("compiled")
        } catch {
            let all = error.all
            #expect(all.map(\.offset) == [0, 13, 24], "\(all)")
            #expect(all[0].message.hasPrefix("unknown variable 'zeta'"))
            #expect(all[1].message.contains("did you mean 'sigma2'"))
            #expect(all[2].message.contains("unknown function 'ln' (did you mean 'log'?)"))
        }
    }

    @Test("the loader reports every bad character of an expression, each at its column")
    func allExpressionErrorsInFile() throws {
        let yaml = """
        problem: {family: quadratic, dimension: 6, workers: 2, spectrum: {min: 1, max: 3}}
        methods:
          - {method: sgd, step: 0.1}
        user-bounds:
          - {id: mine, method: sgd, metric: gap, expression: "2*Δ/(γ*K)"}
        run: {iterations: 50, seeds: 2, checkpoints: 5}
        """
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "u.yaml")
            Issue.record("loaded")
        } catch let errors as SpecErrors {
            let found = errors.diagnostics.filter { $0.keyPath.hasPrefix("user-bounds[0].expression") }
            #expect(found.count == 2, "\(errors.diagnostics)")
            #expect(found.map(\.line) == [5, 5])
            #expect(found.map(\.column) == [57, 60], "\(found)")   // the columns of Δ and γ
        }
    }

    @Test("lambert_wm1 outside [−1/e, 0) is a domain error, not W₀")
    func lambertBranch() throws {
        let e = try BoundExpression("lambert_wm1(1)", allowedVariables: [])
        #expect(throws: ExpressionError.self) { try e.evaluate([:]) }
        let inside = try BoundExpression("lambert_wm1(-0.2)", allowedVariables: [])
        #expect(try inside.evaluate([:]) < -1)
        let zero = try BoundExpression("lambert_wm1(0)", allowedVariables: [])
        #expect(throws: ExpressionError.self) { try zero.evaluate([:]) }
    }
}
