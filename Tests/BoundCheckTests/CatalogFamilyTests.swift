import Foundation
import Testing
@testable import BoundCheck

@Suite("Problem families as registered plug-ins")
struct CatalogFamilyTests {
    static let families: [any ProblemFamily] = [
        .quadratic(minEigenvalue: 1, maxEigenvalue: 4, zeroEigenvalues: 1, logSpacing: false, rotate: true),
        .plSine(publishedMu: false), .plSine(publishedMu: true), .rational,
        .logisticNonconvex(samplesPerWorker: 20, lambda: 0.1),
        .composite(samplesPerWorker: 20, targetNoise: 0), .composite(samplesPerWorker: 20, targetNoise: 0.5),
    ]

    @Test("the standard catalog registers every family the loader accepts, once, in the loader's order")
    func registered() {
        #expect(Catalog.standard.families.map { $0.name } == ["quadratic", "pl-sine", "rational", "logistic-ncvx", "composite"])
    }

    @Test("each family's declared guarantees are what its built constants say: PL ⇔ μ, bounded gradients ⇔ G_max, exact f* ⇔ not f_inf")
    func guaranteesMatchConstants() throws {
        for spec in Self.families {
            let family = spec
            var rng = RandomStream(key: StreamKey(problemSeed: 3, purpose: .instance))
            let built = try family.build(dimension: 6, workers: 3, heterogeneity: 0.5, rng: &rng)
            let g = family.guarantees
            #expect(g.smooth && built.constants.L.value.isFinite, "\(spec)")
            #expect(g.pl == (built.constants.mu != nil), "\(spec)")
            #expect(g.boundedGradients == (built.constants.workerGradientBounds != nil), "\(spec)")
            #expect(g.exactOptimum == !built.constants.fstarIsLowerBound, "\(spec)")
        }
    }

    @Test("an instance built from a family and plain parameters equals the one built from the problem file")
    func instanceFromFamily() throws {
        let yaml = """
            name: fam
            seed: 11
            problem: {family: pl-sine, dimension: 5, workers: 2, heterogeneity: 0.4}
            oracle: [{additive-bias: {norm: 0.2}}, {gaussian-noise: {variance: 0.1}}]
            methods: [{method: sgd, step: 0.01}]
            run: {iterations: 10, seeds: 2}
            constants: {sigma2: 0.5}
            """
        let spec = try SpecLoader().load(yaml: yaml, file: "fam.yaml")
        let fromSpec = try Instance(spec: spec)
        let direct = try Instance(family: PLSineFamily(), dimension: 5, workers: 2, heterogeneity: 0.4, start: spec.problem.start,
                                  seed: 11, oracle: spec.oracle, declared: DeclaredConstants([.sigma2: 0.5]))
        #expect(direct.constants == fromSpec.constants)
        #expect(direct.start == fromSpec.start && direct.workerBounds == fromSpec.workerBounds)
        // The additive-bias stage draws its vector from the instance's seed: the same for both.
        #expect(AdditiveBias(norm: 0.2).biasVector(environment: direct.oracleEnvironment)
                == AdditiveBias(norm: 0.2).biasVector(environment: fromSpec.oracleEnvironment))
        #expect(direct.constants[.sigma2] == 0.5 && direct.seed == spec.seed && direct.family.name == "pl-sine")
    }
}

@Suite("docs/problem-files.md's family and bound tables against the catalog")
struct ProblemFileDocsTableTests {
    static func table(_ header: String) throws -> [[String]] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let lines = try String(contentsOf: root.appendingPathComponent("docs/problem-files.md"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix(header) }, "no table headed \(header)")
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test("the families table names every registered family in order, with its bounded-gradient and PL guarantees")
    func families() throws {
        let rows = try Self.table("| Family | f | Bounded gradients | PL (μ) |")
        #expect(rows.map { $0[0] } == Catalog.standard.families.map { "`\($0.name)`" })
        for row in rows {
            let spec = try #require(CatalogFamilyTests.families.first { "`\($0.name)`" == row[0] })
            #expect(row[2] == (spec.guarantees.boundedGradients ? "yes" : "no"), "\(row[0])")
            #expect(row[3] == (spec.guarantees.pl ? "yes" : "no"), "\(row[0])")
        }
    }

    @Test("the bounds table names every registered bound in catalog order")
    func bounds() throws {
        let rows = try Self.table("| Id | Concerns | Metric | What it is |")
        #expect(rows.map { $0[0] } == Catalog.standard.bounds.map { "`\($0.id)`" })
        #expect(zip(rows, Catalog.standard.bounds).allSatisfy { row, bound in row[2] == bound.metric.rawValue })
    }
}
