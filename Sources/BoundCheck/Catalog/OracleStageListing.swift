/// One oracle stage as `boundcheck list` (and the docs) show it.
public struct OracleStageListing: Sendable, Equatable {
    public var name: String
    public var synopsis: OracleStageSynopsis
    /// Expression variables the stage provides.
    public var variables: [String]
}

extension Catalog {
    /// The catalog's oracle stages, in registration order.
    public var oracleStageListing: [OracleStageListing] {
        oracleStages.map { OracleStageListing(name: $0.name, synopsis: $0.synopsis, variables: $0.providedVariables.map(\.rawValue)) }
    }

    /// The `oracle stages` section of `boundcheck list`: a line per stage with its parameters and
    /// action, and a second with its randomness and declared constants.
    public func oracleStageListText() -> String {
        var lines: [String] = []
        for stage in oracleStageListing {
            let s = stage.synopsis
            lines.append("  \(stage.name.padding(toLength: max(15, stage.name.count), withPad: " ", startingAt: 0)) \(s.parameters.padding(toLength: max(24, s.parameters.count), withPad: " ", startingAt: 0)) \(s.action)")
            let variables = stage.variables.isEmpty ? "" : "; expression variables: \(stage.variables.joined(separator: ", "))"
            lines.append("                  \(s.randomness); constants: \(s.constants)\(variables)")
        }
        return lines.joined(separator: "\n")
    }
}
