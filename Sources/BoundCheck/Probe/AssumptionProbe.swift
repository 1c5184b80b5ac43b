import Foundation
import GSL
import Synchronization

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
    ///   - trajectories: each method's seed-0 points as the runs kept them
    ///     (``trajectories(from:methods:)``); nil runs seed 0 again (same points, same bits).
    ///   - jobs: threads measuring the points (each point has its own stream: same result for any).
    public static func run(_ prepared: PreparedExperiment, confidence: Double? = nil,
                           settings: ProbeSettings = .standard, boundComparisons: Int? = nil,
                           trajectories: [[ProbeTrajectoryPoint]]? = nil, jobs: Int = 1) throws -> ProbeReport {
        let instance = prepared.instance
        let deterministic = instance.oracleConstants.deterministic
        let level = confidence ?? prepared.spec.confidence
        let locations = probeLocations(prepared, settings: settings, trajectories: trajectories)
        let runEstimates = prepared.profile.iterations * prepared.profile.seeds * max(prepared.methods.count, 1)
        let (samples, batches, perBatch) = sampling(settings: settings, runEstimates: runEstimates,
                                                    points: locations.count, deterministic: deterministic)

        let slots = Mutex([Measurement?](repeating: nil, count: locations.count))
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, locations.count))) { thread in
            for index in stride(from: thread, to: locations.count, by: max(1, min(jobs, locations.count))) {
                let location = locations[index]
                let m = measure(instance, at: location.x, label: location.label, methodID: location.methodID,
                                pointIndex: index, batches: batches, perBatch: perBatch)
                slots.withLock { $0[index] = m }
            }
        }
        let measured = slots.withLock { $0.map { $0! } }

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
        let others = boundComparisons ?? prepared.plannedComparisons
        let divisor = max(statistical + others, 1)
        let test = StatisticalTest(confidence: level, comparisons: divisor, batches: batches)
        let testText = deterministic
            ? "exact (deterministic oracle), relative round-off 1e-9"
            : "one-sided Student-t over \(batches) batches of \(perBatch) samples, confidence \(level), Bonferroni over \(divisor) comparisons (\(statistical) here, \(others) bound checks\(prepared.spec.compare.isEmpty ? "" : " and paired comparisons"))"

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
}
