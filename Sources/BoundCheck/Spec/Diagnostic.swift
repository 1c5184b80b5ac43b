/// One problem found in a problem file: where it is and what would be valid.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based line and column (0 when the position is unknown, e.g. an empty file).
    public var line: Int
    public var column: Int
    /// Where in the document, e.g. `oracle[1].top-k.k`.
    public var keyPath: String
    public var message: String

    /// Control characters in `keyPath` and `message` (which quote the file) are escaped, so a
    /// hostile file cannot drive the terminal that shows them or break a log line in two.
    public init(file: String, line: Int, column: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = Self.escapingControlCharacters(keyPath)
        self.message = Self.escapingControlCharacters(message)
    }

    public var description: String {
        let at = keyPath.isEmpty ? "" : "\(Self.escapingControlCharacters(keyPath)): "
        return "\(Self.escapingControlCharacters(file)):\(line):\(column): error: \(at)\(Self.escapingControlCharacters(message))"
    }

    /// `text` with every control character (C0, DEL, C1), line or paragraph separator and
    /// bidirectional override written as a Swift-style escape: `\t`, `\n`, `\u{1B}`.
    public static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
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
