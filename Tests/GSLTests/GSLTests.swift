import Testing
import Foundation
@testable import GSL

@Suite("GSL wrappers")
struct GSLWrapperTests {
    @Test("symmetric eigenvalues of a known matrix, ascending")
    func eigenvalues() throws {
        // [[2,1],[1,2]] has eigenvalues 1 and 3.
        let values = try GSL.symmetricEigenvalues([2, 1, 1, 2], dimension: 2, context: "test")
        #expect(abs(values[0] - 1) < 1e-12)
        #expect(abs(values[1] - 3) < 1e-12)
    }

    @Test("Gram matrix AᵀA")
    func gram() {
        // A = [[1,2],[3,4],[5,6]] → AᵀA = [[35,44],[44,56]]
        let g = GSL.gramMatrix([1, 2, 3, 4, 5, 6], rows: 3, columns: 2)
        #expect(g == [35, 44, 44, 56])
    }

    @Test("Brent root of x² − 2 is √2; no sign change throws")
    func root() throws {
        let r = try GSL.findRoot(in: 0, 2, context: "sqrt2") { $0 * $0 - 2 }
        #expect(abs(r - 2.0.squareRoot()) < 1e-12)
        #expect(throws: GSLError.self) { try GSL.findRoot(in: 2, 3, context: "none") { $0 * $0 - 2 } }
    }

    @Test("an error thrown inside the objective is rethrown, not swallowed")
    func rethrow() {
        struct Boom: Error {}
        #expect(throws: Boom.self) { try GSL.findRoot(in: 0, 2, context: "boom") { x in if x > 0.5 { throw Boom() }; return x - 1 } }
    }

    @Test("Brent minimum of (x − 1)² + 3 and grid minimization of cos on [0, 2π]")
    func minimum() throws {
        let m = try GSL.minimize(in: -5, 5, guess: 0, context: "parabola") { ($0 - 1) * ($0 - 1) + 3 }
        #expect(abs(m.x - 1) < 1e-6)
        #expect(abs(m.value - 3) < 1e-12)
        let c = try GSL.minimizeOnGrid(in: 0, 2 * Double.pi, context: "cos") { cos($0) }
        #expect(abs(c.x - Double.pi) < 1e-6)
    }

    @Test("integrals: ∫ exp(−x²) over ℝ = √π; ∫₀¹ x² = 1/3")
    func integrals() throws {
        let g = try GSL.integrateOverReals(context: "gauss") { exp(-$0 * $0) }
        #expect(abs(g.value - Double.pi.squareRoot()) < 1e-9)
        let p = try GSL.integrate(from: 0, to: 1, context: "x²") { $0 * $0 }
        #expect(abs(p.value - 1.0 / 3) < 1e-12)
    }

    @Test("quantiles: t(0.975, 10) = 2.228139, z(0.975) = 1.959964; invalid p throws")
    func quantiles() throws {
        #expect(abs(try GSL.studentTQuantile(0.975, degreesOfFreedom: 10) - 2.228138851986) < 1e-9)
        #expect(abs(try GSL.normalQuantile(0.975) - 1.959963984540) < 1e-9)
        #expect(throws: GSLError.self) { try GSL.studentTQuantile(1.5, degreesOfFreedom: 3) }
    }

    @Test("linear fit recovers slope and intercept of an exact line")
    func fit() throws {
        let x = [0.0, 1, 2, 3, 4]
        let fit = try GSL.linearFit(x: x, y: x.map { 2 - 0.5 * $0 }, context: "line")
        #expect(abs(fit.slope + 0.5) < 1e-12)
        #expect(abs(fit.intercept - 2) < 1e-12)
    }

    @Test("special functions: values, and domain errors become GSLError")
    func special() throws {
        let erf = try #require(GSL.specialFunctions["erf"])
        #expect(abs(try erf(1) - 0.8427007929497149) < 1e-14)
        let w = try #require(GSL.specialFunctions["lambert_w0"])
        #expect(abs(try w(1) - 0.5671432904097838) < 1e-14)
        #expect(throws: GSLError.self) { try w(-1) }   // below −1/e
        let gamma = try #require(GSL.specialFunctions["gamma"])
        #expect(abs(try gamma(5) - 24) < 1e-12)
        #expect(throws: GSLError.self) { try gamma(-1) }
    }

    @Test("statistics: mean and n−1 standard deviation")
    func stats() {
        #expect(GSL.mean([1, 2, 3, 4]) == 2.5)
        #expect(abs(GSL.standardDeviation([1, 2, 3, 4]) - 1.2909944487358056) < 1e-14)
    }
}

@Suite struct SimplexTests {
    @Test("Nelder–Mead (nmsimplex2) finds the minimum of Rosenbrock's function and stops when the objective throws")
    func rosenbrock() throws {
        let m = try GSL.nelderMead(start: [-1.2, 1], steps: [0.5, 0.5], sizeTolerance: 1e-8, maxIterations: 5000, context: "test") { x in
            100 * pow(x[1] - x[0] * x[0], 2) + pow(1 - x[0], 2)
        }
        #expect(abs(m.x[0] - 1) < 1e-3 && abs(m.x[1] - 1) < 1e-3 && m.converged)
        struct Stop: Error {}
        var calls = 0
        #expect(throws: Stop.self) {
            _ = try GSL.nelderMead(start: [0, 0], steps: [1, 1], context: "test") { x in
                calls += 1
                if calls > 7 { throw Stop() }
                return x[0] * x[0] + x[1] * x[1]
            }
        }
        #expect(calls == 8)
    }
}
