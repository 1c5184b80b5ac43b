import Testing
import BoundCheck

/// A catalog with only SGD: the loader must refuse the methods it does not hold.
private func sgdOnly() -> Catalog {
    var catalog = Catalog()
    for stage in Catalog.standard.oracleStages { catalog.register(stage) }
    for bound in Catalog.standard.bounds { catalog.register(bound) }
    for family in Catalog.standard.families { catalog.register(family: family) }
    catalog.register(method: Sgd.self)
    return catalog
}

private func file(method: String) -> String {
    """
    name: method-test
    problem: {family: quadratic, dimension: 4, workers: 2, heterogeneity: 1, spectrum: {min: 1, max: 2}}
    oracle:
      - scale: {factor: 0.5}
    methods:
      - {method: \(method), step: 0.1}
    run: {iterations: 10, seeds: 1, checkpoints: 2}
    """
}

@Suite("The catalog drives the method parser and list")
struct MethodCatalogTests {
    @Test("the standard catalog registers one method per kind, in the order list shows them")
    func standardMethods() {
        #expect(Catalog.standard.methods.map { $0.name } == ["sgdm", "sgd", "mdsgd", "ef21", "ef21-sgdm"])
        #expect(Catalog.standard.methods.map { $0.kind } == [.sgdm, .sgd, .mdsgd, .ef21, .ef21Sgdm])
        #expect(Catalog.standard.method(named: "mdsgd")?.kind == .mdsgd)
        #expect(Catalog.standard.method(named: "adam") == nil)
    }

    @Test("only M-DSGD with Rand-K draws random numbers of its own")
    func randomness() {
        let randK = MethodSpec(id: "m", settings: Mdsgd(beta: 0, sparsifier: .randK(k: 1)), step: .fixed(0.1))
        let topK = MethodSpec(id: "m", settings: Mdsgd(beta: 0, sparsifier: .topK(k: 1)), step: .fixed(0.1))
        #expect(randK.isRandom && !topK.isRandom)
        #expect(Sgdm(beta: 0.5).randomness == nil && Sgd().randomness == nil)
        #expect(randK.settings.randomness == "rand-k sparsifier" && randK.settings.usesPermutation && !topK.settings.usesPermutation)
    }

    @Test("list's methods section has a line per registered method")
    func listText() {
        let lines = Catalog.standard.methodListText().split(separator: "\n").map(String.init)
        #expect(lines == [
            "  sgdm   beta ∈ (0, 1], step, init: zero|first-gradient, momentum: server|worker",
            "  sgd    step (β = 1)",
            "  mdsgd  beta ∈ [0, 1), step (η), sparsifier: {top-k|rand-k: {k}} | scaled-sign, variant: local|global",
            "  ef21   step, compressor: {STAGE: {…}} (e.g. top-k: {k}), init: compressed|gradient",
            "  ef21-sgdm eta ∈ (0, 1], step, compressor: {STAGE: {…}}, init: compressed|gradient",
        ])
        #expect(sgdOnly().methodListText() == "  sgd    step (β = 1)")
    }

    @Test("the loader accepts the catalog's methods and refuses others with the catalog's names")
    func loaderUsesCatalog() throws {
        let spec = try SpecLoader(catalog: sgdOnly()).load(yaml: file(method: "sgd"), file: "m.yaml")
        #expect(spec.methods.map(\.kind) == [.sgd])
        do {
            _ = try SpecLoader(catalog: sgdOnly()).load(yaml: file(method: "sgdm"), file: "m.yaml")
            Issue.record("a catalog without sgdm accepted it")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.map(\.message) == ["unknown method 'sgdm' (did you mean 'sgd'?); valid: sgd"])
        }
    }
}
