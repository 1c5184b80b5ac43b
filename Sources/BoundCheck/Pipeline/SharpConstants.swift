import Foundation

/// A derived (worst-case) constant a bound's floor uses, beside what the assumption probe
/// measured for it (docs/problem-files.md, "Testing a conjecture sharply"). The derived value
/// is valid for every point; the measured one is the smallest value the probe's points need,
/// which can be far smaller — a floor built on the derived value may then hold with room to
/// spare whatever the conjecture's true rate, so the report says so.
public struct FloorConstant: Codable, Sendable, Equatable {
    /// The constant's expression name (`zeta2`).
    public var name: String
    /// The value the bound used: computed, not declared.
    public var derived: Double
    /// The probe's measurement: the largest over its points of the lower confidence limit of
    /// what the point needs (noise alone does not inflate it).
    public var measured: Double
    /// The largest upper confidence limit over the points (statistical checks only): a value
    /// at least this large is not contradicted by the probe at its confidence.
    public var measuredUpper: Double?
    /// Whether this is the constant to declare at its measured value: of a pair measured one
    /// given the other (m and ζ², M and σ², B² and G²), the additive one when the floor uses it.
    public var suggested: Bool
}

/// What the bound's floor would be with the suggested constants declared at their measured
/// values (the upper confidence limit where there is one: the value the probe cannot contradict).
public struct FloorSensitivity: Codable, Sendable, Equatable {
    public var constants: [FloorConstant]
    public var floorAtMeasured: Double?
}

extension PreparedExperiment {
    /// The probe-measured constants of the assumption model and where the probe's check keeps
    /// them (the measured key, and the key of the upper limit).
    static let measurableConstants: [(name: ConstantName, check: ProbedAssumption, key: String)] = [
        (.m, .bias, "m given zeta2"), (.zeta2, .bias, "zeta2 given m"),
        (.M, .variance, "M given sigma2"), (.sigma2, .variance, "sigma2 given M"),
        (.B2, .heterogeneity, "B2 given G2"), (.G2, .heterogeneity, "G2 given B2"),
    ]

    /// For each method and bound (in ``PreparedExperiment/evaluateBounds(traces:assumeMeasured:)`` order): the
    /// derived constants its floor moves with whose measured value — its upper confidence limit
    /// where there is one — is below 99% of the derived one, and the floor at those values; nil where the bound has no positive floor
    /// or no such constant.
    public func floorSensitivities(traces: [MethodTrace], probe: ProbeReport?) -> [[FloorSensitivity?]] {
        spec.methods.enumerated().map { index, methodSpec in
            let bounds = catalog.bounds(for: methodSpec, fileSelection: spec.bounds, userBounds: userBounds)
            guard let probe else { return bounds.map { _ in nil } }
            let context = BoundEvaluator.context(instance: instance, method: methods[index], spec: methodSpec,
                                                 iterations: profile.iterations,
                                                 measuredSecondMoment: traces[safe: index]?.maxWorkerEstimateNorm2)
            return bounds.map { Self.floorSensitivity($0, context: context, probe: probe) }
        }
    }

    static func floorSensitivity(_ bound: any Bound, context: BoundContext, probe: ProbeReport) -> FloorSensitivity? {
        guard bound.failedConditions(context).isEmpty, let floor = try? bound.floor(context), floor.isFinite, floor > 0 else { return nil }
        var used: [FloorConstant] = []
        for (name, assumption, key) in measurableConstants {
            guard let entry = context.constants.entry(name), !entry.declared, entry.value > 0,
                  let check = probe.checks.first(where: { $0.id == assumption.rawValue }), check.verdict == .holds,
                  let measured = check.measured[key],
                  // Only where the data show the derived value is above what the points need (its
                  // upper confidence limit, or the exact value, below 99% of it): an exact derivation
                  // (a constant additive bias) has nothing to sharpen, and noise alone proves nothing.
                  (check.measuredUpper?[key] ?? measured) < 0.99 * entry.value else { continue }
            var moved = context
            moved.constants.entries[name.rawValue]?.value = entry.value * 2
            guard let other = try? bound.floor(moved), other.isFinite, abs(other - floor) > 1e-9 * floor else { continue }
            used.append(FloorConstant(name: name.rawValue, derived: entry.value, measured: max(measured, 0),
                                      measuredUpper: check.measuredUpper?[key], suggested: true))
        }
        guard !used.isEmpty else { return nil }
        // Each pair is measured one given the other: only one of them can be declared at its
        // measured value while the other keeps its derived one.
        for (multiplicative, additive) in [("m", "zeta2"), ("M", "sigma2"), ("B2", "G2")]
        where used.contains(where: { $0.name == additive }) {
            if let i = used.firstIndex(where: { $0.name == multiplicative }) { used[i].suggested = false }
        }
        var atMeasured = context
        for c in used where c.suggested { atMeasured.constants.entries[c.name]?.value = c.measuredUpper ?? c.measured }
        let floorAtMeasured = (try? bound.floor(atMeasured)).flatMap { $0.isFinite ? $0 : nil }
        return FloorSensitivity(constants: used, floorAtMeasured: floorAtMeasured)
    }
}
