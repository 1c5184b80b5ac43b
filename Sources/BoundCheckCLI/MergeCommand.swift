import ArgumentParser
import BoundCheck
import Foundation

/// `boundcheck merge DIR ...`: the shard results of `check --shard I/N` combined into the
/// reports one unsharded `check` writes (the same bytes apart from wall time and commit).
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the results of `check --shard I/N` runs into the reports of one run.",
        discussion: """
        Every shard of the split must be given exactly once, from the same build and the same \
        problem files and options; anything missing or inconsistent is an error (exit 2) and \
        nothing is written.
        """)

    @Argument(help: "Shard result folders (or shard-*.json files).")
    var paths: [String]

    @OptionGroup var reports: ReportOptions
    var out: String { reports.out }
    var formats: Set<ReportFormat> { reports.formats }

    @Flag(help: "Merge shards made by another build of boundcheck than this one.")
    var allowOtherBuild = false

    @Flag(help: "Allow problem files over the size, work and memory limits (as for check).")
    var allowLarge = false

    @Flag(help: "Also write the per-seed CSVs of `check --trajectories` (trajectories/<problem>/<method>.seed<N>.csv in --out).")
    var trajectories = false

    func run() throws {
        let merged: MergedRun
        do {
            merged = try MergedRun.load(paths: paths, allowOtherBuild: allowOtherBuild, codeVersion: CodeVersion.ofRunningExecutable()) { settings in
                // The same limits as check (with the shards' --seeds): merging holds every result
                // in memory and runs the probe.
                Session.loader(allowLarge: allowLarge, quick: settings?.quick ?? false, seeds: settings?.seeds)
            }
        } catch {
            printError("error: \(error)")
            printError("nothing was written.")
            throw ExitCode(Exit.badInput)
        }
        let claimed = try ClaimedOutput.claim(out)
        defer { claimed.release() }
        let commit = VersionInfo.gitCommit()
        let pages: [ReportPage]
        do {
            pages = try CheckRun.judge(merged, commit: commit, toolchain: VersionInfo.toolchain, events: consoleEvents(progress: nil))
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        // Written exactly as `check` writes them.
        try claimed.write(pages, formats: formats, commit: commit, linkBase: reports.linkBase, trajectories: trajectories)
        let results = pages.map(\.result)
        emitAnnotations(results, formats: formats)
        try finish(results, out: out)
    }
}
