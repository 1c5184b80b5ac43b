import Foundation

/// What a run tells its caller while it works; the command line turns these into its progress
/// line and its output lines, a library user into whatever it likes. Events come in order from
/// the calling thread, except ``progress(done:total:)``, which the worker threads send.
public enum CheckEvent: Sendable {
    /// The runs of a problem file start.
    case began(problem: String)
    /// `done` of the `total` runs of the current problem file are finished.
    case progress(done: Int, total: Int)
    /// The runs of the current problem file are over (sent before anything about them).
    case ranAll(problem: String)
    /// A cache entry was there but damaged; its work item ran again.
    case damagedCacheEntry(file: String, why: String)
    /// With `resume`, `fromCache` of the problem file's `workItems` came from the cache.
    case resumed(problem: String, fromCache: Int, workItems: Int)
    /// A problem file was judged; `seconds` is its wall time (nil for merged shards, whose
    /// time is in the provenance).
    case judged(ExperimentResult, seconds: Double?)
}

/// What a run is asked to do besides its problem files.
public struct CheckRequest: Sendable {
    /// The options that change results (profile, seeds, confidence, strictness, `only`).
    public var settings: CheckSettings
    /// Threads to run on; results are identical for any value.
    public var jobs: Int
    /// Run only this shard's work items and return them unjudged.
    public var shard: Shard?
    /// Take finished work items from the cache instead of running them again.
    public var resume: Bool
    /// Run the assumption probe after the runs, at their seed-0 points (an unsharded run only).
    public var probe: Bool
    /// Provenance of the reports: the commit and toolchain of the build.
    public var commit: String
    public var toolchain: String

    public init(settings: CheckSettings, jobs: Int, shard: Shard? = nil, resume: Bool = false, probe: Bool = true,
                commit: String, toolchain: String) {
        self.settings = settings
        self.jobs = jobs
        self.shard = shard
        self.resume = resume
        self.probe = probe
        self.commit = commit
        self.toolchain = toolchain
    }
}

/// One judged problem file with the provenance its report carries.
public typealias ReportPage = (result: ExperimentResult, provenance: Provenance)

/// What a run produced.
public enum CheckOutcome {
    /// An unsharded run: every problem file judged, in the order given.
    case reports([ReportPage])
    /// A shard: its results unjudged (`merge` judges them), and how many work items it owned.
    case shard(ShardFile, workItems: Int)
}

/// The pipeline of `boundcheck check` and `boundcheck merge` from prepared experiments to
/// judged results: the cache and resume, shards, the probe at the runs' points, judging.
/// Values in, values out: it prints nothing and exits nothing; progress and notes go to the
/// `events` sink, and any error it throws is an internal failure (bad input is refused
/// before, by ``ProblemFiles``, ``WorkCache/open(prune:)`` and ``ClaimedOutput``).
public enum CheckRun {
    /// Runs the work items of `prepared` (all of them, or the shard's), each finished item
    /// stored in `cache` at once, so an interrupted run loses only the items in flight.
    /// `codeVersion` is the build recorded in a shard file.
    public static func run(_ prepared: [PreparedExperiment], request: CheckRequest, cache: WorkCache?, codeVersion: String,
                           events: @escaping @Sendable (CheckEvent) -> Void) throws -> CheckOutcome {
        let shard = request.shard
        let confidence = request.settings.confidence
        let owned = WorkPlan.items(for: prepared, shard: shard, selection: request.settings.selection)
        var pages: [ReportPage] = []
        var shardProblems: [ShardFile.Problem] = []
        for (index, p) in prepared.enumerated() {
            let started = Date()
            events(.began(problem: p.spec.name))
            let run = Experiment.runItems(p, items: owned[index], jobs: request.jobs, cache: cache, resume: request.resume,
                                          alongside: nil) { done, total in
                events(.progress(done: done, total: total))
            }
            events(.ranAll(problem: p.spec.name))
            for (file, why) in run.damaged { events(.damagedCacheEntry(file: file, why: why)) }
            if run.fromCache > 0 { events(.resumed(problem: p.spec.name, fromCache: run.fromCache, workItems: owned[index].count)) }
            if shard != nil {
                shardProblems.append(try ShardFile.problem(p, results: run.results, seconds: Date().timeIntervalSince(started)))
                continue
            }
            let traces = Runner.merge(run.results, methods: p.methods, profile: p.profile)
            // The probe measures at points of the runs' own first-seed trajectories (kept by the work
            // items, cached with them), after the runs, its points spread over the jobs.
            let probe = request.probe
                ? try AssumptionProbe.run(p, confidence: confidence,
                                          trajectories: AssumptionProbe.trajectories(from: run.results, methods: p.methods.count),
                                          jobs: request.jobs)
                : nil
            let result = try Experiment.judge(p, traces: traces, probe: probe, confidence: confidence,
                                              strict: request.settings.strict, only: request.settings.only,
                                              selection: request.settings.selection)
            let provenance = Provenance(commit: request.commit, toolchain: request.toolchain,
                                        wallTimeSeconds: Date().timeIntervalSince(started))
            pages.append((result, provenance))
            events(.judged(result, seconds: provenance.wallTimeSeconds))
        }
        if let shard {
            let file = ShardFile(codeVersion: codeVersion, shard: shard, settings: request.settings, problems: shardProblems)
            return .shard(file, workItems: owned.reduce(0) { $0 + $1.count })
        }
        return .reports(pages)
    }

    /// Judges merged shards exactly as an unsharded run judges its own: the probe samples its
    /// own streams (not the runs'), at the seed-0 points the shards kept, so it is done here,
    /// once per problem file.
    public static func judge(_ merged: MergedRun, commit: String, toolchain: String,
                             events: (CheckEvent) -> Void) throws -> [ReportPage] {
        let settings = merged.settings
        var pages: [ReportPage] = []
        for problem in merged.problems {
            let probe = try AssumptionProbe.run(problem.prepared, confidence: settings.confidence,
                                                trajectories: problem.probeTrajectories)
            let result = try Experiment.judge(problem.prepared, traces: problem.traces, probe: probe, confidence: settings.confidence,
                                              strict: settings.strict, only: settings.only, selection: settings.selection)
            pages.append((result, Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: problem.seconds)))
            events(.judged(result, seconds: nil))
        }
        return pages
    }
}

extension MergedRun {
    /// Reads the shard files named by `paths` (files, or folders holding shard-*.json), checks
    /// them and merges them (``merge(_:loader:)``), loading the problem files with the loader
    /// `loader` makes for the shards' settings (nil when no shard was read). Unless
    /// `allowOtherBuild`, the shards must come from the build `codeVersion`. Every error is
    /// bad input.
    public static func load(paths: [String], allowOtherBuild: Bool, codeVersion: String,
                            loader: (CheckSettings?) -> SpecLoader) throws -> MergedRun {
        let files = try ProblemFiles.expand(paths, what: "shard result files (shard-*.json)") { $0.hasPrefix("shard-") && $0.hasSuffix(".json") }
        let shards = try files.map { file in
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw WorkStoreError("\(file): cannot be read: \(FileProblem.cause(of: error))")
            }
            return (file: file, contents: try ShardFile.decode(data, file: file))
        }
        let merged = try MergedRun.merge(shards, loader: loader(shards.first?.contents.settings))
        if merged.codeVersion != codeVersion && !allowOtherBuild {
            throw WorkStoreError("the shards were made by another build (code \(merged.codeVersion)) than this boundcheck (code \(codeVersion)); merge with the build that ran them, or pass --allow-other-build")
        }
        return merged
    }
}

extension ShardFile {
    /// Writes the shard's results into `folder` (created if needed) under ``fileName(_:)``;
    /// returns the path. A failing file system is an ``OutputError`` of one sentence.
    public func write(into folder: String) throws -> String {
        let path = (folder as NSString).appendingPathComponent(ShardFile.fileName(shard))
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw OutputError("cannot write the shard's results to \(path): \(FileProblem.cause(of: error))")
        }
        return path
    }
}
