import Foundation
import Testing
@testable import BoundCheck

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
        // The user family of UserFamilyTests, written with the public API only.
        catalog.register(family: IsotropicFamily.self)
        let lines = catalog.familyListText().split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.last == "  isotropic       ½ L ‖x − cᵢ‖²; curvature: L, claim-pl: bool")
        #expect(!Catalog.standard.familyListText().contains("isotropic"))

        let instance = try Instance(family: IsotropicFamily(curvature: 3), dimension: 4, workers: 3, heterogeneity: 0.5,
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
