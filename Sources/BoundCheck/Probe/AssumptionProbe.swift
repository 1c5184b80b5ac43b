import Foundation
import GSL

/// The assumptions of docs/theory.md §3 the probe measures, each with the constants it tests. A bound
/// lists the ones it relies on (``Bound/assumptions``); when the probe contradicts one, the
/// bound's verdict is *unsupported*.
public enum ProbedAssumption: String, CaseIterable, Codable, Sendable {
    case lowerBound = "A1", smoothness = "A2", pl = "A3", bias = "A4", variance = "A5", heterogeneity = "A6"

    /// The constants whose declared (or computed) values the check tests.
    public var constants: [ConstantName] {
        switch self {
        case .lowerBound: [.fstar, .D0]
        case .smoothness: [.L]
        case .pl: [.mu]
        case .bias: [.m, .zeta2]
        case .variance: [.M, .sigma2]
        case .heterogeneity: [.B2, .G2]
        }
    }

    public var statement: String {
        switch self {
        case .lowerBound: "f(x) ≥ f*"
        case .smoothness: "‖∇f(x) − ∇f(y)‖ ≤ L‖x − y‖"
        case .pl: "½‖∇f(x)‖² ≥ μ(f(x) − f*)"
        case .bias: "‖h − ∇f‖² ≤ m‖∇f‖² + ζ²"
        case .variance: "E‖g − h‖² ≤ M‖h‖² + σ²"
        case .heterogeneity: "(1/n) Σᵢ ‖∇fᵢ‖² ≤ B²‖∇f‖² + G²"
        }
    }

    /// The assumptions whose constants appear among `variables` (for user bounds).
    public static func using(_ variables: Set<String>) -> Set<String> {
        Set(allCases.filter { !variables.isDisjoint(with: $0.constants.map(\.rawValue)) }.map(\.rawValue))
    }
}

/// How much the probe samples.
public struct ProbeSettings: Sendable, Equatable {
    /// R: fresh oracle draws per point at most (a deterministic oracle is drawn once); fewer,
    /// down to two per batch, when the probe would draw more estimates than half the runs do.
    public var samples = 128
    /// The draws split into this many batches; the batch estimates feed the t-tests.
    public var batches = 16
    /// Points taken along each method's seed-0 run (at evenly spread checkpoints).
    public var pointsPerMethod = 6
    /// Points drawn around the start, x⁰ + s·N(0, I) with s = max(‖x⁰‖/√d, 1).
    public var randomPoints = 2

    public init() {}
    public static let standard = ProbeSettings()
}

/// What was measured at one probe point.
public struct ProbePoint: Codable, Sendable, Equatable {
    /// Where the point comes from ("x⁰", "sgdm-1 k=120", "random 1").
    public var label: String
    /// Which method's γ and β user assumptions see at this point.
    public var methodID: String
    public var grad2: Double
    /// f(x) − f* (or − f_inf when only a lower bound is known).
    public var gap: Double
    /// Unbiased estimates from the fresh samples (docs/theory.md §6): ‖b‖², V = E‖g − h‖², ‖h‖².
    public var bias2: Double
    public var variance: Double
    public var h2: Double
    /// (1/n) Σᵢ ‖∇fᵢ(x)‖².
    public var workerGrad2: Double
}

public enum AssumptionVerdict: String, Codable, Sendable, Equatable {
    case holds, violated
    /// The assumption's condition cannot be evaluated (division by zero, a domain error): fails
    /// the report whatever `expect` says.
    case error
}

/// One assumption check: a catalog assumption (A1–A6) or a user `assumptions` entry.
public struct AssumptionCheck: Codable, Sendable, Equatable {
    public var id: String
    public var statement: String
    /// `theory` for A1–A6, `user` for the file's `assumptions`.
    public var kind: String
    public var verdict: AssumptionVerdict
    public var declared: [String: Double]
    /// The smallest constants the data need, next to the declared ones: for noisy estimates the
    /// largest lower confidence limit over the points (noise alone does not inflate them).
    public var measured: [String: Double]
    /// How the comparison was made (exact, or the t-test with its correction).
    public var test: String
    public var reason: String
    public var expected: AssumptionVerdict?
    public var fails: Bool
    /// Beside ``measured`` (statistical checks only): the largest upper confidence limit over
    /// the points, under the same keys — a declared value at least this large is not
    /// contradicted at the probe's confidence (docs/problem-files.md, "Testing a conjecture sharply").
    public var measuredUpper: [String: Double]? = nil
}

/// The probe's findings for one problem file.
public struct ProbeReport: Codable, Sendable, Equatable {
    public var samples: Int
    public var batches: Int
    public var confidence: Double
    /// Statistical comparisons the probe made.
    public var comparisons: Int
    /// The Bonferroni divisor of its t-tests: its own comparisons plus the report's bound
    /// comparisons, so that bounds and assumptions together keep the report's family-wise
    /// false-alarm rate at most 1 − confidence.
    public var bonferroni: Int
    public var points: [ProbePoint]
    public var checks: [AssumptionCheck]
    /// Catalog assumptions not checked, with why.
    public var notChecked: [String: String]

    /// Ids of the assumptions the data contradict: catalog ones (A1–A6) and the file's own
    /// (a user bound's `relies-on` names them).
    public var contradicted: Set<String> {
        Set(checks.filter { $0.verdict == .violated }.map(\.id))
    }
}

/// The assumption probe (docs/theory.md §6): at points along the runs and around the start, it
/// estimates the oracle's mean h(x) from fresh samples and measures the bias, the noise, μ, L,
/// the heterogeneity and f ≥ f*, then compares them with the constants the bounds use.
///
/// Statistics: R samples split into B batches of b. Per batch, ḡⱼ and V̂ⱼ (unbiased sample
/// variance, trace) give unbiased estimates ‖ḡⱼ − ∇f‖² − V̂ⱼ/b of ‖b(x)‖² and ‖ḡⱼ‖² − V̂ⱼ/b of
/// ‖h‖² (E‖ḡ − ∇f‖² = ‖b‖² + V/b). A check's margin (e.g. ‖b‖² − m‖∇f‖² − ζ²) is estimated per
/// batch; the check is *violated* when the lower Student-t confidence limit of its mean over
/// the B independent batches exceeds zero (plus 1e−9 relative round-off), at the file's
/// confidence with a Bonferroni correction over every such comparison of the probe. Exact
/// quantities (L, μ, f*, B², G², and everything for a deterministic oracle) are compared
/// exactly with the same round-off tolerance.
public enum AssumptionProbe {
    static let roundOff = 1e-9

    /// Runs the probe on a prepared experiment.
    ///
    /// - Parameters:
    ///   - prepared: the experiment whose declared constants are checked.
    ///   - confidence: the report's confidence (default: the file's).
    ///   - settings: points and samples per point.
    ///   - boundComparisons: how many bound comparisons the report will make (they
    ///     share the Bonferroni correction); default: every stated checkpoint of every applicable
    ///     bound, which is at least what the runs give.
    public static func run(_ prepared: PreparedExperiment, confidence: Double? = nil,
                           settings: ProbeSettings = .standard, boundComparisons: Int? = nil) throws -> ProbeReport {
        let instance = prepared.instance
        let deterministic = instance.oracleConstants.deterministic
        let level = confidence ?? prepared.spec.confidence
        let locations = probeLocations(prepared, settings: settings)
        let batches = deterministic ? 1 : max(settings.batches, 2)
        // At most `settings.samples` per point, fewer (down to two per batch) when the probe would
        // draw more oracle estimates than half of the runs do.
        let runEstimates = prepared.profile.iterations * prepared.profile.seeds * max(prepared.methods.count, 1)
        let budget = runEstimates / (2 * max(locations.count, 1))
        let samples = deterministic ? 1 : max(2 * batches, min(settings.samples, budget) / batches * batches)
        let perBatch = samples / batches

        let measured = locations.enumerated().map { index, location in
            measure(instance, at: location.x, label: location.label, methodID: location.methodID,
                    pointIndex: index, batches: batches, perBatch: perBatch)
        }

        let constants = instance.constants
        var notChecked: [String: String] = [:]
        let userAssumptions = try prepared.spec.assumptions.map { spec in
            (spec, try BoundExpression(spec.holdsIf, allowedVariables: SpecBuilder.boundVariables.union(SpecBuilder.probeVariables)
                                           .union(spec.extraVariables), expecting: .condition))
        }
        // Bonferroni: one comparison per point for every statistical check.
        var statistical = 0
        if !deterministic {
            if constants[.m] != nil { statistical += measured.count }
            if constants[.M] != nil { statistical += measured.count }
            statistical += userAssumptions.filter { $0.1.isInequality }.count * measured.count
        }
        let others = boundComparisons ?? prepared.plannedBoundComparisons
        let divisor = max(statistical + others, 1)
        let test = StatisticalTest(confidence: level, comparisons: divisor, batches: batches)
        let testText = deterministic
            ? "exact (deterministic oracle), relative round-off 1e-9"
            : "one-sided Student-t over \(batches) batches of \(perBatch) samples, confidence \(level), Bonferroni over \(divisor) comparisons (\(statistical) here, \(others) bound checks)"

        var checks: [AssumptionCheck] = []
        // Rounding scale of a d-vector sum (A2's secants and A4's bias both use it).
        let epsilon = Double.ulpOfOne * Double(instance.dimension).squareRoot()
        let points = measured.map(\.point)
        let fstarExact = !instance.problemConstants.fstarIsLowerBound

        // A1: f(x) ≥ f* (exact).
        if let fstar = constants[.fstar] {
            let worst = points.min { $0.gap < $1.gap }!
            let violated = worst.gap < -roundOff * max(abs(fstar), abs(worst.gap + fstar), 1e-300)
            checks.append(AssumptionCheck(
                id: "A1", statement: ProbedAssumption.lowerBound.statement, kind: "theory",
                verdict: violated ? .violated : .holds, declared: ["fstar": fstar], measured: ["min f": worst.gap + fstar],
                test: "exact", reason: violated ? "at \(worst.label) f = \(fmt(worst.gap + fstar)) is below f\(fstarExact ? "*" : "_inf") = \(fmt(fstar))"
                    : "f ≥ f\(fstarExact ? "*" : "_inf") at all \(points.count) points", expected: nil, fails: violated))
        }

        // A2: secants against L (exact). ∇f = (1/n) Σ ∇fᵢ carries a rounding error of about
        // ε·√d·‖∇fᵢ‖, which the tilts of the workers can make far larger than ∇f itself; pairs
        // closer than 10⁻⁶ of the points' spread are skipped, and the rounding error over the
        // distance is added to the tolerance.
        if let L = constants[.L] {
            var worst = 0.0, worstPair = "", violated = false
            let spread = measured.map { Vec.normSquared($0.x) }.max().map { $0.squareRoot() } ?? 0
            for a in 0..<measured.count {
                for b in (a + 1)..<measured.count {
                    let dx = distanceSquared(measured[a].x, measured[b].x).squareRoot()
                    guard dx > 1e-6 * spread, dx > 0 else { continue }
                    let ratio = distanceSquared(measured[a].gradient, measured[b].gradient).squareRoot() / dx
                    let rounding = 8 * epsilon * (points[a].workerGrad2.squareRoot() + points[b].workerGrad2.squareRoot()) / dx
                    if ratio > worst { worst = ratio; worstPair = "\(points[a].label) and \(points[b].label)" }
                    if ratio > L * (1 + roundOff) + rounding { violated = true }
                }
            }
            if worstPair.isEmpty {
                notChecked["A2"] = "fewer than two distinct points"
            } else {
                checks.append(AssumptionCheck(
                    id: "A2", statement: ProbedAssumption.smoothness.statement, kind: "theory",
                    verdict: violated ? .violated : .holds, declared: ["L": L], measured: ["L": worst], test: "exact (largest secant)",
                    reason: violated ? "the secant between \(worstPair) is \(fmt(worst)) > L = \(fmt(L))"
                        : "largest secant \(fmt(worst)) ≤ L over \(measured.count * (measured.count - 1) / 2) pairs (pairs closer than 10⁻⁶ of the spread skipped)",
                    expected: nil, fails: violated))
            }
        }

        // A3: PL (exact), where f* is exact and gaps are above round-off.
        if let mu = constants[.mu], fstarExact {
            let fstar = constants[.fstar] ?? 0
            let L = constants[.L] ?? 0
            // Absolute round-off of f − f* and of ‖∇f‖ at a point (docs/verdicts.md): the gap
            // cancels f against f*, so it is known to 256·ε·(|f| + |f*|) plus what the rounding of
            // x itself (ε‖x‖ per coordinate) changes f by, ½L(ε‖x‖)²·256; ∇f is known to
            // 8ε(√((1/n)Σ‖∇fᵢ‖²) + L‖x‖) (A2's rounding, plus x's own rounding times L).
            func gapError(_ i: Int) -> Double {
                let xNorm = Vec.normSquared(measured[i].x).squareRoot()
                let fromX = Double.ulpOfOne * 16 * xNorm
                return VerdictRule.roundOffFactor * Double.ulpOfOne * (abs(points[i].gap + fstar) + abs(fstar)) + 0.5 * L * fromX * fromX
            }
            func gradError(_ i: Int) -> Double {
                let xNorm = Vec.normSquared(measured[i].x).squareRoot()
                return 8 * epsilon * (points[i].workerGrad2.squareRoot() + L * xNorm)
            }
            let usableIndices = points.indices.filter { points[$0].gap > gapError($0) }
            let usable = usableIndices.map { points[$0] }
            if let worstIndex = usableIndices.min(by: { points[$0].grad2 / points[$0].gap < points[$1].grad2 / points[$1].gap }) {
                let worst = points[worstIndex]
                let muHat = worst.grad2 / (2 * worst.gap)
                // Violated only if ‖∇f‖² even rounded up stays below 2μ(f − f*) rounded down.
                let gradUp = worst.grad2.squareRoot() + gradError(worstIndex)
                let violated = gradUp * gradUp < 2 * mu * (worst.gap - gapError(worstIndex)) * (1 - roundOff)
                checks.append(AssumptionCheck(
                    id: "A3", statement: ProbedAssumption.pl.statement, kind: "theory", verdict: violated ? .violated : .holds,
                    declared: ["mu": mu], measured: ["mu": muHat], test: "exact (smallest ‖∇f‖²/(2(f − f*)))",
                    reason: violated ? "at \(worst.label) ‖∇f‖²/(2(f − f*)) = \(fmt(muHat)) < μ = \(fmt(mu))"
                        : "‖∇f‖²/(2(f − f*)) ≥ μ at \(usable.count) points with f − f* above round-off",
                    expected: nil, fails: violated))
            } else {
                notChecked["A3"] = "no point with f − f* above round-off"
            }
        } else if constants[.mu] != nil {
            notChecked["A3"] = "f* is only a lower bound"
        }

        // A6: heterogeneity (exact).
        if let B2 = constants[.B2], let G2 = constants[.G2] {
            var violatedAt: ProbePoint?
            var g2Hat = 0.0, b2Hat = 0.0
            for p in points {
                g2Hat = max(g2Hat, p.workerGrad2 - B2 * p.grad2)
                if p.grad2 > 0 { b2Hat = max(b2Hat, (p.workerGrad2 - G2) / p.grad2) }
                if p.workerGrad2 > (B2 * p.grad2 + G2) * (1 + roundOff) + 1e-300, violatedAt == nil { violatedAt = p }
            }
            checks.append(AssumptionCheck(
                id: "A6", statement: ProbedAssumption.heterogeneity.statement, kind: "theory",
                verdict: violatedAt == nil ? .holds : .violated, declared: ["B2": B2, "G2": G2],
                measured: ["G2 given B2": g2Hat, "B2 given G2": b2Hat], test: "exact",
                reason: violatedAt.map { "at \($0.label) (1/n)Σ‖∇fᵢ‖² = \(fmt($0.workerGrad2)) > B²‖∇f‖² + G² = \(fmt(B2 * $0.grad2 + G2))" }
                    ?? "holds at all \(points.count) points",
                expected: nil, fails: violatedAt != nil))
        }

        // A4: bias.
        if let m = constants[.m], let zeta2 = constants[.zeta2] {
            var zetaHat = 0.0, mHat = 0.0, zetaUpper = 0.0, mUpper = 0.0
            for sample in measured {
                let bias2 = try test.lowerLimit(sample.bias2), p = sample.point
                let upper = try test.upperLimit(sample.bias2)
                zetaHat = max(zetaHat, bias2 - m * p.grad2)
                zetaUpper = max(zetaUpper, upper - m * p.grad2)
                if p.grad2 > 0 {
                    mHat = max(mHat, (bias2 - zeta2) / p.grad2)
                    mUpper = max(mUpper, (upper - zeta2) / p.grad2)
                }
            }
            let outcome = try test.firstViolation(measured) { sample, batch in
                let value = sample.bias2[batch] - m * sample.point.grad2 - zeta2
                // Relative round-off, plus the absolute rounding of h − ∇f (see A2), squared.
                let rounding = 8 * epsilon * sample.point.workerGrad2.squareRoot()
                return (value, roundOff * (abs(sample.bias2[batch]) + m * sample.point.grad2 + zeta2) + rounding * rounding)
            }
            checks.append(AssumptionCheck(
                id: "A4", statement: ProbedAssumption.bias.statement, kind: "theory",
                verdict: outcome == nil ? .holds : .violated, declared: ["m": m, "zeta2": zeta2],
                measured: ["zeta2 given m": zetaHat, "m given zeta2": mHat], test: testText,
                reason: outcome.map { "at \($0.label) ‖b‖² − m‖∇f‖² − ζ² = \(fmt($0.mean)) (lower limit \(fmt($0.lower))) > 0" }
                    ?? "no point contradicts it (\(points.count) points)",
                expected: nil, fails: outcome != nil,
                measuredUpper: deterministic ? nil : ["zeta2 given m": zetaUpper, "m given zeta2": mUpper]))
        }

        // A5: affine variance against ‖h‖².
        if deterministic {
            notChecked["A5"] = "deterministic oracle: no noise"
        } else if let M = constants[.M], let sigma2 = constants[.sigma2] {
            var sigmaHat = 0.0, MHat = 0.0, sigmaUpper = 0.0, MUpper = 0.0
            for sample in measured {
                let p = sample.point
                let excess = sample.variance.indices.map { sample.variance[$0] - M * sample.h2[$0] }
                sigmaHat = max(sigmaHat, try test.lowerLimit(excess))
                sigmaUpper = max(sigmaUpper, try test.upperLimit(excess))
                if p.h2 > 0 {
                    MHat = max(MHat, (try test.lowerLimit(sample.variance) - sigma2) / p.h2)
                    MUpper = max(MUpper, (try test.upperLimit(sample.variance) - sigma2) / p.h2)
                }
            }
            let outcome = try test.firstViolation(measured) { sample, batch in
                let value = sample.variance[batch] - M * sample.h2[batch] - sigma2
                return (value, roundOff * (sample.variance[batch] + M * abs(sample.h2[batch]) + sigma2))
            }
            checks.append(AssumptionCheck(
                id: "A5", statement: ProbedAssumption.variance.statement, kind: "theory",
                verdict: outcome == nil ? .holds : .violated, declared: ["M": M, "sigma2": sigma2],
                measured: ["sigma2 given M": sigmaHat, "M given sigma2": MHat], test: testText,
                reason: outcome.map { "at \($0.label) V − M‖h‖² − σ² = \(fmt($0.mean)) (lower limit \(fmt($0.lower))) > 0" }
                    ?? "no point contradicts it (\(points.count) points)",
                expected: nil, fails: outcome != nil,
                measuredUpper: ["sigma2 given M": sigmaUpper, "M given sigma2": MUpper]))
        } else {
            notChecked["A5"] = "M is unavailable (relative noise with m ≥ ½)"
        }

        // User assumptions (`assumptions:` in the file).
        let methodsByID = Dictionary(uniqueKeysWithValues: prepared.methods.map { ($0.id, $0) })
        for (spec, expression) in userAssumptions {
            func variables(_ sample: Measurement, batch: Int?) -> [String: Double] {
                var v = constants.values
                let method = methodsByID[sample.point.methodID] ?? prepared.methods.first
                if let spec = prepared.spec.methods.first(where: { $0.id == method?.id }) {
                    for p in spec.expressionVariables(dimension: instance.dimension) { v[p.name] = p.value }
                }
                v["gamma"] = method?.gamma ?? .nan
                v["beta"] = method?.beta ?? .nan
                v["p"] = Double(instance.workers)
                v["grad2"] = sample.point.grad2
                v["gap"] = sample.point.gap
                v["bias2"] = batch.map { sample.bias2[$0] } ?? sample.point.bias2
                v["var"] = batch.map { sample.variance[$0] } ?? sample.point.variance
                v["h2"] = batch.map { sample.h2[$0] } ?? sample.point.h2
                return v
            }
            var reason = "holds at all \(points.count) points"
            var violated = false
            var unevaluable = false
            var how = testText
            do {
                if expression.isInequality {
                    if let outcome = try test.firstViolation(measured, margin: { sample, batch in
                        let m = try expression.margin(variables(sample, batch: batch))!
                        return (-m.margin, roundOff * m.scale)
                    }) {
                        violated = true
                        reason = "at \(outcome.label) the condition fails by \(fmt(outcome.mean)) (lower limit \(fmt(outcome.lower))): \(spec.holdsIf)"
                    }
                } else {
                    if !deterministic { how = "evaluated at the pooled estimates (\(samples) samples): a compound condition gets no confidence level" }
                    for sample in measured where try !expression.holds(variables(sample, batch: nil)) {
                        violated = true
                        reason = "fails at \(sample.point.label): \(spec.holdsIf)"
                        break
                    }
                }
            } catch {
                unevaluable = true
                let offset = (error as? ExpressionError)?.offset ?? 0
                reason = "could not be evaluated: \(error) (in '\(spec.holdsIf)' at \(spec.position.file):\(spec.position.line):\(spec.position.column + offset))"
            }
            checks.append(AssumptionCheck(id: spec.id, statement: spec.holdsIf, kind: "user",
                                          verdict: unevaluable ? .error : (violated ? .violated : .holds),
                                          declared: [:], measured: [:], test: how, reason: reason, expected: nil, fails: violated || unevaluable))
        }
        for a in ProbedAssumption.allCases where notChecked[a.rawValue] == nil && !checks.contains(where: { $0.id == a.rawValue }) {
            notChecked[a.rawValue] = "the constants \(a.constants.filter { $0 != .D0 }.map(\.rawValue).joined(separator: ", ")) are not defined for this problem"
        }
        return ProbeReport(samples: samples, batches: batches, confidence: level, comparisons: statistical, bonferroni: divisor,
                           points: points, checks: checks, notChecked: notChecked)
    }

    // MARK: - Points

    struct Location {
        var label: String
        var methodID: String
        var x: [Double]
    }

    /// x⁰, points along each method's seed-0 run (the run's own stream, so they are points the
    /// runs visited), and random points around x⁰ from the probe's stream.
    static func probeLocations(_ prepared: PreparedExperiment, settings: ProbeSettings) -> [Location] {
        let instance = prepared.instance
        let firstID = prepared.methods.first?.id ?? ""
        var locations = [Location(label: "x⁰", methodID: firstID, x: instance.start)]
        let checkpoints = prepared.checkpoints
        let wanted: [Int] = {
            guard checkpoints.count > 1, settings.pointsPerMethod > 0 else { return [] }
            let count = min(settings.pointsPerMethod, checkpoints.count - 1)
            return Array(Set((1...count).map { ($0 * (checkpoints.count - 1)) / count })).sorted()
        }()
        for method in prepared.methods where !wanted.isEmpty {
            let simulation = Simulation(instance: instance, method: method, iterations: prepared.profile.iterations,
                                        checkpoints: checkpoints)
            var captured: [(Int, [Double])] = []
            simulation.checkpointObserver = { c, x in
                if wanted.contains(c) { captured.append((c, Array(x))) }
            }
            var scratch = [[RunningStatistics]](repeating: [RunningStatistics](repeating: RunningStatistics(), count: MetricIndex.all.count),
                                                count: checkpoints.count)
            _ = simulation.run(seedIndex: 0, statistics: &scratch)
            for (c, x) in captured where !locations.contains(where: { $0.x == x }) {
                locations.append(Location(label: "\(method.id) k=\(checkpoints[c])", methodID: method.id, x: x))
            }
        }
        let d = instance.dimension
        let scale = max((Vec.normSquared(instance.start) / Double(d)).squareRoot(), 1)
        for j in 0..<settings.randomPoints {
            var rng = RandomStream(key: StreamKey(problemSeed: instance.seed, purpose: .probe, seedIndex: 1 << 40, worker: j))
            let x = instance.start.map { $0 + scale * rng.nextGaussian() }
            locations.append(Location(label: "random \(j + 1)", methodID: firstID, x: x))
        }
        return locations
    }

    // MARK: - Measurement

    /// A point's exact quantities and per-batch estimates.
    struct Measurement {
        var point: ProbePoint
        var x: [Double]
        var gradient: [Double]
        var bias2: [Double]
        var variance: [Double]
        var h2: [Double]
    }

    static func measure(_ instance: Instance, at x: [Double], label: String, methodID: String, pointIndex: Int,
                        batches: Int, perBatch: Int) -> Measurement {
        let objective = instance.objective
        let n = instance.workers, d = instance.dimension
        var workerGrad2 = 0.0
        for i in 0..<n { workerGrad2 += Vec.normSquared(objective.workerGradient(i, at: x)) }
        workerGrad2 /= Double(n)
        let estimator = Simulation(instance: instance,
                                   method: ResolvedMethod(MethodSpec(id: "probe", settings: Sgd(), step: .fixed(1)), gamma: 1, stepRule: ""),
                                   iterations: 0, checkpoints: [0])
        estimator.reset(seedIndex: pointIndex, purpose: .probe)
        var gradient: [Double] = []
        var bias2: [Double] = [], variance: [Double] = [], h2: [Double] = []
        for _ in 0..<batches {
            // Welford over the batch: the mean vector and Σ‖g − ḡ‖².
            var mean = [Double](repeating: 0, count: d)
            var m2 = 0.0
            for r in 0..<perBatch {
                let (exact, g) = estimator.estimate(at: x)
                gradient = exact
                let count = Double(r + 1)
                for j in 0..<d {
                    let delta = g[j] - mean[j]
                    mean[j] += delta / count
                    m2 += delta * (g[j] - mean[j])
                }
            }
            let v = perBatch > 1 ? m2 / Double(perBatch - 1) : 0
            variance.append(v)
            bias2.append(distanceSquared(mean, gradient) - v / Double(perBatch))
            h2.append(Vec.normSquared(mean) - v / Double(perBatch))
        }
        let average = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
        let point = ProbePoint(label: label, methodID: methodID, grad2: Vec.normSquared(gradient),
                               gap: objective.value(at: x) - (instance.constants[.fstar] ?? 0),
                               bias2: average(bias2), variance: average(variance), h2: average(h2), workerGrad2: workerGrad2)
        return Measurement(point: point, x: x, gradient: gradient, bias2: bias2, variance: variance, h2: h2)
    }

    // MARK: - The test

    struct StatisticalTest {
        var confidence: Double
        var comparisons: Int
        var batches: Int

        struct Violation {
            var label: String
            var mean: Double
            var lower: Double
        }

        /// The one-sided Student-t quantile with the Bonferroni correction (0 for one batch).
        func quantile() throws -> Double {
            batches > 1
                ? try GSL.studentTQuantile(1 - (1 - confidence) / Double(comparisons), degreesOfFreedom: Double(batches - 1))
                : 0
        }

        /// The lower confidence limit of the mean of per-batch estimates: what the data need at
        /// the probe's confidence (the "measured" constants use it, so noise alone does not
        /// inflate them).
        func lowerLimit(_ values: [Double]) throws -> Double {
            // Scaled by a power of two (exact): margins near 10⁻²⁰⁰ would otherwise square to 0,
            // and a spread of 0 from underflow would turn the t-test into an exact comparison.
            let scale = RunningStatistics.powerOfTwo(atLeast: values.map { abs($0) }.filter(\.isFinite).max() ?? 0)
            guard scale > 0 else { return values.reduce(0, +) / Double(values.count) }
            let scaled = values.map { $0 / scale }
            let mean = scaled.reduce(0, +) / Double(scaled.count)
            let sd = scaled.count > 1 ? GSL.standardDeviation(scaled) : 0
            return (mean - (try quantile()) * sd / Double(scaled.count).squareRoot()) * scale
        }

        /// The upper confidence limit of the mean of per-batch estimates (the mirror of
        /// ``lowerLimit(_:)``).
        func upperLimit(_ values: [Double]) throws -> Double {
            -(try lowerLimit(values.map { -$0 }))
        }

        /// The first point whose margin (a quantity ≤ 0 where the assumption holds, with an
        /// absolute round-off tolerance) is shown to be positive.
        func firstViolation(_ samples: [Measurement],
                            margin: (Measurement, Int) throws -> (value: Double, tolerance: Double)) throws -> Violation? {
            for sample in samples {
                var values: [Double] = [], tolerance = 0.0
                for b in 0..<batches {
                    let m = try margin(sample, b)
                    values.append(m.value)
                    tolerance = max(tolerance, m.tolerance)
                }
                let mean = values.reduce(0, +) / Double(values.count)
                let lower = try lowerLimit(values)
                if lower > tolerance + 1e-300 {
                    return Violation(label: sample.point.label, mean: mean, lower: lower)
                }
            }
            return nil
        }
    }
}

/// ‖a − b‖².
private func distanceSquared(_ a: [Double], _ b: [Double]) -> Double {
    var total = 0.0
    for j in a.indices { let t = a[j] - b[j]; total += t * t }
    return total
}
