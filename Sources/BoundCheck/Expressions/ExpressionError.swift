/// Why an expression could not be compiled or evaluated, and where in its text.
///
/// The same type serves both stages so that a problem-file loader can point at the offending
/// spot whether the mistake is a typo (found when the file is loaded) or a value that falls
/// outside a function's domain (found when the bound is evaluated).
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A sentence a newcomer can act on, e.g. "unknown variable 'zeta' (did you mean 'zeta2'?)".
    public let message: String
    /// 0-based offset of the offending token in the expression, counted in `Character`s.
    /// Equal to the text's length when the problem is the end of the expression.
    public let offset: Int
    /// Length of the offending token in `Character`s; at least 1, so a caret always shows.
    public let length: Int
    /// Further problems found in the same expression (the lexer reads on after a bad character
    /// so that one pass names every one of them), in text order.
    public internal(set) var further: [ExpressionError] = []

    /// This error and the further ones, in text order.
    public var all: [ExpressionError] {
        var first = self
        first.further = []
        return [first] + further
    }

    public init(message: String, offset: Int, length: Int = 1) {
        self.message = message
        self.offset = max(0, offset)
        self.length = max(1, length)
    }

    /// "column N: message", with N = offset + 1 as editors count columns.
    public var description: String { "column \(offset + 1): \(message)" }

    /// The expression with the offending part underlined, for terminal output:
    ///
    ///     2*D0/(gamma*(1-m)*K
    ///                        ^ expected ')' to close '(' at column 6, found end of expression
    public func annotating(_ text: String) -> String {
        let marker = String(repeating: " ", count: offset) + String(repeating: "^", count: length)
        return "\(text)\n\(marker) \(message)"
    }
}

extension ExpressionError {
    init(_ message: String, at span: BoundExpression.Span) {
        self.init(message: message, offset: span.offset, length: span.length)
    }
}
