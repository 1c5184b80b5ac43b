extension BoundExpression {
    /// Precedence climbing over the token list; see the grammar on ``BoundExpression``.
    ///
    /// Recursion happens only where the grammar nests (parentheses, calls, prefix operators,
    /// the right side of `^`) plus a fixed number of precedence levels, and every nesting step
    /// is counted against the depth limit, so no input can exhaust the stack.
    struct Parser {
        private let tokens: [Token]
        private let maxDepth: Int
        private var index = 0
        private var depth = 0

        private init(tokens: [Token], maxDepth: Int) {
            self.tokens = tokens
            self.maxDepth = maxDepth
        }

        /// Parses the whole token list. A syntax error does not end the search: the parser
        /// records it, skips to a point where a fresh expression can start (past the group the
        /// error sits in, or past the offending token) and reads on, so one pass names every
        /// independent mistake; the errors come back as one ``ExpressionError`` in text order.
        /// Tokens skipped while resynchronizing are not judged, so a mistake never causes a
        /// second, spurious one (docs/problem-files.md, "Positions inside expressions").
        static func parse(_ tokens: [Token], maxDepth: Int) throws(ExpressionError) -> Node {
            var parser = Parser(tokens: tokens, maxDepth: maxDepth)
            if parser.current.kind == .end {
                throw ExpressionError("the expression is empty: write a number, a formula or a comparison",
                                      at: parser.current.span)
            }
            var errors: [ExpressionError] = []
            var tree: Node?
            while true {
                do {
                    let node = try parser.parseBinary(minimumPrecedence: Precedence.or)
                    if errors.isEmpty { tree = node }
                    try parser.expectEnd()
                    break
                } catch {
                    errors.append(error)
                    // Past the nesting limit the rest is not worth reading.
                    if parser.depth > parser.maxDepth || !parser.resynchronize() { break }
                }
            }
            if errors.isEmpty, let tree { return tree }
            throw BoundExpression.combined(errors)
        }

        /// At the end of a complete expression: the end of the text, or an error for what follows.
        private func expectEnd() throws(ExpressionError) {
            let next = current
            switch next.kind {
            case .end:
                return
            case .rightParen:
                throw ExpressionError("unmatched ')': there is no '(' before it", at: next.span)
            case .comma:
                throw ExpressionError("unexpected ',' outside the arguments of a function call", at: next.span)
            default:
                throw ExpressionError("expected an operator or the end of the expression, found \(next.described)"
                                      + hint(for: next), at: next.span)
            }
        }

        // MARK: Recovery

        /// Moves past a syntax error found at the current token to where a fresh expression can
        /// start; false when nothing is left to read.
        ///
        /// Inside parentheses (or a call's arguments) the rest of the outermost open group is
        /// skipped, up to its matching ')', and reading resumes after the operator that follows.
        /// At the top level, a token that could start an operand right after one that ends an
        /// operand (`2 D0`: a missing '*') starts the fresh expression itself; any other
        /// offending token is skipped together with whatever cannot start an operand.
        private mutating func resynchronize() -> Bool {
            depth = 0
            var open = 0
            for token in tokens[..<min(index, tokens.count)] {
                switch token.kind {
                case .leftParen: open += 1
                case .rightParen: open = max(0, open - 1)
                default: break
                }
            }
            if open > 0 {
                while current.kind != .end {
                    if current.kind == .leftParen { open += 1 }
                    if current.kind == .rightParen { open -= 1 }
                    advance()
                    if open == 0 { break }
                }
                guard current.kind != .end else { return false }
                if BinaryOperator(current.kind) != nil { advance() }
            } else if !(startsOperand(current) && (previous.map(endsOperand) ?? false)) {
                advance()
            }
            while current.kind != .end && !startsOperand(current) { advance() }
            return current.kind != .end
        }

        private func startsOperand(_ token: Token) -> Bool {
            switch token.kind {
            case .number, .name, .leftParen, .minus, .plus, .not: true
            default: false
            }
        }

        private func endsOperand(_ token: Token) -> Bool {
            switch token.kind {
            case .number, .name, .rightParen: true
            default: false
            }
        }

        // MARK: Tokens

        /// The current token; the token list always ends with `.end`, so this never runs off.
        private var current: Token { tokens[min(index, tokens.count - 1)] }

        private var previous: Token? { index > 0 ? tokens[min(index - 1, tokens.count - 1)] : nil }

        private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

        /// Counts one level of nesting opened by `token`.
        private mutating func enter(_ token: Token) throws(ExpressionError) {
            depth += 1
            if depth > maxDepth {
                throw ExpressionError(
                    "the expression nests too deeply at \(token.described): more than \(maxDepth) levels of "
                        + "parentheses, function calls, signs, 'not' or '^'; simplify it or split it into several bounds",
                    at: token.span)
            }
        }

        private mutating func leave() { depth -= 1 }

        /// A suggestion for a token found where an operator was expected.
        private func hint(for token: Token) -> String {
            switch token.kind {
            case .name(let name) where ["and", "or", "not"].contains(name.lowercased()):
                return " (write '\(name.lowercased())' in lower case)"
            case .leftParen, .name, .number:
                if let previous, previous.kind != .comma { return " (write '*' to multiply)" }
                return ""
            default:
                return ""
            }
        }

        // MARK: Grammar

        private enum Precedence {
            static let or = 1
            static let and = 2
            static let not = 3
            static let comparison = 4
            static let sum = 5
            static let product = 6
            static let power = 8
        }

        private enum BinaryOperator {
            case logical(LogicalOperator)
            case comparison(ComparisonOperator)
            case arithmetic(ArithmeticOperator)

            init?(_ kind: TokenKind) {
                switch kind {
                case .or: self = .logical(.or)
                case .and: self = .logical(.and)
                case .less: self = .comparison(.less)
                case .lessEqual: self = .comparison(.lessEqual)
                case .greater: self = .comparison(.greater)
                case .greaterEqual: self = .comparison(.greaterEqual)
                case .equal: self = .comparison(.equal)
                case .notEqual: self = .comparison(.notEqual)
                case .plus: self = .arithmetic(.add)
                case .minus: self = .arithmetic(.subtract)
                case .star: self = .arithmetic(.multiply)
                case .slash: self = .arithmetic(.divide)
                case .caret: self = .arithmetic(.power)
                default: return nil
                }
            }

            var precedence: Int {
                switch self {
                case .logical(.or): Precedence.or
                case .logical(.and): Precedence.and
                case .comparison: Precedence.comparison
                case .arithmetic(.add), .arithmetic(.subtract): Precedence.sum
                case .arithmetic(.multiply), .arithmetic(.divide): Precedence.product
                case .arithmetic(.power): Precedence.power
                }
            }
        }

        private mutating func parseBinary(minimumPrecedence: Int) throws(ExpressionError) -> Node {
            var left = try parsePrefix()
            // The precedence of the flat chain `left` is, if this loop built it; only then may
            // the next operator of the same level be appended to it.
            var chainPrecedence: Int?

            while let op = BinaryOperator(current.kind), op.precedence >= minimumPrecedence {
                let token = current
                advance()
                switch op {
                case .arithmetic(.power):
                    // Right-associative, and its right side may carry a sign: 2^3^2 = 2^9, 2^-1.
                    try enter(token)
                    let exponent = try parseBinary(minimumPrecedence: Precedence.power)
                    leave()
                    left = Node(kind: .power(base: left, operatorSpan: token.span, exponent: exponent),
                                span: left.span.through(exponent.span))
                    chainPrecedence = nil

                case .arithmetic(let arithmetic):
                    let right = try parseBinary(minimumPrecedence: op.precedence + 1)
                    let link = ChainLink(op: arithmetic, operatorSpan: token.span, operand: right)
                    if chainPrecedence == op.precedence, case .arithmetic(let first, let rest) = left.kind {
                        left = Node(kind: .arithmetic(first: first, rest: rest + [link]),
                                    span: left.span.through(right.span))
                    } else {
                        left = Node(kind: .arithmetic(first: left, rest: [link]), span: left.span.through(right.span))
                    }
                    chainPrecedence = op.precedence

                case .logical(let logical):
                    let right = try parseBinary(minimumPrecedence: op.precedence + 1)
                    if chainPrecedence == op.precedence, case .logical(_, let operands) = left.kind {
                        left = Node(kind: .logical(logical, operands: operands + [right]),
                                    span: left.span.through(right.span))
                    } else {
                        left = Node(kind: .logical(logical, operands: [left, right]), span: left.span.through(right.span))
                    }
                    chainPrecedence = op.precedence

                case .comparison(let comparison):
                    let right = try parseBinary(minimumPrecedence: Precedence.comparison + 1)
                    left = Node(kind: .comparison(comparison, operatorSpan: token.span, left: left, right: right),
                                span: left.span.through(right.span))
                    chainPrecedence = nil
                    // `a < b < c` reads like math but would compare a condition with a number.
                    if case .comparison = BinaryOperator(current.kind) {
                        throw ExpressionError(
                            "comparisons cannot be chained: join them with 'and', as in 'a < b and b < c' "
                                + "instead of 'a < b < c'",
                            at: current.span)
                    }
                }
            }
            return left
        }

        private mutating func parsePrefix() throws(ExpressionError) -> Node {
            let token = current
            let op: PrefixOperator
            let operandPrecedence: Int
            switch token.kind {
            case .minus: (op, operandPrecedence) = (.minus, Precedence.power)  // -x^2 = -(x^2)
            case .plus: (op, operandPrecedence) = (.plus, Precedence.power)
            case .not: (op, operandPrecedence) = (.not, Precedence.comparison)  // not a < b = not (a < b)
            default: return try parsePrimary()
            }
            advance()
            try enter(token)
            let operand = try parseBinary(minimumPrecedence: operandPrecedence)
            leave()
            return Node(kind: .prefix(op, operatorSpan: token.span, operand: operand),
                        span: token.span.through(operand.span))
        }

        private mutating func parsePrimary() throws(ExpressionError) -> Node {
            let token = current
            switch token.kind {
            case .number(let value):
                advance()
                return Node(kind: .number(value), span: token.span)

            case .name(let name):
                advance()
                guard current.kind == .leftParen else { return Node(kind: .variable(name), span: token.span) }
                return try parseCall(name: name, nameToken: token)

            case .leftParen:
                advance()
                try enter(token)
                if current.kind == .rightParen {
                    throw ExpressionError("empty parentheses: write an expression between '(' and ')'",
                                          at: current.span)
                }
                var inner = try parseBinary(minimumPrecedence: Precedence.or)
                leave()
                guard current.kind == .rightParen else {
                    throw ExpressionError(
                        "expected ')' to close '(' at column \(token.span.offset + 1), found \(current.described)"
                            + hint(for: current),
                        at: current.span)
                }
                inner.span = token.span.through(current.span)
                advance()
                return inner

            default:
                var message = "expected a number, a variable, a function call or '('"
                if let previous { message += " after '\(previous.text)'" }
                message += ", found \(token.described)"
                throw ExpressionError(message, at: token.span)
            }
        }

        /// `name(` has been seen, with the current token on the '('.
        private mutating func parseCall(name: String, nameToken: Token) throws(ExpressionError) -> Node {
            let open = current
            advance()
            try enter(nameToken)
            var arguments: [Node] = []
            if current.kind != .rightParen {
                while true {
                    arguments.append(try parseBinary(minimumPrecedence: Precedence.or))
                    if current.kind == .comma {
                        advance()
                        continue
                    }
                    guard current.kind == .rightParen else {
                        throw ExpressionError(
                            "expected ',' or ')' to close '\(name)(' at column \(open.span.offset + 1), "
                                + "found \(current.described)" + hint(for: current),
                            at: current.span)
                    }
                    break
                }
            }
            leave()
            let span = nameToken.span.through(current.span)
            advance()
            return Node(kind: .call(name: name, nameSpan: nameToken.span, arguments: arguments), span: span)
        }
    }
}
