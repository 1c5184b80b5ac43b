import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import SVGChart

/// A minimal DOM built with XMLParser: every element in document order with
/// its attributes, its own character data and its parent's index.
private final class SVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
        var parent: Int?
    }

    private(set) var elements: [Element] = []
    private var stack: [Int] = []

    static func parse(_ svg: String) -> SVGDocument? {
        let parser = XMLParser(data: Data(svg.utf8))
        let document = SVGDocument()
        parser.delegate = document
        guard parser.parse() else { return nil }
        return document
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict, text: "", parent: stack.last))
        stack.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let index = stack.last { elements[index].text += string }
    }

    var root: Element? { elements.first }

    func named(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    var texts: [String] { named("text").map(\.text) }

    /// Right-aligned texts are exactly the y tick labels.
    var yTickLabels: [String] {
        named("text").filter { $0.attributes["text-anchor"] == "end" }.map(\.text)
    }

    /// Centred texts just below the plot are the x tick labels.
    var xTickLabels: [String] {
        named("text").filter { $0.attributes["text-anchor"] == "middle" && $0.attributes["font-size"] == "11" }.map(\.text)
    }

    func ancestors(of index: Int) -> [Element] {
        var result: [Element] = []
        var current = elements[index].parent
        while let i = current {
            result.append(elements[i])
            current = elements[i].parent
        }
        return result
    }
}

private func points(_ attribute: String?) -> [(x: Double, y: Double)] {
    (attribute ?? "").split(separator: " ").compactMap { pair in
        let parts = pair.split(separator: ",")
        guard parts.count == 2, let x = Double(parts[0]), let y = Double(parts[1]) else { return nil }
        return (x, y)
    }
}

private func render(_ series: [PlotSeries], xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                    title: String = "Test plot") -> (String, SVGDocument) {
    let svg = LinePlot(title: title, xLabel: "iteration", yLabel: "gap",
                       xScale: xScale, yScale: yScale, series: series).svg()
    let document = SVGDocument.parse(svg)
    #expect(document != nil, "SVG does not parse as XML")
    return (svg, document ?? SVGDocument())
}

private let richPlot = LinePlot(
    title: "Gradient descent on a quadratic",
    xLabel: "iteration k",
    yLabel: "f(x_k) - f*",
    xScale: .linear,
    yScale: .log10,
    series: [
        PlotSeries(label: "observed", x: (0..<30).map(Double.init), y: (0..<30).map { pow(0.7, Double($0)) },
                   lower: (0..<30).map { 0.6 * pow(0.7, Double($0)) }, upper: (0..<30).map { 1.5 * pow(0.7, Double($0)) },
                   markers: true),
        PlotSeries(label: "bound", x: (0..<30).map(Double.init), y: (0..<30).map { 2 * pow(0.8, Double($0)) }, style: .dashed),
        PlotSeries(label: "rate", x: [0, 29], y: [1, 1e-4], style: .dotted, color: "#000000"),
    ]
)

@Suite("SVG line plot")
struct SVGPlotTests {
    @Test("identical input renders byte-for-byte identical output")
    func deterministic() {
        let first = richPlot.svg()
        let second = richPlot.svg()
        #expect(first == second)
        #expect(!first.isEmpty)
        #expect(!first.lowercased().contains("nan"))
        #expect(!first.contains("inf"))
    }

    @Test("output is standalone SVG that parses as XML with root svg")
    func parsesAsXML() throws {
        let svg = richPlot.svg()
        let document = try #require(SVGDocument.parse(svg))
        let root = try #require(document.root)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root.attributes["viewBox"] == "0 0 720 420")
        #expect(!svg.contains("<style"))
        #expect(!svg.contains("<script"))
        let background = try #require(document.named("rect").first)
        #expect(background.attributes["fill"] == "#ffffff")
        #expect(background.attributes["width"] == "720")
        #expect(document.named("text").allSatisfy { $0.attributes["font-family"] == "sans-serif" })
        #expect(document.named("clipPath").count == 1)
    }

    @Test("user text is XML-escaped")
    func escaping() throws {
        let nasty = "a<b & c>d \"q\" 'x'"
        let plot = LinePlot(title: nasty, xLabel: "x <&>", yLabel: "y & <z>", series: [
            PlotSeries(label: "s<1>&", x: [1, 2], y: [1, 2]),
        ])
        let svg = plot.svg()
        #expect(!svg.contains("a<b"))
        #expect(!svg.contains("x <&>"))
        #expect(svg.contains("a&lt;b &amp; c&gt;d &quot;q&quot; &apos;x&apos;"))
        let document = try #require(SVGDocument.parse(svg))
        let texts = document.texts
        #expect(texts.contains(nasty))
        #expect(texts.contains("x <&>"))
        #expect(texts.contains("y & <z>"))
        #expect(texts.contains("s<1>&"))
    }

    @Test("log axis spanning 1e-4 to 1e2 has a labelled tick at every decade")
    func logDecades() {
        let (_, document) = render([PlotSeries(label: "gap", x: [1, 2, 3, 4], y: [1e2, 1, 1e-2, 1e-4])], yScale: .log10)
        let labels = document.yTickLabels
        #expect(labels == ["1e-4", "1e-3", "0.01", "0.1", "1", "10", "100"])
    }

    @Test("log axis spanning less than a decade gets 1-2-5 or linear ticks")
    func logNarrowRange() {
        let (_, wide) = render([PlotSeries(label: "s", x: [1, 2], y: [3, 30])], yScale: .log10)
        #expect(wide.yTickLabels == ["5", "10", "20"])
        let (_, narrow) = render([PlotSeries(label: "s", x: [1, 2], y: [2, 8])], yScale: .log10)
        #expect(narrow.yTickLabels.count >= 3)
        #expect(narrow.yTickLabels.contains("4"))
    }

    @Test("log x axis gets decade labels too")
    func logXAxis() {
        let (_, document) = render([PlotSeries(label: "s", x: [1, 10, 100, 1000], y: [4, 3, 2, 1])], xScale: .log10)
        #expect(document.xTickLabels == ["1", "10", "100", "1000"])
    }

    @Test("very wide log ranges label round exponents only")
    func wideLogRange() {
        let (svg, document) = render([PlotSeries(label: "s", x: [1, 2], y: [1e-300, 1e300])], yScale: .log10)
        let labels = document.yTickLabels
        #expect(labels.count >= 3)
        #expect(labels.count <= 10)
        #expect(labels.allSatisfy { ["1e-300", "1e-200", "1e-100", "1", "1e100", "1e200", "1e300"].contains($0) },
                "unexpected labels \(labels)")
        #expect(!svg.lowercased().contains("nan"))
    }

    @Test("a title too long for the canvas is shrunk and truncated, kept whole in <title>")
    func longTitle() throws {
        let title = String(repeating: "very long title ", count: 10)
        let svg = LinePlot(title: title, xLabel: "x", yLabel: "y",
                           series: [PlotSeries(label: "s", x: [0, 1], y: [0, 1])], width: 240, height: 180).svg()
        let document = try #require(SVGDocument.parse(svg))
        #expect(document.named("title").first?.text == title)
        let shown = try #require(document.named("text").first { $0.attributes["font-weight"] == "bold" })
        #expect(shown.text.hasSuffix("…"))
        #expect(shown.attributes["font-size"] == "8")
    }

    @Test("non-positive values on a log axis are skipped and break the line")
    func nonPositiveBreaksLine() {
        let (_, document) = render([PlotSeries(label: "s", x: [1, 2, 3, 4, 5, 6], y: [1, 0.1, -1, 0.01, 0.001, 0])],
                                   yScale: .log10)
        let polylines = document.named("polyline")
        #expect(polylines.count == 2)
        #expect(polylines.map { points($0.attributes["points"]).count } == [2, 2])
    }

    @Test("NaN and infinite values are skipped and break the line")
    func nanSkipped() {
        let (svg, document) = render([PlotSeries(label: "s", x: [1, 2, 3, 4, 5, 6, 7], y: [1, 2, .nan, 4, 5, .infinity, 7])])
        #expect(document.named("polyline").count == 2)
        // The isolated last point is still shown, as a circle.
        #expect(document.named("circle").count == 1)
        #expect(!svg.lowercased().contains("nan"))
    }

    @Test("no drawable data renders the frame with a message")
    func emptyData() {
        let (_, none) = render([])
        #expect(none.texts.contains("no data to plot"))
        #expect(none.named("polyline").isEmpty)

        let (_, empty) = render([PlotSeries(label: "empty", x: [], y: [])])
        #expect(empty.texts.contains("no data to plot"))
        #expect(empty.texts.contains("empty (no data)"))

        let (_, negative) = render([PlotSeries(label: "neg", x: [1, 2], y: [-1, 0])], yScale: .log10)
        #expect(negative.texts.contains("no data to plot"))
        #expect(negative.texts.contains("neg (no positive values)"))
        #expect(negative.yTickLabels.isEmpty)
    }

    @Test("a series without drawable points is marked in the legend while others plot")
    func partlyEmpty() {
        let (_, document) = render([
            PlotSeries(label: "good", x: [1, 2], y: [1, 10]),
            PlotSeries(label: "bad", x: [1, 2], y: [-1, -2]),
        ], yScale: .log10)
        #expect(!document.texts.contains("no data to plot"))
        #expect(document.texts.contains("bad (no positive values)"))
        #expect(document.named("polyline").count == 1)
    }

    @Test("a band is drawn as a translucent polygon with a legend swatch")
    func band() throws {
        let (_, document) = render([PlotSeries(label: "mean", x: [1, 2, 3], y: [2, 3, 4], lower: [1, 2, 3], upper: [3, 4, 5])])
        let polygons = document.named("polygon")
        #expect(polygons.count == 1)
        let polygon = try #require(polygons.first)
        #expect(polygon.attributes["fill-opacity"] != nil)
        #expect(points(polygon.attributes["points"]).count == 6)
        let swatches = document.named("rect").filter { $0.attributes["fill-opacity"] == polygon.attributes["fill-opacity"] }
        #expect(swatches.count == 1)
    }

    @Test("non-positive band values on a log axis are clamped to the axis bottom")
    func bandClampedOnLog() throws {
        let (_, document) = render([PlotSeries(label: "m", x: [1, 2, 3], y: [1, 10, 100], lower: [0, 5, 50], upper: [2, 20, 200])],
                                   yScale: .log10)
        let clipRect = try #require(document.elements.first {
            $0.name == "rect" && $0.parent.map { document.elements[$0].name } == "clipPath"
        })
        let bottom = try #require(Double(clipRect.attributes["y"] ?? "")) + (Double(clipRect.attributes["height"] ?? "") ?? 0)
        let polygon = try #require(document.named("polygon").first)
        let ys = points(polygon.attributes["points"]).map(\.y)
        #expect(ys.count == 6)
        #expect(abs((ys.max() ?? 0) - bottom) < 0.01)
    }

    @Test("the legend lists every series")
    func legendLabels() {
        let svg = richPlot.svg()
        let document = SVGDocument.parse(svg)
        let texts = document?.texts ?? []
        for label in ["observed", "bound", "rate"] {
            #expect(texts.contains(label), "legend is missing \(label)")
        }
        // One sample line per series, in the legend's style.
        let lines = document?.named("line") ?? []
        #expect(lines.count == 3)
        #expect(lines.filter { $0.attributes["stroke-dasharray"] != nil }.count == 2)
    }

    @Test("default colours come from the palette, explicit colours are kept")
    func colours() {
        let (_, document) = render([
            PlotSeries(label: "a", x: [1, 2], y: [1, 2]),
            PlotSeries(label: "b", x: [1, 2], y: [2, 3], color: "red"),
            PlotSeries(label: "c", x: [1, 2], y: [3, 4]),
        ])
        let strokes = document.named("polyline").map { $0.attributes["stroke"] ?? "" }
        #expect(strokes == [PlotPalette.color(0), "red", PlotPalette.color(1)])
    }

    @Test("larger values map to larger x and smaller SVG y")
    func monotonicMapping() throws {
        let (_, logDocument) = render([PlotSeries(label: "s", x: [1, 2], y: [1e-3, 1])], yScale: .log10)
        let logPoints = points(try #require(logDocument.named("polyline").first).attributes["points"])
        #expect(logPoints.count == 2)
        if logPoints.count == 2 {
            #expect(logPoints[1].x > logPoints[0].x)
            #expect(logPoints[1].y < logPoints[0].y)
        }
        let (_, linDocument) = render([PlotSeries(label: "s", x: [5, 1], y: [1, 3])])
        let linPoints = points(try #require(linDocument.named("polyline").first).attributes["points"])
        #expect(linPoints.count == 2)
        if linPoints.count == 2 {
            #expect(linPoints[1].x < linPoints[0].x)
            #expect(linPoints[1].y < linPoints[0].y)
        }
    }

    @Test("data is drawn inside the clip path")
    func clipped() {
        let (_, document) = render([PlotSeries(label: "s", x: [1, 2, 3], y: [1, 2, 3], lower: [0, 1, 2], upper: [2, 3, 4])])
        for (index, element) in document.elements.enumerated() where element.name == "polyline" || element.name == "polygon" {
            #expect(document.ancestors(of: index).contains { $0.attributes["clip-path"] == "url(#plot-area)" })
        }
    }

    @Test("a degenerate range is widened and still gets ticks")
    func degenerateRange() {
        let (svg, document) = render([PlotSeries(label: "flat", x: [1, 1, 1], y: [5, 5, 5])])
        #expect(document.yTickLabels.count >= 2)
        #expect(document.xTickLabels.count >= 2)
        #expect(!svg.lowercased().contains("nan"))
        let (_, logDocument) = render([PlotSeries(label: "flat", x: [1, 2], y: [0.01, 0.01])], yScale: .log10)
        #expect(logDocument.yTickLabels.contains("0.01"))
    }

    @Test("linear ticks use 1-2-5 steps")
    func niceLinearTicks() {
        #expect(LinearTicks.ticks(low: 0, high: 10, target: 5).compactMap(\.label) == ["0", "2", "4", "6", "8", "10"])
        #expect(LinearTicks.ticks(low: -0.03, high: 0.52, target: 5).compactMap(\.label) == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5"])
        #expect(LinearTicks.ticks(low: 0, high: 3e7, target: 3).compactMap(\.label) == ["0", "1e7", "2e7", "3e7"])
    }

    @Test("coordinates have at most two decimals and no negative zero")
    func coordinateFormat() {
        #expect(SVGFormat.coordinate(12) == "12")
        #expect(SVGFormat.coordinate(2.5) == "2.5")
        #expect(SVGFormat.coordinate(3.14159) == "3.14")
        #expect(SVGFormat.coordinate(-0.001) == "0")
        #expect(SVGFormat.coordinate(-7.05) == "-7.05")
        #expect(SVGFormat.coordinate(.nan) == "0")
    }

    @Test("the legend avoids covering a line in the top-right corner")
    func legendPlacement() throws {
        // A line that rises to the top right: the top-right corner is taken.
        let (_, document) = render([PlotSeries(label: "rising", x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4])])
        let clipRect = try #require(document.elements.first {
            $0.name == "rect" && $0.parent.map { document.elements[$0].name } == "clipPath"
        })
        let plotX = Double(clipRect.attributes["x"] ?? "") ?? 0
        let plotWidth = Double(clipRect.attributes["width"] ?? "") ?? 0
        let legendBox = try #require(document.named("rect").first { $0.attributes["stroke"] == "#bbbbbb" })
        let legendX = Double(legendBox.attributes["x"] ?? "") ?? 0
        #expect(legendX < plotX + plotWidth / 2, "legend should sit in the top-left corner")
    }
}
