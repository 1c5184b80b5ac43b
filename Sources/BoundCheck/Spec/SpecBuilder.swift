/// Builds an ``ExperimentSpec`` from a YAML tree; every problem goes to the reader's diagnostics.
final class SpecBuilder {
    let reader: YAMLReader
    /// Constants this file's problem does not have (μ without a PL family, τ without a clip
    /// stage, δ without a compressor), with why; an expression naming one is refused at load
    /// time rather than failing when its bound is evaluated.
    var unavailableVariables: [String: String] = [:]
    let defaultName: String
    let sourcePath: String
    /// The file's text, to map a position inside a scalar's value back to the file.
    let source: ScalarSourceMap
    let specHash: String
    let allowLarge: Bool
    /// Whether the quick profile is the one that will run (the work cap judges it).
    let quick: Bool
    let limits: ExpressionLimits
    /// The plug-ins a file may name (oracle stages; bound ids for `bounds:` and `expect:`).
    let catalog: Catalog
    /// `--seeds` and `--jobs`, which the work and memory caps take into account.
    var seedsOverride: Int?
    var jobs = 1

    /// Methods that could not be built (a misspelt kind, a bad step): references to methods
    /// that are not found are then not reported, since they may name one of these.
    private var brokenMethods = 0
    /// Where each method's `step` is (or the method's entry when it has none), by method id.
    private var methodPositions = SourcePositions()
    /// Ids of user bounds and assumptions that could not be built, and whether one without a
    /// usable id failed: `expect` keys naming them are follow-ons, not new problems.
    private var brokenIDs: Set<String> = []
    private var brokenWithoutID = false
    /// Every user-bound and assumption id with its node and key path, in file order.
    private var ids: [(id: String, node: Node, path: String)] = []
    /// Where each oracle stage built stands; the file's entry (node and key path) of each method built, in order.
    private var stagePlacements: [StagePlacement] = []
    private var methodItems: [(node: Node, path: String)] = []

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
                          "bounds", "check", "constants", "user-bounds", "assumptions", "expect"]
    static let familyNames = ["quadratic", "pl-sine", "rational", "logistic-ncvx", "composite"]
    static let familyKeys: [String: [String]] = [
        "quadratic": ["spectrum", "rotate"], "pl-sine": ["pl-constant"], "rational": [],
        "logistic-ncvx": ["samples-per-worker", "lambda"], "composite": ["samples-per-worker", "target-noise"],
    ]
    static let problemKeys = ["family", "dimension", "workers", "heterogeneity", "start"]
        + Array(Set(familyKeys.values.joined())).sorted()
    static let methodKeys = ["method", "id", "beta", "step", "init", "momentum", "sparsifier", "variant", "bounds"]
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
        let declared = top["constants"].map(buildDeclared) ?? DeclaredConstants()
        unavailableVariables = Self.unavailableVariables(family: problem?.family, oracle: oracle, declared: declared, catalog: catalog)
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
        return spec
    }

    static func isSafeName(_ name: String) -> Bool {
        guard (1...80).contains(name.count), !name.hasPrefix(".") else { return false }
        return name.unicodeScalars.allSatisfy { CharacterSet.safeName.contains($0) }
    }

    // MARK: problem

    func buildProblem(_ node: Node) -> ProblemSpec? {
        guard let map = reader.mapping(node, "problem", allowed: Self.problemKeys, what: "the problem") else { return nil }
        guard let familyNode = map["family"] else {
            reader.error(node, "problem.family", "missing 'family' (one of \(Self.familyNames.joined(separator: ", ")))")
            return nil
        }
        let family = reader.choice(familyNode, "problem.family", among: Self.familyNames, what: "family")
        let dimension = map["dimension"].flatMap { reader.int($0, "problem.dimension", .atLeast(1)) }
        if map["dimension"] == nil { reader.error(node, "problem.dimension", "missing 'dimension' (an integer ≥ 1)") }
        let workers = map["workers"].flatMap { reader.int($0, "problem.workers", .atLeast(1)) } ?? (map["workers"] == nil ? 1 : nil)
        let heterogeneity = map["heterogeneity"].map { reader.double($0, "problem.heterogeneity", .nonNegative) } ?? 1.0
        if let family {
            let own = Self.familyKeys[family] ?? []
            for key in Self.familyKeys.values.joined() where map[key] != nil && !own.contains(key) {
                let owners = Self.familyKeys.filter { $0.value.contains(key) }.map(\.key).sorted().joined(separator: ", ")
                reader.error(map[key], "problem.\(key)", "'\(key)' applies to family \(owners), not \(family)")
            }
        }
        var start: StartSpec = .gaussian(scale: 1)
        if let startNode = map["start"], let s = reader.mapping(startNode, "problem.start", allowed: ["scale", "at"], what: "the start point") {
            if s["scale"] != nil && s["at"] != nil {
                reader.error(startNode, "problem.start", "give either 'scale' (x⁰ ~ N(0, scale²I)) or 'at' (an explicit point), not both")
            } else if let at = s["at"], let items = reader.sequence(at, "problem.start.at", what: "numbers") {
                let values = items.enumerated().map { reader.double($1, "problem.start.at[\($0)]") }
                if let dimension, values.count != dimension {
                    reader.error(at, "problem.start.at", "has \(values.count) numbers but the dimension is \(dimension)")
                }
                start = .at(values.map { $0 ?? 0 })
            } else if let scale = s["scale"], let v = reader.double(scale, "problem.start.scale", .nonNegative) {
                start = .gaussian(scale: v)
            }
        }
        var familySpec: FamilySpec?
        switch family {
        case "quadratic":
            var lo = 1.0, hi = 10.0, zeros = 0, log = false, twoPoint = false
            if let sNode = map["spectrum"], let s = reader.mapping(sNode, "problem.spectrum", allowed: ["min", "max", "zeros", "spacing"], what: "the spectrum") {
                lo = s["min"].flatMap { reader.double($0, "problem.spectrum.min", .positive) } ?? lo
                hi = s["max"].flatMap { reader.double($0, "problem.spectrum.max", .positive) } ?? hi
                zeros = s["zeros"].flatMap { reader.int($0, "problem.spectrum.zeros", .atLeast(0)) } ?? 0
                let spacing = s["spacing"].flatMap { reader.choice($0, "problem.spectrum.spacing", among: ["linear", "log", "two-point"], what: "spacing") }
                log = spacing == "log"
                twoPoint = spacing == "two-point"
                if lo > hi { reader.error(sNode, "problem.spectrum", "min (\(lo)) must not exceed max (\(hi))") }
                if let dimension, zeros >= dimension {
                    reader.error(s["zeros"], "problem.spectrum.zeros", "\(zeros) zero eigenvalues leave none positive in dimension \(dimension); use at most \(dimension - 1)")
                }
            }
            let rotate = map["rotate"].flatMap { reader.bool($0, "problem.rotate") } ?? false
            if rotate, let dimension, dimension > 400 {
                reader.error(map["rotate"], "problem.rotate", "a rotated quadratic is dense (O(d²) per gradient); dimension \(dimension) is over the limit of 400")
            }
            familySpec = .quadratic(minEigenvalue: lo, maxEigenvalue: hi, zeroEigenvalues: zeros, logSpacing: log, rotate: rotate, twoPoint: twoPoint)
        case "pl-sine":
            let choice = map["pl-constant"].flatMap { reader.choice($0, "problem.pl-constant", among: ["computed", "published"], what: "PL constant") }
            familySpec = .plSine(publishedMu: choice == "published")
        case "rational":
            familySpec = .rational
        case "logistic-ncvx":
            let r = map["samples-per-worker"].flatMap { reader.int($0, "problem.samples-per-worker", .atLeast(1)) } ?? 50
            let lambda = map["lambda"].flatMap { reader.double($0, "problem.lambda", .nonNegative) } ?? 0.1
            familySpec = .logisticNonconvex(samplesPerWorker: r, lambda: lambda)
        case "composite":
            let r = map["samples-per-worker"].flatMap { reader.int($0, "problem.samples-per-worker", .atLeast(1)) } ?? 50
            let noise = map["target-noise"].flatMap { reader.double($0, "problem.target-noise", .nonNegative) } ?? 0
            familySpec = .composite(samplesPerWorker: r, targetNoise: noise)
        default:
            break
        }
        guard let familySpec, let dimension, let workers, let heterogeneity else { return nil }
        return ProblemSpec(family: familySpec, dimension: dimension, workers: workers, heterogeneity: heterogeneity, start: start)
    }

    // MARK: oracle

    func buildOracle(_ node: Node, problem: ProblemSpec?) -> [AnyOracleStage] {
        guard let items = reader.sequence(node, "oracle", what: "oracle stages (e.g. - top-k: {k: 5})") else { return [] }
        let names = catalog.oracleStages.map { $0.name }
        var stages: [AnyOracleStage] = []
        var randomBefore = false
        for (index, item) in items.enumerated() {
            let path = YAMLReader.join("oracle", index: index)
            var stageName: String?
            var params: Node?
            if case .scalar(let s) = item {
                stageName = s.string
            } else if case .mapping(let m) = item, m.count == 1, let entry = m.first, case .scalar(let key) = entry.key {
                stageName = key.string
                params = entry.value
            } else {
                reader.error(item, path, "each oracle stage is one name with its parameters, e.g. '- top-k: {k: 5}', found \(YAMLReader.describe(item))")
                continue
            }
            guard let name = stageName else { continue }
            guard let type = catalog.oracleStage(named: name) else {
                let hint = closestMatch(to: name, among: names).map { " (did you mean '\($0)'?)" } ?? ""
                reader.error(item, path, "unknown oracle '\(name.prefix(60))'\(hint); valid: \(names.joined(separator: ", "))")
                continue
            }
            let stagePath = "\(path).\(name)"
            var parameters = ParameterReader(reader: reader, item: item, parameters: params, stageName: name, path: stagePath,
                                             dimension: problem?.dimension)
            guard let stage = type.read(&parameters) else { continue }
            let placement = StagePlacement(index: index, position: stages.count, family: problem?.family,
                                           randomBefore: randomBefore)
            for message in stage.placementProblems(placement) { reader.error(item, stagePath, message) }
            if stage.isRandom { randomBefore = true }
            stages.append(stage)
            stagePlacements.append(placement)
        }
        return stages
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
            guard let m = reader.mapping(item, path, allowed: Self.methodKeys, what: "a method") else {
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
                  let kind = catalog.method(named: kindName)?.kind else {
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
            var beta = 1.0
            switch kind {
            case .sgdm:
                if let b = m["beta"] { beta = reader.double(b, "\(path).beta", .between(0, 1, lowOpen: true)) ?? beta } else {
                    reader.error(item, "\(path).beta", "missing 'beta' (the momentum weight β ∈ (0, 1]; β = 1 is plain SGD)")
                }
            case .sgd:
                if let b = m["beta"] {
                    reader.error(b, "\(path).beta", "sgd has no momentum (β = 1); use method sgdm to set beta")
                }
            case .mdsgd:
                beta = m["beta"].flatMap { reader.double($0, "\(path).beta", .between(0, 1, highOpen: true)) } ?? 0
            }
            var step: StepSpec?
            methodPositions.byID[id] = position(of: m["step"] ?? item, "\(path).step")
            if let s = m["step"] { step = buildStep(s, "\(path).step") } else {
                reader.error(item, "\(path).step", "missing 'step' (a number > 0, 'theory', or {theory: factor})")
            }
            var initialization = MomentumInit.zero
            var placement = MomentumPlacement.server
            if let n = m["init"] {
                if kind != .sgdm { reader.error(n, "\(path).init", "'init' applies to sgdm only") }
                initialization = reader.choice(n, "\(path).init", among: MomentumInit.allCases.map(\.rawValue), what: "momentum start").flatMap(MomentumInit.init(rawValue:)) ?? .zero
            }
            if let n = m["momentum"] {
                if kind != .sgdm { reader.error(n, "\(path).momentum", "'momentum' (server or worker) applies to sgdm only") }
                placement = reader.choice(n, "\(path).momentum", among: MomentumPlacement.allCases.map(\.rawValue), what: "momentum placement").flatMap(MomentumPlacement.init(rawValue:)) ?? .server
            }
            var sparsifier: SparsifierSpec?
            var variant = MDSGDMomentum.local
            if let n = m["sparsifier"] {
                if kind != .mdsgd { reader.error(n, "\(path).sparsifier", "'sparsifier' applies to mdsgd only; for sgdm compress in the oracle") }
                sparsifier = buildSparsifier(n, "\(path).sparsifier", dimension: dimension)
            } else if kind == .mdsgd {
                reader.error(item, "\(path).sparsifier", "mdsgd needs a 'sparsifier' (top-k: {k: …}, rand-k: {k: …} or scaled-sign)")
            }
            if let n = m["variant"] {
                if kind != .mdsgd { reader.error(n, "\(path).variant", "'variant' (local or global momentum) applies to mdsgd only") }
                variant = reader.choice(n, "\(path).variant", among: MDSGDMomentum.allCases.map(\.rawValue), what: "momentum variant").flatMap(MDSGDMomentum.init(rawValue:)) ?? .local
            }
            let bounds = m["bounds"].flatMap { buildBoundList($0, "\(path).bounds") }
            if let step {
                methodItems.append((item, path))
                methods.append(MethodSpec(id: id, kind: kind, beta: beta, step: step, initialization: initialization,
                                          placement: placement, sparsifier: sparsifier, mdsgdMomentum: variant, bounds: bounds))
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

    func buildSparsifier(_ node: Node, _ path: String, dimension: Int?) -> SparsifierSpec? {
        let names = ["top-k", "rand-k", "scaled-sign"]
        if case .scalar(let s) = node {
            if s.string == "scaled-sign" { return .scaledSign }
            _ = reader.choice(node, path, among: names, what: "sparsifier")
            return nil
        }
        guard case .mapping(let m) = node, m.count == 1, case .scalar(let key) = m.first!.key else {
            reader.error(node, path, "expected one sparsifier, e.g. {top-k: {k: 5}}, found \(YAMLReader.describe(node))")
            return nil
        }
        guard let name = reader.choice(m.first!.key, path, among: names, what: "sparsifier") else { return nil }
        if name == "scaled-sign" { return .scaledSign }
        let sub = "\(path).\(key.string)"
        let params = m.first!.value
        guard let p = reader.mapping(params, sub, allowed: ["k", "fraction"], what: "\(name) parameters"),
              let k = kParameter(p, node: params, sub, dimension: dimension) else { return nil }
        return name == "top-k" ? .topK(k: k) : .randK(k: k)
    }

    /// How many coordinates a Top-K or Rand-K sparsifier keeps (``YAMLReader/coordinateCount(_:node:_:dimension:)``).
    func kParameter(_ p: [String: Node], node: Node, _ path: String, dimension: Int?) -> Int? {
        reader.coordinateCount(p, node: node, path, dimension: dimension)
    }

    // MARK: run, bounds, constants, expectations

    func buildRun(_ node: Node, _ path: String, base: RunSpec?) -> RunSpec? {
        guard let m = reader.mapping(node, path, allowed: ["iterations", "seeds", "checkpoints"], what: "\(path) settings") else { return nil }
        let iterations = m["iterations"].flatMap { reader.int($0, "\(path).iterations", .atLeast(1)) } ?? base?.iterations
        let seeds = m["seeds"].flatMap { reader.int($0, "\(path).seeds", .atLeast(1)) } ?? base?.seeds
        var checkpoints = m["checkpoints"].flatMap { reader.int($0, "\(path).checkpoints", .between(2, Double(Self.maximumCheckpoints))) }
        if path == "run" {
            if m["iterations"] == nil { reader.error(node, "\(path).iterations", "missing 'iterations' (an integer ≥ 1)") }
            if m["seeds"] == nil { reader.error(node, "\(path).seeds", "missing 'seeds' (an integer ≥ 1; ≥ 2 for random oracles)") }
        }
        guard let iterations, let seeds else { return nil }
        // Checkpoints are distinct iterations 0…K, so at most K + 1 of them.
        if let given = checkpoints, let n = m["checkpoints"], given - 1 > iterations {
            reader.error(n, "\(path).checkpoints", "\(given) checkpoints but only \(iterations + 1) iterations 0…\(iterations) to record; valid: 2 ≤ checkpoints ≤ \(iterations + 1)")
            checkpoints = nil
        }
        // A default or inherited count may exceed K + 1: the schedule then has every iteration.
        return RunSpec(iterations: iterations, seeds: seeds, checkpoints: checkpoints ?? base?.checkpoints ?? 40)
    }

    func buildBoundList(_ node: Node, _ path: String) -> [String]? {
        guard let items = reader.sequence(node, path, what: "bound ids") else { return nil }
        let ids = catalog.selectableBoundIDs
        return items.enumerated().compactMap { reader.choice($1, YAMLReader.join(path, index: $0), among: ids, what: "catalog bound") }
    }

    func buildDeclared(_ node: Node) -> DeclaredConstants {
        guard let m = reader.mapping(node, "constants", allowed: DeclaredConstants.names.map(\.rawValue), what: "declared constants") else { return DeclaredConstants() }
        var values: [ConstantName: Double] = [:]
        for (key, value) in m {
            guard let name = ConstantName(rawValue: key) else { continue }   // refused by mapping(allowed:)
            let range: NumberRange = name == .fstar ? .any : (name == .L ? .positive : .nonNegative)
            if let v = reader.double(value, "constants.\(key)", range) { values[name] = v }
        }
        if let m = values[.m], m >= 1, let n = node.mapping?["m"] {
            reader.error(n, "constants.m", "m = \(m) is not < 1; the bias model A4 needs 0 ≤ m < 1")
        }
        return DeclaredConstants(values)
    }

    /// Where a scalar's value starts in the file (after a quote; on the line after a block
    /// scalar's `|` or `>`).
    func position(of node: Node, _ path: String) -> SourcePosition {
        let mark = node.scalar.flatMap { source.positions(of: $0)?.first } ?? node.mark
        return SourcePosition(file: sourcePath, line: mark.line, column: mark.column, keyPath: path)
    }

    /// Compiles an expression now, so that errors surface at load time with file, line and
    /// column: the error's offset in the value is mapped back to the file (through escapes,
    /// block and folded scalars); where that cannot be done, the scalar's start, and the
    /// message says which character of the value is meant.
    func compile(_ text: String, node: Node, at position: SourcePosition, variables: Set<String>, expecting: ExpressionType) {
        func report(_ message: String, offset: Int) {
            if let scalar = node.scalar, let marks = source.positions(of: scalar), offset < marks.count {
                let mark = marks[offset]
                reader.error(line: mark.line, column: mark.column, position.keyPath, message)
            } else {
                reader.error(node, position.keyPath, "\(message) (at character \(offset + 1) of the value)")
            }
        }
        do {
            let expression = try BoundExpression(text, allowedVariables: variables, expecting: expecting, limits: limits)
            for name in expression.variables.sorted() {
                guard let why = unavailableVariables[name] else { continue }
                report("'\(name)' is not defined for this problem: \(why)", offset: Self.offset(ofName: name, in: text) ?? 0)
            }
        } catch {
            for e in error.all { report(e.message, offset: e.offset) }
        }
    }

    /// Variables that name a constant the problem does not have.
    static func unavailableVariables(family: FamilySpec?, oracle: [AnyOracleStage], declared: DeclaredConstants,
                                     catalog: Catalog = .standard) -> [String: String] {
        var out: [String: String] = [:]
        if let family, !family.family.guarantees.pl, declared.values[.mu] == nil {
            out["mu"] = "the family has no PL constant (declare one under constants: if you know it)"
        }
        for variable in OracleStageVariable.allCases
        where !oracle.contains(where: { type(of: $0.stage).providedVariables.contains(variable) }) {
            let providers = catalog.oracleStages.filter { $0.providedVariables.contains(variable) }.map { $0.name }
            out[variable.rawValue] = "the oracle has no \(variable.missing)" + (providers.count > 1 ? " (\(providers.joined(separator: " or ")))" : "")
        }
        return out
    }

    /// The character offset of the first use of `name` as a whole identifier in `text`.
    static func offset(ofName name: String, in text: String) -> Int? {
        let characters = Array(text), target = Array(name)
        func isIdentifier(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }
        var i = 0
        while i + target.count <= characters.count {
            if Array(characters[i..<(i + target.count)]) == target,
               i == 0 || !isIdentifier(characters[i - 1]),
               i + target.count == characters.count || !isIdentifier(characters[i + target.count]) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// A user bound's or assumption's id: present, and a safe name (ids name report anchors and
    /// appear in report files, so they follow the rule for names). Recorded for the
    /// uniqueness check.
    func buildID(_ node: Node?, item: Node, path: String, what: String) -> String? {
        guard let node else {
            reader.error(item, "\(path).id", "missing 'id' (\(what))")
            return nil
        }
        guard let id = reader.string(node, "\(path).id") else { return nil }
        guard SpecBuilder.isSafeName(id) else {
            reader.error(node, "\(path).id", "id '\(id.prefix(60))' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.'")
            noteBroken(id)
            return nil
        }
        ids.append((id, node, "\(path).id"))
        return id
    }

    /// Records a user bound or assumption that could not be built (its id, if it had one).
    func noteBroken(_ id: String?) {
        if let id { brokenIDs.insert(id) } else { brokenWithoutID = true }
    }

    func buildUserBounds(_ node: Node, methods: [MethodSpec]) -> [UserBoundSpec] {
        guard let items = reader.sequence(node, "user-bounds", what: "user bounds") else { return [] }
        var result: [UserBoundSpec] = []
        let methodNames = Set(methods.map(\.id) + methods.map(\.kind.rawValue))
        for (index, item) in items.enumerated() {
            let path = YAMLReader.join("user-bounds", index: index)
            guard let m = reader.mapping(item, path, allowed: ["id", "method", "metric", "expression", "requires", "description"], what: "a user bound") else {
                noteBroken(nil)
                continue
            }
            let id = buildID(m["id"], item: item, path: path, what: "a name for the bound")
            var method: String?
            if let n = m["method"], let s = reader.string(n, "\(path).method") {
                if methodNames.contains(s) { method = s } else if brokenMethods == 0 {
                    let hint = closestMatch(to: s, among: methodNames).map { " (did you mean '\($0)'?)" } ?? ""
                    reader.error(n, "\(path).method", "no method '\(s.prefix(60))' in this file\(hint); use a method id or kind: \(methodNames.sorted().joined(separator: ", "))")
                }
                // Otherwise it may name a method whose own error is already reported.
            } else if m["method"] == nil { reader.error(item, "\(path).method", "missing 'method' (a method id or kind of this file)") }
            let metric = m["metric"].flatMap { reader.choice($0, "\(path).metric", among: Metric.allCases.map(\.rawValue), what: "metric") }.flatMap(Metric.init(rawValue:))
            if m["metric"] == nil { reader.error(item, "\(path).metric", "missing 'metric' (one of \(Metric.allCases.map(\.rawValue).joined(separator: ", ")))") }
            var expression: String?
            var expressionPosition = SourcePosition(file: sourcePath, line: 0, column: 0, keyPath: "\(path).expression")
            if let n = m["expression"], let text = reader.string(n, "\(path).expression", what: "an expression") {
                expression = text
                expressionPosition = position(of: n, "\(path).expression")
                compile(text, node: n, at: expressionPosition, variables: Self.boundVariables, expecting: .number)
            } else if m["expression"] == nil { reader.error(item, "\(path).expression", "missing 'expression' (the bound's right-hand side)") }
            var requires: [(String, SourcePosition)] = []
            if let n = m["requires"], let list = reader.sequence(n, "\(path).requires", what: "conditions") {
                for (j, c) in list.enumerated() {
                    let cPath = YAMLReader.join("\(path).requires", index: j)
                    if let text = reader.string(c, cPath, what: "a condition") {
                        let pos = position(of: c, cPath)
                        compile(text, node: c, at: pos, variables: Self.boundVariables.subtracting(["K"]), expecting: .condition)
                        requires.append((text, pos))
                    }
                }
            }
            let description = m["description"].flatMap { reader.scalar($0, "\(path).description", what: "a description") } ?? ""
            if let id, let method, let metric, let expression {
                result.append(UserBoundSpec(id: id, method: method, metric: metric, expression: expression,
                                            expressionPosition: expressionPosition, requires: requires, floor: nil,
                                            description: description))
            } else {
                noteBroken(id)
            }
        }
        return result
    }

    func buildAssumptions(_ node: Node) -> [AssumptionSpec] {
        guard let items = reader.sequence(node, "assumptions", what: "assumptions") else { return [] }
        var result: [AssumptionSpec] = []
        for (index, item) in items.enumerated() {
            let path = YAMLReader.join("assumptions", index: index)
            guard let m = reader.mapping(item, path, allowed: ["id", "holds-if", "description"], what: "an assumption") else {
                noteBroken(nil)
                continue
            }
            let id = buildID(m["id"], item: item, path: path, what: "a name for the assumption")
            guard let n = m["holds-if"] else {
                reader.error(item, "\(path).holds-if", "missing 'holds-if' (a condition such as \"bias2 <= m*grad2 + zeta2\")")
                noteBroken(id)
                continue
            }
            guard let text = reader.string(n, "\(path).holds-if", what: "a condition") else {
                noteBroken(id)
                continue
            }
            let pos = position(of: n, "\(path).holds-if")
            compile(text, node: n, at: pos, variables: Self.boundVariables.union(Self.probeVariables).subtracting(["K"]), expecting: .condition)
            if let id { result.append(AssumptionSpec(id: id, holdsIf: text, position: pos)) } else { noteBroken(nil) }
        }
        return result
    }

    func buildExpect(_ node: Node, known: Set<String>, methodIDs: [String]) -> [String: ExpectedOutcome] {
        guard case .mapping(let mapping) = node else {
            reader.error(node, "expect", "expected a mapping of bound or assumption ids to outcomes, e.g. {my-floor: violated}")
            return [:]
        }
        var result: [String: ExpectedOutcome] = [:]
        let outcomes = ExpectedOutcome.allCases.map(\.rawValue)
        for (keyNode, value) in mapping {
            guard let key = reader.string(keyNode, "expect") else { continue }
            let path = "expect.\(key)"
            // Either "ID" (every method) or "METHOD/ID".
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            let boundID = parts.last ?? key
            if parts.count == 2, !methodIDs.contains(parts[0]), brokenMethods == 0 {
                let hint = closestMatch(to: parts[0], among: methodIDs).map { " (did you mean '\($0)'?)" } ?? ""
                reader.error(keyNode, path, "no method '\(parts[0])'\(hint); valid: \(methodIDs.joined(separator: ", "))")
            }
            // A user bound or assumption that failed to load is already reported.
            if !known.contains(boundID), !brokenIDs.contains(boundID), !brokenWithoutID {
                let hint = closestMatch(to: boundID, among: known).map { " (did you mean '\($0)'?)" } ?? ""
                reader.error(keyNode, path, "no bound or assumption '\(boundID)'\(hint); known: \(known.sorted().joined(separator: ", "))")
            }
            if result[key] != nil { reader.error(keyNode, path, "duplicate key '\(key)'") }
            if let o = reader.choice(value, path, among: outcomes, what: "outcome").flatMap(ExpectedOutcome.init(rawValue:)) {
                result[key] = o
            }
        }
        return result
    }

    // MARK: rules across fields

    func checkCrossRules(problem: ProblemSpec, oracle: [AnyOracleStage], methods: [MethodSpec], run: RunSpec,
                         quick: RunSpec, top: [String: Node], root: Node) {
        // Each profile's value, where it is written: quick inherits what it does not set.
        func setting(_ key: String, of profile: String) -> (node: Node?, path: String) {
            if let node = top[profile]?.mapping?[key] { return (node, "\(profile).\(key)") }
            if profile == "quick", let node = top["run"]?.mapping?[key] { return (node, "run.\(key)") }
            return (top[profile] ?? top["run"], profile)
        }
        let randomOracle = oracle.contains(where: \.isRandom)
        if randomOracle || methods.contains(where: \.isRandom) {
            let what = randomOracle ? "the oracle is random" : "a method is random (rand-k sparsifier)"
            var reported: Set<String> = []
            for (profile, r) in [("run", run), ("quick", quick)] where r.seeds < 2 {
                let (node, path) = setting("seeds", of: profile)
                guard reported.insert(path).inserted else { continue }
                reader.error(node, path, "\(what), so confidence intervals need at least 2 seeds (found \(r.seeds)); use ≥ 8 for useful intervals")
            }
        }
        // The work and memory caps judge the profile that will run, with --seeds applied.
        let profile = self.quick ? "quick" : "run"
        var chosen = self.quick ? quick : run
        if let seeds = seedsOverride { chosen.seeds = seeds }
        let capNode = self.quick && top["quick"] == nil ? top["run"] : top[profile]
        let capPath = self.quick && top["quick"] == nil ? "run" : profile
        let seedsText = seedsOverride.map { "\($0) (--seeds)" } ?? "\(chosen.seeds)"
        let rows = ResourceLimits.rowsPerWorker(problem.family)
        let rowsText = "\(rows)"
        let work = ResourceLimits.work(problem: problem, run: chosen, methods: methods.count)
        let formula = rows > 1
            ? "d × workers × samples-per-worker × iterations × seeds × methods = \(problem.dimension) × \(problem.workers) × \(rowsText) × \(chosen.iterations) × \(seedsText) × \(max(methods.count, 1))"
            : "d × workers × iterations × seeds × methods = \(problem.dimension) × \(problem.workers) × \(chosen.iterations) × \(seedsText) × \(max(methods.count, 1))"
        if work > ResourceLimits.ceilingWork {
            reader.error(capNode, capPath, "the \(profile) profile\(self.quick ? " (--quick)" : "") asks for \(String(format: "%.2g", work)) coordinate-updates (\(formula)), more than any machine finishes (the ceiling is \(String(format: "%.2g", ResourceLimits.ceilingWork)), even with --allow-large); reduce it")
        } else if work > SpecLoader.maximumWork && !allowLarge {
            reader.error(capNode, capPath, "the \(profile) profile\(self.quick ? " (--quick)" : "") asks for \(String(format: "%.2g", work)) coordinate-updates (\(formula)), over the limit of \(String(format: "%.2g", SpecLoader.maximumWork)); reduce it or pass --allow-large")
        }
        let memory = ResourceLimits.memory(problem: problem, run: chosen, methods: methods.count, jobs: jobs)
        let memoryNode = top["problem"]?.mapping?["dimension"] ?? top["problem"]
        let memoryWhat = "the run needs about \(ResourceLimits.bytes(memory)) of memory (dimension \(problem.dimension), \(problem.workers) workers\(rows > 1 ? ", \(rowsText) samples per worker" : ""), \(jobs) job\(jobs == 1 ? "" : "s"), \(seedsText) seeds × \(max(methods.count, 1)) methods × \(chosen.checkpoints) checkpoints)"
        if memory > ResourceLimits.ceilingMemoryBytes {
            reader.error(memoryNode, "problem.dimension", "\(memoryWhat), more than this machine has (\(ResourceLimits.bytes(ResourceLimits.ceilingMemoryBytes)), even with --allow-large); reduce it")
        } else if memory > ResourceLimits.maximumMemoryBytes && !allowLarge {
            reader.error(memoryNode, "problem.dimension", "\(memoryWhat), over the limit of \(ResourceLimits.bytes(ResourceLimits.maximumMemoryBytes)); reduce it or pass --allow-large")
        }
        for (method, item) in zip(methods, methodItems) {
            if let message = zip(oracle, stagePlacements).lazy.compactMap({ $0.stage.unsupportedMethod(method.kind, placement: $1) }).first {
                reader.error(item.node, item.path, message)
            }
        }
    }
}

extension MethodSpec {
    /// Whether the method itself draws random numbers (a Rand-K sparsifier).
    public var isRandom: Bool {
        if case .randK = sparsifier { return true }
        return false
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension CharacterSet {
    static let safeName = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
}

import Foundation
