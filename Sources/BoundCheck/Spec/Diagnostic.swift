/// One problem found in a problem file: where it is and what would be valid.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line and column (0 when the position is unknown, e.g. an empty file).
    public var line: Int
    public var column: Int
    /// Where in the document, e.g. `oracle[1].top-k.k`.
    public var keyPath: String
    public var message: String

    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let at = keyPath.isEmpty ? "" : "\(keyPath): "
        return "\(file):\(line):\(column): error: \(at)\(message)"
    }
}

/// Every problem found in one or more problem files; loading reports them all at once.
public struct SpecErrors: Error, CustomStringConvertible, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
