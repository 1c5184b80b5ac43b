/// Expressions in a problem file (user bounds, conditions, assumptions): compiled at load time,
/// with errors mapped back to the file's line and column, and refused when they name a constant
/// the problem does not have.
extension SpecBuilder {
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
    static func unavailableVariables(family: (any ProblemFamily)?, oracle: [AnyOracleStage], declared: DeclaredConstants,
                                     catalog: Catalog = .standard) -> [String: String] {
        var out: [String: String] = [:]
        if let family, !family.guarantees.pl, declared.values[.mu] == nil {
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
}
