/// `check --trajectories`: per method and seed, every recorded metric at every checkpoint, as
/// CSV for plotting elsewhere (docs/problem-files.md, "One case").
///
/// Path: `trajectories/<problem>/<method>.seed<N>.csv`, N the seed index (as `--seed N` takes it).
/// Columns: `k` (the checkpoint iteration), then the metrics in ``MetricIndex/all`` order —
/// `gap` f(xᵏ) − f*, `grad` ‖∇f(xᵏ)‖², `avg-grad` (1/k) Σ_{j<k} ‖∇f(xʲ)‖², `min-grad`
/// min_{j<k} ‖∇f(xʲ)‖², `virtual-gap` f(zᵏ) − f*, `lyapunov` (EF21's Lyapunov quantity) — each
/// the seed's own value (not a mean), in Swift's shortest round-trip decimal form. A cell is empty
/// where the metric is not recorded (avg-grad and min-grad at k = 0, virtual-gap for a method
/// without a virtual iterate, lyapunov for a method other than EF21) or the
/// seed had diverged. One row per checkpoint, in order.
public enum TrajectoryCSV {
    public static let header = "k," + MetricIndex.all.map(\.rawValue).joined(separator: ",")

    /// The file's path inside the output folder.
    public static func path(problem: String, method: String, seed: Int) -> String {
        "trajectories/\(problem)/\(method).seed\(seed).csv"
    }

    /// Every CSV of a result: path → text (methods and seeds that ran).
    public static func files(_ result: ExperimentResult) -> [(path: String, text: String)] {
        var out: [(path: String, text: String)] = []
        for method in result.methods {
            let trace = method.trace
            for (sample, seed) in zip(trace.samples, result.seedIndices(of: method)) {
                var text = header + "\n"
                for (c, k) in trace.checkpoints.enumerated() {
                    let row = sample.indices.contains(c) ? sample[c] : []
                    let cells = MetricIndex.all.indices.map { m -> String in
                        guard row.indices.contains(m), let v = row[m] else { return "" }
                        return "\(v)"
                    }
                    text += "\(k)," + cells.joined(separator: ",") + "\n"
                }
                out.append((path(problem: result.name, method: method.method.id, seed: seed), text))
            }
        }
        return out
    }
}
