/// What an expression computes: a number (a bound, a step size) or a condition (an
/// assumption such as `bias2 <= m*grad2 + zeta2`).
public enum ExpressionType: Sendable, Equatable, CustomStringConvertible {
    case number, condition

    public var description: String {
        switch self {
        case .number: "number"
        case .condition: "condition"
        }
    }
}

/// A compiled expression from a problem file: a user-written bound, a `requires` condition or
/// an assumption's `holds-if`.
///
/// Compiling checks everything that can be checked without values — syntax, names, types,
/// arities, size — so a mistake surfaces when the problem file is loaded, with its column,
/// rather than mid-run. The compiled form is immutable and cheap to evaluate many times.
///
/// Grammar (EBNF; lowest precedence first):
///
///     expression = and-expr { ("or" | "||") and-expr } ;
///     and-expr   = not-expr { ("and" | "&&") not-expr } ;
///     not-expr   = ("not" | "!") not-expr | comparison ;
///     comparison = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ] ;  (* no chaining *)
///     sum        = product { ("+" | "-") product } ;
///     product    = signed { ("*" | "/") signed } ;
///     signed     = ("-" | "+") signed | power ;
///     power      = primary [ "^" signed ] ;           (* right-assoc.: 2^3^2 = 2^9, -x^2 = -(x^2) *)
///     primary    = number | name | name "(" [ expression { "," expression } ] ")"
///                | "(" expression ")" ;
///     number     = ( digits [ "." [ digits ] ] | "." digits ) [ ("e" | "E") [ "+" | "-" ] digits ] ;
///     name       = ( letter | "_" ) { letter | digit | "_" } ;   (* ASCII *)
///
/// Types: arithmetic, signs and functions take and give numbers; comparisons take numbers and
/// give a condition; `and`, `or`, `not` take and give conditions. `and` and `or` stop at the
/// first operand that decides the answer, so `x > 0 and log(x) < 1` never takes log(0).
///
/// A name followed by `(` is a function call (see ``functions``); any other name must be one of
/// the allowed variables.
///
/// Evaluation: an operation whose operands are finite but whose result is not (division by
/// zero, sqrt(-1), overflow, a GSL domain error) throws at that operation's column. Infinite
/// operands follow IEEE rules without complaint (1/∞ = 0), so a bound's limit as K → ∞ is the
/// bound evaluated at K = ∞; only an undefined final result (∞ − ∞) is an error.
public struct BoundExpression: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    public let type: ExpressionType
    /// The variables the expression mentions, for dependency and `requires` checks.
    public let variables: Set<String>

    private let program: Program
    private let length: Int
    /// For a condition that is one comparison `a ≤ b` (or <, ≥, >): its two sides, compiled
    /// separately, so the probe can test the margin statistically (``margin(_:)``).
    private let sides: (op: ComparisonOperator, left: Program, right: Program)?

    /// Compiles `text`.
    ///
    /// - Parameters:
    ///   - text: the expression as written in the problem file.
    ///   - allowedVariables: the names the expression may use as variables.
    ///   - expecting: the type the caller needs (a bound is a number, an assumption a
    ///     condition); `nil` accepts either.
    ///   - limits: size and nesting limits.
    /// - Throws: ``ExpressionError`` with the column of the first problem found.
    public init(_ text: String, allowedVariables: Set<String>, expecting: ExpressionType? = nil,
                limits: ExpressionLimits = .default) throws(ExpressionError) {
        let count = text.count
        let maxLength = max(0, limits.maxLength)
        guard count <= maxLength else {
            throw ExpressionError(
                message: "the expression is too long: \(count) characters, the limit is \(maxLength)",
                offset: maxLength, length: count - maxLength)
        }
        let characters = Array(text)
        let tokens = try Lexer.tokenize(characters)
        let tree = try Parser.parse(tokens, maxDepth: limits.effectiveMaxDepth)
        var compiler = Compiler(characters: characters, allowedVariables: allowedVariables)
        let type: ExpressionType
        do {
            type = try compiler.compile(tree)
        } catch {
            throw Self.combined(compiler.unknownNames + [error])
        }
        if !compiler.unknownNames.isEmpty { throw Self.combined(compiler.unknownNames) }

        if let expecting, expecting != type {
            switch expecting {
            case .condition:
                throw ExpressionError("expected a condition such as 'gamma <= 1/L', but this is a number",
                                      at: tree.span)
            case .number:
                throw ExpressionError("expected a number, but this is a condition (true or false)", at: tree.span)
            }
        }

        self.text = text
        self.type = type
        self.variables = compiler.variables
        self.program = Program(instructions: compiler.instructions, maxStackDepth: compiler.maxStackDepth)
        self.length = count
        if case let .comparison(op, _, left, right) = tree.kind, ![.equal, .notEqual].contains(op) {
            var l = Compiler(characters: characters, allowedVariables: allowedVariables)
            var r = Compiler(characters: characters, allowedVariables: allowedVariables)
            _ = try l.compile(left)
            _ = try r.compile(right)
            sides = (op, Program(instructions: l.instructions, maxStackDepth: l.maxStackDepth),
                     Program(instructions: r.instructions, maxStackDepth: r.maxStackDepth))
        } else {
            sides = nil
        }
    }

    /// Whether this condition is a single inequality, so that ``margin(_:)`` exists.
    public var isInequality: Bool { sides != nil }

    /// For a single inequality, how far it is from failing: b − a for `a <= b` or `a < b`,
    /// a − b for `a >= b` or `a > b` (≥ 0 where a non-strict inequality holds), with |a| + |b|
    /// as the scale for a round-off tolerance; nil for other expressions. When both sides are
    /// linear in the variables, the margin at unbiased estimates is an unbiased estimate of
    /// the margin, which is what the probe's t-test needs.
    public func margin(_ variables: [String: Double]) throws(ExpressionError) -> (margin: Double, scale: Double)? {
        guard let sides else { return nil }
        let a = try sides.left.run(variables, wholeText: wholeText)
        let b = try sides.right.run(variables, wholeText: wholeText)
        switch sides.op {
        case .less, .lessEqual: return (b - a, abs(a) + abs(b))
        default: return (a - b, abs(a) + abs(b))
        }
    }

    /// The value of a number expression.
    ///
    /// - Parameter variables: a value for every variable the expression mentions (others are
    ///   ignored); ±∞ is allowed, NaN is not.
    /// - Throws: ``ExpressionError`` at the column of the failing operation, or if this is a
    ///   condition.
    public func evaluate(_ variables: [String: Double]) throws(ExpressionError) -> Double {
        guard type == .number else {
            throw ExpressionError("this is a condition (true or false), not a number: use holds(_:)",
                                  at: wholeText)
        }
        return try program.run(variables, wholeText: wholeText)
    }

    /// Whether a condition holds.
    ///
    /// - Throws: ``ExpressionError`` as ``evaluate(_:)`` does, or if this is a number.
    public func holds(_ variables: [String: Double]) throws(ExpressionError) -> Bool {
        guard type == .condition else {
            throw ExpressionError("this is a number, not a condition: use evaluate(_:)", at: wholeText)
        }
        return try program.run(variables, wholeText: wholeText) != 0
    }

    public var description: String { text }

    // Equal texts compile to equal programs, so the text is the identity.
    public static func == (lhs: BoundExpression, rhs: BoundExpression) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    private var wholeText: Span { Span(offset: 0, length: length) }
}

extension BoundExpression {
    /// Several problems of one expression as one error: the first in text order, the others in
    /// `further`.
    static func combined(_ errors: [ExpressionError]) -> ExpressionError {
        let sorted = errors.flatMap(\.all).sorted { $0.offset < $1.offset }
        var first = sorted[0]
        first.further = Array(sorted.dropFirst())
        return first
    }
}
