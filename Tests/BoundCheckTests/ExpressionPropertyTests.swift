import BoundCheck
import GSL
import PropertyBased
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A randomly generated arithmetic expression, with its own direct evaluation in Swift as the
/// oracle the compiled expression is compared with.
private indirect enum Tree: Sendable, CustomStringConvertible {
    case number(Double)
    case variable(String)
    case negate(Tree)
    case binary(String, Tree, Tree)
    case call(String, [Tree])

    static let variables = ["x", "y", "z"]
    static let binaryOperators = ["+", "-", "*", "/", "^"]
    /// Functions with a direct Swift counterpart below, and how many arguments they take.
    static let functions: [(String, Int)] = [
        ("sqrt", 1), ("exp", 1), ("log", 1), ("abs", 1), ("floor", 1), ("ceil", 1),
        ("min", 2), ("max", 3), ("pow", 2), ("erf", 1),
    ]
    /// GSL functions with domain errors and poles, for the "never anything but a number or an
    /// error" property.
    static let wildFunctions: [(String, Int)] = functions + [
        ("lambert_w0", 1), ("lambert_wm1", 1), ("gamma", 1), ("lngamma", 1), ("digamma", 1),
        ("zeta", 1), ("expint_e1", 1), ("log1p", 1), ("expm1", 1), ("erfc", 1), ("log10", 1), ("log2", 1),
    ]

    /// Fully parenthesized, so the text's meaning does not depend on precedence.
    var description: String {
        switch self {
        case .number(let value): value < 0 ? "(\(value))" : "\(value)"
        case .variable(let name): name
        case .negate(let operand): "(-\(operand))"
        case .binary(let op, let left, let right): "(\(left) \(op) \(right))"
        case .call(let name, let arguments): "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        }
    }

    /// The value computed directly, or `nil` when any step leaves the finite numbers (there
    /// the expression is expected to report an error instead).
    func direct(_ values: [String: Double]) -> Double? {
        let result: Double
        switch self {
        case .number(let value):
            result = value
        case .variable(let name):
            guard let value = values[name] else { return nil }
            result = value
        case .negate(let operand):
            guard let value = operand.direct(values) else { return nil }
            result = -value
        case .binary(let op, let left, let right):
            guard let a = left.direct(values), let b = right.direct(values) else { return nil }
            switch op {
            case "+": result = a + b
            case "-": result = a - b
            case "*": result = a * b
            case "/": result = a / b
            default: result = pow(a, b)
            }
        case .call(let name, let arguments):
            var xs: [Double] = []
            for argument in arguments {
                guard let value = argument.direct(values) else { return nil }
                xs.append(value)
            }
            guard let x = xs.first else { return nil }
            switch name {
            case "sqrt": result = x.squareRoot()
            case "exp": result = exp(x)
            case "log": result = log(x)
            case "abs": result = abs(x)
            case "floor": result = x.rounded(.down)
            case "ceil": result = x.rounded(.up)
            case "min": result = xs.min() ?? .nan
            case "max": result = xs.max() ?? .nan
            case "pow": result = pow(x, xs[1])
            case "erf": result = (try? GSL.specialFunctions["erf"]?(x)) ?? .nan
            default: return nil
            }
        }
        return result.isFinite ? result : nil
    }

    static func random(depth: Int, functions: [(String, Int)],
                       using rng: inout some RandomNumberGenerator) -> Tree {
        let roll = Int.random(in: 0..<10, using: &rng)
        if depth == 0 || roll < 3 {
            if Bool.random(using: &rng) { return .variable(variables.randomElement(using: &rng) ?? "x") }
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: return .number(Double(Int.random(in: -9...9, using: &rng)))
            case 1: return .number(Double(Int.random(in: -400...400, using: &rng)) / 8)
            case 2: return .number([1e-3, 2.5e10, 1e-7, 0.1, 3.7e-5].randomElement(using: &rng) ?? 1)
            default: return .number(Double.random(in: -100...100, using: &rng))
            }
        }
        if roll == 3 { return .negate(random(depth: depth - 1, functions: functions, using: &rng)) }
        if roll < 8 {
            let op = binaryOperators.randomElement(using: &rng) ?? "+"
            return .binary(op, random(depth: depth - 1, functions: functions, using: &rng),
                           random(depth: depth - 1, functions: functions, using: &rng))
        }
        let (name, arity) = functions.randomElement(using: &rng) ?? ("abs", 1)
        return .call(name, (0..<arity).map { _ in random(depth: depth - 1, functions: functions, using: &rng) })
    }
}

/// A random condition over random arithmetic.
private indirect enum Condition: Sendable, CustomStringConvertible {
    case compare(String, Tree, Tree)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)

    var description: String {
        switch self {
        case .compare(let op, let left, let right): "(\(left) \(op) \(right))"
        case .and(let a, let b): "(\(a) and \(b))"
        case .or(let a, let b): "(\(a) || \(b))"
        case .not(let a): "(not \(a))"
        }
    }

    static func random(depth: Int, using rng: inout some RandomNumberGenerator) -> Condition {
        let roll = Int.random(in: 0..<6, using: &rng)
        if depth == 0 || roll < 3 {
            let op = ["<", "<=", ">", ">=", "==", "!="].randomElement(using: &rng) ?? "<"
            return .compare(op, Tree.random(depth: 3, functions: Tree.wildFunctions, using: &rng),
                            Tree.random(depth: 3, functions: Tree.wildFunctions, using: &rng))
        }
        switch roll {
        case 3: return .and(random(depth: depth - 1, using: &rng), random(depth: depth - 1, using: &rng))
        case 4: return .or(random(depth: depth - 1, using: &rng), random(depth: depth - 1, using: &rng))
        default: return .not(random(depth: depth - 1, using: &rng))
        }
    }
}

private let treeVariables = Set(Tree.variables)

private let ordinaryValues = zip(Gen.double(in: -10...10), Gen.double(in: -10...10), Gen.double(in: -10...10))
    .map { x, y, z in ["x": x, "y": y, "z": z] }

/// Values that push functions to their edges: zeros of both signs, poles, overflow, underflow.
private let extremeValue = Gen<Double?>
    .element(of: [0, -0.0, 1, -1, 0.5, -0.5, 2, -2, 1e308, -1e308, 1e-308, 700, 1000, -745, 3.7, -0.36787944117144233])
    .map { $0 ?? 0 }
private let extremeValues = zip(extremeValue, extremeValue, extremeValue).map { x, y, z in ["x": x, "y": y, "z": z] }

/// Bits of the expression alphabet, well-formed pieces and junk alike.
private let pieces: [String] = [
    "0", "1", "2", "9", "12", "1.5", ".5", "1e-3", "1e", "1e+", "2.", ".",
    "x", "y", "e", "E", "gamma", "sqrt", "min", "max", "lambert_w0", "erf", "foo",
    "and", "or", "not", "AND", "+", "-", "*", "/", "^", "**", "<", "<=", ">", ">=", "==", "!=", "=",
    "&&", "||", "!", "&", "|", "(", "(", ")", ")", ",", " ", " ", "\t", "\n",
    "#", "$", ";", "\"", "γ", "≤", "é", "e\u{301}", "\u{0}", "😀", "👩‍👩‍👧", "\u{200B}",
]

private let expressionLikeStrings = Gen<String?>.element(of: pieces).map { $0 ?? "" }
    .array(of: 0...30).map { $0.joined() }

/// Compiles and, when that works, evaluates `text`; checks that whatever happens is either a
/// finite number, a truth value, or an ``ExpressionError`` pointing inside the text.
private func checkNeverCrashes(_ text: String, values: [String: Double]) {
    let count = text.count
    do {
        let expression = try BoundExpression(text, allowedVariables: ["x", "y", "e"])
        do {
            switch expression.type {
            case .number:
                let result = try expression.evaluate(values)
                #expect(result.isFinite, "\(text) gave \(result)")
            case .condition:
                _ = try expression.holds(values)
            }
        } catch {
            #expect(error.offset >= 0 && error.offset <= count, "\(text): \(error)")
            #expect(error.length >= 1)
        }
    } catch {
        #expect(error.offset >= 0 && error.offset <= count, "\(text): \(error)")
        #expect(error.length >= 1)
        #expect(!error.message.isEmpty)
        #expect(error.description.hasPrefix("column \(error.offset + 1): "))
    }
}

@Suite("BoundExpression language, properties")
struct ExpressionPropertyTests {
    @Test("random strings over the expression alphabet compile or fail with a position inside the text")
    func randomStrings() async {
        await propertyCheck(count: 3000, input: expressionLikeStrings) { text in
            checkNeverCrashes(text, values: ["x": 0.5, "y": -2, "e": 0])
        }
    }

    @Test("random ASCII and Latin-1 text never crashes the compiler")
    func randomText() async {
        await propertyCheck(count: 1000, input: Gen.ascii.string(of: 0...60)) { text in
            checkNeverCrashes(text, values: ["x": 1, "y": 0, "e": 2.5])
        }
        await propertyCheck(count: 1000, input: Gen.latin1.string(of: 0...60)) { text in
            checkNeverCrashes(text, values: ["x": 1, "y": 0, "e": 2.5])
        }
    }

    @Test("a random arithmetic tree, printed with full parentheses, evaluates to its direct value")
    func treesMatchDirectEvaluation() async throws {
        let trees = Generator<Tree, Shrink.None<Tree>> { rng in
            Tree.random(depth: 5, functions: Tree.functions, using: &rng)
        }
        var compared = 0
        await propertyCheck(count: 1000, input: trees, ordinaryValues) { tree, values in
            let text = tree.description
            let expression = try BoundExpression(text, allowedVariables: treeVariables)
            #expect(expression.type == .number)
            guard let direct = tree.direct(values) else { return }
            #expect(try expression.evaluate(values) == direct, "\(text) at \(values)")
            compared += 1
        }
        // Most trees stay finite; make sure the property was not checked vacuously.
        #expect(compared >= 300, "only \(compared) of 1000 trees had a finite direct value")
    }

    @Test("evaluating any well-formed number expression gives a finite number or an ExpressionError")
    func numbersAreFiniteOrErrors() async {
        let trees = Generator<Tree, Shrink.None<Tree>> { rng in
            Tree.random(depth: 5, functions: Tree.wildFunctions, using: &rng)
        }
        await propertyCheck(count: 1500, input: trees, extremeValues) { tree, values in
            let text = tree.description
            do throws(ExpressionError) {
                let result = try BoundExpression(text, allowedVariables: treeVariables).evaluate(values)
                #expect(result.isFinite, "\(text) at \(values) gave \(result)")
            } catch {
                #expect(error.offset >= 0 && error.offset <= text.count, "\(text): \(error)")
            }
        }
    }

    @Test("evaluating any well-formed condition gives true, false or an ExpressionError")
    func conditionsAreDecidedOrErrors() async {
        let conditions = Generator<Condition, Shrink.None<Condition>> { rng in Condition.random(depth: 3, using: &rng) }
        await propertyCheck(count: 1000, input: conditions, extremeValues) { condition, values in
            let text = condition.description
            do throws(ExpressionError) {
                let expression = try BoundExpression(text, allowedVariables: treeVariables, expecting: .condition)
                _ = try expression.holds(values)
            } catch {
                #expect(error.offset >= 0 && error.offset <= text.count, "\(text): \(error)")
            }
        }
    }

    @Test("closestMatch returns nil or one of the candidates")
    func closestMatchIsACandidate() async {
        let names = Gen.letterOrNumber.string(of: 0...8)
        await propertyCheck(count: 500, input: names, names.array(of: 0...6)) { name, candidates in
            if let match = closestMatch(to: name, among: candidates) {
                #expect(candidates.contains(match))
            }
        }
    }
}
