/// Running mean and variance (Welford), mergeable (Chan et al.) in a fixed order so that any
/// split of seeds over threads or shards gives the same bits when merged in seed-block order.
public struct RunningStatistics: Codable, Equatable, Sendable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    /// Σ (x − mean)²
    public private(set) var m2: Double = 0

    public init() {}

    public mutating func add(_ x: Double) {
        guard x.isFinite else { return }
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    public mutating func merge(_ other: RunningStatistics) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n = Double(count + other.count)
        let delta = other.mean - mean
        mean += delta * Double(other.count) / n
        m2 += other.m2 + delta * delta * Double(count) * Double(other.count) / n
        count += other.count
    }

    /// Sample variance (n − 1); 0 for one value.
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }
    public var standardDeviation: Double { variance.squareRoot() }
}

/// The metrics recorded at checkpoints (docs/bounds.md, "Kinds, metrics and notation").
public enum MetricIndex {
    public static let all: [Metric] = [.gap, .grad, .avgGrad, .minGrad, .virtualGap]
    static func index(_ m: Metric) -> Int { all.firstIndex(of: m)! }
}
