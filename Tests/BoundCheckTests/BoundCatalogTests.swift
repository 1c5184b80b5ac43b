import Testing
@testable import BoundCheck

/// Tests of the bound catalog (docs/theory.md §4): limit cases, admissible steps, monotonicity, and a
/// user expression that writes out F1.
@Suite("Bound catalog")
struct BoundCatalogTests {
    static func spec(beta: Double = 0.3, noise: Double = 0.5, bias: Double = 0.1, k: Int = 15) -> ExperimentSpec {
        ExperimentSpec(
            name: "t", seed: 3,
            problem: ProblemSpec(family: .quadratic(minEigenvalue: 0.5, maxEigenvalue: 5, zeroEigenvalues: 0, logSpacing: false, rotate: false),
                                 dimension: 20, workers: 4, heterogeneity: 0.5),
            oracle: [.additiveBias(norm: bias), .gaussianNoise(variance: noise)],
            methods: [MethodSpec(id: "m", settings: Sgdm(beta: beta), step: .fixed(0.01))],
            run: RunSpec(iterations: 100, seeds: 4))
    }

    static func context(_ spec: ExperimentSpec, gamma: Double, beta: Double) throws -> BoundContext {
        let instance = try Instance(spec: spec)
        var method = spec.methods[0]
        method.settings = Sgdm(beta: beta)
        let resolved = ResolvedMethod(method, gamma: gamma, stepRule: "test")
        return BoundEvaluator.context(instance: instance, method: resolved, spec: method, iterations: 100, measuredSecondMoment: nil)
    }

    @Test("F1 at β = 1 equals AS-1 exactly at every K, floor included")
    func f1ReducesToAS1() throws {
        let c = try Self.context(Self.spec(), gamma: 0.05, beta: 1)
        for K in [1.0, 2, 10, 1000, .infinity] {
            #expect(try F1().value(c, K: K) == AS1().value(c, K: K))
        }
        #expect(F1().failedConditions(c).isEmpty)
    }

    @Test("the ρ-optimized F1 is never above F1 with ρ = ½, nor above any admissible ρ on a grid")
    func rhoOptimal() throws {
        for beta in [0.1, 0.3, 0.7] {
            let spec = Self.spec(beta: beta)
            let probe = try Self.context(spec, gamma: 1, beta: beta)
            let M1 = (probe.constants[.M] ?? 0) + 1
            let gamma = beta / (4 * probe.L * M1)       // makes ρ = ½ admissible
            let c = try Self.context(spec, gamma: gamma, beta: beta)
            let best = try F1().value(c, K: 50)
            func f1(rho: Double) -> Double {
                let sigma2 = c.constants[.sigma2]!, m = c.m
                return 2 * c.D0 / (gamma * (1 - m) * 50) + c.zeta2 / (1 - m)
                    + c.L * gamma * sigma2 / (1 - m) * (1 + c.L * gamma * (1 - beta) * (1 - beta) / (rho * beta * beta))
            }
            #expect(best <= f1(rho: 0.5) * (1 + 1e-14))
            let q = gamma * (1 - beta) / beta
            for i in 1..<200 {
                let rho = Double(i) / 200
                let admissible = 1 - rho - c.L * gamma * M1 >= c.L * c.L * q * q * M1 / rho
                if admissible { #expect(best <= f1(rho: rho) * (1 + 1e-14)) }
            }
        }
    }

    @Test("γ = β/(4L(M+1)) is admissible for F1 and the root-found maximum is at least that; F2 likewise at β/(5L(M+1))")
    func admissibleSteps() throws {
        for beta in [0.05, 0.3, 0.9, 1.0] {
            let spec = Self.spec(beta: beta)
            let c0 = try Self.context(spec, gamma: 1, beta: beta)
            let M1 = (c0.constants[.M] ?? 0) + 1
            let f1Step = beta / (4 * c0.L * M1)
            #expect(F1().failedConditions(c0.with(gamma: f1Step)).isEmpty)
            let largest = try #require(try StepSizes.largestStep(F1(), context: c0))
            #expect(largest.gamma >= f1Step)
            #expect(F1().failedConditions(c0.with(gamma: largest.gamma)).isEmpty)
            #expect(!F1().failedConditions(c0.with(gamma: largest.gamma * 1.001)).isEmpty)
            let f2Step = beta / (5 * c0.L * M1)
            let f2 = try #require(try StepSizes.largestStep(F2(onX: false), context: c0))
            #expect(f2.gamma >= f2Step * (1 - 1e-12))
            #expect(F2(onX: false).failedConditions(c0.with(gamma: f2Step)).isEmpty)
        }
    }

    @Test("each bound's K → ∞ limit is its floor, approached from above")
    func limitIsFloor() throws {
        let c = try Self.context(Self.spec(), gamma: 0.005, beta: 0.3)
        for bound in [AS1(), AS2(), F1(), F2(onX: false), F2(onX: true)] as [any Bound] {
            var cc = c
            if bound is AS1 || bound is AS2 { cc.method.beta = 1 }
            let floor = try bound.floor(cc)
            let far = try bound.value(cc, K: 1e12)
            #expect(abs(far - floor) <= 1e-6 * max(abs(floor), 1), "\(bound.id)")
            #expect(try bound.value(cc, K: 100) >= floor, "\(bound.id)")
        }
    }

    @Test("floors grow with ζ²; the rate part slows as m grows")
    func monotone() throws {
        let small = try Self.context(Self.spec(bias: 0.05), gamma: 0.005, beta: 0.3)
        let large = try Self.context(Self.spec(bias: 0.5), gamma: 0.005, beta: 0.3)
        #expect(large.zeta2 > small.zeta2)
        for bound in [F1(), F2(onX: false)] as [any Bound] {
            #expect(try bound.floor(large) > bound.floor(small), "\(bound.id)")
        }
        var lowM = small, highM = small
        lowM.constants.entries["m"]!.value = 0.1
        highM.constants.entries["m"]!.value = 0.6
        let rate = { (c: BoundContext, b: any Bound) in try b.value(c, K: 10) - b.floor(c) }
        #expect(try rate(highM, F1()) > rate(lowM, F1()))
        #expect(try F2(onX: false).value(highM, K: 200) - F2(onX: false).floor(highM) > F2(onX: false).value(lowM, K: 200) - F2(onX: false).floor(lowM))
    }

    @Test("a user expression that writes out F1 evaluates to the catalog F1 at every checkpoint")
    func userF1() throws {
        let beta = 0.3
        let spec = Self.spec(beta: beta)
        let c = try Self.context(spec, gamma: 0.004, beta: beta)
        let rho = try #require(try F1.optimalRho(c))
        let text = "2*D0/(gamma*(1-m)*K) + zeta2/(1-m) + (L*gamma*sigma2/(1-m))*(1 + L*gamma*(1-beta)^2/(\(rho)*beta^2))"
        let user = try UserBound(UserBoundSpec(id: "u", method: "sgdm", metric: .avgGrad, expression: text,
                                               expressionPosition: SourcePosition(file: "t", line: 1, column: 1, keyPath: "e"),
                                               requires: [], floor: nil, description: ""))
        for k in checkpointIterations(iterations: 1000, count: 30) where k > 0 {
            let a = try user.value(c, K: Double(k)), b = try F1().value(c, K: Double(k))
            #expect(abs(a - b) <= 1e-12 * b)
        }
    }

    @Test("a failed condition makes the bound not applicable with the condition in words")
    func notApplicable() throws {
        let c = try Self.context(Self.spec(), gamma: 10, beta: 0.3)
        let e = BoundEvaluator.evaluate(F1(), context: c, checkpoints: [0, 10])
        #expect(!e.applicable)
        #expect(e.failedConditions.contains { $0.contains("admissible ρ") })
        #expect(e.values.allSatisfy { $0 == nil })
    }
}

@Suite("Verdicts")
struct VerdictTests {
    static func trace(means: [Double], sd: Double, seeds: Int) -> MethodTrace {
        // Symmetric samples with the given mean and sample sd.
        let half = seeds / 2
        let spread = sd * (Double(seeds - 1) / Double(seeds)).squareRoot()
        return SyntheticTrace.trace(means.map { mean in (0..<seeds).map { mean + ($0 < half ? -spread : spread) } })
    }

    static func evaluation(_ bounds: [Double]) -> BoundEvaluation {
        BoundEvaluation(id: "B", kind: .user, source: "", metric: .gap, formula: "", conditions: [], failedConditions: [],
                        largestStep: nil, bindingCondition: nil, checkpoints: Array(1...bounds.count), values: bounds,
                        floor: 0.5, notes: [:], error: nil)
    }

    @Test("holds follows the Student-t upper limit; violated needs the distribution-free test, not the Student-t lower limit")
    func verdicts() throws {
        let rule = VerdictRule(confidence: 0.99, comparisons: 3)
        let t = try rule.quantile(seeds: 16)
        let trace = Self.trace(means: [1, 1, 1], sd: 0.4, seeds: 16)
        let half = t * 0.4 / 4
        #expect(try rule.judge(evaluation: Self.evaluation([1 + 1.01 * half, 2, 3]), trace: trace, deterministic: false).verdict == .holds)
        // Student-t alone would call this violated; without normality the seeds cannot.
        let studentOnly = try rule.judge(evaluation: Self.evaluation([1 - 1.01 * half, 2, 3]), trace: trace, deterministic: false)
        #expect(studentOnly.verdict == .inconclusive)
        #expect(studentOnly.reason.contains("near-normal"))
        #expect((studentOnly.seedsToDecide ?? 0) > 16)
        #expect(try rule.judge(evaluation: Self.evaluation([0.3, 2, 3]), trace: trace, deterministic: false).verdict == .violated)
        let inconclusive = try rule.judge(evaluation: Self.evaluation([1 + 0.5 * half, 2, 3]), trace: trace, deterministic: false)
        #expect(inconclusive.verdict == .inconclusive)
        #expect((inconclusive.seedsToDecide ?? 0) > 16)
    }

    @Test("Bonferroni: more comparisons widen the interval")
    func bonferroni() throws {
        #expect(try VerdictRule(confidence: 0.99, comparisons: 100).quantile(seeds: 10) > VerdictRule(confidence: 0.99, comparisons: 1).quantile(seeds: 10))
    }

    @Test("a deterministic run is compared exactly, with a 1e-9 relative round-off tolerance")
    func deterministic() throws {
        let rule = VerdictRule(confidence: 0.99, comparisons: 1)
        let trace = Self.trace(means: [1], sd: 0, seeds: 1)
        #expect(try rule.judge(evaluation: Self.evaluation([1 - 1e-12]), trace: trace, deterministic: true).verdict == .holds)
        #expect(try rule.judge(evaluation: Self.evaluation([1 - 1e-6]), trace: trace, deterministic: true).verdict == .violated)
    }

    @Test("one seed of a random oracle decides nothing: inconclusive, never an exact comparison")
    func singleNoisySeed() throws {
        let rule = VerdictRule(confidence: 0.99, comparisons: 1)
        let trace = Self.trace(means: [1], sd: 0, seeds: 1)
        for bound in [0.5, 2.0] {
            let v = try rule.judge(evaluation: Self.evaluation([bound]), trace: trace, deterministic: false)
            #expect(v.verdict == .inconclusive)
            #expect(v.seedsToDecide == 2)
        }
    }

    @Test("a diverged seed makes an applicable bound diverged")
    func diverged() throws {
        var trace = Self.trace(means: [1], sd: 0.1, seeds: 4)
        trace.divergedAt[2] = 17
        let v = try VerdictRule(confidence: 0.99, comparisons: 1).judge(evaluation: Self.evaluation([10]), trace: trace, deterministic: false)
        #expect(v.verdict == .diverged)
        #expect(v.reason.contains("17"))
    }
}
