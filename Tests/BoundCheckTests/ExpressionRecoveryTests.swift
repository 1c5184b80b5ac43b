import Testing
@testable import BoundCheck

/// The parser reads on after a syntax error, so one pass names every independent mistake of an
/// expression, and skipped text never yields an invented second error.
@Suite("Expression syntax errors: all of them, none invented")
struct ExpressionRecoveryTests {
    private func errors(_ text: String) -> [ExpressionError] {
        do {
            _ = try BoundExpression(text, allowedVariables: ["L", "mu", "K", "gamma", "D0"])
            return []
        } catch { return error.all }
    }

    @Test("a missing '*' and a missing ')' are both reported, at their columns")
    func twoIndependentMistakes() {
        let found = errors("2 D0 + (gamma")
        #expect(found.map(\.offset) == [2, 13], "\(found)")
        #expect(found[0].message.contains("write '*' to multiply"))
        #expect(found[1].message.hasPrefix("expected ')' to close '('"))
    }

    @Test("a chained comparison and a dangling operator are both reported")
    func chainAndDangling() {
        let found = errors("L < mu < K + )")
        #expect(found.map(\.offset) == [7, 13], "\(found)")
        #expect(found[0].message.hasPrefix("comparisons cannot be chained"))
        #expect(found[1].message.hasPrefix("expected a number, a variable"))
    }

    @Test("one mistake in each of two groups gives two errors")
    func oneInEachGroup() {
        let found = errors("(L + ) * (mu * )")
        #expect(found.map(\.offset) == [5, 15], "\(found)")
    }

    @Test("what is skipped after a mistake is not judged: one mistake, one error",
          arguments: ["max(L,, mu) + K", "L ** 2", "L * ) * K", "(L +) + K", "max(L, mu * ) * (K"])
    func noCascade(text: String) {
        let found = errors(text)
        if text == "max(L, mu * ) * (K" {
            // Two real mistakes: the operand missing before ')' and the '(' never closed.
            #expect(found.count == 2, "\(found)")
        } else {
            #expect(found.count == 1, "\(text): \(found)")
        }
    }

    @Test("past the nesting limit the parser stops with that one error")
    func depthLimitStops() {
        let text = String(repeating: "(", count: 300) + "L" + String(repeating: ")", count: 300) + " + + )"
        let found = errors(text)
        #expect(found.count == 1, "\(found.map(\.message))")
        #expect(found.first?.message.contains("nests too deeply") == true)
    }

    @Test("every reported error lies inside the text, in text order, and a valid expression still compiles")
    func positionsAndValidity() throws {
        let texts = ["2 D0 + (gamma", "L < mu < K + )", "(L + ) * (mu * )", ") L (", ", , K", "K K K"]
        for text in texts {
            let found = errors(text)
            #expect(!found.isEmpty, "\(text)")
            #expect(found.allSatisfy { $0.offset <= text.count }, "\(text): \(found)")
            #expect(found.map(\.offset) == found.map(\.offset).sorted(), "\(text): \(found)")
        }
        #expect(errors("K K K").count == 2)
        let valid = try BoundExpression("2*D0/(gamma*K) + L*mu", allowedVariables: ["L", "mu", "K", "gamma", "D0"])
        #expect(try valid.evaluate(["L": 1, "mu": 2, "K": 4, "gamma": 0.5, "D0": 1]) == 3)
    }
}
