/// The run profiles (`run:`, `quick:`), the catalog bounds a file selects (`bounds:`) and the
/// constants it declares (`constants:`).
extension SpecBuilder {
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
}
