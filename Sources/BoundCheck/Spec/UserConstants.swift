/// Reading a researcher's own names: user constants (`constants: {c: 2}`), method parameters as
/// variables, and a user bound's `relies-on:` (docs/problem-files.md, "Your own constants" and
/// "Reliance").
extension SpecBuilder {
    /// A user constant: a new name under `constants:`. It must read as an expression name, and
    /// must not be a built-in variable, a function or operator word, or a stage parameter's name
    /// (so it can never change the meaning of a built-in name); its value is any finite number.
    func readUserConstant(_ name: String, value: Node, keyNode: Node?, oracleVariables: [ExpressionVariable]) -> Double? {
        let path = "constants.\(name)"
        let at = keyNode ?? value
        let declarable = DeclaredConstants.names.map(\.rawValue)
        if !ExpressionVariables.isIdentifier(name) {
            let hint = closestMatch(to: name, among: declarable).map { " (did you mean '\($0)'?)" } ?? ""
            reader.error(at, path, "'\(name.prefix(60))' cannot name a constant\(hint): a user constant is 1–40 ASCII letters, digits or '_', not starting with a digit (so expressions can read it); the built-in constants a file may declare are \(declarable.joined(separator: ", "))")
            return nil
        }
        // A refused name that reads as a variable is still let through expressions, so that a
        // bound using it is not reported a second time as naming an unknown variable.
        refusedUserConstants.insert(name)
        if ExpressionVariables.builtinNames(catalog: catalog).contains(name) || oracleVariables.contains(where: { $0.name == name }) {
            reader.error(at, path, "'\(name)' is a built-in variable that a file cannot declare (it is computed from the problem, the oracle or the method); declarable: \(declarable.joined(separator: ", ")); give a constant of your own another name")
            return nil
        }
        if ExpressionVariables.isReservedWord(name) {
            reader.error(at, path, "'\(name)' is a function or operator of the expression language, so it cannot name a constant; choose another name")
            return nil
        }
        if let stage = ExpressionVariables.looksLikeStageParameter(name, catalog: catalog) {
            reader.error(at, path, "'\(name)' starts like a parameter of the '\(stage)' stage (\(stage.replacingOccurrences(of: "-", with: "_"))_…), which names the stage's parameters; choose a name without that prefix")
            return nil
        }
        if let close = closestMatch(to: name, among: declarable), close != name, close.lowercased() == name.lowercased() {
            reader.error(at, path, "'\(name)' differs from the built-in constant '\(close)' only in case; write '\(close)' to declare it, or choose a clearly different name for a constant of your own")
            return nil
        }
        refusedUserConstants.remove(name)
        userConstantNodes[name] = at
        return reader.double(value, path)
    }

    /// A user constant no expression reads is most likely a misspelt built-in one
    /// (`sigma` for `sigma2`), which would otherwise be ignored in silence: an error. Skipped
    /// when the file has other errors, as an expression that failed to compile may be its user.
    func checkUserConstantsUsed(_ declared: DeclaredConstants, brokenExpressions: Bool) {
        guard !brokenExpressions else { return }
        let declarable = DeclaredConstants.names.map(\.rawValue)
        for name in declared.user.keys.sorted() where !usedNames.contains(name) {
            let hint = closestMatch(to: name, among: declarable).map { " (did you mean '\($0)'?)" } ?? ""
            reader.error(userConstantNodes[name], "constants.\(name)", "unknown key '\(name)' in declared constants\(hint): it is not a built-in constant (valid: \(declarable.joined(separator: ", "))), and as a constant of your own no expression of the file uses it")
        }
    }

    /// Method parameter variables a user bound (or, with nil, an assumption) cannot read because
    /// a method it concerns lacks them, with why.
    func methodUnavailable(for reference: String?) -> [String: String] {
        let concerned = methodVariables.filter { entry in
            reference.map { entry.method.id == $0 || entry.method.kind.rawValue == $0 } ?? true
        }
        guard !concerned.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for name in ExpressionVariables.methodNames {
            guard let lacking = concerned.first(where: { !$0.names.contains(name) }) else { continue }
            let what = reference == nil ? "the probe evaluates assumptions at points of every method's run, and method '\(lacking.method.id)'" : "method '\(lacking.method.id)'"
            out[name] = "\(what) has no \(name == "sparsifier_k" ? "Top-K or Rand-K sparsifier" : "sparsifier") (only M-DSGD's sparsifier gives \(name))"
        }
        return out
    }

    /// The ids of a `relies-on:` list (checked against the file's assumptions later).
    func readReliesOn(_ node: Node, _ path: String) -> [(id: String, node: Node, path: String)] {
        guard let items = reader.sequence(node, path, what: "assumption ids (user assumptions of this file, or A1–A6)") else { return [] }
        var out: [(id: String, node: Node, path: String)] = []
        for (index, item) in items.enumerated() {
            let itemPath = YAMLReader.join(path, index: index)
            guard let id = reader.string(item, itemPath, what: "an assumption id") else { continue }
            if out.contains(where: { $0.id == id }) {
                reader.error(item, itemPath, "'\(id.prefix(60))' is listed twice")
                continue
            }
            out.append((id, item, itemPath))
        }
        return out
    }

    /// Every `relies-on` entry names an assumption of the file or one of A1–A6.
    func checkReliances(assumptionIDs: [String]) {
        let known = ProbedAssumption.allCases.map(\.rawValue) + assumptionIDs
        for (id, node, path) in reliances where !known.contains(id) {
            // An assumption that failed to load is reported already.
            if brokenIDs.contains(id) || brokenWithoutID { continue }
            let hint = closestMatch(to: id, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            reader.error(node, path, "no assumption '\(id.prefix(60))'\(hint); a bound can rely on this file's assumptions or A1–A6: \(known.joined(separator: ", "))")
        }
    }
}
