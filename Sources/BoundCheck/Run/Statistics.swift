/// Running mean and standard deviation (Welford), mergeable (Chan et al.) in a fixed order so
/// that any split of seeds over threads or shards gives the same bits when merged in seed-block
/// order.
///
/// Scaled accumulation: values are accumulated as x/s with s a power of two at least max |x|
/// (rescaling by a power of two is exact), so neither the mean nor Σ(x − x̄)² can overflow or
/// underflow on finite input: metrics near 10³⁰⁰ or 10⁻³⁰⁰ keep a meaningful spread. The
/// variance itself (s² times a number ≤ n) can leave the double range; the standard deviation
/// s·√(…) cannot unless it truly does.
public struct RunningStatistics: Codable, Equatable, Sendable {
    public private(set) var count: Int = 0
    /// Mean and Σ (x − mean)² of the values divided by `scale`.
    public private(set) var scaledMean: Double = 0
    public private(set) var scaledM2: Double = 0
    /// A power of two ≥ every |x| added (1 before any nonzero value).
    public private(set) var scale: Double = 0

    public init() {}

    /// The smallest power of two ≥ |x| (0 for 0).
    static func powerOfTwo(atLeast x: Double) -> Double {
        let a = abs(x)
        guard a > 0, a.isFinite else { return 0 }
        let p = Double(sign: .plus, exponent: a.exponent, significand: 1)
        return p >= a ? p : 2 * p
    }

    private mutating func rescale(to newScale: Double) {
        guard newScale > scale else { return }
        if scale > 0 {
            let f = scale / newScale   // an exact power of two (may underflow to 0 for a huge jump)
            scaledMean *= f
            scaledM2 *= f * f
        }
        scale = newScale
    }

    public mutating func add(_ x: Double) {
        guard x.isFinite else { return }
        rescale(to: Self.powerOfTwo(atLeast: x))
        let y = scale > 0 ? x / scale : 0
        count += 1
        let delta = y - scaledMean
        scaledMean += delta / Double(count)
        scaledM2 += delta * (y - scaledMean)
    }

    public mutating func merge(_ other: RunningStatistics) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        var o = other
        let common = max(scale, o.scale)
        rescale(to: common)
        o.rescale(to: common)
        let n = Double(count + o.count)
        let delta = o.scaledMean - scaledMean
        scaledMean += delta * Double(o.count) / n
        scaledM2 += o.scaledM2 + delta * delta * Double(count) * Double(o.count) / n
        count += o.count
    }

    public var mean: Double { scaledMean * scale }
    /// Sample standard deviation (n − 1); 0 for one value.
    public var standardDeviation: Double { count > 1 ? (scaledM2 / Double(count - 1)).squareRoot() * scale : 0 }
    /// Sample variance (n − 1); may be ∞ for values above about 10¹⁵⁴ (use ``standardDeviation``).
    public var variance: Double { standardDeviation * standardDeviation }
}

/// The metrics recorded at checkpoints (docs/bounds.md, "Kinds, metrics and notation").
public enum MetricIndex {
    public static let all: [Metric] = [.gap, .grad, .avgGrad, .minGrad, .virtualGap, .lyapunov]
    static func index(_ m: Metric) -> Int { all.firstIndex(of: m)! }
}
