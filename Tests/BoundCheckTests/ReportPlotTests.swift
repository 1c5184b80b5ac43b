import Foundation
import Testing
@testable import BoundCheck
import SVGChart

// The page's plots tell the verdict: the band is the verdict's interval, the legend carries the
// verdict, floors are lines, coinciding bounds are told apart, the y axis names the formula;
// the SGDM-against-SGD plot shows the paired difference with the comparison's own interval.

/// A noisy quadratic with SGDM and SGD at equal γ (AS-1 and F1 coincide for SGD).
private let yaml = """
name: plot-demo
seed: 3
problem: {family: quadratic, dimension: 8, workers: 2, heterogeneity: 0.5, start: {scale: 1.0}, spectrum: {min: 0.5, max: 2}}
oracle: [{gaussian-noise: {variance: 0.2}}]
methods:
  - {method: sgdm, beta: 0.5, step: 0.05}
  - {method: sgd, step: 0.05}
run: {iterations: 200, seeds: 6, checkpoints: 12}
"""

private func result() throws -> ExperimentResult {
    let p = try PreparedExperiment(spec: SpecLoader().load(yaml: yaml, file: "plot-demo.yaml"))
    return try Experiment.judge(p, traces: Experiment.run(p, jobs: 1), probe: AssumptionProbe.run(p))
}

@Suite("Report plots")
struct ReportPlotTests {
    @Test("the band is the verdict's interval; verdicts in the legend; floors as horizontal lines; coinciding bounds noted with distinct dashes")
    func boundPlot() throws {
        let r = try result()
        let sgd = try #require(r.methods.first { $0.method.id == "sgd-1" })
        let plot = ReportPlots.boundLinePlot(r, sgd, .avgGrad)
        #expect(plot.yLabel == "avg-grad: (1/k) Σ_{j<k} ‖∇f(xʲ)‖²")
        let band = try #require(plot.series.first)
        let f1 = try #require(sgd.bounds.first { $0.evaluation.id == "F1" })
        let compared = f1.verdict.comparisons.filter { $0.k > 0 }
        #expect(band.lower == compared.map(\.lower))
        #expect(band.upper == compared.map(\.upper))
        #expect(band.y == compared.map(\.observed))
        #expect(zip(band.lower!, band.upper!).contains { $0 < $1 }, "a random oracle gives a band of positive width")
        // One series per bound with its verdict, each in its own dash pattern.
        let as1 = try #require(plot.series.first { $0.label.hasPrefix("AS-1 (literature): ") })
        let f1Series = try #require(plot.series.first { $0.label.hasPrefix("F1 (derived): ") })
        #expect(as1.label.hasSuffix(sgd.bounds.first { $0.evaluation.id == "AS-1" }!.verdict.verdict.rawValue))
        #expect(f1Series.label.contains(f1.verdict.verdict.rawValue))
        #expect(f1Series.label.hasSuffix("same as AS-1"), "\(f1Series.label)")
        #expect(as1.style != f1Series.style && as1.style != .solid && f1Series.style != .solid)
        // The common floor, once, as a horizontal line.
        let floor = try #require(plot.series.first { $0.label.hasPrefix("floor of ") })
        #expect(floor.label.contains("AS-1") && floor.label.contains("F1"))
        #expect(floor.y.count == 2 && floor.y[0] == floor.y[1] && floor.y[0] == f1.evaluation.floor)
        #expect(floor.x.first == band.x.first && floor.x.last == band.x.last)
        #expect(plot.series.filter { $0.label.hasPrefix("floor of ") }.count == 1)
        // The SVG carries the band as a polygon and the legend texts.
        let svg = plot.svg()
        #expect(svg.contains("<polygon"))
        #expect(svg.contains("F1 (derived): \(f1.verdict.verdict.rawValue), same as AS-1"))
    }

    @Test("the SGDM-against-SGD plot: paired difference over k, whose value at k* is the comparison's")
    func momentumPlot() throws {
        let r = try result()
        let c = try #require(r.momentumComparisons.first)
        let plot = try #require(ReportPlots.momentumLinePlot(r, c))
        let difference = try #require(plot.series.first)
        let i = try #require(difference.x.firstIndex(of: Double(c.atK)))
        #expect(abs(difference.y[i] - c.meanDifference) <= 1e-12 * max(1, abs(c.meanDifference)))
        #expect(abs(difference.lower![i] - c.lower) <= 1e-12 * max(1, abs(c.lower)))
        #expect(abs(difference.upper![i] - c.upper) <= 1e-12 * max(1, abs(c.upper)))
        let zero = try #require(plot.series.last)
        #expect(zero.y == [0, 0] && zero.label.contains(c.finding.rawValue))
        #expect(plot.yScale == .linear)
        // The page shows it.
        let page = MarkdownReport.page(r, provenance: Provenance(commit: "t", toolchain: "Swift", wallTimeSeconds: 0))
        let file = ReportPlots.momentumPlotFile(r, c)
        #expect(page.plots[file] != nil && page.markdown.contains("(\(file))"))
    }

    @Test("the index puts one row per problem first and folds the table of every bound")
    func indexFolds() throws {
        let r = try result()
        let index = MarkdownReport.index([r], provenance: Provenance(commit: "t", toolchain: "Swift", wallTimeSeconds: 0))
        let perProblem = try #require(index.range(of: "| problem | result |"))
        let details = try #require(index.range(of: "<details><summary>"))
        let everyBound = try #require(index.range(of: "| problem | method | bound |"))
        let closing = try #require(index.range(of: "</details>"))
        #expect(perProblem.lowerBound < details.lowerBound && details.lowerBound < everyBound.lowerBound && everyBound.lowerBound < closing.lowerBound)
    }
}
