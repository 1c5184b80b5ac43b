import Foundation
import SVGChart
import GSL

/// The plots of a problem's page.
///
/// - One per method and metric: the observed mean with the band **the verdict uses** (the
///   per-checkpoint lower and upper limits stored in the verdict's comparisons, so the band
///   follows whatever interval rule the verdicts implement), each bound as its own dash pattern
///   with its verdict in the legend, each bound's floor as a horizontal line, and a note in the
///   legend when two bounds coincide (AS-1 and F1 at β = 1). The y axis names the metric's
///   formula.
/// - One per SGDM-against-SGD pairing: the paired difference of the gap, momentum − SGD, over
///   the checkpoints, with its two-sided interval at the file's confidence (the statistic of
///   the comparison table, at every checkpoint instead of only k*), and the zero line.
enum ReportPlots {
    /// The metric as a formula, for the y axis.
    static func axisLabel(_ metric: Metric) -> String {
        switch metric {
        case .gap: return "gap: f(xᵏ) − f*"
        case .grad: return "grad: ‖∇f(xᵏ)‖²"
        case .avgGrad: return "avg-grad: (1/k) Σ_{j<k} ‖∇f(xʲ)‖²"
        case .minGrad: return "min-grad: min_{j<k} ‖∇f(xʲ)‖²"
        case .virtualGap: return "virtual-gap: f(zᵏ) − f*"
        case .lyapunov: return "lyapunov: f(xᵏ) − f* + (γ/θ)Gᵏ"
        }
    }

    /// Dash patterns for the bounds, in order; solid is the observed mean's.
    static let boundStyles: [LineStyle] = [.dashed, .dashDot, .longDash, .dotted]

    /// Two bound curves are the same when they agree to this relative tolerance at every checkpoint.
    static let coincidence = 1e-9

    static func boundPlot(_ r: ExperimentResult, _ m: MethodResult, _ metric: Metric) -> String {
        boundLinePlot(r, m, metric).svg()
    }

    static func boundLinePlot(_ r: ExperimentResult, _ m: MethodResult, _ metric: Metric) -> LinePlot {
        let t = m.trace
        let bounds = m.bounds.filter { $0.evaluation.metric == metric && !$0.verdict.comparisons.isEmpty }
        // The observed mean at every checkpoint (k = 0 has no place on a log axis; the tables list it).
        var xs: [Double] = [], ys: [Double] = []
        for (c, k) in t.checkpoints.enumerated() where k > 0 {
            let s = t.statistics(metric, at: c)
            guard s.count > 0 else { continue }
            xs.append(Double(k))
            ys.append(s.mean)
        }
        var series: [PlotSeries] = []
        // The band: the interval of the verdict with the most checkpoints (all bounds of a report
        // share the rule, so any of them gives the same limits where they overlap).
        if let decided = bounds.max(by: { $0.verdict.comparisons.count < $1.verdict.comparisons.count }) {
            let shown = decided.verdict.comparisons.filter { $0.k > 0 }
            let bandX = shown.map { Double($0.k) }
            series.append(PlotSeries(label: "observed mean, band: verdict interval", x: bandX,
                                     y: shown.map(\.observed), lower: shown.map(\.lower), upper: shown.map(\.upper),
                                     color: PlotPalette.color(0)))
            if bandX != xs {   // checkpoints where no bound is stated: the mean alone
                series.append(PlotSeries(label: "observed mean (every checkpoint)", x: xs, y: ys, color: PlotPalette.color(0)))
            }
        } else {
            series.append(PlotSeries(label: "observed mean", x: xs, y: ys, color: PlotPalette.color(0)))
        }
        var drawn: [(id: String, values: [Double], ks: [Int])] = []
        var floors: [(value: Double, ids: [String], color: String)] = []
        for (i, b) in bounds.enumerated() {
            let shown = b.verdict.comparisons.filter { $0.k > 0 }
            let values = shown.map(\.bound)
            let ks = shown.map(\.k)
            let color = PlotPalette.color(i + 1)
            var label = "\(b.evaluation.id) (\(b.evaluation.kind.rawValue)): \(b.verdict.verdict.rawValue)"
            if let same = drawn.first(where: { $0.ks == ks && Self.coincide($0.values, values) }) {
                label += ", same as \(same.id)"
            }
            drawn.append((b.evaluation.id, values, ks))
            series.append(PlotSeries(label: label, x: ks.map(Double.init), y: values,
                                     style: boundStyles[i % boundStyles.count], color: color))
            if let floor = b.evaluation.floor, floor.isFinite, floor > 0 {
                if let j = floors.firstIndex(where: { Self.coincide([$0.value], [floor]) }) {
                    floors[j].ids.append(b.evaluation.id)
                } else {
                    floors.append((floor, [b.evaluation.id], color))
                }
            }
        }
        if let first = xs.first, let last = xs.last {
            for f in floors {
                series.append(PlotSeries(label: "floor of \(f.ids.joined(separator: ", ")) (K → ∞)", x: [first, last], y: [f.value, f.value],
                                         style: .dotted, color: f.color))
            }
        }
        return LinePlot(title: "\(r.name) · \(m.method.id) · \(metric.rawValue)", xLabel: "iteration k",
                        yLabel: axisLabel(metric), xScale: .log10, yScale: .log10, series: series)
    }

    static func coincide(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x == y || abs(x - y) <= coincidence * max(abs(x), abs(y))
        }
    }

    /// Per checkpoint k > 0: the mean paired difference of a per-seed quantity (the gap unless
    /// `metric` says otherwise), a − b, over seeds where both are finite, with its two-sided
    /// Student-t interval at `confidence` (a single pair gives the difference itself).
    static func pairedDifferences(_ a: MethodTrace, _ b: MethodTrace, metric: Metric = .gap, confidence: Double)
        -> [(k: Int, mean: Double, lower: Double, upper: Double, pairs: Int)] {
        var out: [(Int, Double, Double, Double, Int)] = []
        for (c, k) in a.checkpoints.enumerated() where k > 0 && c < (b.gaps.first?.count ?? 0) {
            guard let d = try? PairedDifference(MethodComparison.perSeed(a, metric, at: c), MethodComparison.perSeed(b, metric, at: c),
                                                confidence: confidence, deterministic: true), d.pairs > 0 else { continue }
            out.append((k, d.mean, d.lower, d.upper, d.pairs))
        }
        return out
    }

    /// The SGDM-against-SGD plot of one pairing; nil when the traces are missing.
    static func momentumPlot(_ r: ExperimentResult, _ c: MomentumComparison) -> String? {
        momentumLinePlot(r, c)?.svg()
    }

    static func momentumLinePlot(_ r: ExperimentResult, _ c: MomentumComparison) -> LinePlot? {
        differenceLinePlot(r, a: c.momentum, b: c.sgd, metric: .gap, difference: "momentum − SGD",
                           zero: "k* = \(c.atK): \(c.finding.rawValue)",
                           title: "\(c.momentum) − \(c.sgd) (\(c.pairing.rawValue))",
                           yLabel: "gap difference: f(xᵏ) − f*, momentum − SGD")
    }

    /// The plot of a file's `compare:` pair: a − b of its metric at every checkpoint.
    static func comparisonPlot(_ r: ExperimentResult, _ c: MethodComparison) -> String? {
        let quantity = c.metric == .gap ? "gap difference: f(xᵏ) − f*" : "avg-grad difference: (1/k) Σ ‖∇f(xʲ)‖²"
        return differenceLinePlot(r, a: c.a, b: c.b, metric: c.metric, difference: "\(c.a) − \(c.b)",
                                  zero: "k = \(c.atK): \(c.findingText)", title: "\(c.a) − \(c.b) (\(c.metric.rawValue))",
                                  yLabel: "\(quantity), \(c.a) − \(c.b)")?.svg()
    }

    /// The paired difference a − b over the checkpoints with its interval at the report's
    /// confidence, and the zero line labelled with the finding; nil when the traces are missing.
    static func differenceLinePlot(_ r: ExperimentResult, a: String, b: String, metric: Metric, difference: String,
                                   zero: String, title: String, yLabel: String) -> LinePlot? {
        guard let s = r.methods.first(where: { $0.method.id == a })?.trace,
              let g = r.methods.first(where: { $0.method.id == b })?.trace else { return nil }
        let points = pairedDifferences(s, g, metric: metric, confidence: r.confidence)
        guard let first = points.first, let last = points.last else { return nil }
        let confidence = String(format: "%g", r.confidence * 100)
        let series = [
            PlotSeries(label: "\(difference), paired, \(confidence)% interval",
                       x: points.map { Double($0.k) }, y: points.map(\.mean), lower: points.map(\.lower), upper: points.map(\.upper),
                       color: PlotPalette.color(0), markers: points.count <= 40),
            PlotSeries(label: "zero; \(zero)", x: [Double(first.k), Double(last.k)], y: [0, 0],
                       style: .dashed, color: "#000000"),
        ]
        return LinePlot(title: "\(r.name) · \(title)", xLabel: "iteration k", yLabel: yLabel, xScale: .log10, yScale: .linear,
                        series: series)
    }

    /// The file name of a `compare:` pair's plot: '+' cannot occur in a method id, and the metric
    /// suffix is never a momentum pairing's.
    static func comparisonPlotFile(_ r: ExperimentResult, _ c: MethodComparison) -> String {
        "plots/\(r.name)/\(c.a)+vs+\(c.b)+\(c.metric.rawValue).svg"
    }

    /// The file name of a pairing's plot, in the problem's plot folder beside its methods' plots.
    /// '+' cannot occur in a method id, so the two ids and the pairing are told apart whatever
    /// the ids contain, and no name meets a method plot's `<method>.<metric>.svg`.
    static func momentumPlotFile(_ r: ExperimentResult, _ c: MomentumComparison) -> String {
        let pairing = c.pairing == .equalStep ? "equal-step" : "equal-effective-step"
        return "plots/\(r.name)/\(c.momentum)+vs+\(c.sgd)+\(pairing).svg"
    }
}
