/// The `oracle:` list: each stage looked up in the catalog and read by its own type.
extension SpecBuilder {
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
}
