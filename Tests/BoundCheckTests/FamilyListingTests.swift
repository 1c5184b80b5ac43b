import Foundation
import Testing
@testable import BoundCheck

/// A user's family, written as a separate package would: f = (1/n) Σᵢ ½ L ‖x − cᵢ‖² with
/// per-worker centres cᵢ = heterogeneity · (i − (n−1)/2) · 1 (they sum to zero), so f is
/// L-smooth and L-PL with f* = ½ L · (1/n) Σᵢ ‖cᵢ‖², and B² = 1, G² = L² · (1/n) Σᵢ ‖cᵢ‖².
private struct IsotropicQuadraticFamily: ProblemFamily {
    static let name = "isotropic-quadratic"
    static let synopsis = "½ L ‖x − cᵢ‖²; L given"
    static let parameterKeys = ["curvature"]
    var L: Double
    init(L: Double) { self.L = L }
    init?(parameters p: inout ParameterReader) {
        guard let L = p.double("curvature", .positive, default: 1) else { return nil }
        self.L = L
    }
    var guarantees: FamilyGuarantees { FamilyGuarantees(smooth: true, pl: true, boundedGradients: false, exactOptimum: true) }

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
        let centres = (0..<workers).map { heterogeneity * (Double($0) - Double(workers - 1) / 2) }
        let spread = centres.map { $0 * $0 * Double(dimension) }.reduce(0, +) / Double(workers)
        return BuiltProblem(
            objective: Objective(dimension: dimension, workers: workers, L: L, centres: centres),
            constants: ProblemConstants(L: DerivedConstant(L, "given"), mu: DerivedConstant(L, "isotropic"),
                                        fstar: DerivedConstant(0.5 * L * spread, "at the mean of the centres (0)"),
                                        fstarIsLowerBound: false, B2: DerivedConstant(1, "centres sum to zero"),
                                        G2: DerivedConstant(L * L * spread, "(1/n) Σ‖∇fᵢ(x*)‖²")))
    }
}

@Suite("boundcheck list's families section comes from the catalog")
struct FamilyListingTests {
    @Test("the standard catalog lists the five built-in families with their synopses, exactly as before")
    func standardText() {
        #expect(Catalog.standard.familyListText() == """
              quadratic       ½(x − cᵢ)ᵀA(x − cᵢ); spectrum: {min, max, zeros, spacing: linear|log|two-point}, rotate: bool
              pl-sine         Σ xⱼ² + 3 sin² xⱼ, tilted per worker; pl-constant: computed|published
              rational        Σ xⱼ²/(1 + xⱼ²), tilted per worker; bounded gradients
              logistic-ncvx   logistic loss + λ Σ xⱼ²/(1+xⱼ²); samples-per-worker, lambda; bounded gradients
              composite       (1/N) Σ log cosh(aₛᵀx − yₛ); samples-per-worker, target-noise; bounded gradients
            """)
    }

    @Test("a registered user family is listed after the built-ins, and builds an instance with its declared constants")
    func userFamily() throws {
        var catalog = Catalog.standard
        catalog.register(family: IsotropicQuadraticFamily.self)
        let lines = catalog.familyListText().split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.last == "  isotropic-quadratic ½ L ‖x − cᵢ‖²; L given")
        #expect(!Catalog.standard.familyListText().contains("isotropic-quadratic"))

        let instance = try Instance(family: IsotropicQuadraticFamily(L: 3), dimension: 4, workers: 3, heterogeneity: 0.5,
                                    start: .gaussian(scale: 1), seed: 5, oracle: [], declared: DeclaredConstants([:]))
        #expect(instance.constants[.L] == 3 && instance.constants[.mu] == 3)
        // f* is the value at the minimiser x* = 0 (the centres' mean).
        #expect(abs(instance.constants[.fstar]! - instance.objective.value(at: [0, 0, 0, 0])) < 1e-12)
    }

    @Test("the mu-unavailable cross-rule follows the family's declared PL guarantee")
    func muFollowsGuarantee() {
        let rational = SpecBuilder.unavailableVariables(family: .rational, oracle: [], declared: DeclaredConstants([:]))
        let plSine = SpecBuilder.unavailableVariables(family: .plSine(publishedMu: false), oracle: [], declared: DeclaredConstants([:]))
        #expect(rational["mu"] != nil && plSine["mu"] == nil)
        #expect(!RationalFamily().guarantees.pl && PLSineFamily().guarantees.pl)
    }
}
