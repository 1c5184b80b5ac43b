import GSL

/// The rate check of docs/theory.md §6: how fast the observed mean decays in the transient, against how
/// fast the bound's rate part decays over the same checkpoints. A descriptive check (it never
/// fails a report): a bound can hold while its predicted rate is slower than what the runs show.
///
/// - Gap metrics (μ-PL bounds): log(observed − plateau) against k, a contraction rate per
///   iteration; predicted: log(B(k) − floor) against k (log r for AS-2 and F2).
/// - Gradient metrics (nonconvex bounds): log(observed − plateau) against log k, a decay
///   exponent; predicted: log(B(k) − floor) against log k (−1 for AS-1 and F1, −½ for EF-SGD).
///
/// The plateau is the observed mean over the last quarter of the checkpoints (the runs' own
/// floor). The transient is the checkpoints with k ≥ 1 where the observed mean is at least twice
/// the plateau and its excess over the plateau is at least 5% of the excess at the first k ≥ 1.
public struct RateFit: Codable, Sendable, Equatable {
    public enum Model: String, Codable, Sendable {
        /// log y = a + s·k
        case exponential
        /// log y = a + s·log k
        case power
    }

    public var model: Model
    public var observedSlope: Double
    public var observedSlopeStandardError: Double
    public var predictedSlope: Double
    /// Checkpoints in the transient that were fitted.
    public var points: Int
    public var firstK: Int
    public var lastK: Int
    /// Exponential model: whether the runs contract at least 90% as fast as the bound's rate
    /// part. Nil for the power model: within a finite run the exponent of avg-grad is above its
    /// asymptotic −1 while ‖∇f‖² is still falling (the partial sums still grow), so a slower
    /// exponent there says nothing against a K⁻¹ bound.
    public var consistent: Bool?

    /// nil when fewer than three checkpoints lie in the transient or the bound has no decaying part.
    public static func fit(metric: Metric, comparisons: [CheckpointComparison], floor: Double?, plateau: Double) throws -> RateFit? {
        let model: Model = (metric == .gap || metric == .virtualGap || metric == .lyapunov) ? .exponential : .power
        let floor = floor ?? 0
        let level = max(plateau, 0)
        guard let first = comparisons.first(where: { $0.k >= 1 }), first.observed - level > 0 else { return nil }
        let transient = comparisons.filter {
            $0.k >= 1 && $0.observed - level >= 0.05 * (first.observed - level) && $0.observed >= 2 * level && $0.bound - floor > 0
                // Finite only: a bound that overflows (an extreme declared constant) has no rate to fit.
                && ($0.bound - floor).isFinite && ($0.observed - level).isFinite
        }
        guard transient.count >= 3 else { return nil }
        let x = transient.map { model == .exponential ? Double($0.k) : log(Double($0.k)) }
        let observed = try GSL.linearFit(x: x, y: transient.map { log($0.observed - level) }, context: "rate fit of the observed mean")
        let predicted = try GSL.linearFit(x: x, y: transient.map { log($0.bound - floor) }, context: "rate fit of the bound's rate part")
        let consistent: Bool? = model == .power ? nil : (predicted.slope >= 0 || observed.slope <= 0.9 * predicted.slope)
        return RateFit(model: model, observedSlope: observed.slope, observedSlopeStandardError: observed.slopeStandardError,
                       predictedSlope: predicted.slope, points: transient.count, firstK: transient.first!.k,
                       lastK: transient.last!.k, consistent: consistent)
    }

    /// "contraction 0.9931/iter observed vs 0.9950 predicted" or "exponent −1.02 vs −1.00".
    public var summary: String {
        switch model {
        case .exponential:
            return "contraction \(fmt(exp(observedSlope)))/iteration observed vs \(fmt(exp(predictedSlope))) predicted"
        case .power:
            return "decay exponent \(fmt(observedSlope)) observed vs \(fmt(predictedSlope)) predicted"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
