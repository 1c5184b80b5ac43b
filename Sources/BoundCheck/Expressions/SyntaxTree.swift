extension BoundExpression {
    enum ArithmeticOperator: Sendable, Equatable {
        case add, subtract, multiply, divide, power

        var symbol: String {
            switch self {
            case .add: "+"
            case .subtract: "-"
            case .multiply: "*"
            case .divide: "/"
            case .power: "^"
            }
        }
    }

    enum ComparisonOperator: Sendable, Equatable {
        case less, lessEqual, greater, greaterEqual, equal, notEqual

        var symbol: String {
            switch self {
            case .less: "<"
            case .lessEqual: "<="
            case .greater: ">"
            case .greaterEqual: ">="
            case .equal: "=="
            case .notEqual: "!="
            }
        }

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: a < b
            case .lessEqual: a <= b
            case .greater: a > b
            case .greaterEqual: a >= b
            case .equal: a == b
            case .notEqual: a != b
            }
        }
    }

    enum LogicalOperator: Sendable, Equatable {
        case and, or
    }

    enum PrefixOperator: Sendable, Equatable {
        case minus, plus, not
    }

    /// One step of a left-associative chain: `+ b` in `a + b - c`.
    struct ChainLink {
        let op: ArithmeticOperator
        let operatorSpan: Span
        let operand: Node
    }

    /// The parsed, not yet type-checked expression.
    ///
    /// Left-associative chains (`a + b - c`, `p and q and r`) are stored flat rather than as
    /// nested binary nodes, so the tree's depth is bounded by the nesting the parser already
    /// limits, and the recursive compiler can never be driven deep by a long sum.
    struct Node {
        indirect enum Kind {
            case number(Double)
            case variable(String)
            case call(name: String, nameSpan: Span, arguments: [Node])
            case prefix(PrefixOperator, operatorSpan: Span, operand: Node)
            case arithmetic(first: Node, rest: [ChainLink])
            case power(base: Node, operatorSpan: Span, exponent: Node)
            case comparison(ComparisonOperator, operatorSpan: Span, left: Node, right: Node)
            case logical(LogicalOperator, operands: [Node])
        }

        let kind: Kind
        /// The text this node covers, including any parentheses around it.
        var span: Span
    }
}
