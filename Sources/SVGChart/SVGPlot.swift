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
