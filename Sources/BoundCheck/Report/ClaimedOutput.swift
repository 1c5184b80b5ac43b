import Foundation

/// The output folder of a run: checked and locked before any work starts (so a mistake costs
/// nothing), replaced as a whole at the end (docs/scaling.md, "The output folder").
public struct ClaimedOutput {
    public let folder: URL
    public let lock: OutputLock

    /// Refuses a folder that is a file, holds files the tool did not write, or is being
    /// written by another run; every error here is bad input.
    public init(_ out: String) throws {
        folder = OutputFolder.resolve(out)
        try OutputFolder.checkReplaceable(folder)
        lock = try OutputLock(folder: folder)
    }

    /// Writes the report set (with `trajectories`, the per-seed CSVs of ``TrajectoryCSV`` too,
    /// listed in the folder's manifest like every report file) and swaps it in for the folder's previous contents. `replacing`
    /// runs just before (the command line stops honouring interrupts there). A failing file
    /// system is an ``OutputError`` (the previous reports stay as they were).
    public func write(_ pages: [ReportPage], formats: Set<ReportFormat>, commit: String, toolchain: String,
                      linkBase: String?, trajectories: Bool = false, replacing: () -> Void = {}) throws {
        replacing()
        try OutputFolder.replace(folder) { writer in
            try ReportSet.write(pages, formats: Set(formats.map(\.rawValue)), to: writer,
                                indexProvenance: Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: 0),
                                linkBase: linkBase, trajectories: trajectories)
        }
    }

    /// Gives the folder up to other runs.
    public func release() { lock.release() }
}
