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

    /// Shard files named directly or found in folders.
    func shardFiles() throws -> [String] {
        try expandPaths(paths, what: "shard result files (shard-*.json)") { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }
    }

    func run() throws {
        let merged: MergedRun
        do {
            let files = try shardFiles()
            let shards = try files.map { file in
                (file: file, contents: try ShardFile.decode(try Data(contentsOf: URL(fileURLWithPath: file)), file: file))
            }
            // The work cap guarded the shards' runs; merging runs nothing, so it does not apply.
            let loader = SpecLoader(allowLarge: true, quick: shards.first?.contents.settings.quick ?? false)
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
            // Written exactly as `check` writes them.
            deferInterrupts()
            try ReportSet.write(pages.map { (result: $0.0, provenance: $0.1) }, formats: formats, to: ReportWriter(directory: out),
                                indexProvenance: Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: 0),
                                linkBase: reports.linkBase)
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        emitAnnotations(results, formats: formats)
        try finish(results, out: out)
    }
}
