/// Builds an ``ExperimentSpec`` from a YAML tree; every problem goes to the reader's diagnostics.
final class SpecBuilder {
    let reader: YAMLReader
    /// Constants this file's problem does not have (μ without a PL family, τ without a clip
    /// stage, δ without a compressor), with why; an expression naming one is refused at load
    /// time rather than failing when its bound is evaluated.
    var unavailableVariables: [String: String] = [:]
    /// Names beyond ``boundVariables`` this file's expressions may read: oracle parameters, user
    /// constants and method parameters (a method parameter only where the bound's methods have it).
    var extraVariables: Set<String> = []
    /// Each method with the parameter variables it gives (besides gamma and beta).
    var methodVariables: [(method: MethodSpec, names: Set<String>)] = []
    /// Every variable an expression of the file reads (an unused user constant is a typo).
    var usedNames: Set<String> = []
    /// Where each user constant is declared.
    var userConstantNodes: [String: Node] = [:]
    /// User constants refused by name (their error is reported once, at the declaration).
    var refusedUserConstants: Set<String> = []
    let defaultName: String
    let sourcePath: String
    /// The file's text, to map a position inside a scalar's value back to the file.
    let source: ScalarSourceMap
    let specHash: String
    let allowLarge: Bool
    /// Whether the quick profile is the one that will run (the work cap judges it).
    let quick: Bool
    let limits: ExpressionLimits
    /// The plug-ins a file may name (families, oracle stages, methods; bound ids for `bounds:` and `expect:`).
    let catalog: Catalog
    /// `--seeds` and `--jobs`, which the work and memory caps take into account.
    var seedsOverride: Int?
    var jobs = 1

    /// Methods that could not be built (a misspelt kind, a bad step): references to methods
    /// that are not found are then not reported, since they may name one of these.
    var brokenMethods = 0
    /// Where each method's `step` is (or the method's entry when it has none), by method id.
    private var methodPositions = SourcePositions()
    /// Ids of user bounds and assumptions that could not be built, and whether one without a
    /// usable id failed: `expect` keys naming them are follow-ons, not new problems.
    var brokenIDs: Set<String> = []
    var brokenWithoutID = false
    /// Every user-bound and assumption id with its node and key path, in file order.
    var ids: [(id: String, node: Node, path: String)] = []
    /// Where each oracle stage built stands; the file's entry (node and key path) of each method built, in order.
    var stagePlacements: [StagePlacement] = []
    var methodItems: [(node: Node, path: String)] = []
    /// Every `relies-on` entry read, checked once the assumptions are known.
    var reliances: [(id: String, node: Node, path: String)] = []

    init(reader: YAMLReader, defaultName: String, sourcePath: String, source: String, specHash: String,
         allowLarge: Bool, quick: Bool = false, limits: ExpressionLimits, catalog: Catalog = .standard) {
        self.reader = reader
        self.catalog = catalog
        self.defaultName = defaultName
        self.sourcePath = sourcePath
        self.source = ScalarSourceMap(text: source)
        self.specHash = specHash
        self.allowLarge = allowLarge
        self.quick = quick
        self.limits = limits
    }

    static let topKeys = ["name", "description", "seed", "problem", "oracle", "methods", "run", "quick",
                          "bounds", "check", "constants", "user-bounds", "assumptions", "expect", "sweep", "search", "compare"]
    /// The keys every method entry has; the rest are the methods' own (``Method/keys``).
    static let sharedMethodKeys: Set<String> = ["method", "id", "step", "bounds"]
    /// Checkpoints cost memory and time per run; more than this is never needed for a plot or
    /// a rate fit, and an unbounded count would let a file ask for gigabytes.
    static let maximumCheckpoints = 10_000

    /// Variables every bound expression may use (docs/problem-files.md, "Variables").
    static let boundVariables: Set<String> = ["L", "mu", "fstar", "D0", "B2", "G2", "d", "n", "m", "zeta2", "M",
                                              "sigma2", "delta", "tau", "gamma", "beta", "K", "p"]
    /// Assumptions may also use the quantities measured at probe points.
    static let probeVariables: Set<String> = ["grad2", "bias2", "var", "h2", "gap"]

    func build(_ root: Node) -> ExperimentSpec? {
        guard let top = reader.mapping(root, "", allowed: Self.topKeys, what: "a problem file") else { return nil }
        let name = top["name"].flatMap { reader.string($0, "name") } ?? defaultName
        if let node = top["name"], !Self.isSafeName(name) {
            reader.error(node, "name", "name '\(name.prefix(60))' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.' (it names the report files)")
        } else if top["name"] == nil, !Self.isSafeName(name) {
            // The name comes from the file name, and follows the same rule.
            reader.error(root, "name", "without a 'name:' key the file name gives the name '\(name.prefix(60))', which must be 1–80 letters, digits, '-', '_' or '.', not starting with '.' (it names the report files); add a name: key")
        }
        if Self.isSafeName(name), ReportSet.reservedNames.contains(name.lowercased()) {
            reader.error(top["name"] ?? root, "name", "the name '\(name)' is reserved: the run's own report files use it (reserved: \(ReportSet.reservedNames.sorted().joined(separator: ", ")), in any case); \(top["name"] == nil ? "add a name: key" : "choose another name")")
        }
        let description = top["description"].flatMap { reader.scalar($0, "description", what: "a description") } ?? ""
        var seed: UInt64 = 1
        if let node = top["seed"], let s = reader.uint64(node, "seed") { seed = s }

        guard let problemNode = top["problem"] else {
            reader.error(root, "problem", "missing 'problem' (the family, dimension and workers)")
            return nil
        }
        let problem = buildProblem(problemNode)
        let dimension = problem?.dimension
        let oracle = top["oracle"].map { buildOracle($0, problem: problem) } ?? []
        var methods: [MethodSpec] = []
        if let node = top["methods"] {
            methods = buildMethods(node, dimension: dimension)
        } else {
            reader.error(root, "methods", "missing 'methods' (a list such as - {method: sgdm, beta: 0.1, step: theory})")
        }
        var run: RunSpec?
        if let node = top["run"] { run = buildRun(node, "run", base: nil) } else {
            reader.error(root, "run", "missing 'run' (e.g. {iterations: 1000, seeds: 32})")
        }
        // Read even when run is broken, so quick's own mistakes are reported now too.
        let quick = top["quick"].flatMap { buildRun($0, "quick", base: run) }
        var bounds: [String]?
        if let node = top["bounds"] { bounds = buildBoundList(node, "bounds") }
        var confidence = 0.99
        if let node = top["check"], let check = reader.mapping(node, "check", allowed: ["confidence"], what: "check settings"),
           let c = check["confidence"], let value = reader.double(c, "check.confidence", .between(0, 1, lowOpen: true, highOpen: true)) {
            confidence = value
        }
        let oracleVariables = problem.map { ExpressionVariables.oracle(oracle, dimension: $0.dimension) } ?? []
        let declared = top["constants"].map { buildDeclared($0, oracleVariables: oracleVariables) } ?? DeclaredConstants()
        unavailableVariables = Self.unavailableVariables(family: problem?.family, oracle: oracle, declared: declared, catalog: catalog)
        // Oracle parameters, user constants and method parameters are variables too (ExpressionVariables.swift).
        for v in oracleVariables { unavailableVariables[v.name] = nil }
        extraVariables = Set(oracleVariables.map(\.name)).union(declared.user.keys)
            .union(ExpressionVariables.methodNames).union(refusedUserConstants)
        methodVariables = methods.map { ($0, Set(ExpressionVariables.method($0, dimension: dimension ?? 1).map(\.name))) }
        let methodIDs = methods.map(\.id)
        let userBounds = top["user-bounds"].map { buildUserBounds($0, methods: methods) } ?? []
        let assumptions = top["assumptions"].map(buildAssumptions) ?? []
        let catalog = Set(self.catalog.selectableBoundIDs).union(ProbedAssumption.allCases.map(\.rawValue))
        var known = catalog
        for (id, node, path) in ids {
            if catalog.contains(id) {
                reader.error(node, path, "id '\(id)' is used twice: it is the id of a catalog bound or a probed assumption (ids of bounds and assumptions must be unique; choose another)")
            } else if known.contains(id) {
                reader.error(node, path, "id '\(id)' is used twice (ids of bounds and assumptions must be unique)")
            }
            known.insert(id)
        }
        let expect = top["expect"].map { buildExpect($0, known: known, methodIDs: methodIDs) } ?? [:]
        let compare = top["compare"].map { buildCompare($0, methodIDs: methodIDs) } ?? []
        checkReliances(assumptionIDs: assumptions.map(\.id))
        checkUserConstantsUsed(declared, brokenExpressions: !reader.diagnostics.isEmpty)

        if let problem, let run {
            checkCrossRules(problem: problem, oracle: oracle, methods: methods, run: run, quick: quick ?? run,
                            top: top, root: root)
        }
        guard let problem, let run, reader.diagnostics.isEmpty else { return nil }
        var spec = ExperimentSpec(name: name, description: description, seed: seed, sourcePath: sourcePath, problem: problem,
                                  oracle: oracle, methods: methods, run: run, quick: quick, bounds: bounds,
                                  confidence: confidence, declared: declared, userBounds: userBounds,
                                  assumptions: assumptions, expect: expect, specHash: specHash)
        spec.methodPositions = methodPositions
        spec.compare = compare
        return spec
    }

    static func isSafeName(_ name: String) -> Bool {
        guard (1...80).contains(name.count), !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.safeName.contains($0) }
    }

    // MARK: methods

    func buildMethods(_ node: Node, dimension: Int?) -> [MethodSpec] {
        guard let items = reader.sequence(node, "methods", what: "methods (e.g. - {method: sgdm, beta: 0.1, step: theory})") else { return [] }
        if items.isEmpty { reader.error(node, "methods", "the list of methods is empty; add at least one method") }
        var methods: [MethodSpec] = []
        var ids: Set<String> = []
        var counters: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = YAMLReader.join("methods", index: index)
            guard let m = reader.mapping(item, path, allowed: catalog.methodEntryKeys, what: "a method") else {
                brokenMethods += 1
                continue
            }
            let methodNames = catalog.methods.map { $0.name }
            guard let kindNode = m["method"] else {
                reader.error(item, "\(path).method", "missing 'method' (one of \(methodNames.joined(separator: ", ")))")
                brokenMethods += 1
                continue
            }
            guard let kindName = reader.choice(kindNode, "\(path).method", among: methodNames, what: "method"),
                  let type = catalog.method(named: kindName) else {
                brokenMethods += 1
                continue
            }
            counters[kindName, default: 0] += 1
            let id = m["id"].flatMap { reader.string($0, "\(path).id") } ?? "\(kindName)-\(counters[kindName]!)"
            if let idNode = m["id"], !SpecBuilder.isSafeName(id) {
                reader.error(idNode, "\(path).id", "id '\(id.prefix(60))' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.'")
            }
            if ids.contains(id) {
                reader.error(m["id"] ?? item, "\(path).id", "duplicate method id '\(id)'; give each method a distinct id")
            } else if let other = ids.first(where: { $0.lowercased() == id.lowercased() }) {
                reader.error(m["id"] ?? item, "\(path).id", "method ids '\(other)' and '\(id)' differ only in case, so their plot files would collide on some file systems; give each method a distinct id")
            }
            ids.insert(id)
            var step: StepSpec?
            methodPositions.byID[id] = position(of: m["step"] ?? item, "\(path).step")
            if let s = m["step"] { step = buildStep(s, "\(path).step") } else {
                reader.error(item, "\(path).step", "missing 'step' (a number > 0, 'theory', or {theory: factor})")
            }
            // Keys of other methods: refused with the method's or the key's own message.
            let ownKeys = Set(type.keys.map(\.name))
            for key in catalog.methodEntryKeys where !Self.sharedMethodKeys.contains(key) && !ownKeys.contains(key) {
                guard let value = m[key] else { continue }
                reader.error(value, "\(path).\(key)", catalog.refusal(ofKey: key, by: type))
            }
            var parameters = ParameterReader(reader: reader, methodEntry: item, values: m.filter { ownKeys.contains($0.key) },
                                             methodName: kindName, path: path, dimension: dimension, catalog: catalog)
            let settings = type.read(&parameters)
            let bounds = m["bounds"].flatMap { buildBoundList($0, "\(path).bounds") }
            if let step, let settings {
                methodItems.append((item, path))
                methods.append(MethodSpec(id: id, settings: settings, step: step, bounds: bounds))
            } else {
                brokenMethods += 1
            }
        }
        return methods
    }

    func buildStep(_ node: Node, _ path: String) -> StepSpec? {
        if case .scalar(let s) = node, s.string == "theory" { return .theory(factor: 1) }
        if case .mapping = node {
            guard let m = reader.mapping(node, path, allowed: ["theory"], what: "a step rule") else { return nil }
            guard let f = m["theory"] else {
                reader.error(node, path, "expected {theory: factor}")
                return nil
            }
            return reader.double(f, "\(path).theory", .positive).map { .theory(factor: $0) }
        }
        if case .scalar(let s) = node, YAMLReader.parseNumber(s.string) == nil {
            let hint = closestMatch(to: s.string, among: ["theory"]).map { " (did you mean '\($0)'?)" } ?? ""
            reader.error(node, path, "expected a step size > 0, 'theory' or {theory: factor}, found '\(s.string.prefix(60))'\(hint)")
            return nil
        }
        return reader.double(node, path, .positive).map { .fixed($0) }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension CharacterSet {
    static let safeName = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
}

import Foundation
