// Over 400 lines on purpose: three short suites (checksums, cache, shards) that share file-private fixtures.
import Foundation
import Testing
@testable import BoundCheck

// Issue 11, "never lose a user's files, never crash": checksums, the cache folder, the output
// folder and its lock, output paths, resource limits and unreadable inputs, at library level.
// SafetyToolTests.swift runs the same faults through the built tool.

private func scratchFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("boundcheck-safety-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small quadratic with noise: many quick work items.
func safetyProblem(name: String = "safety", seeds: Int = 4, iterations: Int = 40, methods: String? = nil) -> String {
    """
    name: \(name)
    seed: 5
    problem: {family: quadratic, dimension: 8, workers: 2, spectrum: {min: 0.5, max: 4}}
    oracle: [{gaussian-noise: {variance: 0.5}}]
    methods: \(methods ?? "[{id: sgdm, method: sgdm, beta: 0.2, step: 0.02}, {id: sgd, method: sgd, step: 0.02}]")
    run: {iterations: \(iterations), seeds: \(seeds), checkpoints: 8}

    """
}

/// The text with the first `"scaledMean":<number>` (a statistic's mean, stored scaled) scaled by 1.03: a plausible, damaging edit.
func scaleFirstMean(_ text: String) -> String? {
    guard let range = text.range(of: #""scaledMean":(-?[0-9.eE+-]+)"#, options: .regularExpression) else { return nil }
    let number = text[range].dropFirst(#""scaledMean":"#.count)
    guard let value = Double(number), value != 0 else { return nil }
    return text.replacingCharacters(in: range, with: "\"scaledMean\":\(value * 1.03)")
}

/// One bit flipped in the first digit after `"scaledMean":` ('1' ↔ '0', '3' ↔ '2', …): still JSON.
func flipBitInFirstMean(_ data: Data) -> Data? {
    var bytes = [UInt8](data)
    let key = Array(#""scaledMean":"#.utf8)
    guard let start = (0..<(bytes.count - key.count)).first(where: { Array(bytes[$0..<($0 + key.count)]) == key }) else { return nil }
    guard let digit = ((start + key.count)..<bytes.count).first(where: { (0x31...0x39).contains(bytes[$0]) }) else { return nil }
    bytes[digit] ^= 0x01
    return Data(bytes)
}

@Suite("SHA-256 and checksummed files")
struct ChecksumTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func vectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Array("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Lengths around the padding boundary (55, 56, 64 bytes) against each other: all distinct.
        let digests = (53...66).map { SHA256.hex([UInt8](repeating: 0x62, count: $0)) }
        #expect(Set(digests).count == digests.count)
    }

    @Test("a wrapped document unwraps to its content; any one flipped bit in it is refused")
    func everyBitFlipIsCaught() throws {
        let content = Data(#"{"a":[1,2.5,-3e-7],"b":"text"}"#.utf8)
        let wrapped = Checksummed.wrap(content)
        #expect(try Checksummed.unwrap(wrapped) == content)
        var caught = 0
        for index in 0..<wrapped.count - 1 {   // the final newline is not content
            for bit in 0..<8 {
                var damaged = [UInt8](wrapped)
                damaged[index] ^= UInt8(1 << bit)
                if (try? Checksummed.unwrap(Data(damaged))) == nil { caught += 1 }
            }
        }
        #expect(caught == (wrapped.count - 1) * 8)
        #expect(throws: Checksummed.Failure.notChecksummed) { try Checksummed.unwrap(content) }
    }
}

@Suite("The cache folder is the tool's own; damaged entries are re-run")
struct CacheSafetyTests {
    @Test("a folder with other content is refused and left alone; an empty one gets the marker")
    func foreignFolderRefused() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = folder.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("src"), withIntermediateDirectories: true)
        try "notes\n".write(to: project.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try "name: x\n".write(to: project.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let cache = WorkCache(root: project.path, codeVersion: "0123456789abcdef")
        #expect(throws: WorkStoreError.self) { try cache.open() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.path).sorted() == ["notes.txt", "p.yaml", "src"])
        // An empty folder becomes a cache, with the marker.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try WorkCache(root: empty.path, codeVersion: "0123456789abcdef").open()
        #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent(WorkCache.markerName).path))
        // A file is refused.
        #expect(throws: WorkStoreError.self) { try WorkCache(root: project.appendingPathComponent("notes.txt").path, codeVersion: "v").open() }
    }

    @Test("pruning deletes only other builds' entry files, only once untouched for an hour, and keeps anything else")
    func pruneOnlyOwnOldEntries() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fm = FileManager.default
        let root = folder.appendingPathComponent("cache")
        try WorkCache(root: root.path, codeVersion: "aaaaaaaaaaaaaaaa").open()
        func entry(_ version: String, _ name: String) throws -> URL {
            let dir = root.appendingPathComponent(version).appendingPathComponent("key-full-i1-s1-c2")
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            let url = dir.appendingPathComponent(name)
            try "{}".write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let old = try entry("bbbbbbbbbbbbbbbb", "m0-b1.json")
        let oldForeign = try entry("bbbbbbbbbbbbbbbb", "keep-me.txt")
        let recent = try entry("cccccccccccccccc", "m0-b0.json")
        let hour = Date().addingTimeInterval(-2 * WorkCache.pruneAge)
        try fm.setAttributes([.modificationDate: hour], ofItemAtPath: root.appendingPathComponent("bbbbbbbbbbbbbbbb").path)
        try WorkCache(root: root.path, codeVersion: "aaaaaaaaaaaaaaaa").open()
        #expect(!fm.fileExists(atPath: old.path), "another build's old entry is pruned")
        #expect(fm.fileExists(atPath: oldForeign.path), "a file the tool did not write stays")
        #expect(fm.fileExists(atPath: recent.path), "another build's recent entries stay (its resume is not undone)")
        #expect(WorkCache.isEntryName("m12-b3.json") && !WorkCache.isEntryName("m-b3.json") && !WorkCache.isEntryName("notes.json"))
    }

    @Test("a one-bit flip or a scaled value in a cache entry is reported and the item re-run, to the clean result")
    func damagedEntryIsRerun() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.yaml")
        try safetyProblem().write(to: file, atomically: true, encoding: .utf8)
        let prepared = try PreparedExperiment(spec: try SpecLoader().load(path: file.path))
        let cache = WorkCache(root: folder.appendingPathComponent("cache").path, codeVersion: "build")
        let clean = Experiment.runItems(prepared, items: prepared.workItems, jobs: 2, cache: cache, resume: false)
        let first = cache.file(for: prepared.workItems[0], of: prepared)
        let second = cache.file(for: prepared.workItems[1], of: prepared)
        let flipped = try #require(flipBitInFirstMean(try Data(contentsOf: first)))
        try flipped.write(to: first)
        let scaled = try #require(scaleFirstMean(try String(contentsOf: second, encoding: .utf8)))
        try scaled.write(to: second, atomically: true, encoding: .utf8)
        guard case .damaged = cache.lookup(prepared.workItems[0], of: prepared) else { Issue.record("bit flip not caught"); return }
        guard case .damaged = cache.lookup(prepared.workItems[1], of: prepared) else { Issue.record("scaled value not caught"); return }
        let resumed = Experiment.runItems(prepared, items: prepared.workItems, jobs: 2, cache: cache, resume: true)
        #expect(resumed.damaged.map(\.file).sorted() == [first.path, second.path].sorted())
        #expect(resumed.fromCache == prepared.workItems.count - 2)
        #expect(resumed.results == clean.results)
        // Re-run items are stored again, whole.
        if case .hit = cache.lookup(prepared.workItems[0], of: prepared) {} else { Issue.record("the re-run item was not stored again") }
    }
}

@Suite("Shard files: checksums and counts")
struct ShardSafetyTests {
    func shardFile(_ folder: URL) throws -> ShardFile {
        let file = folder.appendingPathComponent("p.yaml")
        try safetyProblem(seeds: 3, iterations: 20).write(to: file, atomically: true, encoding: .utf8)
        let prepared = try PreparedExperiment(spec: try SpecLoader().load(path: file.path))
        let results = Experiment.runItems(prepared, items: prepared.workItems, jobs: 1, cache: nil, resume: false).results
        return ShardFile(codeVersion: "v", shard: try Shard(index: 1, count: 1),
                         settings: CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil),
                         problems: [try ShardFile.problem(prepared, results: results, seconds: 0)])
    }

    @Test("a scaled value or a flipped bit in a shard file is refused naming the file; a clean one merges")
    func damagedShardRefused() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = try shardFile(folder).encoded()
        _ = try MergedRun.merge([(file: "s.json", contents: try ShardFile.decode(data, file: "s.json"))], loader: SpecLoader())
        let scaled = try #require(scaleFirstMean(String(decoding: data, as: UTF8.self)))
        let flipped = try #require(flipBitInFirstMean(data))
        for damaged in [Data(scaled.utf8), flipped, data.prefix(data.count / 2)] {
            do {
                _ = try ShardFile.decode(damaged, file: "shards/shard-1-of-1.json")
                Issue.record("a damaged shard file was accepted")
            } catch let error as WorkStoreError {
                #expect(error.description.hasPrefix("shards/shard-1-of-1.json: "), "\(error)")
                #expect(!error.description.contains("DecodingError") && !error.description.contains("Context("), "\(error)")
            }
        }
    }

    @Test("a shard count of 0 or −1 (or an index outside 1…N) in a shard file is refused, not a trap")
    func shardCountsValidated() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let content = try Checksummed.unwrap(try shardFile(folder).encoded())
        let text = String(decoding: content, as: UTF8.self)
        #expect(text.contains(#""shard":{"count":1,"index":1}"#))
        for (count, index) in [(0, 1), (-1, 1), (-1, -1), (2, 3), (Int.max, 0)] {
            let edited = text.replacingOccurrences(of: #""shard":{"count":1,"index":1}"#, with: #""shard":{"count":\#(count),"index":\#(index)}"#)
            do {
                _ = try ShardFile.decode(Checksummed.wrap(Data(edited.utf8)), file: "x.json")
                Issue.record("shard \(index)/\(count) was accepted")
            } catch let error as WorkStoreError {
                #expect(error.description.contains("x.json") && error.description.contains("1 ≤ I ≤ N"), "\(error)")
            }
        }
    }

    @Test("merge's options mismatch names options, not a Swift dump")
    func settingsDescribed() {
        let settings = CheckSettings(quick: true, seeds: 8, confidence: 0.9, strict: true, only: "F1")
        #expect(settings.description == "--quick --seeds 8 --confidence 0.9 --strict --only F1")
        #expect(CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil).description == "no options")
    }
}

@Suite("The output folder: replaced as a whole, never someone else's files, one writer at a time")
struct OutputFolderTests {
    func write(_ files: [String: String], failAfter: Int? = nil) -> (ReportWriter) throws -> Void {
        { writer in
            for (index, name) in files.keys.sorted().enumerated() {
                if let failAfter, index == failAfter { throw OutputError("cannot write \(name): no space left on device") }
                try writer.write(files[name]!, to: name)
            }
        }
    }

    @Test("a failure part-way leaves the previous folder byte-identical and no temporary folder behind")
    func failurePartWayLeavesOldFolder() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("Reports")
        try OutputFolder.replace(out, write: write(["a.json": "old a", "b.json": "old b", "plots/x/m.gap.svg": "old plot"]))
        let before = try OutputFolder.entriesBelow(out).map { ($0, try? Data(contentsOf: out.appendingPathComponent($0))) }
        #expect(throws: OutputError.self) {
            try OutputFolder.replace(out, write: write(["a.json": "new a", "b.json": "new b", "c.json": "new c"], failAfter: 2))
        }
        let after = try OutputFolder.entriesBelow(out).map { ($0, try? Data(contentsOf: out.appendingPathComponent($0))) }
        #expect(before.map(\.0) == after.map(\.0))
        #expect(before.map(\.1) == after.map(\.1))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["Reports"])
        // A complete run replaces everything, stale files of the tool included.
        try OutputFolder.replace(out, write: write(["c.json": "new c"]))
        #expect(try OutputFolder.entriesBelow(out) == [OutputFolder.manifestName, "c.json"])
    }

    @Test("a folder with a file the tool did not write is refused, untouched; a file is refused; empty or absent is fine")
    func foreignContentRefused() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("Reports")
        try OutputFolder.replace(out, write: write(["a.json": "a"]))
        try "mine\n".write(to: out.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        #expect(throws: OutputError.self) { try OutputFolder.replace(out, write: write(["a.json": "new"])) }
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine\n")
        #expect(try String(contentsOf: out.appendingPathComponent("a.json"), encoding: .utf8) == "a")
        // A project folder (no manifest, not report-shaped) is refused.
        let project = folder.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("src"), withIntermediateDirectories: true)
        try "x".write(to: project.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        #expect(throws: OutputError.self) { try OutputFolder.checkReplaceable(project) }
        // A report folder from before the manifest is accepted.
        let legacy = folder.appendingPathComponent("legacy")
        try FileManager.default.createDirectory(at: legacy.appendingPathComponent("plots"), withIntermediateDirectories: true)
        for name in ["index.md", "junit.xml", "p.md", "p.json", "plots/p-sgd-1-gap.svg"] {
            try "old".write(to: legacy.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try OutputFolder.checkReplaceable(legacy)
        let file = folder.appendingPathComponent("file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: OutputError.self) { try OutputFolder.checkReplaceable(file) }
        try OutputFolder.checkReplaceable(folder.appendingPathComponent("absent"))
    }

    @Test("a killed run's leftovers are cleaned up, and a folder set aside mid-swap is put back")
    func leftoversRecovered() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("Reports")
        try OutputFolder.replace(out, write: write(["a.json": "a"]))
        // Killed between the two renames: the old folder is aside, the new one not yet in place.
        let aside = OutputFolder.sibling(of: out, "old-99999")
        let half = OutputFolder.sibling(of: out, "new-99999")
        try FileManager.default.moveItem(at: out, to: aside)
        try FileManager.default.createDirectory(at: half, withIntermediateDirectories: true)
        OutputFolder.recoverLeftovers(out)
        #expect(try String(contentsOf: out.appendingPathComponent("a.json"), encoding: .utf8) == "a")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["Reports"])
    }

    @Test("the lock is refused while a live process holds it, naming it; a dead holder's lock is taken over")
    func lock() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("Reports")
        let held = try OutputLock(folder: out)
        do {
            _ = try OutputLock(folder: out)
            Issue.record("a second lock was granted")
        } catch {
            #expect(error.description.contains("process \(getpid())"), "\(error)")
        }
        held.release()
        // A lock of a process that no longer exists.
        try "999999999\n".write(to: OutputLock.file(for: out), atomically: true, encoding: .utf8)
        let taken = try OutputLock(folder: out)
        #expect(try String(contentsOf: OutputLock.file(for: out), encoding: .utf8) == "\(getpid())\n")
        taken.release()
        #expect(!FileManager.default.fileExists(atPath: OutputLock.file(for: out).path))
    }
}

@Suite("No two outputs of a run share a path")
struct OutputPathTests {
    @Test("every output path of a run with adversarial problem and method names is distinct, ignoring case")
    func adversarialNamesGiveDistinctPaths() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Methods whose ids run into metric names and into each other once joined with '-' or '.'.
        let methods = "[{id: m, method: sgd, step: 0.02}, {id: m-virtual, method: sgd, step: 0.02}, {id: m.virtual, method: sgd, step: 0.02}, "
            + "{id: m-gap, method: sgd, step: 0.02}, {id: gap, method: sgd, step: 0.02}, {id: m.gap, method: sgd, step: 0.02}, "
            // Momentum-against-SGD pairings whose ids run into each other once joined with '-vs-'.
            + "{id: b-vs-c, method: sgdm, beta: 0.5, step: 0.02}, {id: b, method: sgdm, beta: 0.5, step: 0.02}, "
            + "{id: c-vs-d, method: sgd, step: 0.02}, {id: d, method: sgd, step: 0.01}]"
        let names = ["a", "a-m", "a.m", "a-m-virtual", "index2", "plots2", "junit-x"]
        var pages: [(result: ExperimentResult, provenance: Provenance)] = []
        for name in names {
            let file = folder.appendingPathComponent("\(name).yaml")
            try safetyProblem(name: name, seeds: 2, iterations: 12, methods: methods).write(to: file, atomically: true, encoding: .utf8)
            let prepared = try PreparedExperiment(spec: try SpecLoader().load(path: file.path))
            let result = try Experiment.judge(prepared, traces: Experiment.run(prepared, jobs: 2))
            pages.append((result, Provenance(commit: "c", toolchain: "t", wallTimeSeconds: 0)))
        }
        let writer = ReportWriter(directory: folder.appendingPathComponent("out").path, dryRun: true)
        try ReportSet.write(pages, formats: ReportSet.formats, to: writer, indexProvenance: Provenance(commit: "c", toolchain: "t", wallTimeSeconds: 0))
        let paths = writer.written
        #expect(Set(paths.map { $0.lowercased() }).count == paths.count, "\(paths)")
        #expect(paths.filter { $0.hasSuffix(".svg") }.count >= names.count * 10, "every method has plots")
        #expect(paths.filter { $0.contains("+vs+") }.count >= names.count * 2, "the pairings have plots")
        #expect(paths.contains("index.md") && paths.contains("junit.xml"))
        // The writer itself refuses a second write to a path (any case).
        #expect(throws: BoundError.self) { try writer.write("x", to: "A.JSON") }
    }

    @Test("reserved names, and names taken from bad file names, are bad input with a position")
    func reservedAndFileNames() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let noName = safetyProblem().replacingOccurrences(of: "name: safety\n", with: "")
        for fileName in ["index.yaml", "JUnit.yaml", "plots.yaml", ".yaml", "..yaml", String(repeating: "x", count: 240) + ".yaml", "a b.yaml"] {
            let file = folder.appendingPathComponent(fileName)
            try noName.write(to: file, atomically: true, encoding: .utf8)
            do {
                let spec = try SpecLoader().load(path: file.path)
                Issue.record("\(fileName) loaded as '\(spec.name)'")
            } catch let errors as SpecErrors {
                #expect(errors.diagnostics.contains { $0.keyPath == "name" && $0.line == 1 && $0.column == 1 }, "\(fileName): \(errors)")
            }
        }
        for name in ["index", "Index", "junit", "plots"] {
            #expect(throws: SpecErrors.self, "\(name)") { try SpecLoader().load(yaml: safetyProblem(name: name), file: "p.yaml") }
        }
        // Method ids that differ only in case would share plot files on some file systems.
        let methods = "[{id: fast, method: sgd, step: 0.02}, {id: Fast, method: sgd, step: 0.01}]"
        #expect(throws: SpecErrors.self) { try SpecLoader().load(yaml: safetyProblem(methods: methods), file: "p.yaml") }
    }
}

@Suite("Sizes and counts from input: checked before anything is allocated")
struct ResourceLimitTests {
    func diagnostics(_ yaml: String, loader: SpecLoader = SpecLoader()) -> [Diagnostic] {
        do {
            _ = try loader.load(yaml: yaml, file: "p.yaml")
            return []
        } catch let errors as SpecErrors {
            return errors.diagnostics
        } catch {
            Issue.record("threw \(error)")
            return []
        }
    }

    func file(_ problem: String, run: String = "{iterations: 10, seeds: 2, checkpoints: 5}") -> String {
        """
        name: limits
        problem: \(problem)
        oracle: [{gaussian-noise: {variance: 0.5}}]
        methods: [{method: sgd, step: 0.01}]
        run: \(run)

        """
    }

    @Test("huge iterations, samples, dimensions and seeds are positioned errors, with and without --allow-large")
    func hugeInputs() {
        let quadratic = "{family: quadratic, dimension: 8, workers: 2}"
        let cases: [(yaml: String, loader: SpecLoader, keyPath: String)] = [
            (file(quadratic, run: "{iterations: 9223372036854775807, seeds: 2, checkpoints: 40}"), SpecLoader(allowLarge: true), "run"),
            (file(quadratic, run: "{iterations: 9223372036854775807, seeds: 2, checkpoints: 40}"), SpecLoader(), "run"),
            (file("{family: logistic-ncvx, dimension: 8, workers: 2, samples-per-worker: 9223372036854775807}"), SpecLoader(allowLarge: true), "problem.dimension"),
            (file("{family: composite, dimension: 8, workers: 2, samples-per-worker: 10000000000}"), SpecLoader(), "problem.dimension"),
            (file("{family: quadratic, dimension: 200000000, workers: 4}", run: "{iterations: 1, seeds: 2, checkpoints: 2}"), SpecLoader(), "problem.dimension"),
            (file("{family: quadratic, dimension: 10000000000, workers: 4}", run: "{iterations: 1, seeds: 2, checkpoints: 2}"), SpecLoader(allowLarge: true), "problem.dimension"),
            (file(quadratic), SpecLoader(seedsOverride: 2_000_000_000), "run"),
            (file("{family: composite, dimension: 4, workers: 2, samples-per-worker: 100000}", run: "{iterations: 20000, seeds: 8, checkpoints: 5}"), SpecLoader(), "run"),
        ]
        for (index, c) in cases.enumerated() {
            let found = diagnostics(c.yaml, loader: c.loader)
            #expect(found.contains { $0.keyPath == c.keyPath && $0.line >= 2 && $0.column >= 1 }, "case \(index): \(found)")
        }
        // With --allow-large, work over the cap but under the ceiling loads.
        #expect(diagnostics(file(quadratic, run: "{iterations: 100000000, seeds: 40, checkpoints: 40}"), loader: SpecLoader(allowLarge: true)).isEmpty)
        // --seeds counts before the cap: the same file loads without it.
        #expect(diagnostics(file(quadratic)).isEmpty)
        // --jobs multiplies the simulation buffers.
        let wide = file("{family: quadratic, dimension: 20000000, workers: 2}", run: "{iterations: 1, seeds: 64, checkpoints: 2}")
        #expect(diagnostics(wide, loader: SpecLoader(allowLarge: false, jobs: 1)).isEmpty)
        #expect(!diagnostics(wide, loader: SpecLoader(allowLarge: false, jobs: 64)).isEmpty)
    }

    @Test("checkpoints of Int.max iterations are computed without overflow")
    func checkpointsAtIntMax() {
        let k = checkpointIterations(iterations: Int.max, count: 40)
        #expect(k.first == 0 && k.last == Int.max && k == k.sorted() && Set(k).count == k.count)
        #expect(checkpointIterations(iterations: 1000, count: 12) == checkpointIterations(iterations: 1000, count: 12).sorted())
    }

    @Test("an extreme declared constant (fstar: -1e308) runs to a verdict instead of failing the rate fit")
    func extremeConstantRuns() throws {
        let yaml = safetyProblem(seeds: 3, iterations: 60) + "constants: {fstar: -1e308}\n"
        let prepared = try PreparedExperiment(spec: try SpecLoader().load(yaml: yaml, file: "p.yaml"))
        _ = try Experiment.judge(prepared, traces: Experiment.run(prepared, jobs: 2))
    }
}

@Suite("Unreadable problem files say why, and where")
struct UnreadableInputTests {
    func message(_ path: String) -> Diagnostic? {
        do {
            _ = try SpecLoader().load(path: path)
            return nil
        } catch let errors as SpecErrors {
            return errors.diagnostics.first
        } catch {
            return nil
        }
    }

    @Test("a folder, a FIFO (without blocking) and a missing file are named as such")
    func notRegularFiles() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(message(folder.path)?.message.contains("folder") == true)
        let fifo = folder.appendingPathComponent("pipe.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let started = Date()
        #expect(message(fifo)?.message.contains("FIFO") == true)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(message(folder.appendingPathComponent("absent.yaml").path)?.message.contains("does not exist") == true)
    }

    @Test("an invalid UTF-8 byte is reported at its line and column")
    func invalidUTF8Position() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.yaml")
        var bytes = Array("name: x\nseed: 1\ndescription: ab".utf8)
        bytes += [0xC3, 0xA9]   // é, valid: one column
        bytes += [0xFF]         // invalid, at line 3, column 17
        bytes += Array("\n".utf8)
        try Data(bytes).write(to: file)
        let d = try #require(message(file.path))
        #expect(d.line == 3 && d.column == 17, "\(d)")
        #expect(d.message.contains("UTF-8"))
    }
}
