import CGSL

extension GSL {
    /// Sample mean (`gsl_stats_mean`).
    public static func mean(_ values: [Double]) -> Double {
        ensureInitialized()
        guard !values.isEmpty else { return .nan }
        return values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, values.count) }
    }

    /// Sample standard deviation with the n − 1 denominator (`gsl_stats_sd`); 0 for one value.
    public static func standardDeviation(_ values: [Double]) -> Double {
        ensureInitialized()
        guard values.count >= 2 else { return values.isEmpty ? .nan : 0 }
        return values.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, values.count) }
    }
}
