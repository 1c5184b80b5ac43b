extension BoundExpression {
    /// One step of the compiled program, run by a stack machine (see `Program`).
    enum Instruction: Sendable {
        case constant(Double)
        case variable(String, Span)
        case negate
        case not
        case arithmetic(ArithmeticOperator, Span)
        case call(Function, argumentCount: Int, Span)
        case compare(ComparisonOperator, Span)
        /// `and`: if the top is false, jump to the target keeping it (the answer); else pop it.
        case jumpIfFalseElsePop(Int)
        /// `or`: if the top is true, jump to the target keeping it; else pop it.
        case jumpIfTrueElsePop(Int)
    }

    /// Resolves names, checks types and arities, and flattens the tree into postfix
    /// instructions, so evaluation is a loop with no recursion and no allocation per node.
    struct Compiler {
        private let characters: [Character]
        private let allowedVariables: Set<String>
        private(set) var instructions: [Instruction] = []
        private(set) var variables: Set<String> = []
        private(set) var maxStackDepth = 0
        private var stackDepth = 0
        /// Unknown names found so far: compiling goes on past them, so that one pass reports
        /// every unknown variable and function of the expression.
        private(set) var unknownNames: [ExpressionError] = []

        init(characters: [Character], allowedVariables: Set<String>) {
            self.characters = characters
            self.allowedVariables = allowedVariables
        }

        private mutating func emit(_ instruction: Instruction, stackChange: Int) {
            instructions.append(instruction)
            stackDepth += stackChange
            maxStackDepth = max(maxStackDepth, stackDepth)
        }

        /// Compiles `node`, leaving its value on the stack, and returns its type.
        /// Recursion depth is bounded by the tree depth, which the parser has limited.
        mutating func compile(_ node: Node) throws(ExpressionError) -> ExpressionType {
            switch node.kind {
            case .number(let value):
                emit(.constant(value), stackChange: 1)
                return .number

            case .variable(let name):
                guard allowedVariables.contains(name) else {
                    unknownNames.append(unknownVariable(name, at: node.span))
                    emit(.constant(.nan), stackChange: 1)   // never run: the expression is refused
                    return .number
                }
                variables.insert(name)
                emit(.variable(name, node.span), stackChange: 1)
                return .number

            case .call(let name, let nameSpan, let arguments):
                let function: Function
                do { function = try resolveFunction(name, at: nameSpan) } catch {
                    unknownNames.append(error)
                    for argument in arguments { _ = try compile(argument) }
                    emit(.constant(.nan), stackChange: 1 - arguments.count)   // as the call would
                    return .number
                }
                guard function.arity.accepts(arguments.count) else {
                    throw ExpressionError("\(name) takes \(function.arity.described), got \(arguments.count): "
                                          + "write \(function.usage)", at: nameSpan)
                }
                for argument in arguments {
                    try compile(argument, as: .number) { "\(name) takes numbers, but \($0) is a condition (true or false)" }
                }
                emit(.call(function, argumentCount: arguments.count, nameSpan), stackChange: 1 - arguments.count)
                return .number

            case .prefix(.not, let operatorSpan, let operand):
                let word = text(of: operatorSpan)
                try compile(operand, as: .condition) {
                    "'\(word)' needs a condition (a comparison such as 'x <= 1'), but \($0) is a number"
                }
                emit(.not, stackChange: 0)
                return .condition

            case .prefix(let sign, _, let operand):
                let symbol = sign == .minus ? "-" : "+"
                try compile(operand, as: .number) { "'\(symbol)' needs a number, but \($0) is a condition (true or false)" }
                if sign == .minus { emit(.negate, stackChange: 0) }
                return .number

            case .arithmetic(let first, let rest):
                let needsNumbers = { (symbol: String) in
                    { (quoted: String) in "'\(symbol)' needs numbers on both sides, but \(quoted) is a condition (true or false)" }
                }
                try compile(first, as: .number, needsNumbers(rest.first?.op.symbol ?? "+"))
                for link in rest {
                    try compile(link.operand, as: .number, needsNumbers(link.op.symbol))
                    emit(.arithmetic(link.op, link.operatorSpan), stackChange: -1)
                }
                return .number

            case .power(let base, let operatorSpan, let exponent):
                let message = { (quoted: String) in "'^' needs numbers on both sides, but \(quoted) is a condition (true or false)" }
                try compile(base, as: .number, message)
                try compile(exponent, as: .number, message)
                emit(.arithmetic(.power, operatorSpan), stackChange: -1)
                return .number

            case .comparison(let op, let operatorSpan, let left, let right):
                let message = { (quoted: String) in
                    "'\(op.symbol)' compares numbers, but \(quoted) is a condition; combine conditions with 'and' or 'or'"
                }
                try compile(left, as: .number, message)
                try compile(right, as: .number, message)
                emit(.compare(op, operatorSpan), stackChange: -1)
                return .condition

            case .logical(let op, let operands):
                let word = op == .and ? "and" : "or"
                let message = { (quoted: String) in
                    "'\(word)' joins conditions (comparisons such as 'x <= 1'), but \(quoted) is a number"
                }
                var jumps: [Int] = []
                for (index, operand) in operands.enumerated() {
                    if index > 0 {
                        jumps.append(instructions.count)
                        emit(op == .and ? .jumpIfFalseElsePop(-1) : .jumpIfTrueElsePop(-1), stackChange: -1)
                    }
                    try compile(operand, as: .condition, message)
                }
                let end = instructions.count
                for jump in jumps {
                    instructions[jump] = op == .and ? .jumpIfFalseElsePop(end) : .jumpIfTrueElsePop(end)
                }
                return .condition
            }
        }

        private mutating func compile(_ node: Node, as expected: ExpressionType,
                                      _ message: (String) -> String) throws(ExpressionError) {
            let type = try compile(node)
            if type != expected { throw ExpressionError(message(quote(node.span)), at: node.span) }
        }

        // MARK: Names

        private func resolveFunction(_ name: String, at span: Span) throws(ExpressionError) -> Function {
            if let function = Function.named(name) {
                // `gamma(1-m)` would silently mean Γ(1−m) where the user almost surely meant the
                // step size times (1−m); a wrong bound that still evaluates is the worst outcome.
                if allowedVariables.contains(name) {
                    throw ExpressionError(
                        "'\(name)' is both a variable and a function here: write '\(name)*(…)' to multiply by "
                            + "the variable" + (name == "gamma" ? ", or exp(lngamma(…)) for the Γ function" : ""),
                        at: span)
                }
                return function
            }
            if allowedVariables.contains(name) {
                throw ExpressionError("'\(name)' is a variable, not a function: write '\(name)*(…)' to multiply",
                                      at: span)
            }
            if let suggestion = Self.aliases[name] ?? closestMatch(to: name, among: Function.allNames) {
                throw ExpressionError("unknown function '\(name)' (did you mean '\(suggestion)'?)", at: span)
            }
            throw ExpressionError("unknown function '\(name)'; the functions are: "
                                  + Function.allNames.joined(separator: ", "), at: span)
        }

        /// Names from other languages and papers that spelling distance would not find.
        private static let aliases: [String: String] = [
            "ln": "log", "lg": "log10", "fabs": "abs", "power": "pow", "minimum": "min", "maximum": "max",
            "lambertw": "lambert_w0", "lambert_w": "lambert_w0", "tgamma": "gamma", "psi": "digamma",
        ]

        private func unknownVariable(_ name: String, at span: Span) -> ExpressionError {
            if let suggestion = closestMatch(to: name, among: allowedVariables) {
                return ExpressionError("unknown variable '\(name)' (did you mean '\(suggestion)'?)", at: span)
            }
            if let function = Function.named(name) {
                return ExpressionError("'\(name)' is a function: call it with an argument, as in \(function.usage)",
                                       at: span)
            }
            if allowedVariables.isEmpty {
                return ExpressionError("unknown variable '\(name)': no variables are available here", at: span)
            }
            let names = allowedVariables.sorted()
            let listed = names.prefix(40).joined(separator: ", ") + (names.count > 40 ? ", …" : "")
            return ExpressionError("unknown variable '\(name)'; the variables here are: \(listed)", at: span)
        }

        // MARK: Quoting

        private func text(of span: Span) -> String {
            let start = min(max(0, span.offset), characters.count)
            let end = min(max(start, span.end), characters.count)
            return String(characters[start..<end])
        }

        /// A part of the expression as a message quotes it, shortened when long.
        private func quote(_ span: Span) -> String {
            let text = text(of: span)
            return text.count <= 30 ? "'\(text)'" : "'\(text.prefix(27))…'"
        }
    }
}
