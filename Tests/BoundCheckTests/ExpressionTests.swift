// Over 400 lines on purpose: the expression language's unit cases in one suite, next to the shared fixtures they use.
import BoundCheck
import GSL
import Testing

/// The variables of the F1-style bound and of the assumptions used below.
private let boundVariables: Set<String> = [
    "D0", "gamma", "m", "K", "zeta2", "L", "sigma2", "beta", "rho", "M", "bias2", "grad2",
]

private func value(_ text: String, _ variables: [String: Double] = [:],
                   allowed: Set<String> = boundVariables) throws -> Double {
    try BoundExpression(text, allowedVariables: allowed).evaluate(variables)
}

private func compileError(_ text: String, allowed: Set<String> = boundVariables,
                          expecting: ExpressionType? = nil,
                          limits: ExpressionLimits = .default) -> ExpressionError? {
    do {
        _ = try BoundExpression(text, allowedVariables: allowed, expecting: expecting, limits: limits)
        return nil
    } catch {
        return error
    }
}

private func evaluationError(_ text: String, _ variables: [String: Double],
                             allowed: Set<String> = boundVariables) throws -> ExpressionError? {
    let expression = try BoundExpression(text, allowedVariables: allowed)
    do {
        if expression.type == .number { _ = try expression.evaluate(variables) } else { _ = try expression.holds(variables) }
        return nil
    } catch {
        return error
    }
}

@Suite("BoundExpression language")
struct ExpressionTests {
    // MARK: Precedence and associativity

    @Test("operators bind and associate as in mathematics", arguments: [
        ("-2^2", -4.0),
        ("2^3^2", 512),
        ("1-2-3", -4),
        ("8/4/2", 1),
        ("2+3*4", 14),
        ("(2+3)*4", 20),
        ("2*3^2", 18),
        ("-3^2+1", -8),
        ("2^-1", 0.5),
        ("4^2^-1", 2),
        ("--2", 2),
        ("+-+2", -2),
        ("-(-2)", 2),
        ("2*-3", -6),
        ("-2*-3", 6),
        ("(-2)^2", 4),
        ("2^3*2", 16),
        ("12/4^2", 0.75),
        ("1/2*4", 2),
        ("10-2*3-1", 3),
        ("1e-3*1000", 1),
        (".5+1.5", 2),
        ("1.5E2", 150),
        ("3.", 3),
        (" 1 +\t2 ", 3),
    ])
    func precedence(text: String, expected: Double) throws {
        #expect(try value(text) == expected)
    }

    @Test("built-in functions give their mathematical values", arguments: [
        ("sqrt(16)", 4.0),
        ("exp(0)", 1),
        ("log(1)", 0),
        ("log10(1000)", 3),
        ("log2(8)", 3),
        ("abs(-2.5)", 2.5),
        ("min(3, 1, 2)", 1),
        ("max(1, 5)", 5),
        ("max(1, 5, 9, -2)", 9),
        ("pow(2, 10)", 1024),
        ("floor(-1.5)", -2),
        ("ceil(1.2)", 2),
        ("erf(0)", 0),
        ("expint_e1(1000)", 0),  // underflows in GSL; the true value is below the smallest double
    ])
    func builtins(text: String, expected: Double) throws {
        #expect(try value(text) == expected)
    }

    @Test("GSL special functions are callable by name")
    func specialFunctions() throws {
        let noGamma: Set<String> = ["x"]
        #expect(abs(try value("lambert_w0(1)") - 0.5671432904097838) < 1e-15)
        #expect(abs(try value("erfc(0)") - 1) < 1e-15)
        #expect(abs(try value("zeta(0)") + 0.5) < 1e-15)
        #expect(abs(try value("gamma(5)", allowed: noGamma) - 24) < 1e-12)
        #expect(abs(try value("zeta(2)", allowed: noGamma) - Double.pi * Double.pi / 6) < 1e-14)
        for name in GSL.specialFunctions.keys {
            #expect(BoundExpression.functions.contains { $0.name == name })
        }
        #expect(BoundExpression.functions.contains { $0.name == "sqrt" && $0.usage == "sqrt(x)" })
        #expect(BoundExpression.functions.contains { $0.name == "min" && $0.usage == "min(x, y, …)" })
    }

    // MARK: A real bound

    private static let f1 = "2*D0/(gamma*(1-m)*K) + zeta2/(1-m) + (L*gamma*sigma2/(1-m))*(1 + L*gamma*(1-beta)^2/(rho*beta^2))"

    private static func f1Direct(_ v: [String: Double]) -> Double {
        let D0 = v["D0"]!, gamma = v["gamma"]!, m = v["m"]!, K = v["K"]!, zeta2 = v["zeta2"]!
        let L = v["L"]!, sigma2 = v["sigma2"]!, beta = v["beta"]!, rho = v["rho"]!
        return 2 * D0 / (gamma * (1 - m) * K) + zeta2 / (1 - m)
            + (L * gamma * sigma2 / (1 - m)) * (1 + L * gamma * (1 - beta) * (1 - beta) / (rho * beta * beta))
    }

    private static let valueSets: [[String: Double]] = [
        ["D0": 40.1, "gamma": 0.002, "m": 0.9, "K": 2000, "zeta2": 0.3, "L": 10, "sigma2": 0.06, "beta": 0.1, "rho": 0.5],
        ["D0": 1, "gamma": 0.1, "m": 0, "K": 1, "zeta2": 0, "L": 1, "sigma2": 1, "beta": 1, "rho": 1],
        ["D0": 1e6, "gamma": 1e-7, "m": 0.999, "K": 1e9, "zeta2": 12.5, "L": 1e4, "sigma2": 3e-3, "beta": 0.01, "rho": 0.25],
        ["D0": 3.3, "gamma": 0.37, "m": -0.5, "K": 17, "zeta2": 2, "L": 0.3, "sigma2": 7, "beta": 0.75, "rho": 2],
    ]

    @Test("an F1-style bound evaluates to the same value as the formula written in Swift")
    func f1MatchesSwift() throws {
        let bound = try BoundExpression(Self.f1, allowedVariables: boundVariables, expecting: .number)
        #expect(bound.type == .number)
        #expect(bound.variables == ["D0", "gamma", "m", "K", "zeta2", "L", "sigma2", "beta", "rho"])
        for values in Self.valueSets {
            let expected = Self.f1Direct(values)
            let actual = try bound.evaluate(values)
            #expect(abs(actual - expected) <= 1e-14 * abs(expected), "\(values)")
        }
    }

    @Test("K = +∞ gives the floor of the bound: its K-free terms")
    func f1Floor() throws {
        let bound = try BoundExpression(Self.f1, allowedVariables: boundVariables)
        for var values in Self.valueSets {
            values["K"] = .infinity
            let floor = try BoundExpression(
                "zeta2/(1-m) + (L*gamma*sigma2/(1-m))*(1 + L*gamma*(1-beta)^2/(rho*beta^2))",
                allowedVariables: boundVariables
            ).evaluate(values)
            #expect(try bound.evaluate(values) == floor)
            #expect(floor.isFinite)
        }
    }

    @Test("infinite operands follow IEEE rules without error", arguments: [
        ("1/K", 0.0),
        ("0.5^K", 0),
        ("exp(-K)", 0),
        ("erf(K)", 1),
        ("erfc(K)", 0),
        ("expm1(-K)", -1),
        ("min(K, 3)", 3),
        ("2 - 1/(K+1)", 2),
    ])
    func infinity(text: String, expected: Double) throws {
        #expect(try value(text, ["K": .infinity]) == expected)
    }

    @Test("a bound may itself be infinite when a variable is")
    func infiniteResult() throws {
        #expect(try value("K + 1", ["K": .infinity]) == .infinity)
        #expect(try value("-K", ["K": .infinity]) == -.infinity)
    }

    // MARK: Conditions

    @Test("the step-size condition holds exactly when the inequality does")
    func stepCondition() throws {
        let condition = try BoundExpression("gamma <= beta/(4*L*(M+1))", allowedVariables: boundVariables,
                                       expecting: .condition)
        #expect(condition.type == .condition)
        #expect(condition.variables == ["gamma", "beta", "L", "M"])
        #expect(try condition.holds(["gamma": 0.0025, "beta": 0.1, "L": 10, "M": 0]))  // limit 0.0025
        #expect(try !condition.holds(["gamma": 0.0026, "beta": 0.1, "L": 10, "M": 0]))
        #expect(try !condition.holds(["gamma": 0.002, "beta": 0.1, "L": 10, "M": 1]))
    }

    @Test("the relative-bias assumption combines two comparisons with 'and'")
    func biasCondition() throws {
        let condition = try BoundExpression("bias2 <= m*grad2 + zeta2 and m < 1", allowedVariables: boundVariables,
                                       expecting: .condition)
        #expect(try condition.holds(["bias2": 1, "m": 0.5, "grad2": 1, "zeta2": 0.5]))
        #expect(try !condition.holds(["bias2": 1.1, "m": 0.5, "grad2": 1, "zeta2": 0.5]))
        #expect(try !condition.holds(["bias2": 1, "m": 1, "grad2": 1, "zeta2": 0.5]))
    }

    @Test("comparisons and logic give the expected truth values", arguments: [
        ("1 < 2", true), ("2 <= 2", true), ("3 > 4", false), ("4 >= 4", true), ("1 == 1", true),
        ("1 != 1", false), ("!(1 < 2)", false), ("not 1 < 2", false), ("1 < 2 && 2 < 3", true),
        ("1 > 2 || 2 < 3", true), ("1 > 2 or 2 > 3", false), ("1 < 2 and 2 < 3 and 3 < 4", true),
        ("not not 1 < 2", true), ("1 < 2 or 1/0 > 1", true), ("1 > 2 and sqrt(-1) > 1", false),
        ("-2^2 == -4", true), ("2 > 1 and 3 > 2 or 1 > 5", true),
    ])
    func conditions(text: String, expected: Bool) throws {
        #expect(try BoundExpression(text, allowedVariables: []).holds([:]) == expected)
    }

    @Test("'and' stops early, so a guard protects the operation after it")
    func shortCircuit() throws {
        let guarded = try BoundExpression("m > 0 and log(m) < 1", allowedVariables: boundVariables)
        #expect(try !guarded.holds(["m": 0]))
        #expect(try guarded.holds(["m": 1]))
    }

    // MARK: Errors

    /// (text, expected type, message fragment, offset)
    static let compileErrors: [(String, ExpressionType?, String, Int)] = [
        ("zeta + 1", nil, "unknown variable 'zeta' (did you mean 'zeta2'?)", 0),
        ("1 + gama", nil, "unknown variable 'gama' (did you mean 'gamma'?)", 4),
        ("1 + foo", nil, "unknown variable 'foo'; the variables here are: D0, K, L, M,", 4),
        ("sqr(4)", nil, "unknown function 'sqr' (did you mean 'sqrt'?)", 0),
        ("2 * ln(3)", nil, "unknown function 'ln' (did you mean 'log'?)", 4),
        ("foo(1)", nil, "unknown function 'foo'; the functions are: sqrt, exp, log", 0),
        ("1 + sqrt(1, 2)", nil, "sqrt takes 1 argument, got 2", 4),
        ("min(1)", nil, "min takes at least 2 arguments, got 1: write min(x, y, …)", 0),
        ("pow(2)", nil, "pow takes 2 arguments, got 1", 0),
        ("erf", nil, "'erf' is a function: call it with an argument, as in erf(x)", 0),
        ("L(1+m)", nil, "'L' is a variable, not a function: write 'L*(…)' to multiply", 0),
        ("gamma(1-m)", nil, "'gamma' is both a variable and a function here: write 'gamma*(…)'", 0),
        ("1 +", nil, "expected a number, a variable, a function call or '(' after '+', found end of expression", 3),
        ("2 * * 3", nil, "expected a number, a variable, a function call or '(' after '*', found '*'", 4),
        ("2*(1+3", nil, "expected ')' to close '(' at column 3, found end of expression", 6),
        ("1 + 2)", nil, "unmatched ')': there is no '(' before it", 5),
        ("max(1 2)", nil, "expected ',' or ')' to close 'max(' at column 4, found number '2'", 6),
        ("()", nil, "empty parentheses", 1),
        ("", nil, "the expression is empty", 0),
        ("1e + 2", nil, "malformed number '1e': the exponent after 'e' needs digits", 0),
        ("1.2.3", nil, "malformed number '1.2.3'", 0),
        ("2x", nil, "number '2' is directly followed by 'x': write '2*x' to multiply", 0),
        ("1e999", nil, "number '1e999' is too large", 0),
        ("2 # 3", nil, "unexpected character '#'", 2),
        ("γ * L", nil, "unexpected character 'γ': write 'gamma' instead", 0),
        ("L ≤ 1", nil, "unexpected character '≤': write '<=' instead", 2),
        ("m = 1", nil, "'=' is not a comparison: write '=='", 2),
        ("m ** 2", nil, "'**' is not an operator: write '^' for powers", 2),
        ("m < 1 AND m > 0", nil, "found name 'AND' (write 'and' in lower case)", 6),
        ("D0 and m < 1", nil, "'and' joins conditions (comparisons such as 'x <= 1'), but 'D0' is a number", 0),
        ("m < 1 or 2", nil, "'or' joins conditions (comparisons such as 'x <= 1'), but '2' is a number", 9),
        ("not m", nil, "'not' needs a condition (a comparison such as 'x <= 1'), but 'm' is a number", 4),
        ("(m < 1) + 1", nil, "'+' needs numbers on both sides, but '(m < 1)' is a condition (true or false)", 0),
        ("-(m < 1)", nil, "'-' needs a number, but '(m < 1)' is a condition", 1),
        ("sqrt(m < 1)", nil, "sqrt takes numbers, but 'm < 1' is a condition", 5),
        ("(1 < 2) < 3", nil, "'<' compares numbers, but '(1 < 2)' is a condition", 0),
        ("m + 1", .condition, "expected a condition such as 'gamma <= 1/L', but this is a number", 0),
        ("m < 1", .number, "expected a number, but this is a condition (true or false)", 0),
        ("0 < m < 1", nil, "comparisons cannot be chained: join them with 'and'", 6),
        ("0 < m == 1", nil, "comparisons cannot be chained", 6),
    ]

    @Test("compile errors name the problem and point at it", arguments: compileErrors.indices)
    func compileErrorTable(index: Int) throws {
        let (text, expecting, fragment, offset) = Self.compileErrors[index]
        let error = try #require(compileError(text, expecting: expecting), "'\(text)' should not compile")
        #expect(error.message.contains(fragment), "\(text): \(error.message)")
        #expect(error.offset == offset, "\(text): \(error)")
        #expect(error.length >= 1)
        #expect(error.offset <= text.count)
    }

    @Test("text longer than the limit is rejected at the limit")
    func tooLong() throws {
        let text = String(repeating: "1+", count: 600) + "1"
        let error = try #require(compileError(text))
        #expect(error.message.contains("the expression is too long: 1201 characters, the limit is 1000"))
        #expect(error.offset == 1000)
        #expect(error.length == 201)
        let short = try #require(compileError("1+1+1", limits: ExpressionLimits(maxLength: 3)))
        #expect(short.offset == 3)
    }

    @Test("nesting deeper than the limit is rejected at the token that exceeds it")
    func tooDeep() throws {
        let parentheses = String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40)
        let error = try #require(compileError(parentheses))
        #expect(error.message.contains("nests too deeply at '(': more than 32 levels"))
        #expect(error.offset == 32)

        let signs = String(repeating: "-", count: 33) + "1"
        #expect(compileError(signs)?.offset == 32)
        let powers = Array(repeating: "1", count: 34).joined(separator: "^")  // 33 carets
        #expect(compileError(powers)?.offset == 2 * 32 + 1)
        let calls = String(repeating: "abs(", count: 33) + "1" + String(repeating: ")", count: 33)
        #expect(compileError(calls)?.offset == 4 * 32)

        // Exactly at the limit compiles; long flat chains are one level.
        let atLimit = String(repeating: "(", count: 32) + "1" + String(repeating: ")", count: 32)
        #expect(try value(atLimit) == 1)
        let longSum = Array(repeating: "1", count: 400).joined(separator: "+")
        #expect(try value(longSum) == 400)
        // A caller may ask for less.
        #expect(compileError("((1))", limits: ExpressionLimits(maxDepth: 1))?.offset == 1)
    }

    @Test("deep input far beyond the limit fails cleanly instead of exhausting the stack")
    func hostileDepth() throws {
        let limits = ExpressionLimits(maxLength: 200_000, maxDepth: 1_000_000)
        let text = String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000)
        let error = try #require(compileError(text, limits: limits))
        #expect(error.offset == ExpressionLimits.hardMaxDepth)
    }

    /// (text, values, message fragment, offset)
    static let evaluationErrors: [(String, [String: Double], String, Int)] = [
        ("1 + D0/(m-m)", ["D0": 1, "m": 0.5], "division by zero (1 / 0)", 6),
        ("0/m", ["m": 0], "division by zero", 1),
        ("2*sqrt(m-1)", ["m": 0], "sqrt of a negative number (-1)", 2),
        ("lambert_w0(m-1)", ["m": 0], "lambert_w0(-1): GSL domain error", 0),
        ("log(m)", ["m": 0], "log of a non-positive number (0)", 0),
        ("log10(m)", ["m": -2], "log10 of a non-positive number (-2)", 0),
        ("10^m", ["m": 400], "overflow in ^ (10^400): the result is too large", 2),
        ("pow(10, m)", ["m": 400], "overflow in pow", 0),
        ("m^0.5", ["m": -8], "a negative number raised to a fractional power ((-8)^0.5)", 1),
        ("m^-1", ["m": 0], "0 raised to a negative power (0^(-1)) is infinite", 1),
        ("exp(m)", ["m": 1000], "overflow in exp(1000)", 0),
        ("m*m*m", ["m": 1e200], "overflow in '*'", 1),
        ("D0 + m", ["D0": 1], "no value for variable 'm'", 5),
        ("D0 + m", ["D0": 1, "m": .nan], "variable 'm' is NaN", 5),
        ("1 + (K - K)", ["K": .infinity], "undefined result: ∞ - ∞ has no value", 7),
        ("K*0 + 1", ["K": .infinity], "undefined result: ∞ * 0 has no value", 1),
        ("K - K < 1", ["K": .infinity], "undefined result: ∞ - ∞", 2),
        ("lambert_w0(-K)", ["K": .infinity], "undefined result: lambert_w0(-∞) has no value", 0),
    ]

    @Test("evaluation errors name the failing operation and point at its token",
          arguments: evaluationErrors.indices)
    func evaluationErrorTable(index: Int) throws {
        let (text, values, fragment, offset) = Self.evaluationErrors[index]
        let error = try #require(try evaluationError(text, values), "'\(text)' should fail with \(values)")
        #expect(error.message.contains(fragment), "\(text): \(error.message)")
        #expect(error.offset == offset, "\(text): \(error)")
    }

    @Test("GSL errors at finite arguments are evaluation errors")
    func gslErrors() throws {
        let allowed: Set<String> = ["x"]
        let domain = try #require(try evaluationError("1 + gamma(x)", ["x": -1], allowed: allowed))
        #expect(domain.message == "gamma(-1): GSL domain error, -1 is outside the function's domain")
        #expect(domain.offset == 4)
        #expect(domain.length == 5)
        let overflow = try #require(try evaluationError("gamma(x)", ["x": 1000], allowed: allowed))
        #expect(overflow.message.contains("overflow in gamma(1000)"))
    }

    @Test("asking a number whether it holds, or a condition for its value, is an error")
    func wrongUse() throws {
        let number = try BoundExpression("m + 1", allowedVariables: ["m"])
        let condition = try BoundExpression("m < 1", allowedVariables: ["m"])
        #expect(throws: ExpressionError.self) { try number.holds(["m": 0]) }
        #expect(throws: ExpressionError.self) { try condition.evaluate(["m": 0]) }
    }

    // MARK: Presentation and API

    @Test("an error describes itself with a 1-based column and can underline the text")
    func errorPresentation() throws {
        let error = try #require(compileError("2*(1+3"))
        #expect(error.description == "column 7: expected ')' to close '(' at column 3, found end of expression")
        #expect(error.annotating("2*(1+3") == "2*(1+3\n      ^ expected ')' to close '(' at column 3, found end of expression")
    }

    @Test("offsets count characters, not bytes or UTF-16 units")
    func characterOffsets() throws {
        // "é" written as e + combining accent is one Character.
        let error = try #require(compileError("1 + \u{65}\u{301} + 2"))
        #expect(error.offset == 4)
        #expect(error.message.hasPrefix("unexpected character"))
        let afterEmoji = try #require(compileError("1 + 👩‍👩‍👧 + 2"))
        #expect(afterEmoji.offset == 4)
    }

    @Test("variables lists exactly the names used; text and type are kept")
    func metadata() throws {
        let expression = try BoundExpression("max(L, 2*L) + sqrt(zeta2)", allowedVariables: boundVariables)
        #expect(expression.variables == ["L", "zeta2"])
        #expect(expression.text == "max(L, 2*L) + sqrt(zeta2)")
        #expect(expression.type == .number)
        #expect(try BoundExpression("1 + 2", allowedVariables: []).variables.isEmpty)
        #expect(expression == (try BoundExpression("max(L, 2*L) + sqrt(zeta2)", allowedVariables: ["L", "zeta2"])))
    }

    @Test("extra variable values are ignored")
    func extraValues() throws {
        #expect(try value("m + 1", ["m": 1, "unused": .nan]) == 2)
    }

    // MARK: Did you mean

    @Test("closestMatch suggests near names and nothing for far ones", arguments: [
        ("zeta", ["zeta2", "L", "m"], "zeta2"),
        ("l", ["L", "D0"], "L"),
        ("Sigma2", ["sigma2", "sigma"], "sigma2"),
        ("gama", ["gamma", "beta"], "gamma"),
        ("bta", ["beta", "gamma"], "beta"),
        ("x", ["L", "K"], nil),
        ("foo", ["log", "exp"], nil),
        ("completelydifferent", ["L", "gamma"], nil),
        ("ab", ["ad", "ac", "zz"], "ac"),  // a tie goes to the alphabetically first
        ("zeta", ["beta", "zeta2"], "zeta2"),  // …after the longest shared prefix
        ("sigma", ["sigma2", "sigmb"], "sigma2"),
        ("l", ["L", "l"], "l"),  // an exact-case match beats a case-insensitive one
        ("", ["a"], nil),
    ] as [(String, [String], String?)])
    func didYouMean(name: String, candidates: [String], expected: String?) {
        #expect(closestMatch(to: name, among: candidates) == expected)
        #expect(closestMatch(to: name, among: candidates.reversed()) == expected)
    }
}
