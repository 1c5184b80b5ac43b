import Foundation

/// How values are placed along an axis.
public enum AxisScale: Sendable {
    case linear
    /// Logarithmic; non-positive values cannot be drawn and are skipped.
    case log10
}

/// Stroke pattern of a series' line.
public enum LineStyle: Sendable, CaseIterable {
    case solid, dashed, dotted, dashDot, longDash
}

/// One line of a `LinePlot`, optionally with a confidence band.
///
/// Points are drawn in the order given (they are not sorted). If `x` and `y`
/// differ in length the extra values are ignored. A point is skipped when
/// either coordinate is non-finite or, on a log axis, non-positive; the line is
/// broken at a skipped point rather than joined across it.
public struct PlotSeries: Sendable {
    public var label: String
    public var x: [Double]
    public var y: [Double]
    /// Lower edge of an optional band (same length as `x`). The band is drawn
    /// only when both `lower` and `upper` are set, as a translucent polygon
    /// under the lines. Non-finite band values break the band; non-positive
    /// band values on a log y axis are clamped to the bottom of the axis.
    public var lower: [Double]?
    /// Upper edge of the optional band; see `lower`.
    public var upper: [Double]?
    public var style: LineStyle
    /// Any SVG colour (`"#D55E00"`, `"black"`); `nil` takes the next colour of
    /// the Okabe–Ito palette, counting only series without an explicit colour.
    public var color: String?
    /// Small circles at the drawable points.
    public var markers: Bool

    public init(
        label: String,
        x: [Double],
        y: [Double],
        lower: [Double]? = nil,
        upper: [Double]? = nil,
        style: LineStyle = .solid,
        color: String? = nil,
        markers: Bool = false
    ) {
        self.label = label
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
        self.style = style
        self.color = color
        self.markers = markers
    }
}

/// A deterministic SVG line chart meant to be committed next to Markdown
/// reports and shown by GitHub as an image.
///
/// Output rules (so that GitHub renders it and diffs stay quiet):
/// * identical input gives byte-identical output: coordinates have at most two
///   decimals, tick labels use fixed formats, nothing depends on dates,
///   locale or hashing;
/// * standalone SVG 1.1 with inline presentation attributes only: no `<style>`,
///   no scripts, no external fonts (GitHub sanitises those); text is
///   `font-family="sans-serif"`;
/// * data is drawn inside a `clipPath` of the plot area, so nothing can spill
///   over the axes.
///
/// Layout: the title sits at the top, x-axis label below the plot, y-axis label
/// rotated at the left. The left margin grows with the widest y tick label.
/// The legend is first tried inside the plot area, in the first corner (top
/// right, top left, bottom right, bottom left) that covers no line, band edge
/// or marker; if none is free or the legend is too large for the plot area, it
/// moves outside to the right and the plot narrows (the canvas grows
/// downward if the legend is taller than it). Long legend labels are truncated
/// with an ellipsis so the plot keeps most of the width. Text widths are
/// estimated (0.6 em per glyph) because the viewer's font is unknown.
public struct LinePlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale
    public var yScale: AxisScale
    public var series: [PlotSeries]
    /// Canvas size in SVG user units (pixels); values below 240×180 are raised
    /// to that minimum.
    public var width = 720, height = 420

    public init(
        title: String,
        xLabel: String,
        yLabel: String,
        xScale: AxisScale = .linear,
        yScale: AxisScale = .linear,
        series: [PlotSeries],
        width: Int = 720,
        height: Int = 420
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
        self.series = series
        self.width = width
        self.height = height
    }

    /// The chart as a complete SVG document (with XML declaration, ending in a
    /// newline).
    public func svg() -> String {
        SVGPlotRenderer(plot: self).render()
    }
}

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

    // MARK: Rendering

    func render() -> String {
        let (layout, legend) = chooseLayout()
        let rect = layout.plot
        let c = SVGFormat.coordinate
        var out: [String] = []
        let w = c(layout.canvasWidth), h = c(layout.canvasHeight)
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" font-family=\"sans-serif\">")
        if !plot.title.isEmpty {
            out.append("<title>\(SVGFormat.escape(plot.title))</title>")
        }
        out.append("<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>")
        out.append("<defs><clipPath id=\"\(Self.clipID)\"><rect x=\"\(c(rect.x))\" y=\"\(c(rect.y))\" width=\"\(c(rect.width))\" height=\"\(c(rect.height))\"/></clipPath></defs>")

        // Grid lines at labelled ticks, under the data.
        var grid = ""
        for tick in layout.xTicks where tick.label != nil {
            let x = rect.x + xAxis.fraction(tick.position) * rect.width
            grid += "M\(c(x)) \(c(rect.y))V\(c(rect.maxY))"
        }
        for tick in layout.yTicks where tick.label != nil {
            let y = rect.maxY - yAxis.fraction(tick.position) * rect.height
            grid += "M\(c(rect.x)) \(c(y))H\(c(rect.maxX))"
        }
        if !grid.isEmpty {
            out.append("<path d=\"\(grid)\" fill=\"none\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>")
        }

        if hasData {
            out.append("<g clip-path=\"url(#\(Self.clipID))\">")
            for series in prepared {
                let color = SVGFormat.escape(series.color)
                for run in series.bandRuns where run.count >= 2 {
                    let points = bandPolygon(run, in: rect).map { "\(c($0.x)),\(c($0.y))" }.joined(separator: " ")
                    // Edges drawn too, so that a narrow band still shows where its limits are.
                    out.append("<polygon points=\"\(points)\" fill=\"\(color)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"\(color)\" stroke-opacity=\"0.6\" stroke-width=\"0.75\"/>")
                }
            }
            for series in prepared {
                let color = SVGFormat.escape(series.color)
                for run in series.runs {
                    let pixels = run.map { pixel($0, in: rect) }
                    if pixels.count >= 2 {
                        let points = pixels.map { "\(c($0.x)),\(c($0.y))" }.joined(separator: " ")
                        out.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\"\(Self.dashAttributes(series.style))/>")
                    }
                    // An isolated point has no line to show it: always mark it.
                    if series.markers || pixels.count == 1 {
                        for p in pixels {
                            out.append("<circle cx=\"\(c(p.x))\" cy=\"\(c(p.y))\" r=\"3\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"0.75\"/>")
                        }
                    }
                }
            }
            out.append("</g>")
        }

        // Frame and ticks above the data.
        out.append("<rect x=\"\(c(rect.x))\" y=\"\(c(rect.y))\" width=\"\(c(rect.width))\" height=\"\(c(rect.height))\" fill=\"none\" stroke=\"#444444\" stroke-width=\"1\"/>")
        var tickPath = ""
        var tickLabels: [String] = []
        let textAttrs = "font-family=\"sans-serif\" font-size=\"\(c(Self.tickFontSize))\" fill=\"#222222\""
        for tick in layout.xTicks {
            let x = rect.x + xAxis.fraction(tick.position) * rect.width
            tickPath += "M\(c(x)) \(c(rect.maxY))v\(tick.label == nil ? 3 : 5)"
            if let label = tick.label {
                tickLabels.append("<text x=\"\(c(x))\" y=\"\(c(rect.maxY + 18))\" text-anchor=\"middle\" \(textAttrs)>\(SVGFormat.escape(label))</text>")
            }
        }
        for tick in layout.yTicks {
            let y = rect.maxY - yAxis.fraction(tick.position) * rect.height
            tickPath += "M\(c(rect.x)) \(c(y))h\(tick.label == nil ? -3 : -5)"
            if let label = tick.label {
                tickLabels.append("<text x=\"\(c(rect.x - 8))\" y=\"\(c(y + 4))\" text-anchor=\"end\" \(textAttrs)>\(SVGFormat.escape(label))</text>")
            }
        }
        if !tickPath.isEmpty {
            out.append("<path d=\"\(tickPath)\" fill=\"none\" stroke=\"#444444\" stroke-width=\"1\"/>")
        }
        out.append(contentsOf: tickLabels)

        // Axis labels and title.
        let labelAttrs = "font-family=\"sans-serif\" font-size=\"\(c(Self.labelFontSize))\" fill=\"#222222\""
        if !plot.xLabel.isEmpty {
            out.append("<text x=\"\(c(rect.x + rect.width / 2))\" y=\"\(c(rect.maxY + 42))\" text-anchor=\"middle\" \(labelAttrs)>\(SVGFormat.escape(plot.xLabel))</text>")
        }
        if !plot.yLabel.isEmpty {
            let x = 22.0, y = rect.y + rect.height / 2
            out.append("<text x=\"\(c(x))\" y=\"\(c(y))\" transform=\"rotate(-90 \(c(x)) \(c(y)))\" text-anchor=\"middle\" \(labelAttrs)>\(SVGFormat.escape(plot.yLabel))</text>")
        }
        if !plot.title.isEmpty {
            let available = layout.canvasWidth - 16
            let natural = TextMetrics.width(plot.title, fontSize: Self.titleFontSize)
            let size = natural <= available
                ? Self.titleFontSize
                : max(8, Self.titleFontSize * available / natural)
            // Shrink a long title down to 8 px, then truncate it; the full text
            // stays in <title>.
            let shown = TextMetrics.truncate(plot.title, fontSize: size, maxWidth: available)
            let titleWidth = TextMetrics.width(shown, fontSize: size)
            // Centre over the plot area when the title fits there, else over the canvas.
            let centre = titleWidth <= rect.width ? rect.x + rect.width / 2 : layout.canvasWidth / 2
            out.append("<text x=\"\(c(centre))\" y=\"28\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"\(c(size))\" font-weight=\"bold\" fill=\"#222222\">\(SVGFormat.escape(shown))</text>")
        }

        if !hasData {
            out.append("<text x=\"\(c(rect.x + rect.width / 2))\" y=\"\(c(rect.y + rect.height / 2 + 5))\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#666666\">no data to plot</text>")
        }

        if let legend, let origin = layout.legendOrigin {
            out.append(contentsOf: legendElements(legend, origin: origin))
        }

        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    static func dashAttributes(_ style: LineStyle) -> String {
        switch style {
        case .solid: return ""
        case .dashed: return " stroke-dasharray=\"7 4\""
        case .dotted: return " stroke-dasharray=\"1 4\" stroke-linecap=\"round\""
        case .dashDot: return " stroke-dasharray=\"9 3 2 3\""
        case .longDash: return " stroke-dasharray=\"14 5\""
        }
    }

    func legendElements(_ legend: LegendGeometry, origin: PlotPoint) -> [String] {
        let c = SVGFormat.coordinate
        var out: [String] = []
        out.append("<g>")
        out.append("<rect x=\"\(c(origin.x))\" y=\"\(c(origin.y))\" width=\"\(c(legend.width))\" height=\"\(c(legend.height))\" rx=\"3\" fill=\"#ffffff\" fill-opacity=\"0.9\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>")
        for (index, series) in prepared.enumerated() {
            let color = SVGFormat.escape(series.color)
            let centreY = origin.y + LegendGeometry.padding + LegendGeometry.rowHeight * (Double(index) + 0.5)
            let x0 = origin.x + LegendGeometry.padding
            let x1 = x0 + LegendGeometry.sampleWidth
            if series.hasBand {
                out.append("<rect x=\"\(c(x0))\" y=\"\(c(centreY - 6))\" width=\"\(c(LegendGeometry.sampleWidth))\" height=\"12\" fill=\"\(color)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"none\"/>")
            }
            out.append("<line x1=\"\(c(x0))\" y1=\"\(c(centreY))\" x2=\"\(c(x1))\" y2=\"\(c(centreY))\" stroke=\"\(color)\" stroke-width=\"2\"\(Self.dashAttributes(series.style))/>")
            if series.markers {
                out.append("<circle cx=\"\(c((x0 + x1) / 2))\" cy=\"\(c(centreY))\" r=\"3\" fill=\"\(color)\" stroke=\"#ffffff\" stroke-width=\"0.75\"/>")
            }
            let textX = x1 + LegendGeometry.gap
            let fill = series.note == nil ? "#222222" : "#777777"
            out.append("<text x=\"\(c(textX))\" y=\"\(c(centreY + 4))\" font-family=\"sans-serif\" font-size=\"\(c(LegendGeometry.fontSize))\" fill=\"\(fill)\">\(SVGFormat.escape(legend.texts[index]))</text>")
        }
        out.append("</g>")
        return out
    }
}
