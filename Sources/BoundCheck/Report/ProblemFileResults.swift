/// A run's results grouped by the problem file they came from, as the index, the summary and the
/// closing line count them: an ordinary file is one result; a sweep (`sweep:`) is one file whose
/// results are its cells, judged together (docs/problem-files.md, "sweep and search").
public struct ProblemFileResults: Sendable {
    /// The file's problem name (a sweep's own name, not a cell's).
    public var name: String
    /// Its report page, without `.md`.
    public var page: String
    /// Its results: one, or a sweep's cells in grid order.
    public var results: [ExperimentResult]

    /// Whether every result of the file came out as expected.
    public var passed: Bool { results.allSatisfy(\.passed) }
    /// Whether this is a sweep's cells.
    public var isSweep: Bool { results.first?.sweep != nil }

    /// `results` grouped by file, in the order each file first appears.
    public static func grouping(_ results: [ExperimentResult]) -> [ProblemFileResults] {
        var groups: [ProblemFileResults] = []
        var sweepIndex: [String: Int] = [:]
        for r in results {
            guard let sweep = r.sweep?.sweep else {
                groups.append(ProblemFileResults(name: r.name, page: r.reportPage, results: [r]))
                continue
            }
            if let i = sweepIndex[sweep] {
                groups[i].results.append(r)
            } else {
                sweepIndex[sweep] = groups.count
                groups.append(ProblemFileResults(name: sweep, page: r.reportPage, results: [r]))
            }
        }
        return groups
    }

    /// "24/24 problem files as expected" (with ", 53 experiments counting each sweep cell" when
    /// a sweep ran), or "2 of 24 problem files not as expected".
    public static func headline(_ results: [ExperimentResult]) -> (passed: Int, files: Int, cells: String) {
        let groups = grouping(results)
        let cells = groups.contains(where: \.isSweep) ? " (\(results.count) experiments, counting each sweep cell)" : ""
        return (groups.filter(\.passed).count, groups.count, cells)
    }
}
