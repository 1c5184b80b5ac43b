import Foundation

/// What a run will cost, estimated from the problem file before anything is allocated or run
/// (docs/problem-files.md, "Limits"). Both estimates are held to a cap that `--allow-large`
/// lifts, and to a ceiling nothing lifts: the machine's memory, and work no machine finishes
/// (which also keeps every count the run multiplies inside the range of Int). Data families count
/// their rows: a gradient there reads samples-per-worker rows of d numbers.
public enum ResourceLimits {
    /// The memory cap without `--allow-large`.
    public static let maximumMemoryBytes = 8.0 * 1_073_741_824
    /// Work past this is refused even with `--allow-large` (about 30 years at 10⁹ updates a second).
    public static let ceilingWork = 1e18
    /// Memory past the machine's is refused even with `--allow-large`: the allocation would fail.
    public static var ceilingMemoryBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) }

    /// Rows of data each worker's gradient reads (samples-per-worker for the data families; 1 otherwise).
    static func rowsPerWorker(_ family: FamilySpec) -> Int {
        switch family {
        case .logisticNonconvex(let r, _), .composite(let r, _): r
        default: 1
        }
    }

    /// Coordinate-updates: d × workers × rows per worker × iterations × seeds × methods, plus
    /// the one-off cost of the data families' Gram matrix (N·m² to form, m³ to decompose, for
    /// m = min(d, N), N the rows).
    public static func work(problem: ProblemSpec, run: RunSpec, methods: Int) -> Double {
        let d = Double(problem.dimension), n = Double(problem.workers), r = Double(rowsPerWorker(problem.family))
        var total = d * n * r * Double(run.iterations) * Double(run.seeds) * Double(max(methods, 1))
        switch problem.family {
        case .logisticNonconvex:
            let rows = n * r, m = min(d, rows)
            total += rows * m * m + m * m * m
        case .composite:
            let rows = n * r, m = min(d, rows)
            // The probe's exact means integrate over every row at each of its points (about
            // ten points of some hundreds of integrand evaluations).
            total += rows * m * m + m * m * m + 3000 * rows * d
        default: break
        }
        return total
    }

    /// Bytes the run will hold at once: the instance (per-worker vectors, data rows, a dense or
    /// Gram matrix), the buffers of each simulation running at once (one per job), and every
    /// work item's statistics at every checkpoint.
    public static func memory(problem: ProblemSpec, run: RunSpec, methods: Int, jobs: Int) -> Double {
        let d = Double(problem.dimension), n = Double(problem.workers), r = Double(rowsPerWorker(problem.family))
        var doubles = n * d + 4 * d
        switch problem.family {
        case .logisticNonconvex, .composite:
            let rows = n * r, m = min(d, rows)
            doubles += rows * (d + 1) + 2 * m * m + (d > rows ? rows * d : 0)
        case .quadratic(_, _, _, _, let rotate, _) where rotate:
            doubles += 2 * d * d
        default: break
        }
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
