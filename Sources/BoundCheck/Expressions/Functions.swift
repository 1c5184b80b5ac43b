import Foundation
import GSL

/// A function that expressions can call, for listings (`boundcheck list`) and documentation.
public struct ExpressionFunction: Sendable, Equatable {
    public let name: String
    /// How to call it, e.g. "min(x, y, …)".
    public let usage: String
    public let summary: String
}

extension BoundExpression {
    /// Every function an expression can call: the built-in ones, then GSL's special functions,
    /// each group alphabetical.
    public static var functions: [ExpressionFunction] {
        let builtins = Function.builtins.map {
            ExpressionFunction(name: $0.name, usage: $0.usage, summary: $0.summary)
        }
        let special = GSL.specialFunctions.values
            .filter { Function.builtin(named: $0.name) == nil }
            .map { ExpressionFunction(name: $0.name, usage: "\($0.name)(x)", summary: $0.summary) }
        return builtins.sorted { $0.name < $1.name } + special.sorted { $0.name < $1.name }
    }

    enum Arity: Equatable {
        case exactly(Int)
        case atLeast(Int)

        func accepts(_ count: Int) -> Bool {
            switch self {
            case .exactly(let n): count == n
            case .atLeast(let n): count >= n
            }
        }

        var described: String {
            switch self {
            case .exactly(let n): n == 1 ? "1 argument" : "\(n) arguments"
            case .atLeast(let n): "at least \(n) arguments"
            }
        }
    }

    /// A callable function, resolved at compile time. GSL functions are kept by name and looked
    /// up when called, because `GSL.SpecialFunction` is not `Sendable` and ``BoundExpression`` is.
    enum Function: Sendable, Equatable {
        case sqrt, exp, log, log10, log2, abs, min, max, pow, floor, ceil
        case special(String)

        static let builtins: [Function] = [.sqrt, .exp, .log, .log10, .log2, .abs, .min, .max, .pow, .floor, .ceil]

        static func builtin(named name: String) -> Function? {
            builtins.first { $0.name == name }
        }

        /// The function called `name`, built-ins first, or `nil`.
        static func named(_ name: String) -> Function? {
            if let builtin = builtin(named: name) { return builtin }
            return GSL.specialFunctions[name] != nil ? .special(name) : nil
        }

        static var allNames: [String] { builtins.map(\.name) + GSL.specialFunctions.keys.sorted() }

        var name: String {
            switch self {
            case .sqrt: "sqrt"
            case .exp: "exp"
            case .log: "log"
            case .log10: "log10"
            case .log2: "log2"
            case .abs: "abs"
            case .min: "min"
            case .max: "max"
            case .pow: "pow"
            case .floor: "floor"
            case .ceil: "ceil"
            case .special(let name): name
            }
        }

        var arity: Arity {
            switch self {
            case .min, .max: .atLeast(2)
            case .pow: .exactly(2)
            default: .exactly(1)
            }
        }

        var usage: String {
            switch self {
            case .min, .max: "\(name)(x, y, …)"
            case .pow: "pow(x, y)"
            default: "\(name)(x)"
            }
        }

        var summary: String {
            switch self {
            case .sqrt: "square root √x"
            case .exp: "exponential eˣ"
            case .log: "natural logarithm ln x"
            case .log10: "base-10 logarithm"
            case .log2: "base-2 logarithm"
            case .abs: "absolute value |x|"
            case .min: "smallest argument"
            case .max: "largest argument"
            case .pow: "power xʸ, the same as x^y"
            case .floor: "largest integer ≤ x"
            case .ceil: "smallest integer ≥ x"
            case .special(let name): GSL.specialFunctions[name]?.summary ?? name
            }
        }

        /// Applies the function. With finite arguments a result that is not finite is an error
        /// naming the cause; infinite arguments follow IEEE rules, so NaN may come back and the
        /// evaluator decides what to do with it.
        func apply(_ arguments: ArraySlice<Double>, at span: Span) throws(ExpressionError) -> Double {
            guard arity.accepts(arguments.count), let x = arguments.first else {
                // The compiler checks arity; this only guards the invariant without crashing.
                throw ExpressionError("\(name) takes \(arity.described), got \(arguments.count)", at: span)
            }
            let y = arguments.dropFirst().first ?? .nan
            switch self {
            case .sqrt:
                if x < 0, x.isFinite {
                    throw ExpressionError("sqrt of a negative number (\(BoundExpression.format(x)))", at: span)
                }
                return x.squareRoot()
            case .exp:
                let result = Foundation.exp(x)
                if x.isFinite, !result.isFinite {
                    throw ExpressionError("overflow in exp(\(BoundExpression.format(x))): the result is too large", at: span)
                }
                return result
            case .log, .log10, .log2:
                if x <= 0, x.isFinite {
                    throw ExpressionError("\(name) of a non-positive number (\(BoundExpression.format(x)))", at: span)
                }
                switch self {
                case .log10: return Foundation.log10(x)
                case .log2: return Foundation.log2(x)
                default: return Foundation.log(x)
                }
            case .abs:
                return Swift.abs(x)
            case .min, .max:
                // Swift.min/max answer order-dependently for NaN; an undefined argument must
                // make the result undefined.
                if arguments.contains(where: \.isNaN) { return .nan }
                return (self == .min ? arguments.min() : arguments.max()) ?? .nan
            case .pow:
                return try BoundExpression.power(x, y, at: span, spelled: "pow")
            case .floor:
                return x.rounded(.down)
            case .ceil:
                return x.rounded(.up)
            case .special(let name):
                return try Self.callSpecial(name, x, at: span)
            }
        }

        /// Limits at +∞ and −∞ of the GSL functions whose limits exist; GSL itself answers
        /// erratically there (erf(∞) comes back as NaN), and a bound evaluated at K = ∞ needs them.
        private static let limitsAtInfinity: [String: (positive: Double, negative: Double)] = [
            "erf": (1, -1),
            "erfc": (0, 2),
            "lambert_w0": (.infinity, .nan),
            "lambert_wm1": (.nan, .nan),
            "gamma": (.infinity, .nan),
            "lngamma": (.infinity, .nan),
            "digamma": (.infinity, .nan),
            "zeta": (1, .nan),
            "expint_e1": (0, .nan),
            "log1p": (.infinity, .nan),
            "expm1": (.infinity, -1),
        ]

        private static func callSpecial(_ name: String, _ x: Double, at span: Span) throws(ExpressionError) -> Double {
            guard let function = GSL.specialFunctions[name] else {
                throw ExpressionError("function '\(name)' is not available in this build", at: span)
            }
            if x.isInfinite, let limits = limitsAtInfinity[name] {
                return x > 0 ? limits.positive : limits.negative
            }
            let shown = "\(name)(\(BoundExpression.format(x)))"
            // GSL answers W₀(x) for x > 0 on the W₋₁ branch; W₋₁ is only defined on [−1/e, 0).
            if name == "lambert_wm1", x >= 0 {
                throw ExpressionError("\(shown): domain error, W₋₁ is defined on [−1/e, 0) only (for x ≥ 0 use lambert_w0)", at: span)
            }
            do {
                return try function(x)
            } catch let error as GSLError {
                switch error.status {
                case 15:  // GSL_EUNDRFLW: the true value is below the smallest double
                    return 0
                case _ where x.isInfinite:
                    return .nan  // no known limit: undefined, like IEEE functions at such points
                case 1:  // GSL_EDOM
                    throw ExpressionError("\(shown): GSL domain error, \(BoundExpression.format(x)) is outside "
                                          + "the function's domain", at: span)
                case 2, 16:  // GSL_ERANGE, GSL_EOVRFLW
                    throw ExpressionError("overflow in \(shown): the result is too large", at: span)
                case nil:
                    throw ExpressionError("\(shown) has no finite value (GSL: \(error.reason))", at: span)
                default:
                    throw ExpressionError("\(shown): GSL error (\(error.reason))", at: span)
                }
            } catch {
                throw ExpressionError("\(shown) failed: \(error)", at: span)
            }
        }
    }

    /// `base ^ exponent` with the expression language's error rules; shared by `^` and `pow`.
    static func power(_ base: Double, _ exponent: Double, at span: Span,
                      spelled: String = "^") throws(ExpressionError) -> Double {
        let result = Foundation.pow(base, exponent)
        guard !result.isFinite, base.isFinite, exponent.isFinite else { return result }
        let shown = spelled == "^"
            ? "\(formatOperand(base))^\(formatOperand(exponent))"
            : "pow(\(format(base)), \(format(exponent)))"
        if base == 0 {
            throw ExpressionError("0 raised to a negative power (\(shown)) is infinite", at: span)
        }
        if result.isNaN {
            throw ExpressionError("a negative number raised to a fractional power (\(shown)) is not a real number",
                                  at: span)
        }
        throw ExpressionError("overflow in \(spelled) (\(shown)): the result is too large", at: span)
    }
}
