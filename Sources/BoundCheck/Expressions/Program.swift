extension BoundExpression {
    /// The compiled form: postfix instructions for a value stack whose largest size is known
    /// in advance. Conditions live on the same stack as 1 (true) and 0 (false).
    struct Program: Sendable {
        let instructions: [Instruction]
        let maxStackDepth: Int

        /// Where the first NaN came from: an operation whose operands were infinite (finite
        /// operands that give NaN are reported at once instead).
        private struct UndefinedOrigin {
            let span: Span
            let shown: String

            var error: ExpressionError {
                ExpressionError("undefined result: \(shown) has no value (check which variables are infinite)",
                                at: span)
            }
        }

        func run(_ variables: [String: Double], wholeText: Span) throws(ExpressionError) -> Double {
            var stack: [Double] = []
            stack.reserveCapacity(maxStackDepth)
            var undefined: UndefinedOrigin?
            var pc = 0

            while pc < instructions.count {
                switch instructions[pc] {
                case .constant(let value):
                    stack.append(value)

                case .variable(let name, let span):
                    guard let value = variables[name] else {
                        throw ExpressionError("no value for variable '\(name)'", at: span)
                    }
                    // NaN would slip through comparisons as "false"; make the caller say what it meant.
                    guard !value.isNaN else {
                        throw ExpressionError("variable '\(name)' is NaN (not a number)", at: span)
                    }
                    stack.append(value)

                case .negate:
                    stack[stack.count - 1] = -stack[stack.count - 1]

                case .not:
                    stack[stack.count - 1] = stack[stack.count - 1] == 0 ? 1 : 0

                case .arithmetic(let op, let span):
                    let b = stack.removeLast()
                    let a = stack[stack.count - 1]
                    let result = try Self.arithmetic(op, a, b, at: span)
                    if result.isNaN, !a.isNaN, !b.isNaN, undefined == nil {
                        undefined = UndefinedOrigin(
                            span: span, shown: "\(BoundExpression.formatOperand(a)) \(op.symbol) \(BoundExpression.formatOperand(b))")
                    }
                    stack[stack.count - 1] = result

                case .call(let function, let count, let span):
                    let arguments = stack[(stack.count - count)...]
                    let result = try function.apply(arguments, at: span)
                    if result.isNaN, !arguments.contains(where: \.isNaN), undefined == nil {
                        let shown = arguments.map(BoundExpression.format).joined(separator: ", ")
                        undefined = UndefinedOrigin(span: span, shown: "\(function.name)(\(shown))")
                    }
                    stack.removeLast(count)
                    stack.append(result)

                case .compare(let op, let span):
                    let b = stack.removeLast()
                    let a = stack[stack.count - 1]
                    if a.isNaN || b.isNaN {
                        throw undefined?.error ?? ExpressionError("'\(op.symbol)' compares an undefined value", at: span)
                    }
                    stack[stack.count - 1] = op.holds(a, b) ? 1 : 0

                case .jumpIfFalseElsePop(let target):
                    if stack[stack.count - 1] == 0 { pc = target; continue }
                    stack.removeLast()

                case .jumpIfTrueElsePop(let target):
                    if stack[stack.count - 1] != 0 { pc = target; continue }
                    stack.removeLast()
                }
                pc += 1
            }

            let result = stack.last ?? .nan
            if result.isNaN {
                throw undefined?.error ?? ExpressionError("undefined result", at: wholeText)
            }
            return result
        }

        /// An arithmetic operation. Finite operands with a non-finite result are an error that
        /// names the cause; infinite operands follow IEEE rules silently (1/∞ = 0), which is
        /// how a bound's limit as K → ∞ is taken.
        private static func arithmetic(_ op: ArithmeticOperator, _ a: Double, _ b: Double,
                                       at span: Span) throws(ExpressionError) -> Double {
            let result: Double
            switch op {
            case .add: result = a + b
            case .subtract: result = a - b
            case .multiply: result = a * b
            case .divide: result = a / b
            case .power: return try BoundExpression.power(a, b, at: span)
            }
            guard !result.isFinite, a.isFinite, b.isFinite else { return result }
            if op == .divide, b == 0 {
                throw ExpressionError("division by zero (\(BoundExpression.format(a)) / 0)", at: span)
            }
            throw ExpressionError("overflow in '\(op.symbol)' (\(BoundExpression.format(a)) \(op.symbol) "
                                  + "\(BoundExpression.formatOperand(b))): the result is too large", at: span)
        }
    }
}
