import Foundation

/// One panel of a ``Heatmap``: a grid of values, rows × columns (row 0 at the top).
public struct HeatmapPanel: Sendable {
    public var title: String
    /// values[row][column]; nil is drawn as a grey "n/a" cell.
    public var values: [[Double?]]
    /// Cells to mark (drawn with a heavy outline and a "*" after the label), e.g. significant ones.
    public var marked: [[Bool]]

    public init(title: String = "", values: [[Double?]], marked: [[Bool]]? = nil) {
        self.title = title
        self.values = values
        self.marked = marked ?? values.map { $0.map { _ in false } }
    }
}

/// A heatmap over two parameters, as small multiples: one panel per value of whatever else
/// varies, all on one colour scale with one legend. Colours come from colour-blind-safe scales
/// (viridis for magnitudes; purple–white–orange, ColorBrewer's PuOr, for signed values centred
/// on zero) and every cell is labelled with its value, so nothing rests on colour alone.
public struct Heatmap: Sendable {
    public enum Scale: Sendable {
        /// Low to high, viridis (a log scale when positive values span more than two decades).
        case sequential
        /// Signed, symmetric about zero: purple below, orange above, white at zero.
        case diverging
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Column and row labels, shared by every panel.
    public var columns: [String]
    public var rows: [String]
    public var panels: [HeatmapPanel]
    public var scale: Scale
    /// What the colour means, written over the legend bar.
    public var legend: String
    /// A note under the chart (e.g. what a marked cell means).
    public var note: String

    public init(title: String, xLabel: String, yLabel: String, columns: [String], rows: [String],
                panels: [HeatmapPanel], scale: Scale = .sequential, legend: String, note: String = "") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.columns = columns
        self.rows = rows
        self.panels = panels
        self.scale = scale
        self.legend = legend
        self.note = note
    }

    static let viridis = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]
    static let puOr = [(94, 60, 153), (178, 171, 210), (247, 247, 247), (253, 184, 99), (230, 97, 1)]
    static let missing = "#DDDDDD"

    /// The colour of `t` in [0, 1] on a scale of evenly spaced stops.
    static func color(_ t: Double, stops: [(Int, Int, Int)]) -> (hex: String, dark: Bool) {
        let x = min(max(t.isFinite ? t : 0.5, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2), f = x - Double(i)
        let a = stops[i], b = stops[i + 1]
        let r = Double(a.0) + f * Double(b.0 - a.0), g = Double(a.1) + f * Double(b.1 - a.1), bl = Double(a.2) + f * Double(b.2 - a.2)
        let luminance = (0.299 * r + 0.587 * g + 0.114 * bl) / 255
        return (String(format: "#%02X%02X%02X", Int(r.rounded()), Int(g.rounded()), Int(bl.rounded())), luminance < 0.5)
    }

    /// A value as a cell label: three significant digits, plain or scientific.
    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e-3 && a < 1e4 {
            let decimals = max(0, 2 - Int(floor(log10(a))))
            return SVGFormat.fixed(v, decimals: decimals)
        }
        return SVGFormat.scientific(v, mantissaDecimals: 2)
    }

    /// The chart as a complete SVG document.
    public func svg() -> String {
        let font = 11.0
        let valueWidth = panels.flatMap { $0.values.flatMap { $0.compactMap { $0.map { TextMetrics.width(Self.label($0) + "*", fontSize: font) } } } }.max() ?? 0
        let cellWidth = max(52, (columns.map { TextMetrics.width($0, fontSize: font) }.max() ?? 0) + 10, valueWidth + 8)
        let cellHeight = 26.0
        let rowLabelWidth = min(260, (rows.map { TextMetrics.width($0, fontSize: font) }.max() ?? 0) + 10)
        let perRow = max(1, min(panels.count, 3))
        let panelRows = (panels.count + perRow - 1) / perRow
        let gridWidth = cellWidth * Double(columns.count), gridHeight = cellHeight * Double(rows.count)
        let titleWidth = min(380, (panels.map { TextMetrics.width($0.title, fontSize: font) }.max() ?? 0) + 16)
        let panelWidth = max(rowLabelWidth + gridWidth + 24, titleWidth), panelHeight = 20 + gridHeight + 22
        let top = 44.0, left = 34.0
        let legendHeight = 56.0
        let width = max(360, left + panelWidth * Double(perRow) + 10, TextMetrics.width(note, fontSize: font) + 2 * left)
        let height = top + panelHeight * Double(panelRows) + 20 + legendHeight + (note.isEmpty ? 0 : 18)

        let finite = panels.flatMap { $0.values.flatMap { $0.compactMap { $0 } } }.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if scale == .diverging { let m = max(abs(low), abs(high), 1e-300); low = -m; high = m }
        if high <= low { high = low + 1 }
        // Positive values spanning more than two decades are coloured on a log scale.
        let logarithmic = scale == .sequential && low > 0 && high / low > 100
        let stops = scale == .diverging ? Self.puOr : Self.viridis
        func position(_ v: Double) -> Double {
            logarithmic ? (log10(max(v, low)) - log10(low)) / (log10(high) - log10(low)) : (v - low) / (high - low)
        }
        func shade(_ v: Double) -> (hex: String, dark: Bool) { Self.color(position(v), stops: stops) }
        func n(_ v: Double) -> String { SVGFormat.coordinate(v) }
        func text(_ s: String, x: Double, y: Double, size: Double = font, anchor: String = "middle", fill: String = "#222222",
                  weight: String? = nil, rotate: Double? = nil) -> String {
            let transform = rotate.map { " transform=\"rotate(\(n($0)) \(n(x)) \(n(y)))\"" } ?? ""
            let bold = weight.map { " font-weight=\"\($0)\"" } ?? ""
            return "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" fill=\"\(fill)\"\(bold)\(transform)>\(SVGFormat.escape(s))</text>\n"
        }

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"sans-serif\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n"
        out += text(TextMetrics.truncate(title, fontSize: 15, maxWidth: width - 20), x: width / 2, y: 22, size: 15, weight: "bold")
        out += text(yLabel, x: 14, y: top + panelHeight * Double(panelRows) / 2, size: 12, rotate: -90)
        for (p, panel) in panels.enumerated() {
            let px = left + Double(p % perRow) * panelWidth, py = top + Double(p / perRow) * panelHeight
            let gx = px + rowLabelWidth, gy = py + 20
            if !panel.title.isEmpty {
                out += text(TextMetrics.truncate(panel.title, fontSize: font, maxWidth: panelWidth - 10), x: px + panelWidth / 2, y: py + 13, weight: "bold")
            }
            for (r, row) in rows.enumerated() {
                out += text(TextMetrics.truncate(row, fontSize: font, maxWidth: rowLabelWidth - 6), x: gx - 5, y: gy + (Double(r) + 0.5) * cellHeight + 4, anchor: "end")
                for c in columns.indices {
                    let x = gx + Double(c) * cellWidth, y = gy + Double(r) * cellHeight
                    let value = r < panel.values.count && c < panel.values[r].count ? panel.values[r][c] : nil
                    let mark = r < panel.marked.count && c < panel.marked[r].count && panel.marked[r][c]
                    if let v = value, v.isFinite {
                        let s = shade(v)
                        out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cellWidth))\" height=\"\(n(cellHeight))\" fill=\"\(s.hex)\" stroke=\"#FFFFFF\"/>\n"
                        out += text(Self.label(v) + (mark ? "*" : ""), x: x + cellWidth / 2, y: y + cellHeight / 2 + 4,
                                    fill: s.dark ? "#FFFFFF" : "#000000", weight: mark ? "bold" : nil)
                    } else {
                        out += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cellWidth))\" height=\"\(n(cellHeight))\" fill=\"\(Self.missing)\" stroke=\"#FFFFFF\"/>\n"
                        out += text("n/a", x: x + cellWidth / 2, y: y + cellHeight / 2 + 4, fill: "#555555")
                    }
                    if mark {
                        out += "<rect x=\"\(n(x + 1.5))\" y=\"\(n(y + 1.5))\" width=\"\(n(cellWidth - 3))\" height=\"\(n(cellHeight - 3))\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2\"/>\n"
                    }
                }
            }
            for (c, column) in columns.enumerated() {
                out += text(TextMetrics.truncate(column, fontSize: font, maxWidth: cellWidth - 4), x: gx + (Double(c) + 0.5) * cellWidth, y: gy + gridHeight + 14)
            }
        }
        let axisY = top + panelHeight * Double(panelRows) + 6
        out += text(xLabel, x: left + panelWidth * Double(perRow) / 2, y: axisY, size: 12)
        // The legend: a bar of the scale from low to high with its ends and middle labelled.
        let barX = left, barY = axisY + 26, barWidth = min(320, width - left - 20), barHeight = 12.0
        out += text(legend + (logarithmic ? " (log scale)" : ""), x: barX, y: barY - 6, anchor: "start")
        let steps = 32
        for i in 0..<steps {
            let t = (Double(i) + 0.5) / Double(steps)
            out += "<rect x=\"\(n(barX + Double(i) * barWidth / Double(steps)))\" y=\"\(n(barY))\" width=\"\(n(barWidth / Double(steps) + 0.5))\" height=\"\(n(barHeight))\" fill=\"\(Self.color(t, stops: stops).hex)\"/>\n"
        }
        if finite.isEmpty {
            out += text("no values", x: barX + barWidth / 2, y: barY + barHeight + 12)
        } else {
            out += text(Self.label(low), x: barX, y: barY + barHeight + 12, anchor: "start")
            out += text(Self.label(logarithmic ? (low * high).squareRoot() : (low + high) / 2), x: barX + barWidth / 2, y: barY + barHeight + 12)
            out += text(Self.label(high), x: barX + barWidth, y: barY + barHeight + 12, anchor: "end")
        }
        out += "<rect x=\"\(n(barX + barWidth + 16))\" y=\"\(n(barY))\" width=\"14\" height=\"\(n(barHeight))\" fill=\"\(Self.missing)\"/>\n"
        out += text("n/a", x: barX + barWidth + 34, y: barY + 10, anchor: "start")
        if !note.isEmpty {
            out += text(note, x: left, y: height - 8, anchor: "start")
        }
        out += "</svg>\n"
        return out
    }
}
