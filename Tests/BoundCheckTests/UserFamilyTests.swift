import Foundation
import Testing
import BoundCheck   // not @testable: a user's family sees only the public API

/// A user's family, written as a separate package would: fᵢ(x) = ½ L ‖x − cᵢ‖² with centres
/// cᵢ = heterogeneity · (i − (n−1)/2) · 1 (they sum to zero). Then f(x) = ½ L ‖x‖² + f*,
/// f* = ½ L (1/n) Σᵢ ‖cᵢ‖² at x* = 0, so f is L-smooth and L-PL; ∇fᵢ = ∇f − L cᵢ, so B² = 1
/// and G² = L² (1/n) Σᵢ ‖cᵢ‖².
///
/// Parameters: `curvature: L > 0` (required), `claim-pl: bool` (true; false leaves μ out, as a
/// family that does not know its PL constant would), `setup-cost: ≥ 0` (0; coordinate-updates
/// the setup declares, for the work cap).
struct IsotropicFamily: ProblemFamily {
    static let name = "isotropic"
    static let synopsis = "½ L ‖x − cᵢ‖²; curvature: L, claim-pl: bool"
    static let parameterKeys = ["curvature", "claim-pl", "setup-cost"]

    var curvature: Double
    var claimsPL = true
    var setupCost = 0.0

    init(curvature: Double) { self.curvature = curvature }

    init?(parameters p: inout ParameterReader) {
        guard let L = p.double("curvature", .positive) else { return nil }
        curvature = L
        claimsPL = p.bool("claim-pl", default: true) ?? true
        setupCost = p.double("setup-cost", .nonNegative, default: 0) ?? 0
    }

    var guarantees: FamilyGuarantees { FamilyGuarantees(smooth: true, pl: claimsPL, boundedGradients: false, exactOptimum: true) }

    func setupWork(dimension: Int, workers: Int) -> Double { setupCost }

    final class Objective: BoundCheck.Objective {
        let dimension: Int, workers: Int, L: Double, centres: [Double]
        init(dimension: Int, workers: Int, L: Double, centres: [Double]) {
            self.dimension = dimension; self.workers = workers; self.L = L; self.centres = centres
        }
        func value(at x: UnsafeBufferPointer<Double>) -> Double {
            var total = 0.0
            for c in centres { for j in 0..<dimension { total += 0.5 * L * (x[j] - c) * (x[j] - c) } }
            return total / Double(workers)
        }
        func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) {
            for j in 0..<dimension { gradient[j] = L * (x[j] - centres[worker]) }
        }
    }

    func build(dimension: Int, workers: Int, heterogeneity: Double, rng: inout RandomStream) throws -> BuiltProblem {
        let L = curvature
        let centres = (0..<workers).map { heterogeneity * (Double($0) - Double(workers - 1) / 2) }
        let spread = centres.map { $0 * $0 * Double(dimension) }.reduce(0, +) / Double(workers)
        return BuiltProblem(
            objective: Objective(dimension: dimension, workers: workers, L: L, centres: centres),
            constants: ProblemConstants(L: DerivedConstant(L, "given"),
                                        mu: claimsPL ? DerivedConstant(L, "isotropic") : nil,
                                        fstar: DerivedConstant(0.5 * L * spread, "at x* = 0, the centres' mean"),
                                        fstarIsLowerBound: false, B2: DerivedConstant(1, "centres sum to zero"),
                                        G2: DerivedConstant(L * L * spread, "L² (1/n) Σ‖cᵢ‖²")))
    }
}

extension Catalog {
    /// The built-ins and the isotropic family; not `.standard`.
    static var withIsotropicFamily: Catalog {
        var catalog = Catalog.standard
        catalog.register(family: IsotropicFamily.self)
        return catalog
    }
}

@Suite("A family registered in a user's catalog, named in a problem file")
struct UserFamilyTests {
    static func problem(_ family: String = "isotropic", extra: String = "curvature: 2", method: String = "sgdm, beta: 0.2") -> String {
        """
        name: user-family
        seed: 3
        problem:
          family: \(family)
          dimension: 8
          workers: 4
          heterogeneity: 0.5
          \(extra)
        oracle:
          - gaussian-noise: {variance: 0.2}
        methods:
          - {method: \(method), step: theory}
        run: {iterations: 200, seeds: 8, checkpoints: 20}
        """
    }

    static func check(_ yaml: String) throws -> ExperimentResult {
        let catalog = Catalog.withIsotropicFamily
        let spec = try SpecLoader(catalog: catalog).load(yaml: yaml, file: "user-family.yaml")
        let prepared = try ProblemFiles.prepare([spec], quick: false, catalog: catalog)
        let request = CheckRequest(settings: CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil),
                                   jobs: 2, commit: "c", toolchain: "t")
        guard case .reports(let pages) = try CheckRun.run(prepared, request: request, cache: nil, codeVersion: "", events: { _ in })
        else { throw CheckFailure("expected reports, got a shard") }
        return try #require(pages.first).result
    }

    struct CheckFailure: Error { let message: String; init(_ message: String) { self.message = message } }

    @Test("the loader reads the family's own keys into the family value, and the instance has its constants")
    func loads() throws {
        let spec = try SpecLoader(catalog: .withIsotropicFamily).load(yaml: Self.problem(extra: "curvature: 2\n  claim-pl: no"),
                                                                      file: "user-family.yaml")
        let family = try #require(spec.problem.family as? IsotropicFamily)
        #expect(family.curvature == 2 && !family.claimsPL)
        let instance = try Instance(spec: spec)
        #expect(instance.constants[.L] == 2 && instance.constants[.mu] == nil)
    }

    @Test("check runs SGDM on it and every catalog bound for SGDM its guarantees allow applies and holds (F2's gap bounds too: it is PL with exact f*)")
    func checkWithPL() throws {
        let result = try Self.check(Self.problem())
        #expect(result.family == "isotropic")
        let verdicts = Dictionary(uniqueKeysWithValues: try #require(result.methods.first).bounds.map { ($0.evaluation.id, $0.verdict.verdict) })
        #expect(verdicts == ["F1": .holds, "F2": .holds, "F2-x": .holds], "\(verdicts)")
        #expect(result.passed)
    }

    @Test("without the PL guarantee the PL bounds do not apply, and say so; the others still hold")
    func checkWithoutPL() throws {
        let result = try Self.check(Self.problem(extra: "curvature: 2\n  claim-pl: false"))
        let bounds = try #require(result.methods.first).bounds
        for bound in bounds {
            if ["F2", "F2-x"].contains(bound.evaluation.id) {
                #expect(bound.verdict.verdict == .notApplicable, "\(bound.evaluation.id)")
                #expect(bound.verdict.reason.contains("PL constant"), "\(bound.verdict.reason)")
            } else {
                #expect(bound.verdict.verdict == .holds, "\(bound.evaluation.id): \(bound.verdict.verdict)")
            }
        }
        #expect(bounds.map(\.evaluation.id) == ["F1", "F2", "F2-x"])
    }

    @Test("an unknown family gets a did-you-mean over the catalog's families, the user's included, at its position")
    func unknownFamily() {
        #expect {
            _ = try SpecLoader(catalog: .withIsotropicFamily).load(yaml: Self.problem("isotropc"), file: "user-family.yaml")
        } throws: { error in
            let diagnostics = (error as? SpecErrors)?.diagnostics ?? []
            return diagnostics.count == 1 && diagnostics[0].keyPath == "problem.family"
                && diagnostics[0].line == 4 && diagnostics[0].column == 11
                && diagnostics[0].message == "unknown family 'isotropc' (did you mean 'isotropic'?); valid: quadratic, pl-sine, rational, logistic-ncvx, composite, isotropic"
        }
    }

    @Test("the standard catalog does not know the user's family, nor its keys")
    func standardCatalogRefuses() {
        #expect {
            _ = try SpecLoader().load(yaml: Self.problem(), file: "user-family.yaml")
        } throws: { error in
            let messages = (error as? SpecErrors)?.diagnostics.map(\.message) ?? []
            return messages.contains("unknown family 'isotropic'; valid: quadratic, pl-sine, rational, logistic-ncvx, composite")
                && messages.contains { $0.hasPrefix("unknown key 'curvature' in the problem") }
        }
    }

    @Test("the family's parameters get the loader's positioned messages: missing, out of range, another family's key")
    func parameterMessages() {
        func diagnostics(_ yaml: String) -> [String] {
            do {
                _ = try SpecLoader(catalog: .withIsotropicFamily).load(yaml: yaml, file: "f.yaml")
                return []
            } catch let errors as SpecErrors {
                return errors.diagnostics.map { "\($0.line):\($0.column) \($0.keyPath): \($0.message)" }
            } catch { return ["\(error)"] }
        }
        #expect(diagnostics(Self.problem(extra: "start: {scale: 1}")) == ["4:3 problem.curvature: missing 'curvature' (a number > 0)"])
        #expect(diagnostics(Self.problem(extra: "curvature: -1")) == ["8:14 problem.curvature: -1 is out of range: expected a number > 0"])
        #expect(diagnostics(Self.problem(extra: "curvature: 2\n  claim-pl: perhaps")) == ["9:13 problem.claim-pl: expected true or false, found 'perhaps'"])
        #expect(diagnostics(Self.problem("quadratic", extra: "curvature: 2")) == ["8:14 problem.curvature: 'curvature' applies to family isotropic, not quadratic"])
    }

    @Test("an unknown key in problem: gets a did-you-mean over the named family's keys, and their list")
    func unknownKeySuggestsTheFamilysKeys() {
        func messages(_ family: String, _ extra: String, catalog: Catalog = .withIsotropicFamily) -> [String] {
            do {
                _ = try SpecLoader(catalog: catalog).load(yaml: Self.problem(family, extra: extra), file: "f.yaml")
                return []
            } catch { return (error as? SpecErrors)?.diagnostics.map(\.message) ?? ["\(error)"] }
        }
        #expect(messages("isotropic", "curvatur: 2") == ["missing 'curvature' (a number > 0)",
                                                         "unknown key 'curvatur' in the problem (did you mean 'curvature'?); valid keys: family, dimension, workers, heterogeneity, start, curvature, claim-pl, setup-cost"])
        #expect(messages("quadratic", "spectrm: {min: 1}") == ["unknown key 'spectrm' in the problem (did you mean 'spectrum'?); valid keys: family, dimension, workers, heterogeneity, start, spectrum, rotate"])
        // Without a family the catalog knows, every family's keys are candidates.
        #expect(messages("quadrat", "spectrm: {min: 1}", catalog: .standard) == [
            "unknown family 'quadrat' (did you mean 'quadratic'?); valid: quadratic, pl-sine, rational, logistic-ncvx, composite",
            "unknown key 'spectrm' in the problem (did you mean 'spectrum'?); valid keys: family, dimension, workers, heterogeneity, start, lambda, pl-constant, rotate, samples-per-worker, spectrum, target-noise"])
    }

    @Test("the work cap counts the family's declared setup work")
    func setupWorkCounts() {
        #expect(throws: Never.self) { try SpecLoader(catalog: .withIsotropicFamily).load(yaml: Self.problem(extra: "curvature: 2\n  setup-cost: 1e9"), file: "f.yaml") }
        #expect {
            _ = try SpecLoader(catalog: .withIsotropicFamily).load(yaml: Self.problem(extra: "curvature: 2\n  setup-cost: 1e11"), file: "f.yaml")
        } throws: { error in
            ((error as? SpecErrors)?.diagnostics.first?.message ?? "").contains("over the limit of")
        }
    }
}
