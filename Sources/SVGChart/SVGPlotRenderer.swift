import Foundation

struct SVGPlotRenderer {
    static let tickFontSize = 11.0
    static let labelFontSize = 13.0
    static let titleFontSize = 15.0
    static let bandOpacity = "0.3"
    static let clipID = "plot-area"

    let plot: LinePlot
    let prepared: [PreparedSeries]
    let xAxis: PlotAxis
    let yAxis: PlotAxis
    let hasData: Bool
    let canvasWidth: Double
    let canvasHeight: Double

    init(plot: LinePlot) {
        self.plot = plot
        canvasWidth = Double(max(plot.width, 240))
        canvasHeight = Double(max(plot.height, 180))
        var paletteIndex = 0
        var prepared: [PreparedSeries] = []
        for series in plot.series {
            let color: String
            if let explicit = series.color {
                color = explicit
            } else {
                color = PlotPalette.color(paletteIndex)
                paletteIndex += 1
            }
            prepared.append(PreparedSeries(series, color: color, xScale: plot.xScale, yScale: plot.yScale))
        }
        self.prepared = prepared

        var xs: [Double] = []
        var ys: [Double] = []
        for series in prepared {
            for run in series.runs {
                for p in run {
                    xs.append(p.x)
                    ys.append(p.y)
                }
            }
            for run in series.bandRuns where run.count >= 2 {
                for v in run {
                    xs.append(v.x)
                    if v.lower.isFinite { ys.append(v.lower) }
                    if v.upper.isFinite { ys.append(v.upper) }
                }
            }
        }
        hasData = !xs.isEmpty
        xAxis = PlotAxis.fitting(xs, scale: plot.xScale)
        yAxis = PlotAxis.fitting(ys, scale: plot.yScale)
    }

    // MARK: Layout

    var topMargin: Double { plot.title.isEmpty ? 16 : 44 }
    var bottomMargin: Double { plot.xLabel.isEmpty ? 34 : 54 }

    /// Ticks whose labels do not collide: start dense and thin out.
    func fittedTicks(_ axis: PlotAxis, length: Double, horizontal: Bool) -> [AxisTick] {
        guard hasData else { return [] }
        // Log decade labels are short ("100", "1e4"); linear ones may be long ("0.25").
        var spacing = horizontal ? (axis.scale == .log10 ? 45.0 : 70.0) : 42.0
        var ticks = axis.ticks(pixelLength: length, minSpacing: spacing)
        for _ in 0..<8 {
            if !labelsCollide(ticks, axis: axis, length: length, horizontal: horizontal) { break }
            spacing *= 1.4
            ticks = axis.ticks(pixelLength: length, minSpacing: spacing)
        }
        return ticks
    }

    func labelsCollide(_ ticks: [AxisTick], axis: PlotAxis, length: Double, horizontal: Bool) -> Bool {
        var previous: (position: Double, halfExtent: Double)?
        for tick in ticks {
            guard let label = tick.label else { continue }
            let position = axis.fraction(tick.position) * length
            let half = horizontal
                ? TextMetrics.width(label, fontSize: Self.tickFontSize) / 2
                : Self.tickFontSize / 2
            if let prev = previous, abs(position - prev.position) < prev.halfExtent + half + 6 {
                return true
            }
            previous = (position, half)
        }
        return false
    }

    func maxLabelWidth(_ ticks: [AxisTick]) -> Double {
        ticks.compactMap { $0.label }.map { TextMetrics.width($0, fontSize: Self.tickFontSize) }.max() ?? 0
    }

    func layout(legend: LegendGeometry?, outside: Bool) -> PlotLayout {
        let top = topMargin
        let plotHeight = canvasHeight - top - bottomMargin
        let yTicks = fittedTicks(yAxis, length: plotHeight, horizontal: false)
        var left = 10 + (plot.yLabel.isEmpty ? 0 : 22) + max(maxLabelWidth(yTicks), 8) + 10
        let rightLimit: Double // rightmost x any x-tick label may reach
        var right: Double
        if outside, let legend {
            rightLimit = canvasWidth - 12 - legend.width - 6
            right = 12 + legend.width + 18
        } else {
            rightLimit = canvasWidth - 4
            right = 20
        }
        var xTicks = fittedTicks(xAxis, length: canvasWidth - left - right, horizontal: true)
        // Keep the outermost x tick labels on the canvas (and off an outside legend).
        let labelled = xTicks.filter { $0.label != nil }
        if let first = labelled.first, let last = labelled.last {
            let plotWidth = canvasWidth - left - right
            let firstX = left + xAxis.fraction(first.position) * plotWidth
            let lastX = left + xAxis.fraction(last.position) * plotWidth
            let leftOverflow = 4 - (firstX - TextMetrics.width(first.label ?? "", fontSize: Self.tickFontSize) / 2)
            let rightOverflow = lastX + TextMetrics.width(last.label ?? "", fontSize: Self.tickFontSize) / 2 - rightLimit
            if leftOverflow > 0 || rightOverflow > 0 {
                left += max(0, leftOverflow)
                right += max(0, rightOverflow)
                xTicks = fittedTicks(xAxis, length: canvasWidth - left - right, horizontal: true)
            }
        }
        let rect = PlotRect(x: left, y: top, width: canvasWidth - left - right, height: plotHeight)
        var height = canvasHeight
        var origin: PlotPoint?
        if outside, let legend {
            origin = PlotPoint(x: canvasWidth - 12 - legend.width, y: top)
            height = max(height, top + legend.height + 10)
        }
        return PlotLayout(canvasWidth: canvasWidth, canvasHeight: height, plot: rect,
                          xTicks: xTicks, yTicks: yTicks, legendOrigin: origin)
    }

    /// Maps a transformed-space point into canvas pixels.
    func pixel(_ p: PlotPoint, in rect: PlotRect) -> PlotPoint {
        PlotPoint(x: rect.x + xAxis.fraction(p.x) * rect.width,
                  y: rect.maxY - yAxis.fraction(p.y) * rect.height)
    }

    func bandPolygon(_ run: [BandVertex], in rect: PlotRect) -> [PlotPoint] {
        let upper = run.map { pixel(PlotPoint(x: $0.x, y: $0.upper), in: rect) }
        let lower = run.reversed().map { pixel(PlotPoint(x: $0.x, y: $0.lower), in: rect) }
        return upper + lower
    }

    /// Whether a legend box at `box` would hide any line, marker or band.
    func legendCovers(_ box: PlotRect, in rect: PlotRect) -> Bool {
        let inflated = box.insetBy(-4)
        let centre = PlotPoint(x: box.x + box.width / 2, y: box.y + box.height / 2)
        for series in prepared {
            for run in series.runs {
                let points = run.map { pixel($0, in: rect) }
                if points.count == 1, inflated.contains(points[0]) { return true }
                for i in points.indices.dropFirst() where inflated.intersectsSegment(points[i - 1], points[i]) {
                    return true
                }
            }
            for run in series.bandRuns where run.count >= 2 {
                let polygon = bandPolygon(run, in: rect)
                if polygonContains(polygon, centre) { return true }
                for i in polygon.indices {
                    let next = polygon[(i + 1) % polygon.count]
                    if inflated.intersectsSegment(polygon[i], next) { return true }
                }
            }
        }
        return false
    }

    func chooseLayout() -> (PlotLayout, LegendGeometry?) {
        guard !prepared.isEmpty else { return (layout(legend: nil, outside: false), nil) }
        let legend = LegendGeometry(texts: prepared.map(\.legendText),
                                    maxTextWidth: max(80, canvasWidth * 0.4))
        let inside = layout(legend: legend, outside: false)
        let rect = inside.plot
        let inset = 10.0
        if legend.width <= rect.width * 0.6 && legend.height <= rect.height * 0.6 {
            let xs = (right: rect.maxX - inset - legend.width, left: rect.x + inset)
            let ys = (top: rect.y + inset, bottom: rect.maxY - inset - legend.height)
            let corners = [
                PlotPoint(x: xs.right, y: ys.top),
                PlotPoint(x: xs.left, y: ys.top),
                PlotPoint(x: xs.right, y: ys.bottom),
                PlotPoint(x: xs.left, y: ys.bottom),
            ]
            for corner in corners {
                let box = PlotRect(x: corner.x, y: corner.y, width: legend.width, height: legend.height)
                if !legendCovers(box, in: rect) {
                    var result = inside
                    result.legendOrigin = corner
                    return (result, legend)
                }
            }
        }
        return (layout(legend: legend, outside: true), legend)
    }

}
