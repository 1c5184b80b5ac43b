/// The `problem:` section: the problem's own keys (family, size, heterogeneity, start point),
/// and the family the file names, looked up in the catalog and read by its own type
/// (``ProblemFamily/init(parameters:)``).
extension SpecBuilder {
    /// The keys of `problem:` that are the problem's own; each family's
    /// ``ProblemFamily/parameterKeys`` join them.
    static let problemOwnKeys = ["family", "dimension", "workers", "heterogeneity", "start"]

    /// Every key `problem:` may have with `catalog`: the problem's own, then every registered
    /// family's keys, sorted.
    static func problemKeys(_ catalog: Catalog) -> [String] {
        problemOwnKeys + Array(Set(catalog.families.flatMap { $0.parameterKeys })).sorted()
    }

    func buildProblem(_ node: Node) -> ProblemSpec? {
        // Every family's keys are accepted here (one of another family is refused below, saying
        // whose it is); an unknown key gets a did-you-mean over the named family's keys.
        let named = node.mapping?["family"]?.scalar.flatMap { catalog.family(named: $0.string) }
        let suggested = named.map { Self.problemOwnKeys + $0.parameterKeys }
        guard let map = reader.mapping(node, "problem", allowed: Self.problemKeys(catalog), what: "the problem",
                                       suggested: suggested) else { return nil }
        let familyNames = catalog.families.map { $0.name }
        guard let familyNode = map["family"] else {
            reader.error(node, "problem.family", "missing 'family' (one of \(familyNames.joined(separator: ", ")))")
            return nil
        }
        let familyType = reader.choice(familyNode, "problem.family", among: familyNames, what: "family")
            .flatMap { catalog.family(named: $0) }
        let dimension = map["dimension"].flatMap { reader.int($0, "problem.dimension", .atLeast(1)) }
        if map["dimension"] == nil { reader.error(node, "problem.dimension", "missing 'dimension' (an integer ≥ 1)") }
        let workers = map["workers"].flatMap { reader.int($0, "problem.workers", .atLeast(1)) } ?? (map["workers"] == nil ? 1 : nil)
        let heterogeneity = map["heterogeneity"].map { reader.double($0, "problem.heterogeneity", .nonNegative) } ?? 1.0
        if let familyType {
            // A key of another family: say whose it is.
            let own = familyType.parameterKeys
            for key in Self.problemKeys(catalog).dropFirst(Self.problemOwnKeys.count) where map[key] != nil && !own.contains(key) {
                let owners = catalog.families.filter { $0.parameterKeys.contains(key) }.map { $0.name }.sorted().joined(separator: ", ")
                reader.error(map[key], "problem.\(key)", "'\(key)' applies to family \(owners), not \(familyType.name)")
            }
        }
        let start = buildStart(map["start"], dimension: dimension)
        var family: (any ProblemFamily)?
        if let familyType {
            var parameters = ParameterReader(reader: reader, problem: node,
                                             values: map.filter { familyType.parameterKeys.contains($0.key) },
                                             familyName: familyType.name, dimension: dimension)
            family = familyType.init(parameters: &parameters)
        }
        guard let family, let dimension, let workers, let heterogeneity else { return nil }
        return ProblemSpec(family: family, dimension: dimension, workers: workers, heterogeneity: heterogeneity, start: start)
    }

    /// `problem.start`: `{scale: s}` (x⁰ ~ N(0, s²I), the default with s = 1) or `{at: [d numbers]}`.
    func buildStart(_ node: Node?, dimension: Int?) -> StartSpec {
        var start: StartSpec = .gaussian(scale: 1)
        if let startNode = node, let s = reader.mapping(startNode, "problem.start", allowed: ["scale", "at"], what: "the start point") {
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
        return start
    }
}
