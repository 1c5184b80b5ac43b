import Foundation

// MARK: - Data preparation

/// A band vertex in transformed space; `-infinity` marks a value clamped to
/// the bottom of a log axis.
struct BandVertex {
    var x: Double
    var lower: Double
    var upper: Double
}

/// A series reduced to what can be drawn, in transformed axis space.
struct PreparedSeries {
    var label: String
    /// Shown after the label in the legend when nothing of the series is drawable.
    var note: String?
    var color: String
    var style: LineStyle
    var markers: Bool
    var hasBand: Bool
    /// Maximal runs of consecutive drawable points; each becomes one polyline.
    var runs: [[PlotPoint]]
    /// Maximal runs of consecutive drawable band vertices; each becomes one polygon.
    var bandRuns: [[BandVertex]]

    init(_ series: PlotSeries, color: String, xScale: AxisScale, yScale: AxisScale) {
        label = series.label
        self.color = color
        style = series.style
        markers = series.markers

        let count = min(series.x.count, series.y.count)
        var runs: [[PlotPoint]] = []
        var current: [PlotPoint] = []
        var sawNonPositive = false
        for i in 0..<count {
            let xv = series.x[i], yv = series.y[i]
            if PlotAxis.isDrawable(xv, scale: xScale) && PlotAxis.isDrawable(yv, scale: yScale) {
                current.append(PlotPoint(x: PlotAxis.transform(xv, scale: xScale),
                                         y: PlotAxis.transform(yv, scale: yScale)))
            } else {
                if xv.isFinite && yv.isFinite { sawNonPositive = true }
                if !current.isEmpty { runs.append(current) }
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        self.runs = runs

        if runs.isEmpty {
            if count == 0 {
                note = "(no data)"
            } else if sawNonPositive {
                note = "(no positive values)"
            } else {
                note = "(no finite values)"
            }
        } else {
            note = nil
        }

        var bandRuns: [[BandVertex]] = []
        if let lower = series.lower, let upper = series.upper {
            hasBand = true
            let bandCount = min(series.x.count, lower.count, upper.count)
            var currentBand: [BandVertex] = []
            func bandValue(_ v: Double) -> Double {
                switch yScale {
                case .linear: return v
                case .log10: return v > 0 ? Foundation.log10(v) : -.infinity
                }
            }
            for i in 0..<bandCount {
                let xv = series.x[i], lo = lower[i], up = upper[i]
                if PlotAxis.isDrawable(xv, scale: xScale) && lo.isFinite && up.isFinite {
                    currentBand.append(BandVertex(x: PlotAxis.transform(xv, scale: xScale),
                                                  lower: bandValue(lo), upper: bandValue(up)))
                } else {
                    if !currentBand.isEmpty { bandRuns.append(currentBand) }
                    currentBand = []
                }
            }
            if !currentBand.isEmpty { bandRuns.append(currentBand) }
        } else {
            hasBand = false
        }
        self.bandRuns = bandRuns
    }

    var legendText: String {
        guard let note else { return label }
        return label.isEmpty ? note : label + " " + note
    }
}

// MARK: - Layout

/// Geometry of the legend box and its rows.
struct LegendGeometry {
    static let fontSize = 12.0
    static let padding = 8.0
    static let rowHeight = 18.0
    static let sampleWidth = 26.0
    static let gap = 6.0

    var texts: [String]
    var width: Double
    var height: Double

    init(texts rawTexts: [String], maxTextWidth: Double) {
        texts = rawTexts.map { TextMetrics.truncate($0, fontSize: Self.fontSize, maxWidth: maxTextWidth) }
        let textWidth = texts.map { TextMetrics.width($0, fontSize: Self.fontSize) }.max() ?? 0
        width = 2 * Self.padding + Self.sampleWidth + Self.gap + textWidth
        height = 2 * Self.padding + Self.rowHeight * Double(texts.count)
    }
}

/// Positions of everything on the canvas for one legend placement.
struct PlotLayout {
    var canvasWidth: Double
    var canvasHeight: Double
    var plot: PlotRect
    var xTicks: [AxisTick]
    var yTicks: [AxisTick]
    var legendOrigin: PlotPoint?
}
