import ArgumentParser
import BoundCheck
import Foundation

/// `boundcheck check [PATH ...]`: the options, their checks and the messages; the run itself is
/// the library's ``CheckRun``.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run problem files, compare the runs with their bounds, write reports, exit with the verdict.")

    @Argument(help: "Problem files or folders (default: Problems/).")
    var paths: [String] = ["Problems"]

    @Flag(help: "Use each file's quick profile (the CI profile).")
    var quick = false

    @Option(help: "Override the number of seeds.")
    var seeds: Int?

    @Option(help: "Override the confidence level, in (0, 1).")
    var confidence: Double?

    @Option(help: "Check only the bound or assumption with this id.")
    var only: String?

    @Option(name: .customLong("method"),
            help: ArgumentHelp("Run only the method with this id (repeat the option, or give a comma-separated list).",
                               discussion: "The rest of the file stays as it is — its instance, probe and random streams — so the method's seeds are the same runs as in a full check.",
                               valueName: "id"))
    var methodOptions: [String] = []

    @Option(help: ArgumentHelp("Run only seed index n (0-based) of each method: one run, to reproduce a case.",
                               discussion: "One seed of a random run decides no bound: its comparisons are inconclusive and its expectations are not checked. A deterministic run is compared exactly, as always.",
                               valueName: "n"))
    var seed: Int?

    @Flag(help: "Also write each method's per-seed metrics at every checkpoint as CSV: trajectories/<problem>/<method>.seed<n>.csv in --out (columns: docs/problem-files.md).")
    var trajectories = false

    /// The method ids of every --method, comma lists split.
    var methodIDs: [String] {
        methodOptions.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    @Option(name: .customLong("jobs"), help: "Threads to run on (default: all cores). Results are identical for any value.")
    var jobsOption: Int?
    var jobs: Int { jobsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @OptionGroup var reports: ReportOptions
    var out: String { reports.out }
    var formats: Set<ReportFormat> { reports.formats }

    @Flag(help: "Treat inconclusive verdicts as failures.")
    var strict = false

    @Flag(help: "Allow files over the size, work and memory limits (not past the machine's memory).")
    var allowLarge = false

    @Option(help: "Run only shard I of N of the work items (1 ≤ I ≤ N) and write their results to --shard-out instead of reports; combine the shards with `boundcheck merge`.")
    var shard: String?

    @Option(help: "Folder for a shard's results (with --shard).")
    var shardOut: String = "Shards"

    @Flag(help: "Take work items finished by an earlier, interrupted run from the cache instead of running them again.")
    var resume = false

    @Option(help: "Cache folder of finished work items (keyed by problem file, profile and build).")
    var cacheDir: String = ".boundcheck-cache"

    @Flag(help: "Do not cache finished work items (a later --resume then has nothing to resume from).")
    var noCache = false

    @Flag(help: "Skip the assumption probe, for timing the simulation alone: reports then have no assumption checks, and expectations about assumptions (or `unsupported` bounds) are not met.")
    var noProbe = false

    func validate() throws {
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let confidence, !(confidence > 0 && confidence < 1) { throw ValidationError("--confidence must lie strictly between 0 and 1, got \(confidence)") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("\(error)") } }
        if resume && noCache { throw ValidationError("--resume needs the cache; drop --no-cache") }
        if let seed, seed < 0 { throw ValidationError("--seed is a seed index, 0 or more; got \(seed)") }
        if !methodOptions.isEmpty && methodIDs.isEmpty { throw ValidationError("--method names no method id") }
        if trajectories && shard != nil { throw ValidationError("--trajectories writes into the report folder, which a shard does not write; pass --trajectories to `boundcheck merge` instead") }
    }

    /// `--method` and `--seed` as a selection (nil: the whole files).
    var selection: CaseSelection? {
        methodIDs.isEmpty && seed == nil ? nil : CaseSelection(methods: methodIDs.isEmpty ? nil : methodIDs, seed: seed)
    }

    func run() throws {
        makeInterruptible()
        let files: [String]
        do { files = try ProblemFiles.find(paths) } catch {
            printError("error: \(error)")
            throw ExitCode(Exit.badInput)
        }
        guard let specs = loadAll(files, allowLarge: allowLarge, quick: quick, seeds: seeds, jobs: jobs, formats: formats) else {
            throw ExitCode(Exit.badInput)
        }
        if let only {
            let ids = ProblemFiles.checkIDs(of: specs, catalog: Session.catalog)
            if !ids.contains(only) {
                printError("error: --only \(only): no such bound or assumption; known: \(ids.sorted().joined(separator: ", "))")
                throw ExitCode(Exit.badInput)
            }
        }
        var prepared: [PreparedExperiment]
        do { prepared = try ProblemFiles.prepare(specs, quick: quick, seedsOverride: seeds, catalog: Session.catalog) } catch {
            emitAnnotations(error.diagnostics, formats: formats)
            error.messages.forEach(printError)
            printError("nothing was run and no report was written.")
            throw ExitCode(Exit.badInput)
        }
        if let selection {
            let problems = selection.problems(with: prepared)
            if !problems.isEmpty {
                problems.forEach { printError("error: \($0)") }
                printError("nothing was run and no report was written.")
                throw ExitCode(Exit.badInput)
            }
            for p in prepared where !selection.selectsAny(of: p) { print("skipped  \(p.spec.name)  (no method selected by --method)") }
            prepared = prepared.filter { selection.selectsAny(of: $0) }
        }
        // The places results go, and the cache, are checked before anything runs.
        let claimed = self.shard == nil ? try ClaimedOutput.claim(out) : nil
        defer { claimed?.release() }
        if self.shard != nil { try checkShardOut(shardOut) }
        let commit = VersionInfo.gitCommit()
        let shard = try self.shard.map { try Shard(parsing: $0) }
        let codeVersion = noCache && self.shard == nil ? "" : CodeVersion.ofRunningExecutable()
        let cache = noCache ? nil : WorkCache(root: cacheDir, codeVersion: codeVersion)
        do { try cache?.open() } catch {
            printError("error: \(error)")
            printError("nothing was run and no report was written.")
            throw ExitCode(Exit.badInput)
        }
        let request = CheckRequest(settings: CheckSettings(quick: quick, seeds: seeds, confidence: confidence, strict: strict, only: only,
                                                           selection: selection),
                                   jobs: jobs, shard: shard, resume: resume, probe: !noProbe,
                                   commit: commit, toolchain: VersionInfo.toolchain)
        let outcome: CheckOutcome
        do {
            outcome = try CheckRun.run(prepared, request: request, cache: cache, codeVersion: codeVersion,
                                       events: consoleEvents(progress: makeProgressReporter()))
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        switch outcome {
        case .shard(let file, let workItems):
            let path = try writeShardFile(file, to: shardOut)
            print("shard \(file.shard): \(workItems) work items; results in \(path) (combine with `boundcheck merge`)")
        case .reports(let pages):
            try claimed?.write(pages, formats: formats, commit: commit, linkBase: reports.linkBase, trajectories: trajectories)
            let results = pages.map(\.result)
            emitAnnotations(results, formats: formats)
            try finish(results, out: out)
        }
    }
}

/// The lines `check` and `merge` show while they work: the progress line on standard error,
/// one line per judged problem file, notes about the cache.
func consoleEvents(progress: ProgressReporter?) -> @Sendable (CheckEvent) -> Void {
    { event in
        switch event {
        case .began(let problem): progress?.begin(problem)
        case .progress(let done, let total): progress?.update(done: done, total: total)
        case .ranAll: progress?.clear()
        case .damagedCacheEntry(let file, let why): printError("cache: \(file) is damaged (\(why)); its work item ran again")
        case .resumed(let problem, let fromCache, let workItems): print("resumed  \(problem)  \(fromCache)/\(workItems) work items from the cache")
        case .judged(let result, let seconds): printOutcome(result, seconds: seconds)
        }
    }
}
