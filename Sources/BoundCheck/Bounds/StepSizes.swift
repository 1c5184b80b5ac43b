import GSL

/// Admissible step sizes (docs/theory.md §4): the largest γ each bound allows, found by GSL root finding
/// on its conditions, and the `step: theory` rule built from them.
public enum StepSizes {
    /// The largest γ satisfying every step-limiting condition of `bound`, with the condition
    /// that binds; nil when no condition limits the step. Margins decrease in γ; the root of
    /// their minimum is bracketed by [0, γ_hi] with γ_hi found by doubling from 1/L.
    public static func largestStep(_ bound: any Bound, context: BoundContext) throws -> (gamma: Double, binding: String)? {
        let limiting = bound.conditions(context).filter(\.limitsStep)
        guard !limiting.isEmpty else { return nil }
        // A margin that overflows (e.g. q = γ(1−β)/β for a subnormal β) or is NaN counts as a
        // failed condition, so root finding only ever sees finite values.
        func margin(_ gamma: Double) -> Double {
            let c = context.with(gamma: gamma)
            let value = limiting.map { $0.margin(c) }.min() ?? 1
            if value.isNaN || value == -.infinity { return -1 }
            return value == .infinity ? 1 : value
        }
        var high = 1 / max(context.L, 1e-300)
        var doublings = 0
        while margin(high) >= 0 {
            high *= 2
            doublings += 1
            if doublings > 200 { return nil }   // the step is not limited after all
        }
        guard margin(0) >= 0 else {
            throw BoundError(bound: bound.id, message: "no step size γ > 0 satisfies its conditions")
        }
        // A root below any usable step (e.g. β = 5e-324 makes q = γ(1−β)/β overflow) is not searched for.
        let smallest = 1e-300
        guard margin(smallest) >= 0 else {
            throw BoundError(bound: bound.id, message: "its conditions admit no step γ above \(smallest) (β = \(context.beta) is vanishingly small); use a larger β")
        }
        let gamma = try GSL.findRoot(in: 0, high, context: "largest admissible step of \(bound.id)") { margin($0) }
        // Root finding lands within round-off of the boundary; step inside it.
        var admissible = gamma
        while margin(admissible) < 0 { admissible = admissible.nextDown }
        guard admissible >= Double.leastNormalMagnitude else {
            throw BoundError(bound: bound.id, message: "its largest admissible step is 0 to double precision (β = \(context.beta))")
        }
        let binding = limiting.min { $0.margin(context.with(gamma: admissible)) < $1.margin(context.with(gamma: admissible)) }!.text
        return (admissible, binding)
    }

    /// Resolves a method's step: fixed, or `theory × factor` = factor × the smallest of the
    /// largest steps of the selected bounds that concern the method and whose other conditions
    /// hold. A bound that prescribes its step (``BoundStepRule/prescribes(formula:)``, EF-SGD's
    /// γ = 1/√(T+1)) sets it instead where it applies.
    public static func resolve(_ method: MethodSpec, instance: Instance, bounds: [any Bound],
                               contextFor: (ResolvedMethod) -> BoundContext) throws -> ResolvedMethod {
        switch method.step {
        case .fixed(let gamma):
            return ResolvedMethod(method, gamma: gamma, stepRule: "fixed γ = \(fmt(gamma))")
        case .theory(let factor):
            let probe = ResolvedMethod(method, gamma: 0, stepRule: "")
            let context = contextFor(probe)
            var best: (gamma: Double, bound: String, binding: String)?
            var skipped: [(bound: String, reason: String)] = []
            // The first bound that prescribes its step (EF-SGD) and applies at that step sets the
            // theory step (other bounds then judge that step, and may not apply to it).
            for bound in bounds {
                guard case .prescribes(let formula) = bound.stepRule, let gamma = bound.prescribedStep(context) else { continue }
                if bound.failedConditions(context.with(gamma: gamma)).isEmpty {
                    let rule = "theory\(factor == 1 ? "" : " × \(fmt(factor))"): \(bound.id)'s prescribed γ = \(formula) = \(fmt(gamma))"
                    return ResolvedMethod(method, gamma: factor * gamma, stepRule: rule)
                }
            }
            for bound in bounds {
                if case .prescribes = bound.stepRule { continue }
                // Conditions that do not involve the step must hold for the bound to have a say.
                let fixedFailures = bound.conditions(context).filter { !$0.limitsStep && !($0.margin(context) >= 0) }
                if !fixedFailures.isEmpty {
                    skipped.append((bound.id, fixedFailures.map { $0.failureText(context) }.joined(separator: "; ")))
                    continue
                }
                let found: (gamma: Double, binding: String)?
                do { found = try largestStep(bound, context: context) } catch let error as BoundError {
                    skipped.append((bound.id, error.message))
                    continue
                } catch {
                    skipped.append((bound.id, "its largest admissible step could not be computed (\(error))"))
                    continue
                }
                guard let limit = found else { continue }
                if best == nil || limit.gamma < best!.gamma { best = (limit.gamma, bound.id, limit.binding) }
            }
            guard let best else {
                // Bounds failing for the same reason are named together.
                var reasons: [(reason: String, bounds: [String])] = []
                for s in skipped {
                    if let i = reasons.firstIndex(where: { $0.reason == s.reason }) { reasons[i].bounds.append(s.bound) } else { reasons.append((s.reason, [s.bound])) }
                }
                let why = reasons.isEmpty
                    ? "none of the method's bounds limits the step"
                    : "none of the method's bounds applies, so none can set the step: "
                        + reasons.map { "\($0.bounds.joined(separator: ", ")): \($0.reason)" }.joined(separator: "; ")
                throw StepResolutionError(method: method.id, message: "step: theory cannot be resolved for method \(method.id): \(why). Fix the cause, or give the method a fixed step (a number > 0)")
            }
            let gamma = factor * best.gamma
            let rule = "theory\(factor == 1 ? "" : " × \(fmt(factor))"): largest step of \(best.bound) (\(best.binding)) = \(fmt(best.gamma))"
            return ResolvedMethod(method, gamma: gamma, stepRule: rule)
        }
    }
}

/// `step: theory` of a method could not be resolved: the message says why, in the file's terms.
public struct StepResolutionError: Error, CustomStringConvertible, Sendable {
    public var method: String
    public var message: String
    public var description: String { message }
}
