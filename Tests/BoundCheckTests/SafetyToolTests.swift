import Foundation
import Testing
@testable import BoundCheck

// Issue 11 end to end: the built `boundcheck` under hostile and careless use. Every case checks
// the exit code, that the message is one plain sentence (no Swift or NSError dump), and that no
// user file was lost or changed.


private func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("boundcheck-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}


/// Every file below a folder with its bytes.
private func contents(_ folder: URL) -> [String: Data] {
    var out: [String: Data] = [:]
    for name in FileManager.default.enumerator(atPath: folder.path)?.compactMap({ $0 as? String }) ?? [] {
        let url = folder.appendingPathComponent(name)
        if let data = try? Data(contentsOf: url) { out[name] = data }
    }
    return out
}

/// A message fit for a user: no dump of a Swift value or an NSError.
private func isPlain(_ output: String) -> Bool {
    !["Error Domain=", "NSError", "DecodingError", "CheckSettings(", "Context(", "UserInfo=", "Fatal error", "internal error"]
        .contains { output.contains($0) }
}

private let problem = safetyProblem(seeds: 4, iterations: 40)

@Suite("The built tool never loses or mixes a user's files", .serialized)
struct SafetyToolTests {
    @Test("--cache-dir . in a project folder is refused (exit 2) and deletes nothing")
    func cacheDirInProject() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("src"), withIntermediateDirectories: true)
        try "let x = 1\n".write(to: folder.appendingPathComponent("src/main.swift"), atomically: true, encoding: .utf8)
        try "notes\n".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try problem.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let before = contents(folder)
        let result = try runBuiltTool(["check", "p.yaml", "--cache-dir", ".", "--out", "Reports"], in: folder)
        #expect(result.status == 2 && result.output.contains("--cache-dir") && isPlain(result.output), "\(result.output)")
        #expect(contents(folder) == before)
    }

    @Test("an output folder holding a user's file is refused; --out or --shard-out naming a file is exit 2; nothing changes")
    func outputFolderRefusals() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try problem.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        #expect(try runBuiltTool(["check", "p.yaml", "--out", "Reports", "--no-cache"], in: folder).status == 0)
        try "my notes\n".write(to: folder.appendingPathComponent("Reports/notes.md"), atomically: true, encoding: .utf8)
        try "a file\n".write(to: folder.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        let before = contents(folder)
        for arguments in [["check", "p.yaml", "--out", "Reports", "--no-cache"], ["check", "p.yaml", "--out", "file", "--no-cache"],
                          ["check", "p.yaml", "--shard", "1/2", "--shard-out", "file", "--no-cache"],
                          ["check", "p.yaml", "--format", "", "--no-cache"], ["check", "p.yaml", "--format", " , ", "--no-cache"]] {
            let result = try runBuiltTool(arguments, in: folder)
            #expect(result.status == 2 && isPlain(result.output), "\(arguments): \(result.output)")
        }
        #expect(contents(folder) == before)
    }

    @Test("a second run into a folder another run holds is refused naming it; a killed holder's lock is taken over")
    func concurrentRunsRefused() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try safetyProblem(seeds: 24, iterations: 400).replacingOccurrences(of: "dimension: 8", with: "dimension: 60")
            .write(to: folder.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        try problem.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let lock = OutputLock.file(for: folder.appendingPathComponent("Reports"))
        let first = try launchBuiltTool(["check", "slow.yaml", "--out", "Reports", "--no-cache", "--jobs", "1"], in: folder)
        defer { try? FileManager.default.removeItem(at: first.output) }
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: lock.path) && Date() < deadline && first.process.isRunning { usleep(5_000) }
        let second = try runBuiltTool(["check", "p.yaml", "--out", "Reports", "--no-cache"], in: folder)
        #expect(second.status == 2 && second.output.contains("process \(first.process.processIdentifier)") && isPlain(second.output), "\(second.output)")
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        #expect(first.process.terminationReason == .uncaughtSignal, "the first run ended before the second started; make it slower")
        // The killed run's lock is stale: the next run takes it over.
        #expect(FileManager.default.fileExists(atPath: lock.path))
        let third = try runBuiltTool(["check", "p.yaml", "--out", "Reports", "--no-cache"], in: folder)
        #expect(third.status == 0, "\(third.output)")
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }

    @Test("a damaged cache entry is reported on --resume and re-run, giving the reports of a clean run")
    func damagedCacheEntryThroughTheTool() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try problem.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        #expect(try runBuiltTool(["check", "p.yaml", "--out", "clean", "--cache-dir", "cache"], in: folder).status == 0)
        let entries = FileManager.default.enumerator(atPath: folder.appendingPathComponent("cache").path)?
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.sorted() ?? []
        let entry = folder.appendingPathComponent("cache").appendingPathComponent(try #require(entries.first))
        try #require(flipBitInFirstMean(try Data(contentsOf: entry))).write(to: entry)
        let resumed = try runBuiltTool(["check", "p.yaml", "--out", "resumed", "--cache-dir", "cache", "--resume"], in: folder)
        #expect(resumed.status == 0 && resumed.output.contains("is damaged") && resumed.output.contains(entry.lastPathComponent), "\(resumed.output)")
        let clean = try String(contentsOf: folder.appendingPathComponent("clean/safety.json"), encoding: .utf8)
        let again = try String(contentsOf: folder.appendingPathComponent("resumed/safety.json"), encoding: .utf8)
        func stable(_ s: String) -> String { s.split(separator: "\n").filter { !$0.contains("wall-time") }.joined(separator: "\n") }
        #expect(stable(clean) == stable(again))
    }

    @Test("merge refuses a shard file with a scaled value (exit 2, naming it) and writes nothing")
    func damagedShardThroughTheTool() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try problem.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        for i in 1...2 { #expect(try runBuiltTool(["check", "p.yaml", "--shard", "\(i)/2", "--shard-out", "shards", "--no-cache"], in: folder).status == 0) }
        let file = folder.appendingPathComponent("shards/shard-1-of-2.json")
        try #require(scaleFirstMean(try String(contentsOf: file, encoding: .utf8))).write(to: file, atomically: true, encoding: .utf8)
        let merged = try runBuiltTool(["merge", "shards", "--out", "merged"], in: folder)
        #expect(merged.status == 2 && merged.output.contains("shard-1-of-2.json") && merged.output.contains("damaged") && isPlain(merged.output), "\(merged.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("merged").path))
        // Garbage in place of a shard: exit 2, no dump.
        try "{\"format\": 2}".write(to: file, atomically: true, encoding: .utf8)
        let garbage = try runBuiltTool(["merge", "shards", "--out", "merged"], in: folder)
        #expect(garbage.status == 2 && isPlain(garbage.output), "\(garbage.output)")
    }

    @Test("a full disk part-way through the reports is exit 2 with one sentence, and the previous reports stay byte-identical")
    func diskFull() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let disk = folder.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try problem.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        // A small file system of its own (needs root); without one, an unwritable folder stands in.
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.path]
        mount.standardError = FileHandle.nullDevice
        let mounted = (try? mount.run()).map { mount.waitUntilExit(); return mount.terminationStatus == 0 } ?? false
        defer {
            if mounted {
                let umount = Process()
                umount.executableURL = URL(fileURLWithPath: "/bin/umount")
                umount.arguments = [disk.path]
                try? umount.run()
                umount.waitUntilExit()
            }
        }
        let out = disk.appendingPathComponent("Reports")
        let first = try runBuiltTool(["check", folder.appendingPathComponent("p.yaml").path, "--out", out.path, "--no-cache"], in: folder)
        #expect(first.status == 0, "\(first.output)")
        let before = contents(out)
        #expect(!before.isEmpty)
        if mounted {
            // Fill the disk to within a few kilobytes: the next report set cannot fit.
            let filler = disk.appendingPathComponent("filler")
            _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
            let handle = try FileHandle(forWritingTo: filler)
            let chunk = Data(repeating: 0x78, count: 4096)
            while (try? handle.write(contentsOf: chunk)) != nil {}
            try? handle.close()
            // Give back a little, so that some files are written before the disk is full.
            let size = (try FileManager.default.attributesOfItem(atPath: filler.path)[.size] as? Int) ?? 0
            try FileHandle(forWritingTo: filler).truncate(atOffset: UInt64(max(0, size - 12_288)))
        } else {
            chmod(disk.path, 0o555)
        }
        defer { chmod(disk.path, 0o755) }
        let second = try runBuiltTool(["check", folder.appendingPathComponent("p.yaml").path, "--out", out.path, "--no-cache"], in: folder)
        #expect(second.status == 2, "\(second.output)")
        #expect(isPlain(second.output) && second.output.contains(out.path), "\(second.output)")
        if mounted { #expect(second.output.contains("no space left on device"), "\(second.output)") }
        #expect(contents(out) == before, "the previous reports changed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0.contains("boundcheck") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}

@Suite("The built tool: hostile sizes and inputs are exit 2 with a position, never a trap", .serialized)
struct HostileInputToolTests {
    static func file(_ problem: String, run: String) -> String {
        "name: hostile\nproblem: \(problem)\noracle: [{gaussian-noise: {variance: 0.5}}]\nmethods: [{method: sgd, step: 0.01}]\nrun: \(run)\n"
    }

    static let cases: [(name: String, yaml: String, arguments: [String])] = [
        ("iterations Int.max with checkpoints", file("{family: quadratic, dimension: 8, workers: 2}", run: "{iterations: 9223372036854775807, seeds: 2, checkpoints: 40}"), ["--allow-large"]),
        ("samples-per-worker Int.max", file("{family: logistic-ncvx, dimension: 8, workers: 2, samples-per-worker: 9223372036854775807}", run: "{iterations: 10, seeds: 2, checkpoints: 5}"), ["--allow-large"]),
        ("samples-per-worker 1e10", file("{family: logistic-ncvx, dimension: 8, workers: 2, samples-per-worker: 1e10}", run: "{iterations: 10, seeds: 2, checkpoints: 5}"), []),
        ("dimension 2e8, a tiny run", file("{family: quadratic, dimension: 2e8, workers: 2}", run: "{iterations: 1, seeds: 2, checkpoints: 2}"), []),
        ("dimension 1e10, a tiny run", file("{family: quadratic, dimension: 1e10, workers: 2}", run: "{iterations: 1, seeds: 2, checkpoints: 2}"), ["--allow-large"]),
        ("--seeds 2000000000", file("{family: quadratic, dimension: 8, workers: 2}", run: "{iterations: 10, seeds: 2, checkpoints: 5}"), ["--seeds", "2000000000"]),
        ("composite, many samples", file("{family: composite, dimension: 4, workers: 2, samples-per-worker: 100000}", run: "{iterations: 20000, seeds: 8, checkpoints: 5}").replacingOccurrences(of: "gaussian-noise: {variance: 0.5}", with: "composite: {inner-samples: 4}"), []),
    ]

    @Test("exit 2 with a positioned message", arguments: cases.map(\.name))
    func hostile(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        try c.yaml.write(to: folder.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let result = try runBuiltTool(["check", "p.yaml", "--out", "Reports", "--no-cache"] + c.arguments, in: folder)
        #expect(result.status == 2, "\(name): exit \(result.status)\n\(result.output)")
        #expect(result.output.range(of: #"p\.yaml:[1-9][0-9]*:[1-9][0-9]*: error: "#, options: .regularExpression) != nil && isPlain(result.output), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Reports").path))
    }

    @Test("a folder or FIFO named as a problem file, invalid UTF-8, and two files with one name (in any case) are exit 2, said plainly")
    func unreadableInputs() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("pipe.yaml").path, 0o644) == 0)
        let fifo = try runBuiltTool(["check", "pipe.yaml", "--no-cache"], in: folder)
        #expect(fifo.status == 2 && fifo.output.contains("FIFO"), "\(fifo.output)")
        try Data(Array("name: x\nseed: \u{FF}".utf8).dropLast(2) + [0xFF, 0x0A]).write(to: folder.appendingPathComponent("bad.yaml"))
        let utf8 = try runBuiltTool(["check", "bad.yaml", "--no-cache"], in: folder)
        #expect(utf8.status == 2 && utf8.output.contains("bad.yaml:2:7:"), "\(utf8.output)")
        try safetyProblem(name: "same").write(to: folder.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try safetyProblem(name: "Same").write(to: folder.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
        let twice = try runBuiltTool(["check", "a.yaml", "b.yaml", "--no-cache"], in: folder)
        #expect(twice.status == 2 && twice.output.contains("also used by"), "\(twice.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Reports").path))
    }
}
