import Foundation

/// Which part of the work a process runs: `--shard I/N`, 1 ≤ I ≤ N.
///
/// The work items of every problem file form one canonical list (``WorkPlan``); shard I runs
/// the items at positions p with p mod N = I − 1 (round-robin, so shards get nearly equal
/// shares of every problem). The split depends only on the problem files and the profile,
/// never on the machine, `--jobs` or timing.
public struct Shard: Sendable, Equatable, Codable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (1...count).contains(index) else {
            throw WorkStoreError("--shard \(index)/\(count): expected I/N with 1 ≤ I ≤ N, e.g. 1/4")
        }
        self.index = index
        self.count = count
    }

    /// Parses "I/N".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw WorkStoreError("--shard \(text): expected I/N with 1 ≤ I ≤ N, e.g. 1/4")
        }
        try self.init(index: i, count: n)
    }

    public func owns(position: Int) -> Bool { position % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}

public struct WorkStoreError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The canonical list of work items over several experiments: experiments ordered by name
/// (names are unique within a run), each experiment's items in ``Runner/workItems(methods:seeds:)``
/// order. Sharding numbers positions in this list.
public enum WorkPlan {
    /// For each experiment (in the order given), the items shard `shard` runs.
    public static func items(for experiments: [PreparedExperiment], shard: Shard?) -> [[WorkItem]] {
        guard let shard else { return experiments.map(\.workItems) }
        let order = experiments.indices.sorted { experiments[$0].spec.name < experiments[$1].spec.name }
        var owned = [[WorkItem]](repeating: [], count: experiments.count)
        var position = 0
        for e in order {
            for item in experiments[e].workItems {
                if shard.owns(position: position) { owned[e].append(item) }
                position += 1
            }
        }
        return owned
    }
}

/// Identifies the code that produced a result: a hash of the running executable's bytes, so
/// any rebuild with changed code (or a different compiler) gets a new version and the cache
/// and shard results of the old one are not used with it.
public enum CodeVersion {
    public static func ofRunningExecutable() -> String {
        for path in ["/proc/self/exe", Bundle.main.executablePath, CommandLine.arguments.first].compactMap({ $0 }) {
            if let hash = hash(fileAt: path) { return hash }
        }
        return "unknown"
    }

    /// FNV-1a over the file's 64-bit words (then its tail bytes), as 16 hex digits.
    public static func hash(fileAt path: String) -> String? {
        // Mapped, not read: the executable is mostly in the page cache already.
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped), !data.isEmpty else { return nil }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            for w in 0..<words {
                h = (h ^ raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self)) &* 0x0000_0100_0000_01b3
            }
            for b in (words * 8)..<raw.count { h = (h ^ UInt64(raw[b])) &* 0x0000_0100_0000_01b3 }
        }
        h = (h ^ UInt64(data.count)) &* 0x0000_0100_0000_01b3
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// JSON coding for results: doubles round-trip exactly, NaN and ±∞ as strings.
enum ResultCoding {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}

/// Finished work items on disk, so that an interrupted `check` can resume (`--resume`) without
/// redoing them. One file per item:
///
///     <root>/<code version>/<spec hash>-<profile>/m<method>-b<block>.json
///
/// The key is everything a result depends on: the problem file's text (its spec hash), the
/// profile (quick or full, iterations, seeds, checkpoints) and the code (``CodeVersion``); a
/// changed file or a rebuilt tool therefore never sees old entries. Each file is written to a
/// temporary name and renamed, so a kill leaves either the whole entry or none; each also
/// carries its key, checked on load, and an unreadable entry is treated as missing.
public struct WorkCache: Sendable {
    public let root: URL
    public let codeVersion: String

    public init(root: String = ".boundcheck-cache", codeVersion: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true)
        self.codeVersion = codeVersion
    }

    struct Entry: Codable {
        var key: String
        var result: BlockResult
    }

    public static func key(for experiment: PreparedExperiment) -> String {
        let p = experiment.profile
        return "\(experiment.spec.specHash)-\(experiment.profileName)-i\(p.iterations)-s\(p.seeds)-c\(p.checkpoints)"
    }

    func folder(for experiment: PreparedExperiment) -> URL {
        root.appendingPathComponent(codeVersion, isDirectory: true)
            .appendingPathComponent(Self.key(for: experiment), isDirectory: true)
    }

    func file(for item: WorkItem, of experiment: PreparedExperiment) -> URL {
        folder(for: experiment).appendingPathComponent("m\(item.method)-b\(item.block).json")
    }

    /// The cached result of `item`, if a valid one exists.
    public func load(_ item: WorkItem, of experiment: PreparedExperiment) -> BlockResult? {
        guard let data = try? Data(contentsOf: file(for: item, of: experiment)),
              let entry = try? ResultCoding.decoder().decode(Entry.self, from: data),
              entry.key == "\(codeVersion)/\(Self.key(for: experiment))", entry.result.item == item
        else { return nil }
        return entry.result
    }

    /// Stores a finished item (temporary file, then rename).
    public func store(_ result: BlockResult, of experiment: PreparedExperiment) throws {
        let folder = folder(for: experiment)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let entry = Entry(key: "\(codeVersion)/\(Self.key(for: experiment))", result: result)
        try ResultCoding.encoder().encode(entry).write(to: file(for: result.item, of: experiment), options: .atomic)
    }

    /// Removes the entries of other code versions (they can never be used again by this build).
    public func pruneOtherVersions() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return }
        for name in names where name != codeVersion && !name.hasPrefix(".") {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
    }
}

extension Experiment {
    /// What ``runItems(_:items:jobs:cache:resume:progress:)`` did.
    public struct ItemRun: Sendable {
        /// The results, in the order of the items asked for.
        public var results: [BlockResult]
        /// How many came from the cache rather than being run.
        public var fromCache: Int
    }

    /// Runs `items` of an experiment on `jobs` threads. With a cache, every item is stored as
    /// soon as it finishes (so an interruption loses at most the items in flight), and with
    /// `resume` items already in the cache are taken from it instead of being run.
    /// `alongside` is one more task run by the same threads (see ``Runner/run(_:instance:methods:profile:progress:finished:alongside:)``).
    public static func runItems(_ prepared: PreparedExperiment, items: [WorkItem], jobs: Int, cache: WorkCache?,
                                resume: Bool, alongside: (@Sendable () -> Void)? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) -> ItemRun {
        var cached: [WorkItem: BlockResult] = [:]
        if resume, let cache {
            for item in items { if let r = cache.load(item, of: prepared) { cached[item] = r } }
        }
        let missing = items.filter { cached[$0] == nil }
        let ran = Runner(jobs: jobs).run(missing, instance: prepared.instance, methods: prepared.methods,
                                         profile: prepared.profile, progress: progress,
                                         finished: { result in try? cache?.store(result, of: prepared) }, alongside: alongside)
        for r in ran { cached[r.item] = r }
        return ItemRun(results: items.map { cached[$0]! }, fromCache: items.count - missing.count)
    }
}
