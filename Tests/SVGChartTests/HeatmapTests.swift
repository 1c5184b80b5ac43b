import Foundation
import Testing
@testable import SVGChart

@Suite struct HeatmapTests {
    static let chart = Heatmap(title: "t", xLabel: "x", yLabel: "y", columns: ["a", "b"], rows: ["r1", "r2"],
                               panels: [HeatmapPanel(title: "p", values: [[-1, 0.5], [nil, 1]], marked: [[true, false], [false, false]])],
                               scale: .diverging, legend: "difference", note: "* significant")

    @Test("every cell is labelled with its value, marked cells carry '*' and an outline, missing ones say n/a")
    func labels() {
        let svg = Self.chart.svg()
        #expect(svg.contains(">-1.00*</text>") && svg.contains(">0.500</text>") && svg.contains(">n/a</text>"))
        #expect(svg.components(separatedBy: "stroke-width=\"2\"").count == 2, "one outlined cell")
        #expect(svg.contains(">difference</text>") && svg.contains(">* significant</text>"))
        #expect(svg == Self.chart.svg(), "deterministic")
    }

    @Test("the diverging scale is centred: zero is white, the ends are the palette's ends; XML-safe text")
    func colours() {
        #expect(Heatmap.color(0.5, stops: Heatmap.puOr).hex == "#F7F7F7")
        #expect(Heatmap.color(0, stops: Heatmap.viridis).hex == "#440154" && Heatmap.color(1, stops: Heatmap.viridis).hex == "#FDE725")
        var c = Self.chart
        c.columns = ["<a&b>", "b"]
        #expect(c.svg().contains("&lt;a&amp;b&gt;"))
    }
}
