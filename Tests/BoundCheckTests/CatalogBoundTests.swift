import Foundation
import Testing
import BoundCheck   // not @testable: registering a bound must work through the public API

/// A user's bound, registered in a catalog: F1HalfRho of docs/bounds.md under another id, and
/// a variant of it in its group, to check that groups are a property of the bound.
private struct HalfRhoVariant: Bound {
    let id = "F1-half-x"
    let group = "F1-half"
    let kind = BoundKind.derived
    let source = "test: a variant in F1-half's group"
    let metric = Metric.avgGrad
    let formula = "twice F1-half"
    let provedFor: Set<MethodKind> = [.sgdm]
    func conditions(_ c: BoundContext) -> [BoundCondition] { F1HalfRho().conditions(c) }
    func value(_ c: BoundContext, K: Double) throws -> Double { 2 * (try F1HalfRho().value(c, K: K)) }
}

@Suite("Bounds as registered plug-ins")
struct CatalogBoundTests {
    static func extended() -> Catalog {
        var catalog = Catalog.standard
        catalog.register(F1HalfRho())
        catalog.register(HalfRhoVariant())
        return catalog
    }

    static func yaml(bounds: String, expect: String) -> String {
        """
        name: registered
        seed: 5
        problem: {family: quadratic, dimension: 10, workers: 4, heterogeneity: 0.5, spectrum: {min: 1, max: 4}}
        oracle:
          - additive-bias: {norm: 0.3}
          - gaussian-noise: {variance: 0.2}
        methods:
          - {id: m, method: sgdm, beta: 0.3, step: 0.01}
          - {id: e, method: mdsgd, beta: 0.3, step: 0.01, sparsifier: {top-k: {k: 5}}}
        run: {iterations: 100, seeds: 4, checkpoints: 8}
        bounds: \(bounds)
        expect: \(expect)
        """
    }

    @Test("the standard catalog registers every built-in once, in report order, with F2-x in group F2")
    func standardCatalog() {
        let ids = Catalog.standard.bounds.map(\.id)
        #expect(ids == ["AS-1", "AS-2", "F1", "F2", "F2-x", "M1", "EF-SGD", "EF21-NC", "EF21-PL", "M2", "dKGT"])
        #expect(Catalog.standard.group(ofBound: "F2-x") == "F2")
        #expect(Catalog.standard.selectBounds(["F2"]).map(\.id) == ["F2", "F2-x"])
        #expect(Catalog.standard.selectBounds(["F2-x"]).map(\.id) == ["F2-x"])
        #expect(Catalog.standard.selectableBoundIDs == ids)
    }

    @Test("bounds select by the method kinds they are proved for: SGDM bounds never reach M-DSGD and back")
    func provedFor() throws {
        let spec = try SpecLoader().load(yaml: Self.yaml(bounds: "[F1, M1]", expect: "{}"), file: "r.yaml")
        let sgdm = Catalog.standard.bounds(for: spec.methods[0], fileSelection: nil, userBounds: []).map(\.id)
        let mdsgd = Catalog.standard.bounds(for: spec.methods[1], fileSelection: nil, userBounds: []).map(\.id)
        #expect(sgdm == ["F1", "F2", "F2-x"])   // AS-1/AS-2 only at β = 1
        #expect(mdsgd == ["M1", "EF-SGD"])
        for bound in Catalog.standard.bounds {
            #expect(!bound.provedFor.isEmpty && bound.provedFor != Set(Catalog.standard.methods.map { $0.kind }), "\(bound.id) names its methods")
        }
    }

    @Test("EF-SGD and dKGT prescribe their steps; the others limit it")
    func stepRules() {
        for bound in Catalog.standard.bounds {
            if bound.id == "EF-SGD" {
                #expect(bound.stepRule == .prescribes(formula: "1/√(T+1)"))
            } else if bound.id == "dKGT" {
                #expect(bound.stepRule == .prescribes(formula: "2/(L_ε + μ_ε)"))
            } else {
                #expect(bound.stepRule == .limits, "\(bound.id)")
            }
        }
    }

    @Test("a registered bound and its group are selectable, checked, held to expect: and counted in the exit code")
    func registeredBoundJoinsRuns() throws {
        let catalog = Self.extended()
        // The standard catalog does not know it: a did-you-mean error at load time.
        #expect(throws: SpecErrors.self) {
            _ = try SpecLoader().load(yaml: Self.yaml(bounds: "[F1-half]", expect: "{F1-half: holds}"), file: "r.yaml")
        }
        let spec = try SpecLoader(catalog: catalog).load(yaml: Self.yaml(bounds: "[F1-half]", expect: "{F1-half: holds}"), file: "r.yaml")
        let prepared = try PreparedExperiment(spec: spec, catalog: catalog)
        let traces = Experiment.run(prepared, jobs: 1)
        let result = try Experiment.judge(prepared, traces: traces)
        let checked = result.methods[0].bounds.map(\.evaluation.id)
        #expect(checked == ["F1-half", "F1-half-x"])          // the group selects its variant
        #expect(result.methods[1].bounds.isEmpty)             // not proved for M-DSGD
        #expect(result.methods[0].bounds.allSatisfy { $0.expected == .holds })   // F1-half's expect covers its group
        #expect(result.methods[0].bounds.allSatisfy { $0.verdict.verdict == .holds && !$0.fails })
        // Expecting the wrong verdict makes the registered bound fail the report like a built-in.
        let wrong = try SpecLoader(catalog: catalog).load(yaml: Self.yaml(bounds: "[F1-half-x]", expect: "{F1-half-x: violated}"), file: "r.yaml")
        let failing = try Experiment.judge(try PreparedExperiment(spec: wrong, catalog: catalog), traces: traces)
        #expect(failing.methods[0].bounds.map(\.evaluation.id) == ["F1-half-x"])
        #expect(failing.methods[0].bounds.allSatisfy { $0.fails })
    }

    @Test("list shows each bound's methods, assumptions, step rule and group")
    func listing() {
        let entries = Catalog.standard.boundListing
        #expect(entries.map(\.id) == Catalog.standard.bounds.map(\.id))
        let ef = entries.first { $0.id == "EF-SGD" }
        #expect(ef?.provedFor == [.mdsgd] && ef?.reliesOn == ["A1", "A2", "A5"])
        #expect(ef?.text.contains("step: prescribes γ = 1/√(T+1)") == true)
        #expect(entries.first { $0.id == "F2-x" }?.text.contains("group: F2") == true)
        #expect(entries.first { $0.id == "F2" }?.text.contains("group:") == false)
    }
}

@Suite("docs/bounds.md's catalog table against the catalog")
struct BoundDocsTableTests {
    @Test("the table lists every registered bound once, in catalog order, with its methods, metric, kind and step rule")
    func tableMatchesCatalog() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/bounds.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("| id | methods | metric | kind |") }) else {
            Issue.record("docs/bounds.md has no catalog table")
            return
        }
        let rows = lines[(header + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(rows.map { $0[0] } == Catalog.standard.bounds.map(\.id))
        for (row, bound) in zip(rows, Catalog.standard.bounds) {
            for kind in bound.provedFor { #expect(row[1].contains(kind.rawValue), "\(bound.id): methods column names \(kind.rawValue)") }
            #expect(row[2] == bound.metric.rawValue, "\(bound.id)")
            #expect(row[3].hasPrefix(bound.kind.rawValue), "\(bound.id)")
            if case .prescribes(let formula) = bound.stepRule {
                #expect(row[6] == "prescribes γ = \(formula)", "\(bound.id)")
            } else {
                #expect(!row[6].hasPrefix("prescribes"), "\(bound.id)")
            }
        }
    }
}
