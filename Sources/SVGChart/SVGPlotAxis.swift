import Foundation

/// One tick on an axis. `position` is in the axis' transformed space (the
/// value itself on a linear axis, its base-10 logarithm on a log axis). Ticks
/// without a label are minor ticks: drawn shorter and without a grid line.
struct AxisTick: Equatable {
    var position: Double
    var label: String?
}

/// A plot axis: a scale and a range `[low, high]` in transformed space.
///
/// Working in transformed space makes log axes linear for all layout purposes:
/// margins, degenerate-range widening and pixel mapping are the same code.
struct PlotAxis {
    var scale: AxisScale
    var low: Double
    var high: Double

    /// Relative margin added on each side of the data range so that extreme
    /// points and markers do not sit on the frame.
    static let marginFraction = 0.04

    /// Whether `value` can be placed on an axis of this scale: finite and, for a
    /// log axis, strictly positive.
    static func isDrawable(_ value: Double, scale: AxisScale) -> Bool {
        switch scale {
        case .linear: return value.isFinite
        case .log10: return value.isFinite && value > 0
        }
    }

    /// Maps a drawable value to transformed space.
    static func transform(_ value: Double, scale: AxisScale) -> Double {
        switch scale {
        case .linear: return value
        case .log10: return Foundation.log10(value)
        }
    }

    /// The axis covering all `positions` (already transformed, all finite) plus
    /// a small margin. A degenerate range is widened: a linear axis by 10% of
    /// the value (±1 around zero), a log axis by half a decade each way. With no
    /// positions at all the axis is `[0, 1]` (1…10 on a log axis).
    static func fitting(_ positions: [Double], scale: AxisScale) -> PlotAxis {
        guard let lo = positions.min(), let hi = positions.max() else {
            return PlotAxis(scale: scale, low: 0, high: 1)
        }
        let magnitude = max(1, abs(lo), abs(hi))
        if hi - lo <= 1e-12 * magnitude {
            let centre = (lo + hi) / 2
            switch scale {
            case .linear:
                let half = centre == 0 ? 1 : abs(centre) * 0.1
                return PlotAxis(scale: scale, low: centre - half, high: centre + half)
            case .log10:
                return PlotAxis(scale: scale, low: centre - 0.5, high: centre + 0.5)
            }
        }
        let margin = (hi - lo) * marginFraction
        return PlotAxis(scale: scale, low: lo - margin, high: hi + margin)
    }

    /// Fraction of the way along the axis (0 at `low`, 1 at `high`) of a
    /// transformed position. `-infinity` (a clamped non-positive band value on a
    /// log axis) maps to 0, the bottom of the axis.
    func fraction(_ position: Double) -> Double {
        if position == -.infinity { return 0 }
        return (position - low) / (high - low)
    }

    /// Ticks for an axis `pixelLength` long, aiming for at most one labelled
    /// tick every `minSpacing` pixels.
    func ticks(pixelLength: Double, minSpacing: Double) -> [AxisTick] {
        let maxLabels = max(2, Int(pixelLength / max(1, minSpacing)))
        switch scale {
        case .linear:
            return LinearTicks.ticks(low: low, high: high, target: maxLabels)
        case .log10:
            return LogTicks.ticks(low: low, high: high, maxLabels: maxLabels)
        }
    }
}

/// "Nice" linear ticks with steps of 1, 2 or 5 times a power of ten.
enum LinearTicks {
    /// A 1-2-5 step: `mantissa × 10^exponent`.
    struct Step: Equatable {
        var mantissa: Int
        var exponent: Int
        var value: Double { Double(mantissa) * pow(10, Double(exponent)) }

        /// The next smaller 1-2-5 step.
        var smaller: Step {
            switch mantissa {
            case 5: return Step(mantissa: 2, exponent: exponent)
            case 2: return Step(mantissa: 1, exponent: exponent)
            default: return Step(mantissa: 5, exponent: exponent - 1)
            }
        }
    }

    /// The 1-2-5 step nearest to `span / target`.
    static func niceStep(span: Double, target: Int) -> Step {
        let raw = span / Double(max(1, target))
        guard raw.isFinite, raw > 0 else { return Step(mantissa: 1, exponent: 0) }
        var exponent = Int(floor(log10(raw)))
        let normalised = raw / pow(10, Double(exponent))
        let mantissa: Int
        if normalised < 1.5 {
            mantissa = 1
        } else if normalised < 3.5 {
            mantissa = 2
        } else if normalised < 7.5 {
            mantissa = 5
        } else {
            mantissa = 1
            exponent += 1
        }
        return Step(mantissa: mantissa, exponent: exponent)
    }

    /// Multiples of `step` inside `[low, high]`.
    static func values(low: Double, high: Double, step: Step) -> [Double] {
        let s = step.value
        let first = (low / s - 1e-9).rounded(.up)
        let last = (high / s + 1e-9).rounded(.down)
        guard first.isFinite, last.isFinite, last >= first, last - first < 1000 else { return [] }
        var result: [Double] = []
        var i = first
        while i <= last {
            let v = i * s
            result.append(abs(v) < s * 1e-9 ? 0 : v)
            i += 1
        }
        return result
    }

    /// At least two labelled ticks, at most about `target` of them.
    static func ticks(low: Double, high: Double, target: Int) -> [AxisTick] {
        var step = niceStep(span: high - low, target: target)
        var vals = values(low: low, high: high, step: step)
        var attempts = 0
        while vals.count < 2 && attempts < 6 {
            step = step.smaller
            vals = values(low: low, high: high, step: step)
            attempts += 1
        }
        let labels = format(vals, step: step)
        return zip(vals, labels).map { AxisTick(position: $0, label: $1) }
    }

    /// Labels with exactly as many decimals as the step needs; scientific
    /// notation for very large or very small magnitudes.
    static func format(_ values: [Double], step: Step) -> [String] {
        let maxAbs = values.map(abs).max() ?? 0
        if maxAbs >= 1e6 || (maxAbs > 0 && maxAbs < 1e-3) {
            return values.map { v in
                if v == 0 { return "0" }
                let e = Int(floor(log10(abs(v))))
                return SVGFormat.scientific(v, mantissaDecimals: max(0, e - step.exponent))
            }
        }
        let decimals = max(0, -step.exponent)
        return values.map { SVGFormat.fixed($0, decimals: decimals) }
    }
}

/// Ticks for log10 axes.
///
/// * Two or more decades in range (and at least 1.5 decades of span): labelled
///   ticks at powers of ten (every n-th decade if they would crowd), with
///   unlabelled minor ticks at 2…9 × 10^k when there are few decades.
/// * Narrower ranges: labelled ticks at 1, 2 and 5 × 10^k.
/// * Narrower still (fewer than three such ticks): nice linear ticks on the
///   untransformed values, placed logarithmically.
enum LogTicks {
    static func ticks(low: Double, high: Double, maxLabels: Int) -> [AxisTick] {
        let firstDecade = Int((low - 1e-9).rounded(.up))
        let lastDecade = Int((high + 1e-9).rounded(.down))
        let decadeCount = max(0, lastDecade - firstDecade + 1)

        if decadeCount >= 2 && high - low >= 1.5 {
            return decadeTicks(low: low, high: high, first: firstDecade, last: lastDecade, maxLabels: maxLabels)
        }

        var oneTwoFive: [AxisTick] = []
        let kLow = Int(low.rounded(.down)), kHigh = Int(high.rounded(.up))
        if kLow <= kHigh {
            for k in kLow...kHigh {
                for m in [1, 2, 5] {
                    let position = log10(Double(m)) + Double(k)
                    if position >= low - 1e-9 && position <= high + 1e-9 {
                        oneTwoFive.append(AxisTick(position: position, label: label(mantissa: m, exponent: k)))
                    }
                }
            }
        }
        if oneTwoFive.count >= 3 && oneTwoFive.count <= max(3, maxLabels) {
            return oneTwoFive
        }
        if decadeCount >= 2 {
            return decadeTicks(low: low, high: high, first: firstDecade, last: lastDecade, maxLabels: maxLabels)
        }
        let linear = LinearTicks.ticks(low: pow(10, low), high: pow(10, high), target: max(2, min(maxLabels, 6)))
        return linear.compactMap { tick in
            guard tick.position > 0 else { return nil }
            return AxisTick(position: log10(tick.position), label: tick.label)
        }
    }

    private static func decadeTicks(low: Double, high: Double, first: Int, last: Int, maxLabels: Int) -> [AxisTick] {
        let count = last - first + 1
        let stride = niceStride(max(1, (count + maxLabels - 1) / maxLabels))
        func isLabelled(_ k: Int) -> Bool { ((k % stride) + stride) % stride == 0 }
        // Aligning labels to multiples of the stride reads best (1e-6, 1e-3, 1),
        // but may leave a single label; then count from the first decade.
        let useIndex = (first...last).filter(isLabelled).count < 2
        var ticks: [AxisTick] = []
        for k in first...last {
            let isMajor = useIndex ? (k - first) % stride == 0 : isLabelled(k)
            // Unlabelled decades are minor ticks, unless there are so many that
            // they would merge into a solid bar.
            if isMajor || count <= 60 {
                ticks.append(AxisTick(position: Double(k), label: isMajor ? label(mantissa: 1, exponent: k) : nil))
            }
        }
        if stride == 1 && count <= 8 {
            for k in (first - 1)...last {
                for m in 2...9 {
                    let position = log10(Double(m)) + Double(k)
                    if position > low && position < high {
                        ticks.append(AxisTick(position: position, label: nil))
                    }
                }
            }
        }
        return ticks.sorted { $0.position < $1.position }
    }

    /// Up to 5 decades per label any stride reads well; beyond that, round up
    /// to 1, 2 or 5 × 10^e decades so labels land on round exponents.
    static func niceStride(_ needed: Int) -> Int {
        if needed <= 5 { return needed }
        var magnitude = 1
        while true {
            for m in [1, 2, 5] where m * magnitude >= needed {
                return m * magnitude
            }
            magnitude *= 10
        }
    }

    /// `m × 10^k` as plain decimal for 10^-2 … 10^3 ("0.05", "1", "200") and as
    /// compact scientific notation beyond ("1e-4", "5e6").
    static func label(mantissa: Int, exponent: Int) -> String {
        if exponent >= -2 && exponent <= 3 {
            let value = Double(mantissa) * pow(10, Double(exponent))
            return SVGFormat.fixed(value, decimals: max(0, -exponent))
        }
        return "\(mantissa)e\(exponent)"
    }
}
