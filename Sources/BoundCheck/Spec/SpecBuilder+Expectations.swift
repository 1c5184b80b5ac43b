/// User bounds (`user-bounds:`), assumptions (`assumptions:`) and the outcomes a file expects
/// (`expect:`), with the ids that tie them together.
extension SpecBuilder {
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
}
