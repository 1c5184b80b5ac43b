import Foundation

/// The options of a `check` that shape its results; every shard of a run must have used the
/// same ones, and `merge` judges with them.
public struct CheckSettings: Codable, Sendable, Equatable, CustomStringConvertible {
    public var quick: Bool
    public var seeds: Int?
    public var confidence: Double?
    public var strict: Bool
    public var only: String?
    /// `--method`, `--seed` (nil: every case).
    public var selection: CaseSelection?

    public init(quick: Bool, seeds: Int?, confidence: Double?, strict: Bool, only: String?, selection: CaseSelection? = nil) {
        self.quick = quick
        self.seeds = seeds
        self.confidence = confidence
        self.strict = strict
        self.only = only
        self.selection = selection
    }

    /// The options as they were given on the command line ("--quick --seeds 8"; "no options").
    public var description: String {
        var parts: [String] = []
        if quick { parts.append("--quick") }
        if let seeds { parts.append("--seeds \(seeds)") }
        if let confidence { parts.append("--confidence \(confidence)") }
        if strict { parts.append("--strict") }
        if let only { parts.append("--only \(only)") }
        if let selection, !selection.description.isEmpty { parts.append(selection.description) }
        return parts.isEmpty ? "no options" : parts.joined(separator: " ")
    }
}

/// What one shard (`check --shard I/N`) writes instead of reports: its finished work items,
/// and, for every problem file of the run, the file's text, so that `merge` needs nothing but
/// the shard files (they can come from another machine as CI artifacts).
public struct ShardFile: Codable, Sendable {
    /// 2: the file carries the SHA-256 of its content (``Checksummed``); 3: block results also
    /// carry per-seed checkpoint values (the distribution-free verdict needs them); 4: the block
    /// of seed 0 carries the probe's points of its trajectory.
    public static let currentFormat = 4

    public struct Problem: Codable, Sendable {
        public var name: String
        public var specHash: String
        /// The path the file was loaded from (it appears in the reports).
        public var file: String
        public var defaultName: String
        public var text: String
        /// This shard's items and the seconds they took.
        public var results: [BlockResult]
        public var seconds: Double
    }

    public var format: Int
    public var codeVersion: String
    public var shard: Shard
    public var settings: CheckSettings
    public var problems: [Problem]

    public init(codeVersion: String, shard: Shard, settings: CheckSettings, problems: [Problem]) {
        format = Self.currentFormat
        self.codeVersion = codeVersion
        self.shard = shard
        self.settings = settings
        self.problems = problems
    }

    /// The file name shard I of N writes in its output folder.
    public static func fileName(_ shard: Shard) -> String { "shard-\(shard.index)-of-\(shard.count).json" }

    public func encoded() throws -> Data { Checksummed.wrap(try ResultCoding.encoder().encode(self)) }

    /// Reads a shard file, refusing one whose checksum does not match (damaged in transit or
    /// edited) or whose content is not a shard result.
    public static func decode(_ data: Data, file: String) throws -> ShardFile {
        let content: Data
        do { content = try Checksummed.unwrap(data) } catch {
            throw WorkStoreError(error == .mismatch
                ? "\(file): the shard file is damaged (its content does not match its SHA-256 checksum); run that shard again"
                : "\(file): not a shard result file of this build of boundcheck (truncated, another file, or written by an older version); run that shard again")
        }
        do { return try ResultCoding.decoder().decode(ShardFile.self, from: content) } catch let error as WorkStoreError {
            throw WorkStoreError("\(file): \(error.description.replacingOccurrences(of: "--shard ", with: "shard "))")
        } catch {
            throw WorkStoreError("\(file): not a shard result file of this tool (\(describeDecodingError(error)))")
        }
    }

    /// A problem entry for a prepared experiment; its text is read back from its file and must
    /// still hash to the spec hash it was loaded with.
    public static func problem(_ prepared: PreparedExperiment, results: [BlockResult], seconds: Double) throws -> Problem {
        let spec = prepared.spec
        guard let path = spec.sourcePath, let data = FileManager.default.contents(atPath: path),
              let text = String(data: data, encoding: .utf8), SpecLoader.hash(text) == spec.sweepCell?.fileHash ?? spec.specHash else {
            throw WorkStoreError("\(spec.sourcePath ?? spec.name): the problem file changed while running; run again")
        }
        let defaultName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return Problem(name: spec.name, specHash: spec.specHash, file: path, defaultName: defaultName, text: text,
                       results: results, seconds: seconds)
    }
}

/// Shard results combined into what one unsharded `check` would have produced.
public struct MergedRun {
    public struct Problem {
        public var prepared: PreparedExperiment
        public var traces: [MethodTrace]
        /// Sum over shards of the seconds spent on this problem's items.
        public var seconds: Double
        /// Each method's seed-0 points for the probe, as the shard that ran seed 0 kept them.
        public var probeTrajectories: [[ProbeTrajectoryPoint]]? = nil
    }

    public var settings: CheckSettings
    public var codeVersion: String
    /// In the order of the first shard file (the order its `check` was given the files).
    public var problems: [Problem]

    /// Checks that `shards` are the complete, consistent output of one sharded run — the same
    /// code, settings, problem files and shard count, every shard exactly once, every work item
    /// exactly once — and merges them. Block results are merged in block order, so the traces
    /// are bit-identical to an unsharded run's.
    public static func merge(_ shards: [(file: String, contents: ShardFile)], loader: SpecLoader) throws -> MergedRun {
        guard let (firstFile, first) = shards.first else { throw WorkStoreError("no shard result files given") }
        var problems: [String] = []
        for (file, s) in shards {
            if s.format != ShardFile.currentFormat { problems.append("\(file): format \(s.format), expected \(ShardFile.currentFormat)") }
            if s.codeVersion != first.codeVersion {
                problems.append("\(file): made by a different build (code \(s.codeVersion)) than \(firstFile) (code \(first.codeVersion)); rerun every shard with one build")
            }
            if s.settings != first.settings { problems.append("\(file): run with other options than \(firstFile) (\(s.settings) against \(first.settings))") }
            if s.shard.count != first.shard.count { problems.append("\(file): shard \(s.shard) of a \(s.shard.count)-way split; \(firstFile) is of a \(first.shard.count)-way split") }
            if s.problems.map(\.name) != first.problems.map(\.name) || s.problems.map(\.specHash) != first.problems.map(\.specHash) {
                problems.append("\(file): other problem files (or other versions of them) than \(firstFile)")
            }
        }
        if !problems.isEmpty { throw WorkStoreError(problems.joined(separator: "\n")) }
        let indices = shards.map(\.contents.shard.index)
        let duplicates = Set(indices.filter { i in indices.filter { $0 == i }.count > 1 }).sorted()
        if !duplicates.isEmpty { throw WorkStoreError("shard(s) \(duplicates.map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")) given more than once") }
        let missing = (1...first.shard.count).filter { !indices.contains($0) }
        if !missing.isEmpty { throw WorkStoreError("incomplete: shard(s) \(missing.map { "\($0)/\(first.shard.count)" }.joined(separator: ", ")) missing") }

        var merged: [Problem] = []
        for (index, entry) in first.problems.enumerated() {
            // A sweep's cell is found among the cells its file's text gives.
            let spec = try loader.loadAll(yaml: entry.text, file: entry.file, defaultName: entry.defaultName).first { $0.name == entry.name }
                ?? loader.load(yaml: entry.text, file: entry.file, defaultName: entry.defaultName)
            guard spec.specHash == entry.specHash else { throw WorkStoreError("\(entry.file): stored text does not match its spec hash") }
            let prepared = try PreparedExperiment(spec: spec, quick: first.settings.quick, seedsOverride: first.settings.seeds,
                                                   catalog: loader.catalog)
            var byItem: [WorkItem: BlockResult] = [:]
            var seconds = 0.0
            for (file, s) in shards {
                seconds += s.problems[index].seconds
                for r in s.problems[index].results {
                    if byItem[r.item] != nil { throw WorkStoreError("\(file): \(entry.name) work item \(r.item) also appears in another shard") }
                    byItem[r.item] = r
                }
            }
            let expected = first.settings.selection.map { $0.items(of: prepared) } ?? prepared.workItems
            let absent = expected.filter { byItem[$0] == nil }
            if !absent.isEmpty || byItem.count != expected.count {
                throw WorkStoreError("incomplete: \(entry.name) has \(byItem.count) of \(expected.count) work items (missing \(absent.count))")
            }
            let blocks = expected.map { byItem[$0]! }
            merged.append(Problem(prepared: prepared, traces: Runner.merge(blocks, methods: prepared.methods, profile: prepared.profile),
                                  seconds: seconds,
                                  probeTrajectories: AssumptionProbe.trajectories(from: blocks, methods: prepared.methods.count)))
        }
        // A sweep's cells share one Bonferroni family, as in an unsharded run.
        for (i, p) in PreparedExperiment.sharingSweepFamilies(merged.map(\.prepared)).enumerated() { merged[i].prepared = p }
        return MergedRun(settings: first.settings, codeVersion: first.codeVersion, problems: merged)
    }
}
