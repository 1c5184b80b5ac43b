extension BoundExpression {
    /// A range of the expression's text, in `Character`s, for error messages.
    struct Span: Sendable, Equatable {
        var offset: Int
        var length: Int

        init(offset: Int, length: Int) {
            self.offset = offset
            self.length = max(1, length)
        }

        var end: Int { offset + length }

        /// The smallest span covering both.
        func through(_ other: Span) -> Span {
            let start = min(offset, other.offset)
            return Span(offset: start, length: max(end, other.end) - start)
        }
    }

    enum TokenKind: Equatable {
        case number(Double)
        case name(String)
        case plus, minus, star, slash, caret
        case less, lessEqual, greater, greaterEqual, equal, notEqual
        case and, or, not
        case leftParen, rightParen, comma
        case end
    }

    struct Token {
        let kind: TokenKind
        let span: Span
        /// The characters as written, for messages ("found '&&'").
        let text: String

        /// How a message names this token: "end of expression", "number '2'", "')'".
        var described: String {
            switch kind {
            case .end: return "end of expression"
            case .number: return "number '\(text)'"
            case .name: return "name '\(text)'"
            default: return "'\(text)'"
            }
        }
    }

    /// Splits an expression into tokens. Works on `Character`s so that offsets match what a
    /// person counts, even with combining accents or emoji in the text.
    struct Lexer {
        private let characters: [Character]
        private var position = 0
        private var tokens: [Token] = []

        private init(_ characters: [Character]) { self.characters = characters }

        static func tokenize(_ characters: [Character]) throws(ExpressionError) -> [Token] {
            var lexer = Lexer(characters)
            try lexer.run()
            return lexer.tokens
        }

        private func peek(_ ahead: Int = 0) -> Character? {
            let index = position + ahead
            return index < characters.count ? characters[index] : nil
        }

        private mutating func emit(_ kind: TokenKind, length: Int) {
            let text = String(characters[position..<(position + length)])
            tokens.append(Token(kind: kind, span: Span(offset: position, length: length), text: text))
            position += length
        }

        /// At most this many problems are collected from one expression.
        static let maximumErrors = 20

        /// Reads the whole text; a bad token is recorded and skipped, so that every bad token is
        /// reported at once (as the first error, with the others in `further`).
        private mutating func run() throws(ExpressionError) {
            var errors: [ExpressionError] = []
            while let c = peek() {
                do {
                    try token(c)
                } catch {
                    // A run of the same bad character is one mistake: one message spanning it.
                    if let last = errors.last, last.message == error.message, last.offset + last.length == error.offset {
                        errors[errors.count - 1] = ExpressionError(message: last.message, offset: last.offset, length: last.length + error.length)
                    } else {
                        errors.append(error)
                    }
                    if errors.count == Self.maximumErrors { break }
                    position = max(position + 1, error.offset + error.length)
                }
            }
            if var first = errors.first {
                first.further = Array(errors.dropFirst())
                throw first
            }
            tokens.append(Token(kind: .end, span: Span(offset: characters.count, length: 1), text: ""))
        }

        /// Reads one token starting with `c`.
        private mutating func token(_ c: Character) throws(ExpressionError) {
                if c.isWhitespace {
                    position += 1
                } else if c.isASCIIDigit || (c == "." && peek(1)?.isASCIIDigit == true) {
                    try lexNumber()
                } else if c.isIdentifierStart {
                    var length = 1
                    while let next = peek(length), next.isIdentifierContinuation { length += 1 }
                    let word = String(characters[position..<(position + length)])
                    switch word {
                    case "and": emit(.and, length: length)
                    case "or": emit(.or, length: length)
                    case "not": emit(.not, length: length)
                    default: emit(.name(word), length: length)
                    }
                } else {
                    try lexSymbol(c)
                }
        }

        private mutating func lexNumber() throws(ExpressionError) {
            let start = position
            var index = position
            func digits() -> Int {
                var count = 0
                while index < characters.count, characters[index].isASCIIDigit { index += 1; count += 1 }
                return count
            }
            _ = digits()
            if index < characters.count, characters[index] == "." {
                index += 1
                _ = digits()
            }
            if index < characters.count, characters[index] == "e" || characters[index] == "E" {
                index += 1
                if index < characters.count, characters[index] == "+" || characters[index] == "-" { index += 1 }
                if digits() == 0 {
                    let text = String(characters[start..<index])
                    throw ExpressionError(
                        message: "malformed number '\(text)': the exponent after 'e' needs digits, as in 1e-3",
                        offset: start, length: index - start)
                }
            }
            let text = String(characters[start..<index])
            // A number glued to a letter or another dot is a typo we can name precisely,
            // rather than leaving the parser to report a confusing "expected an operator".
            if index < characters.count, characters[index].isIdentifierContinuation || characters[index] == "." {
                var end = index
                while end < characters.count,
                      characters[end].isIdentifierContinuation || characters[end] == "." { end += 1 }
                let tail = String(characters[index..<end])
                if characters[index].isIdentifierStart {
                    throw ExpressionError(
                        message: "number '\(text)' is directly followed by '\(tail)': write '\(text)*\(tail)' to multiply",
                        offset: start, length: end - start)
                }
                throw ExpressionError(message: "malformed number '\(text)\(tail)'", offset: start, length: end - start)
            }
            guard let value = Double(text) else {
                throw ExpressionError(message: "malformed number '\(text)'", offset: start, length: index - start)
            }
            guard value.isFinite else {
                throw ExpressionError(
                    message: "number '\(text)' is too large (the largest is about 1.8e308)",
                    offset: start, length: index - start)
            }
            emit(.number(value), length: index - start)
        }

        private mutating func lexSymbol(_ c: Character) throws(ExpressionError) {
            let next = peek(1)
            switch c {
            case "+": emit(.plus, length: 1)
            case "-": emit(.minus, length: 1)
            case "*":
                if next == "*" {
                    throw ExpressionError(message: "'**' is not an operator: write '^' for powers, as in x^2",
                                          offset: position, length: 2)
                }
                emit(.star, length: 1)
            case "/": emit(.slash, length: 1)
            case "^": emit(.caret, length: 1)
            case "(": emit(.leftParen, length: 1)
            case ")": emit(.rightParen, length: 1)
            case ",": emit(.comma, length: 1)
            case "<": next == "=" ? emit(.lessEqual, length: 2) : emit(.less, length: 1)
            case ">": next == "=" ? emit(.greaterEqual, length: 2) : emit(.greater, length: 1)
            case "!": next == "=" ? emit(.notEqual, length: 2) : emit(.not, length: 1)
            case "=":
                guard next == "=" else {
                    throw ExpressionError(message: "'=' is not a comparison: write '==' (or '<=', '>=')",
                                          offset: position)
                }
                emit(.equal, length: 2)
            case "&":
                guard next == "&" else {
                    throw ExpressionError(message: "unexpected '&': write 'and' (or '&&')", offset: position)
                }
                emit(.and, length: 2)
            case "|":
                guard next == "|" else {
                    throw ExpressionError(message: "unexpected '|': write 'or' (or '||')", offset: position)
                }
                emit(.or, length: 2)
            case ".":
                throw ExpressionError(message: "unexpected '.': a number needs a digit, as in 0.5", offset: position)
            default:
                throw unexpectedCharacter(c)
            }
        }

        /// Symbols people paste from papers, with what to write instead: operators, and the
        /// ASCII names of the variables (docs/problem-files.md, "Variables").
        private static let replacements: [Character: String] = [
            "−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/",
            "≤": "<=", "≥": ">=", "≠": "!=", "²": "^2", "³": "^3", "√": "sqrt(…)",
            "∧": "and", "∨": "or", "¬": "not", "[": "(", "]": ")", "{": "(", "}": ")",
            "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ζ": "zeta2", "η": "gamma",
            "κ": "kappa", "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma2", "τ": "tau",
            "Δ": "D0",
        ]

        /// Greek letters whose variable is a square or carries an index: ζ² is zeta2, σ² is
        /// sigma2, Δ₀ is D0, η is the step gamma.
        private static let notes: [Character: String] = [
            "ζ": " (ζ² is zeta2)", "σ": " (σ² is sigma2)", "Δ": " (Δ₀ = f(x⁰) − f* is D0)",
            "η": " (the step η of M-DSGD is gamma)",
        ]

        private mutating func unexpectedCharacter(_ c: Character) -> ExpressionError {
            // ζ², σ², Δ₀ as one unit: the whole symbol is replaced by the name.
            let next = peek(1)
            if let next, (c == "ζ" || c == "σ") && next == "²" || c == "Δ" && next == "₀" {
                let name = c == "ζ" ? "zeta2" : (c == "σ" ? "sigma2" : "D0")
                return ExpressionError(message: "unexpected character '\(c)\(next)': write '\(name)' instead",
                                       offset: position, length: 2)
            }
            return ExpressionError(message: Self.unexpected(c), offset: position)
        }

        private static func unexpected(_ c: Character) -> String {
            let shown: String
            if c.unicodeScalars.allSatisfy({ $0.properties.generalCategory.isVisible }) {
                shown = "'\(c)'"
            } else {
                shown = c.unicodeScalars
                    .map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }
                    .joined(separator: " ")
            }
            if let replacement = replacements[c] {
                return "unexpected character \(shown): write '\(replacement)' instead\(notes[c] ?? "")"
            }
            return "unexpected character \(shown)"
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isIdentifierStart: Bool { isASCII && (isLetter || self == "_") }
    var isIdentifierContinuation: Bool { isASCII && (isLetter || isNumber || self == "_") }
}

private extension Unicode.GeneralCategory {
    /// Whether a character of this category shows as a glyph when quoted in a message.
    var isVisible: Bool {
        switch self {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
