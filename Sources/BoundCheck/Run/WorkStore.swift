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

    /// Read back from a shard file: the same rule as the command line (a count of 0 or −1 must
    /// be refused here, before anything ranges over it).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(index: try container.decode(Int.self, forKey: .index), count: try container.decode(Int.self, forKey: .count))
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
    /// With a `selection` (`--method`, `--seed`), only its items are run and split.
    public static func items(for experiments: [PreparedExperiment], shard: Shard?, selection: CaseSelection? = nil) -> [[WorkItem]] {
        let all = experiments.map { selection?.items(of: $0) ?? $0.workItems }
        guard let shard else { return all }
        let order = experiments.indices.sorted { experiments[$0].spec.name < experiments[$1].spec.name }
        var owned = [[WorkItem]](repeating: [], count: experiments.count)
        var position = 0
        for e in order {
            for item in all[e] {
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
        // Bundle.main only when /proc/self/exe cannot be read: setting it up costs several
        // times what hashing the executable does.
        let paths: [() -> String?] = [{ "/proc/self/exe" }, { Bundle.main.executablePath }, { CommandLine.arguments.first }]
        for path in paths {
            if let path = path(), let hash = hash(fileAt: path) { return hash }
        }
        return "unknown"
    }

    /// FNV-1a over the file's 64-bit words in four interleaved lanes (word i goes to lane
    /// i mod 4, so the four multiplications overlap instead of waiting on each other), the
    /// tail bytes into the first lane, then the lanes and the length folded together; as 16
    /// hex digits. Any changed word changes the hash (each step is a bijection of the lane).
    public static func hash(fileAt path: String) -> String? {
        // Mapped, not read: the executable is mostly in the page cache already.
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped), !data.isEmpty else { return nil }
        let prime: UInt64 = 0x0000_0100_0000_01b3
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0xcbf2_9ce4_8422_2325 ^ 1,
                                                       0xcbf2_9ce4_8422_2325 ^ 2, 0xcbf2_9ce4_8422_2325 ^ 3)
        data.withUnsafeBytes { raw in
            let words = raw.count / 8
            var w = 0
            while w + 4 <= words {
                lanes.0 = (lanes.0 ^ raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self)) &* prime
                lanes.1 = (lanes.1 ^ raw.loadUnaligned(fromByteOffset: w * 8 + 8, as: UInt64.self)) &* prime
                lanes.2 = (lanes.2 ^ raw.loadUnaligned(fromByteOffset: w * 8 + 16, as: UInt64.self)) &* prime
                lanes.3 = (lanes.3 ^ raw.loadUnaligned(fromByteOffset: w * 8 + 24, as: UInt64.self)) &* prime
                w += 4
            }
            while w < words {
                lanes.0 = (lanes.0 ^ raw.loadUnaligned(fromByteOffset: w * 8, as: UInt64.self)) &* prime
                w += 1
            }
            for b in (words * 8)..<raw.count { lanes.0 = (lanes.0 ^ UInt64(raw[b])) &* prime }
        }
        var h = lanes.0
        for lane in [lanes.1, lanes.2, lanes.3, UInt64(data.count)] { h = (h ^ lane) &* prime }
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
/// carries its key and the SHA-256 of its content (``Checksummed``), both checked on load: a
/// damaged entry is reported and its item runs again. The root holds a marker
/// (``markerName``); only folders with it, or new or empty ones, are used (``open(prune:)``).
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

    /// What the cache holds for one item.
    public enum Lookup: Sendable, Equatable {
        case hit(BlockResult)
        case missing
        /// A file is there but cannot be used (its checksum or key does not match): the item
        /// runs again, and the caller says so.
        case damaged(file: String, why: String)
    }

    /// The cached result of `item`, if a valid one exists.
    public func load(_ item: WorkItem, of experiment: PreparedExperiment) -> BlockResult? {
        if case .hit(let result) = lookup(item, of: experiment) { return result }
        return nil
    }

    /// The cached result of `item`, or why there is none.
    public func lookup(_ item: WorkItem, of experiment: PreparedExperiment) -> Lookup {
        let url = file(for: item, of: experiment)
        guard let data = try? Data(contentsOf: url) else { return .missing }
        let content: Data
        do { content = try Checksummed.unwrap(data) } catch {
            return .damaged(file: url.path, why: error == .mismatch ? "its checksum does not match its content" : "it is truncated or not a cache entry")
        }
        guard let entry = try? ResultCoding.decoder().decode(Entry.self, from: content) else {
            return .damaged(file: url.path, why: "its content is not a cache entry")
        }
        guard entry.key == "\(codeVersion)/\(Self.key(for: experiment))", entry.result.item == item else {
            return .damaged(file: url.path, why: "it holds another item")
        }
        return .hit(entry.result)
    }

    /// Stores a finished item (temporary file, then rename), with its checksum.
    public func store(_ result: BlockResult, of experiment: PreparedExperiment) throws {
        try ensureRoot()
        let folder = folder(for: experiment)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let entry = Entry(key: "\(codeVersion)/\(Self.key(for: experiment))", result: result)
        try Checksummed.wrap(ResultCoding.encoder().encode(entry)).write(to: file(for: result.item, of: experiment), options: .atomic)
    }

    // MARK: the folder is the tool's own

    /// The marker file that makes a folder a cache of this tool (the Cache Directory Tagging
    /// convention, so backup tools skip it too).
    public static let markerName = "CACHEDIR.TAG"
    static let markerText = "Signature: 8a477f597d28d172789f06886806bc55\n# A boundcheck work cache (--cache-dir). boundcheck deletes the entries it wrote here.\n"
    /// Other builds' entries untouched for this long are deleted when a run starts; younger ones
    /// are kept, so two builds sharing a cache do not undo each other's resume.
    public static let pruneAge: TimeInterval = 3600

    var markerURL: URL { root.appendingPathComponent(Self.markerName) }

    /// Whether `name` is a folder name this tool gives a code version (16 hex digits).
    static func isVersionName(_ name: String) -> Bool {
        name.count == 16 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Creates the root with its marker when it does not exist yet.
    func ensureRoot() throws {
        if FileManager.default.fileExists(atPath: markerURL.path) { return }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(Self.markerText.utf8).write(to: markerURL, options: .atomic)
    }

    /// Makes sure the folder is this tool's cache before anything in it is used or deleted: a
    /// new or empty folder gets the marker; a folder with the marker is the tool's; a folder of
    /// code-version folders only (a cache from before the marker) is adopted. Anything else is
    /// refused, naming what is in it. Then other builds' old entries are pruned.
    public func open(prune: Bool = true) throws {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: root.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw WorkStoreError("--cache-dir \(root.path) is a file, not a folder; name a new or empty folder for the cache")
            }
            let marker = (try? String(contentsOf: markerURL, encoding: .utf8)) ?? ""
            if !marker.contains("boundcheck") {
                let names: [String]
                do { names = try fm.contentsOfDirectory(atPath: root.path) } catch {
                    throw WorkStoreError("--cache-dir \(root.path) cannot be read: \(FileProblem.cause(of: error))")
                }
                let foreign = names.filter { name in
                    var dir: ObjCBool = false
                    return !(Self.isVersionName(name) && fm.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &dir) && dir.boolValue)
                }.sorted()
                if !foreign.isEmpty {
                    let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", …" : "")
                    throw WorkStoreError("--cache-dir \(root.path) holds files boundcheck did not put there (\(shown)); the cache deletes old entries, so name a new or empty folder for it")
                }
            }
        }
        do { try ensureRoot() } catch {
            throw WorkStoreError("cannot create the cache folder \(root.path): \(FileProblem.cause(of: error))")
        }
        // This build's folder is touched, so that other builds' runs see it is in use.
        let own = root.appendingPathComponent(codeVersion, isDirectory: true)
        try? fm.createDirectory(at: own, withIntermediateDirectories: true)
        try? fm.setAttributes([.modificationDate: Date()], ofItemAtPath: own.path)
        if prune { pruneOtherVersions() }
    }

    /// Removes other builds' entries (this build can never use them) once they have not been
    /// touched for ``pruneAge``. Only what this tool writes is deleted: entry files
    /// (`m<method>-b<block>.json`) in code-version folders, then folders left empty.
    public func pruneOtherVersions(olderThan age: TimeInterval = WorkCache.pruneAge) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root.path) else { return }
        for name in names where name != codeVersion && Self.isVersionName(name) {
            let version = root.appendingPathComponent(name, isDirectory: true)
            guard let touched = (try? fm.attributesOfItem(atPath: version.path))?[.modificationDate] as? Date,
                  Date().timeIntervalSince(touched) > age else { continue }
            for key in (try? fm.contentsOfDirectory(atPath: version.path)) ?? [] {
                let folder = version.appendingPathComponent(key, isDirectory: true)
                for entry in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where Self.isEntryName(entry) {
                    try? fm.removeItem(at: folder.appendingPathComponent(entry))
                }
                _ = rmdir(folder.path)   // only when empty: anything else in it stays
            }
            _ = rmdir(version.path)
        }
    }

    static func isEntryName(_ name: String) -> Bool {
        guard name.hasPrefix("m"), name.hasSuffix(".json") else { return false }
        let middle = name.dropFirst().dropLast(5).split(separator: "-b", omittingEmptySubsequences: false)
        return middle.count == 2 && middle.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }
}

extension Experiment {
    /// What ``Experiment/runItems(_:items:jobs:cache:resume:alongside:progress:)`` did.
    public struct ItemRun: Sendable {
        /// The results, in the order of the items asked for.
        public var results: [BlockResult]
        /// How many came from the cache rather than being run.
        public var fromCache: Int
        /// Cache entries that were there but damaged (file and why); their items ran again.
        public var damaged: [(file: String, why: String)] = []
    }

    /// Runs `items` of an experiment on `jobs` threads. With a cache, every item is stored as
    /// soon as it finishes (so an interruption loses at most the items in flight), and with
    /// `resume` items already in the cache are taken from it instead of being run.
    /// `alongside` is one more task run by the same threads (see ``Runner/run(_:instance:methods:profile:progress:finished:alongside:)``).
    public static func runItems(_ prepared: PreparedExperiment, items: [WorkItem], jobs: Int, cache: WorkCache?,
                                resume: Bool, alongside: (@Sendable () -> Void)? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) -> ItemRun {
        var cached: [WorkItem: BlockResult] = [:]
        var damaged: [(file: String, why: String)] = []
        if resume, let cache {
            for item in items {
                switch cache.lookup(item, of: prepared) {
                case .hit(let r): cached[item] = r
                case .damaged(let file, let why): damaged.append((file, why))
                case .missing: break
                }
            }
        }
        let missing = items.filter { cached[$0] == nil }
        let ran = Runner(jobs: jobs).run(missing, instance: prepared.instance, methods: prepared.methods,
                                         profile: prepared.profile, progress: progress,
                                         finished: { result in try? cache?.store(result, of: prepared) }, alongside: alongside)
        for r in ran { cached[r.item] = r }
        return ItemRun(results: items.map { cached[$0]! }, fromCache: items.count - missing.count, damaged: damaged)
    }
}
