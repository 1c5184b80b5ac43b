import Foundation
import GSL

extension AssumptionProbe {
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
func distanceSquared(_ a: [Double], _ b: [Double]) -> Double {
    var total = 0.0
    for j in a.indices { let t = a[j] - b[j]; total += t * t }
    return total
}
