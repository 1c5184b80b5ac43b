/// `compare:`: pairs of methods of the file to compare seed by seed (``MethodComparison``),
/// each written `{a: ID, b: ID}` with an optional `metric: gap | avg-grad`.
extension SpecBuilder {
    func buildCompare(_ node: Node, methodIDs: [String]) -> [ComparePair] {
        guard let items = reader.sequence(node, "compare", what: "pairs of methods, such as - {a: ef21, b: ef21-sgdm}") else { return [] }
        var result: [ComparePair] = []
        var seen: [[String]: String] = [:]
        for (index, item) in items.enumerated() {
            let path = YAMLReader.join("compare", index: index)
            guard let m = reader.mapping(item, path, allowed: ["a", "b", "metric"], what: "a pair of methods, {a: ID, b: ID}") else { continue }
            func id(_ key: String) -> String? {
                guard let n = m[key] else {
                    reader.error(item, "\(path).\(key)", "missing '\(key)' (a method id of this file)")
                    return nil
                }
                guard let s = reader.string(n, "\(path).\(key)") else { return nil }
                guard methodIDs.contains(s) else {
                    // A method whose own entry is broken has already been reported.
                    if brokenMethods == 0 {
                        let hint = closestMatch(to: s, among: methodIDs).map { " (did you mean '\($0)'?)" } ?? ""
                        reader.error(n, "\(path).\(key)", "no method with id '\(s.prefix(60))' in this file\(hint); the ids are: \(methodIDs.joined(separator: ", "))")
                    }
                    return nil
                }
                return s
            }
            let a = id("a"), b = id("b")
            var metric = Metric.gap
            if let n = m["metric"] {
                guard let name = reader.choice(n, "\(path).metric", among: ComparePair.metrics.map(\.rawValue), what: "metric"),
                      let value = Metric(rawValue: name) else { continue }
                metric = value
            }
            guard let a, let b else { continue }
            if a == b {
                reader.error(m["b"] ?? item, "\(path).b", "a method compared with itself ('\(a)'): name two different methods")
                continue
            }
            let key = [min(a, b), max(a, b), metric.rawValue]
            if let first = seen[key] {
                reader.error(item, path, "the pair \(a), \(b) (\(metric.rawValue)) is listed twice (first at \(first)); a pair in either order is one comparison")
                continue
            }
            seen[key] = path
            result.append(ComparePair(a: a, b: b, metric: metric))
        }
        return result
    }
}
