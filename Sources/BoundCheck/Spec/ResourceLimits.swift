import Foundation

/// What a run will cost, estimated from the problem file before anything is allocated or run
/// (docs/problem-files.md, "Limits"). Both estimates are held to a cap that `--allow-large`
/// lifts, and to a ceiling nothing lifts: the machine's memory, and work no machine finishes
/// (which also keeps every count the run multiplies inside the range of Int). What is particular to
/// a family (a data family's rows: a gradient there reads samples-per-worker rows of d numbers;
/// its setup; a dense matrix) comes from the family's resource requirements (``ProblemFamily``).
public enum ResourceLimits {
    /// The memory cap without `--allow-large`.
    public static let maximumMemoryBytes = 8.0 * 1_073_741_824
    /// Work past this is refused even with `--allow-large` (about 30 years at 10⁹ updates a second).
    public static let ceilingWork = 1e18
    /// Memory past the machine's is refused even with `--allow-large`: the allocation would fail.
    public static var ceilingMemoryBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Coordinate-updates: d × workers × rows per worker × iterations × seeds × methods, plus
    /// the family's one-off setup (``ProblemFamily/rowsPerWorker`` and
    /// ``ProblemFamily/setupWork(dimension:workers:)``: a data family's samples per worker, and
    /// its Gram matrix, N·m² to form and m³ to decompose for m = min(d, N), N the rows, and
    /// each worker's own, for its smoothness Lᵢ).
    public static func work(problem: ProblemSpec, run: RunSpec, methods: Int) -> Double {
        let d = Double(problem.dimension), n = Double(problem.workers), r = Double(problem.family.rowsPerWorker)
        var total = d * n * r * Double(run.iterations) * Double(run.seeds) * Double(max(methods, 1))
        total += problem.family.setupWork(dimension: problem.dimension, workers: problem.workers)
        return total
    }

    /// Bytes the run will hold at once: the instance (per-worker vectors, and what the family
    /// holds: data rows, a dense or Gram matrix — ``ProblemFamily/instanceDoubles(dimension:workers:)``),
    /// the buffers of each simulation running at once (one per job), and every work item's
    /// statistics at every checkpoint.
    public static func memory(problem: ProblemSpec, run: RunSpec, methods: Int, jobs: Int) -> Double {
        let d = Double(problem.dimension), n = Double(problem.workers)
        var doubles = n * d + 4 * d
        doubles += problem.family.instanceDoubles(dimension: problem.dimension, workers: problem.workers)
        let items = Double(run.seeds) * Double(max(methods, 1))
        let running = min(Double(max(jobs, 1)), items)
        doubles += running * (12 * d + 2 * n * d)
        let checkpoints = min(Double(run.checkpoints), Double(run.iterations) + 1)
        let perItem = checkpoints * 6 * 6 + 64   // 5 metrics' statistics and the gaps, per checkpoint
        return 8 * doubles + items * perItem * 8
    }

    /// "3.2 TB", "512 MB".
    public static func bytes(_ value: Double) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
        var v = value, unit = 0
        while v >= 1000 && unit < units.count - 1 { v /= 1000; unit += 1 }
        return unit == 0 ? "\(Int(v)) bytes" : String(format: v < 10 ? "%.1f" : "%.0f", v) + " " + units[unit]
    }
}
