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
    var formats: Set<String> { reports.formats }

    @Flag(help: "Merge shards made by another build of boundcheck than this one.")
    var allowOtherBuild = false

    @Flag(help: "Allow problem files over the size, work and memory limits (as for check).")
    var allowLarge = false

    /// Shard files named directly or found in folders.
    func shardFiles() throws -> [String] {
        try expandPaths(paths, what: "shard result files (shard-*.json)") { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }
    }

    func run() throws {
        let merged: MergedRun
        do {
            let files = try shardFiles()
            let shards = try files.map { file in
                let data: Data
                do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                    throw WorkStoreError("\(file): cannot be read: \(FileProblem.cause(of: error))")
                }
                return (file: file, contents: try ShardFile.decode(data, file: file))
            }
            // The same limits as check (with the shards' --seeds): merging holds every result
            // in memory and runs the probe.
            let settings = shards.first?.contents.settings
            let loader = SpecLoader(allowLarge: allowLarge, quick: settings?.quick ?? false, seedsOverride: settings?.seeds)
            merged = try MergedRun.merge(shards, loader: loader)
            let mine = CodeVersion.ofRunningExecutable()
            if merged.codeVersion != mine && !allowOtherBuild {
                throw WorkStoreError("the shards were made by another build (code \(merged.codeVersion)) than this boundcheck (code \(mine)); merge with the build that ran them, or pass --allow-other-build")
            }
        } catch {
            printError("error: \(error)")
            printError("nothing was written.")
            throw ExitCode(Exit.badInput)
        }
        let settings = merged.settings
        let claimed = try ClaimedOutput(out)
        defer { claimed.lock.release() }
        let commit = gitCommit()
        var results: [ExperimentResult] = []
        var pages: [(ExperimentResult, Provenance)] = []
        do {
            for problem in merged.problems {
                // The probe samples its own streams (not the runs'), so it is done here, once.
                let probe = try AssumptionProbe.run(problem.prepared, confidence: settings.confidence)
                let result = try Experiment.judge(problem.prepared, traces: problem.traces, probe: probe, confidence: settings.confidence,
                                                  strict: settings.strict, only: settings.only)
                let provenance = Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: problem.seconds)
                results.append(result)
                pages.append((result, provenance))
                printOutcome(result, seconds: nil)
            }
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        // Written exactly as `check` writes them.
        try claimed.write(pages, formats: formats, commit: commit, linkBase: reports.linkBase)
        emitAnnotations(results, formats: formats)
        try finish(results, out: out)
    }
}
