// Over 400 lines on purpose: a table of family cases and the file-private measuring helpers the tests share.
import Foundation
import Testing
@testable import BoundCheck

// Declared problem constants (docs/theory.md §7) against numerical measurement: L by secants, μ by the
// PL ratio, gradients by central finite differences, f* by long exact-gradient descent, B²/G²
// on random points, and the bounded-gradient constants G_max,i on random and extreme points.

// MARK: - Cases

struct FamilyTestCase: CustomTestStringConvertible, Sendable {
    let label: String
    let family: any ProblemFamily
    let dimension: Int
    let workers: Int

    init(_ label: String, _ family: any ProblemFamily, d: Int, n: Int) {
        self.label = label
        self.family = family
        dimension = d
        workers = n
    }

    var testDescription: String { label }

    /// Families whose declared L is attained (so secants must come close to it).
    var hasTightL: Bool {
        family is QuadraticFamily || family is PLSineFamily || family is RationalFamily
    }

    /// Families where (1/n) Σ‖∇fᵢ‖² = B²‖∇f‖² + G² holds with equality.
    var heterogeneityIsExact: Bool { hasTightL }
}

private let quadraticDiagonal = FamilyTestCase(
    "quadratic diagonal",
    .quadratic(minEigenvalue: 0.5, maxEigenvalue: 4, zeroEigenvalues: 0, logSpacing: false, rotate: false), d: 6, n: 4)
private let quadraticRotated = FamilyTestCase(
    "quadratic rotated, log spectrum",
    .quadratic(minEigenvalue: 0.5, maxEigenvalue: 4, zeroEigenvalues: 0, logSpacing: true, rotate: true), d: 6, n: 4)
private let quadraticSingular = FamilyTestCase(
    "quadratic rotated, singular spectrum",
    .quadratic(minEigenvalue: 0.5, maxEigenvalue: 4, zeroEigenvalues: 2, logSpacing: false, rotate: true), d: 6, n: 4)
private let quadraticSingularDiagonal = FamilyTestCase(
    "quadratic diagonal, singular spectrum",
    .quadratic(minEigenvalue: 0.5, maxEigenvalue: 4, zeroEigenvalues: 2, logSpacing: false, rotate: false), d: 6, n: 4)
private let plSineComputed = FamilyTestCase("pl-sine, computed μ", .plSine(publishedMu: false), d: 5, n: 3)
private let plSinePublished = FamilyTestCase("pl-sine, published μ", .plSine(publishedMu: true), d: 5, n: 3)
private let rational = FamilyTestCase("rational", .rational, d: 5, n: 3)
private let logistic = FamilyTestCase("logistic-ncvx", .logisticNonconvex(samplesPerWorker: 20, lambda: 0.1), d: 5, n: 3)
private let compositeExact = FamilyTestCase("composite, noiseless targets", .composite(samplesPerWorker: 20, targetNoise: 0), d: 5, n: 3)
private let compositeNoisy = FamilyTestCase("composite, noisy targets", .composite(samplesPerWorker: 20, targetNoise: 0.3), d: 5, n: 3)

private let allFamilies = [quadraticDiagonal, quadraticRotated, quadraticSingular, quadraticSingularDiagonal,
                           plSineComputed, plSinePublished, rational, logistic, compositeExact, compositeNoisy]
private let quadratics = [quadraticDiagonal, quadraticRotated, quadraticSingular, quadraticSingularDiagonal]
private let boundedFamilies = [rational, logistic, compositeExact, compositeNoisy]

// MARK: - Helpers

private func makeInstance(_ c: FamilyTestCase, seed: UInt64 = 5) throws -> Instance {
    let spec = ExperimentSpec(
        name: "family-test", seed: seed,
        problem: ProblemSpec(family: c.family, dimension: c.dimension, workers: c.workers, heterogeneity: 1.0,
                             start: .gaussian(scale: 2)),
        methods: [MethodSpec(id: "sgd", settings: Sgd(), step: .fixed(0.1))],
        run: RunSpec(iterations: 10, seeds: 1, checkpoints: 3))
    return try Instance(spec: spec)
}

private func norm2(_ a: [Double]) -> Double { a.reduce(0) { $0 + $1 * $1 } }
private func sub(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
private func add(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }
private func scaled(_ s: Double, _ a: [Double]) -> [Double] { a.map { s * $0 } }
private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

private func gaussianVector(_ d: Int, _ rng: inout RandomStream, scale: Double = 1) -> [Double] {
    (0..<d).map { _ in scale * rng.nextGaussian() }
}

/// Points at several scales, a few of them around an offset (e.g. a minimizer).
private func samplePoints(_ d: Int, count: Int, seed: UInt64, scales: [Double] = [0.05, 0.3, 1, 3, 10],
                          around centre: [Double]? = nil) -> [[Double]] {
    var rng = RandomStream(seed: seed)
    return (0..<count).map { i in
        let p = gaussianVector(d, &rng, scale: scales[i % scales.count])
        return centre.map { add($0, p) } ?? p
    }
}

/// Worker i's own objective value fᵢ(x), written here independently of the library's gradient
/// code (only data and parameters are read from the built objective).
private func workerValue(_ objective: any Objective, _ c: FamilyTestCase, _ i: Int, _ x: [Double]) -> Double {
    switch objective {
    case let q as QuadraticObjective:
        // fᵢ(x) = f(x) − ⟨A(cᵢ − c̄), x⟩ + const (the constant does not matter for the gradient).
        let shift = Array(q.workerShifts[(i * q.dimension)..<((i + 1) * q.dimension)])
        return q.value(at: x) - dot(shift, x)
    case let s as TiltedSeparableObjective:
        let phi: (Double) -> Double
        if c.family is PLSineFamily {
            phi = { t in t * t + 3 * sin(t) * sin(t) }
        } else {
            phi = { t in t * t / (1 + t * t) }
        }
        let tilt = Array(s.tilts[(i * s.dimension)..<((i + 1) * s.dimension)])
        return x.reduce(0) { $0 + phi($1) } + dot(tilt, x)
    case let l as LogisticNonconvexObjective:
        let data = l.data, d = data.dimension, r = data.rowsPerWorker
        var loss = 0.0
        for s in (i * r)..<((i + 1) * r) {
            let z = dot(Array(data.features[(s * d)..<((s + 1) * d)]), x)
            loss += log(1 + exp(-data.targets[s] * z))
        }
        return loss / Double(r) + l.lambda * x.reduce(0) { $0 + $1 * $1 / (1 + $1 * $1) }
    case let comp as CompositeObjective:
        let data = comp.data, d = data.dimension, r = data.rowsPerWorker
        var total = 0.0
        for s in (i * r)..<((i + 1) * r) {
            total += log(cosh(dot(Array(data.features[(s * d)..<((s + 1) * d)]), x) - data.targets[s]))
        }
        return total / Double(r)
    default:
        Issue.record("unknown objective type \(type(of: objective))")
        return .nan
    }
}

private func centralDifference(_ f: ([Double]) -> Double, at x: [Double], h: Double = 1e-5) -> [Double] {
    (0..<x.count).map { j in
        var plus = x, minus = x
        let step = h * max(1, abs(x[j]))
        plus[j] += step
        minus[j] -= step
        return (f(plus) - f(minus)) / (plus[j] - minus[j])
    }
}

/// Secant ratio ‖∇f(x) − ∇f(y)‖ / ‖x − y‖.
private func secant(_ objective: any Objective, _ x: [Double], _ y: [Double]) -> Double {
    (norm2(sub(objective.gradient(at: x), objective.gradient(at: y))) / norm2(sub(x, y))).squareRoot()
}

/// Runs exact-gradient descent with step 1/L; returns the smallest value seen and the last one,
/// and records an issue if an iterate goes below `floor`.
private func gradientDescent(_ objective: any Objective, from x0: [Double], step: Double, iterations: Int,
                             floor: Double) -> (min: Double, last: Double) {
    var x = x0
    var best = objective.value(at: x)
    var last = best
    for _ in 0..<iterations {
        x = sub(x, scaled(step, objective.gradient(at: x)))
        last = objective.value(at: x)
        best = min(best, last)
        if last < floor {
            Issue.record("descent went below the declared f* = \(floor): \(last)")
            break
        }
    }
    return (best, last)
}

// MARK: - Tests

@Suite("Problem families: declared constants against measurement")
struct FamilyTests {
    // (a) L

    @Test("no secant of ∇f exceeds the declared L (random, far and close pairs)", arguments: allFamilies)
    func secantsStayBelowL(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let L = instance.problemConstants.L.value
        #expect(L > 0)
        var rng = RandomStream(seed: 101)
        var worst = 0.0
        for p in 0..<600 {
            let scale = [0.1, 1, 3, 10][p % 4]
            let separation = [1e-3, 1e-1, 1, 5][(p / 4) % 4]
            let x = gaussianVector(c.dimension, &rng, scale: scale)
            let direction = gaussianVector(c.dimension, &rng)
            let y = add(x, scaled(separation / norm2(direction).squareRoot(), direction))
            worst = max(worst, secant(instance.objective, x, y))
        }
        #expect(worst <= L * (1 + 1e-9), "largest secant \(worst) exceeds L = \(L)")
    }

    @Test("the declared L is attained up to 10% on well-chosen pairs (quadratic, pl-sine, rational)",
          arguments: allFamilies.filter(\.hasTightL))
    func smoothnessIsTight(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let objective = instance.objective
        let L = instance.problemConstants.L.value
        let d = c.dimension
        var best = 0.0
        switch c.family {
        case is QuadraticFamily:
            // Top eigenvector of A by power iteration through gradient differences (A v = ∇f(y + v) − ∇f(y)).
            var rng = RandomStream(seed: 7)
            var v = gaussianVector(d, &rng)
            let y = gaussianVector(d, &rng)
            for _ in 0..<300 {
                let av = sub(objective.gradient(at: add(y, v)), objective.gradient(at: y))
                v = scaled(1 / norm2(av).squareRoot(), av)
            }
            best = secant(objective, y, add(y, v))
        default:
            // sup |φ''| is attained at t = 0 for both profiles.
            for h in [1e-2, 1e-3, 1e-4] {
                var e = [Double](repeating: 0, count: d)
                e[0] = h
                best = max(best, secant(objective, [Double](repeating: 0, count: d), e))
            }
        }
        #expect(best >= 0.9 * L, "best secant \(best) is far below L = \(L)")
        #expect(best <= L * (1 + 1e-9))
    }

    // (b) μ

    @Test("the PL ratio ‖∇f‖²/(2(f − f*)) never drops below the declared μ (quadratics)", arguments: quadratics)
    func quadraticPL(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let q = try #require(instance.objective as? QuadraticObjective)
        let mu = try #require(instance.problemConstants.mu?.value)
        let fstar = instance.problemConstants.fstar.value
        var smallest = Double.infinity
        for x in samplePoints(c.dimension, count: 400, seed: 21, scales: [0.05, 0.3, 1, 5], around: q.centre) {
            let gap = q.value(at: x) - fstar
            guard gap > 1e-9 else { continue }
            smallest = min(smallest, norm2(q.gradient(at: x)) / (2 * gap))
        }
        #expect(smallest >= mu * (1 - 1e-9), "PL ratio \(smallest) below μ = \(mu)")
        // Singular spectra: μ is the smallest *positive* eigenvalue, not 0.
        #expect(mu >= 0.5 * (1 - 1e-9))
        #expect(instance.problemConstants.fstarIsLowerBound == false)
    }

    @Test("on a diagonal quadratic the PL constant is attained along the smallest positive eigenvector",
          arguments: [quadraticDiagonal, quadraticSingularDiagonal])
    func quadraticPLIsTight(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let q = try #require(instance.objective as? QuadraticObjective)
        let mu = try #require(instance.problemConstants.mu?.value)
        let zeros = try #require(c.family as? QuadraticFamily).parameters.zeroEigenvalues
        var x = q.centre
        x[zeros] += 0.7
        let ratio = norm2(q.gradient(at: x)) / (2 * (q.value(at: x) - instance.problemConstants.fstar.value))
        #expect(abs(ratio - mu) <= 1e-9 * mu, "ratio \(ratio) against μ = \(mu)")
    }

    @Test("pl-sine: the computed μ is 0.1755 (3 decimals), a valid and tight PL constant")
    func plSineComputedMu() throws {
        let instance = try makeInstance(plSineComputed)
        let mu = try #require(instance.problemConstants.mu?.value)
        #expect(abs(mu - 0.1755) < 5e-4, "μ = \(mu)")
        #expect(instance.problemConstants.mu?.how.contains("1/32") == false)
        let f = instance.objective
        let d = plSineComputed.dimension
        var smallest = Double.infinity
        // Random points at every scale …
        for x in samplePoints(d, count: 500, seed: 33, scales: [0.01, 0.3, 1, 3, 10, 40]) {
            smallest = min(smallest, norm2(f.gradient(at: x)) / (2 * f.value(at: x)))
        }
        #expect(smallest >= mu * (1 - 1e-9))
        // … and one-coordinate points on a fine grid, where the infimum is attained.
        var gridMin = Double.infinity
        for step in 1...8000 {
            var x = [Double](repeating: 0, count: d)
            x[step % d] = (step.isMultiple(of: 2) ? 1 : -1) * Double(step) * 0.005
            gridMin = min(gridMin, norm2(f.gradient(at: x)) / (2 * f.value(at: x)))
        }
        #expect(gridMin >= mu * (1 - 1e-9), "grid PL ratio \(gridMin) below μ = \(mu)")
        #expect(gridMin <= mu * (1 + 1e-4), "μ = \(mu) is not attained: grid minimum \(gridMin)")
    }

    @Test("pl-sine: the published μ = 1/32 is selectable and says where it comes from")
    func plSinePublishedMu() throws {
        let published = try makeInstance(plSinePublished)
        #expect(published.problemConstants.mu?.value == 1.0 / 32)
        #expect(published.problemConstants.mu?.how.contains("1/32") == true)
        #expect(published.constants[.mu] == 1.0 / 32)
        let computed = try makeInstance(plSineComputed)
        #expect(try #require(computed.constants[.mu]) > 5 * (1.0 / 32))
        // Everything else is the same instance.
        #expect(published.problemConstants.L == computed.problemConstants.L)
        #expect(published.problemConstants.G2 == computed.problemConstants.G2)
        #expect(published.start == computed.start)
    }

    @Test("families without a PL constant declare none", arguments: [rational, logistic, compositeExact])
    func nonPLFamiliesHaveNoMu(_ c: FamilyTestCase) throws {
        #expect(try makeInstance(c).problemConstants.mu == nil)
    }

    // (c) gradients

    @Test("∇f and every ∇fᵢ match central finite differences (relative 1e-5)", arguments: allFamilies)
    func gradientsMatchFiniteDifferences(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let objective = instance.objective
        for x in samplePoints(c.dimension, count: 6, seed: 55, scales: [0.3, 1, 2]) {
            let g = objective.gradient(at: x)
            let fd = centralDifference({ objective.value(at: $0) }, at: x)
            #expect(norm2(sub(g, fd)).squareRoot() <= 1e-5 * max(norm2(g).squareRoot(), 1e-3),
                    "∇f \(g) against finite differences \(fd)")
            var mean = [Double](repeating: 0, count: c.dimension)
            for i in 0..<c.workers {
                let gi = objective.workerGradient(i, at: x)
                let fdi = centralDifference({ workerValue(objective, c, i, $0) }, at: x)
                #expect(norm2(sub(gi, fdi)).squareRoot() <= 1e-5 * max(norm2(gi).squareRoot(), 1e-3),
                        "worker \(i): ∇fᵢ \(gi) against finite differences \(fdi)")
                mean = add(mean, scaled(1 / Double(c.workers), gi))
            }
            #expect(norm2(sub(mean, g)).squareRoot() <= 1e-12 * max(1, norm2(g).squareRoot()))
        }
    }

    @Test("f is the mean of the workers' fᵢ, computed independently (separable and data families)",
          arguments: [plSineComputed, rational, logistic, compositeExact, compositeNoisy])
    func valueIsMeanOfWorkerValues(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        for x in samplePoints(c.dimension, count: 5, seed: 66, scales: [0.5, 2]) {
            let mean = (0..<c.workers).reduce(0.0) { $0 + workerValue(instance.objective, c, $1, x) } / Double(c.workers)
            let f = instance.objective.value(at: x)
            #expect(abs(mean - f) <= 1e-12 * max(1, abs(f)), "mean of fᵢ \(mean) against f \(f)")
        }
    }

    // (d) f*

    @Test("exact-gradient descent converges to the declared f* within 1e-8 (quadratics, pl-sine)",
          arguments: quadratics + [plSineComputed])
    func descentReachesFstar(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let fstar = instance.problemConstants.fstar.value
        let L = instance.problemConstants.L.value
        let (best, last) = gradientDescent(instance.objective, from: instance.start, step: 1 / L, iterations: 1500,
                                           floor: fstar - 1e-12 * max(1, abs(fstar)))
        #expect(abs(last - fstar) <= 1e-8, "descent ends at \(last), declared f* = \(fstar)")
        #expect(best >= fstar - 1e-12 * max(1, abs(fstar)))
        #expect(instance.problemConstants.fstarIsLowerBound == false)
    }

    @Test("no sampled point goes below the declared f* or f_inf", arguments: allFamilies)
    func fstarIsALowerBound(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let fstar = instance.problemConstants.fstar.value
        var centre: [Double]?
        if let q = instance.objective as? QuadraticObjective { centre = q.centre }
        for x in samplePoints(c.dimension, count: 300, seed: 77, scales: [1e-3, 0.1, 1, 10, 1e3], around: centre) {
            let f = instance.objective.value(at: x)
            #expect(f >= fstar - 1e-12 * max(1, abs(fstar)), "f = \(f) below f* = \(fstar) at \(x)")
        }
    }

    @Test("logistic-ncvx and noisy composite: f_inf is flagged a lower bound and stays below the best descent value",
          arguments: [logistic, compositeNoisy])
    func lowerBoundFamilies(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let constants = instance.problemConstants
        #expect(constants.fstarIsLowerBound)
        #expect(constants.fstar.value == 0)
        let (best, _) = gradientDescent(instance.objective, from: instance.start, step: 1 / constants.L.value,
                                        iterations: 1500, floor: constants.fstar.value)
        #expect(constants.fstar.value <= best)
        #expect(best > 0, "a lower-bound family reached f_inf exactly: \(best)")
    }

    @Test("composite with noiseless targets: f* = 0 is exact and reached by descent")
    func compositeReachesZero() throws {
        let instance = try makeInstance(compositeExact)
        #expect(instance.problemConstants.fstarIsLowerBound == false)
        #expect(instance.problemConstants.fstar.value == 0)
        let (_, last) = gradientDescent(instance.objective, from: instance.start,
                                        step: 1 / instance.problemConstants.L.value, iterations: 3000, floor: -1e-15)
        #expect(last <= 1e-8, "descent ends at \(last)")
    }

    // (e) heterogeneity

    @Test("(1/n) Σ‖∇fᵢ‖² ≤ B²‖∇f‖² + G², with equality where the family makes it exact", arguments: allFamilies)
    func heterogeneityBound(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let B2 = instance.problemConstants.B2.value, G2 = instance.problemConstants.G2.value
        #expect(G2 > 0)
        for x in samplePoints(c.dimension, count: 200, seed: 88, scales: [0.01, 0.3, 1, 3, 30]) {
            let lhs = (0..<c.workers).reduce(0.0) { $0 + norm2(instance.objective.workerGradient($1, at: x)) } / Double(c.workers)
            let rhs = B2 * norm2(instance.objective.gradient(at: x)) + G2
            #expect(lhs <= rhs * (1 + 1e-12), "(1/n)Σ‖∇fᵢ‖² = \(lhs) > B²‖∇f‖² + G² = \(rhs)")
            if c.heterogeneityIsExact {
                #expect(abs(lhs - rhs) <= 1e-10 * rhs, "not exact: \(lhs) against \(rhs)")
            }
        }
        if c.heterogeneityIsExact { #expect(B2 == 1) }
    }

    @Test("G² of the quadratic is (1/n) Σ‖A(cᵢ − c̄)‖², read back from the worker gradients at c̄", arguments: quadratics)
    func quadraticG2AtCentre(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let q = try #require(instance.objective as? QuadraticObjective)
        #expect(norm2(q.gradient(at: q.centre)) <= 1e-24)
        let measured = (0..<c.workers).reduce(0.0) { $0 + norm2(q.workerGradient($1, at: q.centre)) } / Double(c.workers)
        #expect(abs(measured - instance.problemConstants.G2.value) <= 1e-12 * measured)
    }

    // (f) bounded gradients

    @Test("‖∇fᵢ‖ ≤ G_max,i on random and extreme points", arguments: boundedFamilies)
    func boundedGradients(_ c: FamilyTestCase) throws {
        let instance = try makeInstance(c)
        let bounds = try #require(instance.problemConstants.workerGradientBounds)
        #expect(bounds.count == c.workers)
        var points = samplePoints(c.dimension, count: 300, seed: 99, scales: [0.01, 0.5, 1, 3, 100, 1e4, 1e8])
        // Extreme and adversarial points.
        var rng = RandomStream(seed: 3)
        for magnitude in [1e6, 1e12, 1e100] {
            for _ in 0..<10 { points.append((0..<c.dimension).map { _ in (rng.nextUniform() < 0.5 ? -1 : 1) * magnitude }) }
        }
        points.append([Double](repeating: 0, count: c.dimension))
        if let s = instance.objective as? TiltedSeparableObjective {
            // |φ'| is largest at t = ±1/√3; align it with each worker's tilt.
            for i in 0..<c.workers {
                points.append((0..<c.dimension).map { j in (s.tilts[i * c.dimension + j] >= 0 ? 1 : -1) / Double(3).squareRoot() })
            }
        }
        var tightest = 0.0
        for x in points {
            for i in 0..<c.workers {
                let g = norm2(instance.objective.workerGradient(i, at: x)).squareRoot()
                #expect(g.isFinite)
                #expect(g <= bounds[i] * (1 + 1e-12), "worker \(i): ‖∇fᵢ‖ = \(g) > G_max = \(bounds[i]) at \(x)")
                tightest = max(tightest, g / bounds[i])
            }
        }
        // The bound is a triangle inequality, not attained, but not vacuous either.
        #expect(tightest >= 0.3, "G_max is far above every measured ‖∇fᵢ‖: best ratio \(tightest)")
        // A6 from bounded gradients: B² = 0, G² = (1/n) Σ G_max,i² (rational keeps its exact B² = 1 form).
        if c.family is RationalFamily { return }
        #expect(instance.problemConstants.B2.value == 0)
        let g2 = bounds.reduce(0) { $0 + $1 * $1 } / Double(c.workers)
        #expect(abs(instance.problemConstants.G2.value - g2) <= 1e-12 * g2)
    }

    @Test("rational: sup|φ'| = 3√3/8 enters G_max,i = √d·3√3/8 + ‖aᵢ‖")
    func rationalGradientBoundFormula() throws {
        let instance = try makeInstance(rational)
        let s = try #require(instance.objective as? TiltedSeparableObjective)
        let bounds = try #require(instance.problemConstants.workerGradientBounds)
        let c = 3 * Double(3).squareRoot() / 8
        for i in 0..<rational.workers {
            let expected = Double(rational.dimension).squareRoot() * c + s.tiltNorm(i)
            #expect(abs(bounds[i] - expected) <= 1e-12 * expected)
        }
    }

    @Test("families without bounded gradients declare no G_max", arguments: quadratics + [plSineComputed])
    func unboundedFamilies(_ c: FamilyTestCase) throws {
        #expect(try makeInstance(c).problemConstants.workerGradientBounds == nil)
        #expect(c.family.guarantees.boundedGradients == false)
    }

    @Test("the same seed builds the same instance; another seed a different one", arguments: allFamilies)
    func instancesAreDeterministic(_ c: FamilyTestCase) throws {
        let a = try makeInstance(c, seed: 9), b = try makeInstance(c, seed: 9), other = try makeInstance(c, seed: 10)
        let x = samplePoints(c.dimension, count: 1, seed: 1, scales: [1])[0]
        #expect(a.objective.value(at: x) == b.objective.value(at: x))
        #expect(a.problemConstants == b.problemConstants)
        #expect(a.start == b.start)
        #expect(a.objective.workerGradient(0, at: x) != other.objective.workerGradient(0, at: x))
    }
}
