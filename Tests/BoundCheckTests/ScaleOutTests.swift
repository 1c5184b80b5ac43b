import Foundation
import Testing
@testable import BoundCheck

// Scale-out and faults (issues 5 and 6): sharding and merging, the resume cache, and what an
// interrupted `check` leaves behind. The library-level tests run in-process; the fault tests run
// the built `boundcheck` binary and interrupt it for real.

// MARK: - Helpers


private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("boundcheck-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A quick, many-item problem: 2 methods × `seeds` seeds, each item a fraction of a second in
/// a debug build.
private func problemText(seeds: Int = 12, iterations: Int = 150, step: String = "0.02", dimension: Int = 40) -> String {
    """
    name: scale-out
    description: a small quadratic with noise and Top-K, for scale-out tests
    seed: 3
    problem:
      family: quadratic
      dimension: \(dimension)
      workers: 4
      heterogeneity: 1.0
      spectrum: {min: 0.5, max: 4}
    oracle:
      - gaussian-noise: {variance: 0.5}
      - top-k: {k: 10}
    methods:
      - {id: sgdm, method: sgdm, beta: 0.2, step: \(step)}
      - {id: sgd, method: sgd, step: \(step)}
    run: {iterations: \(iterations), seeds: \(seeds), checkpoints: 12}
    quick: {iterations: 60, seeds: 4}

    """
}

private func prepare(_ text: String, file: String) throws -> PreparedExperiment {
    try FileManager.default.createDirectory(at: URL(fileURLWithPath: file).deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    return try PreparedExperiment(spec: try SpecLoader().load(path: file))
}

private func reportJSON(_ p: PreparedExperiment, _ traces: [MethodTrace]) throws -> String {
    let result = try Experiment.judge(p, traces: traces)
    return try JSONReport.render(result, provenance: Provenance(commit: "c", toolchain: "t", wallTimeSeconds: 0))
}

// MARK: - Library level

@Suite("Sharding, merging and the resume cache")
struct ScaleOutTests {
    @Test("sharded runs merged through their (encoded) shard files equal one unsharded run, for 1 to 5 shards")
    func shardedThenMergedEqualsUnsharded() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try prepare(problemText(seeds: 5, iterations: 40), file: folder.appendingPathComponent("b.yaml").path)
        let second = try prepare(problemText(seeds: 3, iterations: 30, step: "0.01").replacingOccurrences(of: "name: scale-out", with: "name: another"),
                                 file: folder.appendingPathComponent("a.yaml").path)
        let experiments = [first, second]
        let unsharded = experiments.map { Experiment.run($0, jobs: 1) }
        let settings = CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil)
        for count in 1...5 {
            var files: [(file: String, contents: ShardFile)] = []
            for index in 1...count {
                let shard = try Shard(index: index, count: count)
                let owned = WorkPlan.items(for: experiments, shard: shard)
                let problems = try experiments.indices.map { e in
                    try ShardFile.problem(experiments[e], results: Experiment.runItems(experiments[e], items: owned[e], jobs: 2, cache: nil, resume: false).results, seconds: 0)
                }
                let file = ShardFile(codeVersion: "v", shard: shard, settings: settings, problems: problems)
                files.append((file: "shard-\(index)", contents: try ShardFile.decode(try file.encoded(), file: "shard-\(index)")))
            }
            // Every item is in exactly one shard.
            let total = files.reduce(0) { $0 + $1.contents.problems.reduce(0) { $0 + $1.results.count } }
            #expect(total == experiments.reduce(0) { $0 + $1.workItems.count })
            let merged = try MergedRun.merge(files.reversed(), loader: SpecLoader())
            #expect(merged.problems.map { $0.prepared.spec.name } == ["scale-out", "another"])
            for (e, problem) in merged.problems.enumerated() {
                #expect(problem.traces == unsharded[e], "\(count) shards, \(problem.prepared.spec.name)")
                #expect(try reportJSON(problem.prepared, problem.traces) == reportJSON(experiments[e], unsharded[e]))
            }
        }
    }

    @Test("merge refuses a missing shard, a repeated shard, other builds and other options")
    func mergeChecksCompletenessAndConsistency() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let p = try prepare(problemText(seeds: 4, iterations: 20), file: folder.appendingPathComponent("p.yaml").path)
        let settings = CheckSettings(quick: false, seeds: nil, confidence: nil, strict: false, only: nil)
        func shard(_ i: Int, _ n: Int, version: String = "v", settings: CheckSettings = settings) throws -> (file: String, contents: ShardFile) {
            let s = try Shard(index: i, count: n)
            let items = WorkPlan.items(for: [p], shard: s)[0]
            let results = Experiment.runItems(p, items: items, jobs: 1, cache: nil, resume: false).results
            return (file: "s\(i)", contents: ShardFile(codeVersion: version, shard: s, settings: settings,
                                                     problems: [try ShardFile.problem(p, results: results, seconds: 0)]))
        }
        let one = try shard(1, 3), two = try shard(2, 3), three = try shard(3, 3)
        #expect(throws: WorkStoreError.self) { try MergedRun.merge([one, three], loader: SpecLoader()) }
        #expect(throws: WorkStoreError.self) { try MergedRun.merge([one, two, two, three], loader: SpecLoader()) }
        #expect(throws: WorkStoreError.self) { try MergedRun.merge([one, try shard(2, 3, version: "w"), three], loader: SpecLoader()) }
        let quick = CheckSettings(quick: false, seeds: nil, confidence: 0.9, strict: false, only: nil)
        #expect(throws: WorkStoreError.self) { try MergedRun.merge([one, try shard(2, 3, settings: quick), three], loader: SpecLoader()) }
        #expect(throws: WorkStoreError.self) { try MergedRun.merge([one, two, try shard(3, 4)], loader: SpecLoader()) }
        _ = try MergedRun.merge([three, one, two], loader: SpecLoader())
        #expect(throws: WorkStoreError.self) { try Shard(parsing: "0/2") }
        #expect(throws: WorkStoreError.self) { try Shard(parsing: "3/2") }
        #expect(throws: WorkStoreError.self) { try Shard(parsing: "1-2") }
    }

    @Test("a cached run resumes to the same results, and a changed problem file or build is not served from the cache")
    func cacheIsKeyedBySpecProfileAndCode() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("p.yaml").path
        let cache = WorkCache(root: folder.appendingPathComponent("cache").path, codeVersion: "build-1")
        let original = try prepare(problemText(seeds: 4, iterations: 30), file: file)
        let clean = Experiment.runItems(original, items: original.workItems, jobs: 2, cache: cache, resume: false)
        #expect(clean.fromCache == 0)
        // Everything is cached now; resuming takes every item from there, with the same bits.
        let resumed = Experiment.runItems(original, items: original.workItems, jobs: 2, cache: cache, resume: true)
        #expect(resumed.fromCache == original.workItems.count)
        #expect(resumed.results == clean.results)
        // A partly lost cache: only the missing items run again.
        try FileManager.default.removeItem(at: cache.file(for: original.workItems[1], of: original))
        #expect(Experiment.runItems(original, items: original.workItems, jobs: 1, cache: cache, resume: true).fromCache == original.workItems.count - 1)
        // The file changes (another step): nothing of the old entries may be used.
        let changed = try prepare(problemText(seeds: 4, iterations: 30, step: "0.03"), file: file)
        #expect(changed.workItems.allSatisfy { cache.load($0, of: changed) == nil })
        let rerun = Experiment.runItems(changed, items: changed.workItems, jobs: 2, cache: cache, resume: true)
        #expect(rerun.fromCache == 0)
        #expect(rerun.results != clean.results)
        #expect(rerun.results == Experiment.runItems(changed, items: changed.workItems, jobs: 1, cache: nil, resume: false).results)
        // Another build, or another profile, does not see them either.
        let otherBuild = WorkCache(root: cache.root.path, codeVersion: "build-2")
        #expect(original.workItems.allSatisfy { otherBuild.load($0, of: original) == nil })
        let quick = try PreparedExperiment(spec: original.spec, quick: true)
        #expect(quick.workItems.allSatisfy { cache.load($0, of: quick) == nil })
        // A damaged entry counts as missing rather than being trusted.
        let damaged = cache.file(for: original.workItems[0], of: original)
        try Data("{\"key\": 1".utf8).write(to: damaged)
        #expect(cache.load(original.workItems[0], of: original) == nil)
    }
}

// MARK: - The built tool, interrupted for real


/// Number of finished items in a cache folder.
private func cachedItems(_ cache: URL) -> Int {
    guard let e = FileManager.default.enumerator(atPath: cache.path) else { return 0 }
    return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") && ($0 as NSString).lastPathComponent.hasPrefix("m") }.count
}

/// Waits until `condition` or the process ends; true if the condition came first.
private func wait(for process: Process, seconds: Double = 60, until condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        if !process.isRunning { return false }
        usleep(5_000)
    }
    return false
}

/// A report with the lines that legitimately differ between runs (wall time, commit) removed.
private func comparable(_ file: URL) throws -> String {
    try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        .filter { !$0.contains("wall-time-seconds") && !$0.contains("\"commit\"") && !$0.contains("wall time") && !$0.contains(", commit ") }
        .joined(separator: "\n")
}

/// Every file under a folder with its bytes and modification date.
private func snapshot(_ folder: URL) throws -> [String: (Data, Date)] {
    var result: [String: (Data, Date)] = [:]
    for name in FileManager.default.enumerator(atPath: folder.path)?.compactMap({ $0 as? String }) ?? [] {
        let url = folder.appendingPathComponent(name)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        if attributes[.type] as? FileAttributeType == .typeDirectory { continue }
        result[name] = (try Data(contentsOf: url), attributes[.modificationDate] as? Date ?? .distantPast)
    }
    return result
}

@Suite("The built tool under interruption, sharding and resume", .serialized)
struct ToolFaultTests {
    @Test("resume after a SIGKILL mid-run redoes only unfinished items and writes the reports of a clean run")
    func resumeAfterKillEqualsCleanRun() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try problemText(seeds: 24, iterations: 300, dimension: 60).write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let clean = try runBuiltTool(["check", "p.yaml", "--jobs", "1", "--out", "clean", "--no-cache"], in: folder)
        #expect(clean.status == 0, "\(clean.output)")

        let cache = folder.appendingPathComponent("cache")
        let killed = try launchBuiltTool(["check", "p.yaml", "--jobs", "1", "--out", "resumed", "--cache-dir", "cache"], in: folder)
        defer { try? FileManager.default.removeItem(at: killed.output) }
        let interrupted = wait(for: killed.process) { cachedItems(cache) >= 5 }
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        #expect(interrupted, "the run ended before it could be interrupted; make the problem larger")
        let finished = cachedItems(cache)
        #expect(finished >= 5 && finished < 48)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("resumed").path))

        let resumed = try runBuiltTool(["check", "p.yaml", "--jobs", "2", "--out", "resumed", "--cache-dir", "cache", "--resume"], in: folder)
        #expect(resumed.status == 0, "\(resumed.output)")
        // It said how much it took from the cache: at least what was finished before the kill.
        let line = resumed.output.split(separator: "\n").first { $0.hasPrefix("resumed") }
        let fromCache = line.flatMap { $0.split(separator: " ").last { $0.contains("/") } }
            .flatMap { Int($0.split(separator: "/")[0]) } ?? 0
        #expect(fromCache >= finished, "\(resumed.output)")
        for name in ["scale-out.json", "scale-out.md"] {
            #expect(try comparable(folder.appendingPathComponent("resumed/\(name)")) == comparable(folder.appendingPathComponent("clean/\(name)")), "\(name)")
        }
    }

    @Test("SIGINT mid-run leaves the output folder exactly as it was, and the finished items are kept for --resume")
    func interruptedRunLeavesReportsUntouched() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try problemText(seeds: 24, iterations: 300, dimension: 60).write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("Reports")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "old report\n".write(to: out.appendingPathComponent("scale-out.md"), atomically: true, encoding: .utf8)
        try "{}\n".write(to: out.appendingPathComponent("scale-out.json"), atomically: true, encoding: .utf8)
        try "old index\n".write(to: out.appendingPathComponent("index.md"), atomically: true, encoding: .utf8)
        let before = try snapshot(out)

        let cache = folder.appendingPathComponent("cache")
        let run = try launchBuiltTool(["check", "p.yaml", "--jobs", "2", "--out", "Reports", "--cache-dir", "cache"], in: folder)
        defer { try? FileManager.default.removeItem(at: run.output) }
        let interrupted = wait(for: run.process) { cachedItems(cache) >= 2 }
        kill(run.process.processIdentifier, SIGINT)
        run.process.waitUntilExit()
        #expect(interrupted, "the run ended before it could be interrupted; make the problem larger")
        // Killed by the signal (this runner's threads block SIGINT, and children inherit the mask:
        // the tool must unblock it), not finished.
        #expect(run.process.terminationReason == .uncaughtSignal && run.process.terminationStatus == SIGINT)

        let after = try snapshot(out)
        #expect(Set(after.keys) == Set(before.keys), "files appeared or vanished: \(after.keys.sorted())")
        for (name, (data, date)) in before {
            #expect(after[name]?.0 == data && after[name]?.1 == date, "\(name) changed")
        }
        #expect(cachedItems(cache) >= 2)
    }

    @Test("check --shard 1/2 and 2/2, then merge, writes the same reports as one check")
    func shardThenMergeThroughTheTool() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try problemText(seeds: 5, iterations: 60).write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        try problemText(seeds: 3, iterations: 40).replacingOccurrences(of: "name: scale-out", with: "name: another")
            .write(to: folder.appendingPathComponent("q.yaml"), atomically: true, encoding: .utf8)
        let single = try runBuiltTool(["check", "p.yaml", "q.yaml", "--out", "single", "--no-cache"], in: folder)
        #expect(single.status == 0, "\(single.output)")
        for i in 1...2 {
            let s = try runBuiltTool(["check", "p.yaml", "q.yaml", "--shard", "\(i)/2", "--shard-out", "shards-\(i)", "--no-cache"], in: folder)
            #expect(s.status == 0, "\(s.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Reports").path))
        let incomplete = try runBuiltTool(["merge", "shards-1", "--out", "merged"], in: folder)
        #expect(incomplete.status == 2 && incomplete.output.contains("missing"), "\(incomplete.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("merged").path))
        let merged = try runBuiltTool(["merge", "shards-1", "shards-2", "--out", "merged"], in: folder)
        #expect(merged.status == 0, "\(merged.output)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("single").path).sorted()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("merged").path).sorted() == names)
        #expect(names.contains("index.md") && names.contains("scale-out.json"))
        for name in names {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent("single/\(name)").path, isDirectory: &isFolder)
            // plots/ holds a folder of SVGs per problem: compared file by file, at any depth.
            let root = folder.appendingPathComponent("single/\(name)").path
            let files = isFolder.boolValue
                ? try FileManager.default.subpathsOfDirectory(atPath: root).sorted().filter { sub in
                    var nested: ObjCBool = false
                    return FileManager.default.fileExists(atPath: root + "/" + sub, isDirectory: &nested) && !nested.boolValue
                }.map { "\(name)/\($0)" }
                : [name]
            if isFolder.boolValue {
                #expect(try FileManager.default.subpathsOfDirectory(atPath: folder.appendingPathComponent("merged/\(name)").path).sorted()
                        == FileManager.default.subpathsOfDirectory(atPath: root).sorted())
            }
            for file in files {
                #expect(try comparable(folder.appendingPathComponent("merged/\(file)")) == comparable(folder.appendingPathComponent("single/\(file)")), "\(file)")
            }
        }
    }
}

// MARK: - Exit codes of the built tool

/// The exit codes (docs/verdicts.md), end to end: 0 as expected, 1 a violation or an unsupported bound,
/// 2 bad input with nothing written, each run against a folder holding an earlier report.
@Suite("Exit codes of the built tool")
struct ExitCodeTests {
    static func file(name: String, extra: String) -> String {
        """
        name: \(name)
        seed: 3
        problem: {family: quadratic, dimension: 10, workers: 2, heterogeneity: 0.2, start: {scale: 1.0}, spectrum: {min: 1, max: 4}}
        oracle: [{additive-bias: {norm: 0.5}}]
        methods: [{method: sgdm, beta: 0.5, step: 0.03}]
        run: {iterations: 2000, seeds: 1, checkpoints: 25}
        \(extra)
        """
    }

    static let cases: [(name: String, extra: String, status: Int32)] = [
        ("as-expected", "bounds: [F1]", 0),
        ("wrong-bound", "user-bounds: [{id: no-floor, method: sgdm, metric: avg-grad, expression: \"zeta2/(100*K)\"}]", 1),
        ("wrong-bound-expected", "user-bounds: [{id: no-floor, method: sgdm, metric: avg-grad, expression: \"zeta2/(100*K)\"}]\nexpect: {no-floor: violated}", 0),
        ("declared-too-small", "constants: {zeta2: 0.1}\nbounds: [F1]", 1),
        ("declared-too-small-expected", "constants: {zeta2: 0.1}\nbounds: [F1]\nexpect: {A4: violated, F1: unsupported}", 0),
        ("unmet-expectation", "bounds: [F1]\nexpect: {F1: violated}", 1),
        ("bad-input", "check: {confidence: 1.5}", 2),
    ]

    @Test("a bad command line is bad input too: exit 2, not ArgumentParser's 64")
    func badCommandLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.file(name: "cli", extra: "").write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        for arguments in [["check", "p.yaml", "--format", "xml"], ["check", "p.yaml", "--confidence", "2"], ["check", "--bogus"]] {
            let result = try runBuiltTool(arguments, in: folder)
            #expect(result.status == 2, "\(arguments): exit \(result.status)\n\(result.output)")
        }
        #expect(try runBuiltTool(["list"], in: folder).status == 0)
    }

    @Test("0 as expected, 1 on a violation, an unsupported bound or an unmet expectation, 2 on bad input (nothing written)",
          arguments: cases.map(\.name))
    func exitCode(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.file(name: c.name, extra: c.extra).write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("Reports")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "earlier index\n".write(to: out.appendingPathComponent("index.md"), atomically: true, encoding: .utf8)
        let result = try runBuiltTool(["check", "p.yaml", "--out", "Reports", "--no-cache"], in: folder)
        #expect(result.status == c.status, "\(c.name): exit \(result.status)\n\(result.output)")
        let index = try String(contentsOf: out.appendingPathComponent("index.md"), encoding: .utf8)
        if c.status == 2 {
            #expect(index == "earlier index\n", "bad input must leave the reports untouched")
            #expect(result.output.contains("p.yaml:7:") && result.output.contains("check.confidence"), "\(result.output)")
        } else {
            #expect(index.hasPrefix("# BoundCheck report"))
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("junit.xml").path))
        }
    }
}
