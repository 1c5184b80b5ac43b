import Foundation
import GSL

/// A bound evaluated for one method: applicability, its values at the checkpoints, its floor,
/// the largest step it allows. Verdicts are added downstream (Verdicts/).
public struct BoundEvaluation: Codable, Sendable, Equatable {
    public var id: String
    public var kind: BoundKind
    public var source: String
    public var metric: Metric
    public var formula: String
    /// Every condition, in words.
    public var conditions: [String]
    /// The conditions that fail (empty when the bound applies).
    public var failedConditions: [String]
    /// The largest γ the bound allows and the condition that binds it.
    public var largestStep: Double?
    public var bindingCondition: String?
    /// Checkpoint iterations and the bound there (nil where the bound is not stated).
    public var checkpoints: [Int]
    public var values: [Double?]
    /// The K → ∞ limit (residual error), nil when not applicable.
    public var floor: Double?
    /// Extra facts (optimal ρ, δ, which G² was used).
    public var notes: [String: Double]
    /// Why the bound could not be evaluated, if it could not (a GSL failure, a domain error).
    public var error: String?
    /// The probed assumptions (A1–A6) the bound relies on.
    public var assumptions: [String] = []
    /// The decay of the bound's rate part B(k) − floor over the checkpoints k ≥ 1: the slope of
    /// its log against k for gap metrics (log of the contraction per iteration) or against log k
    /// for gradient metrics (the exponent). Nil when not applicable or with too few points.
    public var rateSlope: Double?

    /// "contraction 0.995/iteration" or "∝ K^-1", from ``rateSlope``.
    public var rateDescription: String? {
        guard let slope = rateSlope else { return nil }
        return metric == .gap || metric == .virtualGap || metric == .lyapunov ? "contraction \(fmt(exp(slope)))/iteration" : "∝ K^\(fmt(slope))"
    }

    public var applicable: Bool { failedConditions.isEmpty && error == nil }
}

public enum BoundEvaluator {
    /// Least-squares slope (GSL) of log(B(k) − floor) against k (gap metrics) or log k.
    static func rateSlope(_ e: BoundEvaluation) -> Double? {
        let floor = e.floor ?? 0
        let points = zip(e.checkpoints, e.values).compactMap { k, v -> (Double, Double)? in
            guard k >= 1, let v, v - floor > 0, (v - floor).isFinite else { return nil }
            return (e.metric == .gap || e.metric == .virtualGap || e.metric == .lyapunov ? Double(k) : log(Double(k)), log(v - floor))
        }
        guard points.count >= 3 else { return nil }
        return try? GSL.linearFit(x: points.map(\.0), y: points.map(\.1), context: "rate of bound \(e.id)").slope
    }

    /// The context for a method of an instance. `measuredSecondMoment` comes from the runs
    /// (nil before running: `bounds` without simulation).
    public static func context(instance: Instance, method: ResolvedMethod, spec: MethodSpec, iterations: Int,
                               measuredSecondMoment: Double?) -> BoundContext {
        let workers = instance.workerBounds
        var context = BoundContext(
            constants: instance.constants, method: method, methodSpec: spec,
            fstarExact: !instance.problemConstants.fstarIsLowerBound,
            deterministicOracle: instance.oracleConstants.deterministic,
            unbiasedOracle: workers.allSatisfy { $0.biasM == 0 && $0.biasZeta2 == 0 },
            workerVariance: workers.map(\.noiseSigma2).max() ?? 0,
            workerVarianceIsConstant: workers.allSatisfy { $0.noiseM == 0 },
            firstGradientGap: nil, firstGradientNorm2: nil,
            iterations: iterations, measuredSecondMoment: measuredSecondMoment,
            stronglyConvex: instance.family.guarantees.stronglyConvex)
        // L̃ costs an eigenvalue problem per worker on data families: asked for only where the
        // method's bounds read it. A failure to compute it leaves it absent, and the bounds that
        // need it say "not applicable: L̃ unavailable".
        context.workerSmoothness = instance.problemConstants.workerSmoothness?.value
            ?? (spec.settings.readsWorkerSmoothness ? (try? instance.objective.onDemandWorkerSmoothness())??.value : nil)
        context.initialDistortion = spec.settings.initialDistortion(instance: instance)
        if (spec.settings as? Sgdm)?.initialization == .firstGradient, instance.oracleConstants.deterministic {
            let g0 = Simulation.aggregatedEstimate(instance: instance, at: instance.start)
            let q = method.gamma * (1 - method.beta) / method.beta
            let z0 = zip(instance.start, g0).map { $0 - q * $1 }
            context.firstGradientGap = instance.objective.value(at: z0) - (instance.constants[.fstar] ?? 0)
            context.firstGradientNorm2 = Vec.normSquared(g0)
        }
        return context
    }

    public static func evaluate(_ bound: any Bound, context: BoundContext, checkpoints: [Int]) -> BoundEvaluation {
        let conditions = bound.conditions(context)
        var evaluation = BoundEvaluation(
            id: bound.id, kind: bound.kind, source: bound.source, metric: bound.metric, formula: bound.formula,
            conditions: conditions.map(\.text), failedConditions: bound.failedConditions(context),
            largestStep: nil, bindingCondition: nil, checkpoints: checkpoints,
            values: checkpoints.map { _ in nil }, floor: nil, notes: [:], error: nil,
            assumptions: bound.assumptions.sorted())
        do {
            if let limit = try StepSizes.largestStep(bound, context: context) {
                evaluation.largestStep = limit.gamma
                evaluation.bindingCondition = limit.binding
            }
        } catch where evaluation.failedConditions.isEmpty {
            evaluation.error = "\(error)"
        } catch {
            // No admissible step because a condition fails: that is "not applicable", said below.
        }
        // A condition that cannot be evaluated is an error, even if another one fails.
        let conditionErrors = bound.conditionErrors(context)
        if !conditionErrors.isEmpty {
            evaluation.error = conditionErrors.joined(separator: "; ")
            return evaluation
        }
        guard evaluation.failedConditions.isEmpty else { return evaluation }
        do {
            evaluation.values = try checkpoints.map { k in
                guard bound.isStated(at: k, context: context) else { return nil }
                let value = try bound.value(context, K: Double(k))
                guard value.isFinite else {
                    throw BoundError(bound: bound.id, message: "the bound evaluates to \(value) at K = \(k)")
                }
                return value
            }
            evaluation.notes = bound.notes(context)
        } catch {
            evaluation.error = "\(error)"
            evaluation.values = checkpoints.map { _ in nil }
        }
        // The floor (K → ∞) is descriptive: a limit that does not exist is left out, not an error.
        if evaluation.error == nil, let floor = try? bound.floor(context), floor.isFinite { evaluation.floor = floor }
        if evaluation.error == nil { evaluation.rateSlope = rateSlope(evaluation) }
        return evaluation
    }
}
