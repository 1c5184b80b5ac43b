@testable import BoundCheck
import Foundation
import Testing

// The cheaper ways a small `check` now does its fixed work (docs/performance.md, "The round before the kernels: start-up, the probe, small-d Top-K")
// must give what the plain ways gave.

@Suite("Start-up and report-writing shortcuts give what the plain ways gave")
struct StartupCostTests {
    @Test("listing a folder's names with a prefix (readdir) gives the names FileManager lists that have the prefix")
    func prefixedNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let prefix = ".Reports.boundcheck-"
        let names = [".Reports.boundcheck-new-12", ".Reports.boundcheck-old-7", ".Reports.boundcheck-", ".Reports.boundcheck",
                     ".Reports.boundcheck-lock", "Reports", ".Reports", ".Reports.boundcheck-new-é", "x", ".other.boundcheck-new-1"]
            + (0..<300).map { "entry-\($0)" }
        for (i, name) in names.enumerated() {
            if i % 2 == 0 {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: true)
            } else {
                try Data().write(to: folder.appendingPathComponent(name))
            }
        }
        let expected = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(prefix) }
        let listed = OutputFolder.names(in: folder.path, startingWith: prefix)
        #expect(listed.sorted() == expected.sorted())
        #expect(listed.count == 5)
        #expect(OutputFolder.names(in: folder.appendingPathComponent("absent").path, startingWith: prefix).isEmpty)
    }

    @Test("the executable hash (four lanes) changes with any single byte and with the length, and is the same for the same bytes")
    func executableHash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func hash(_ bytes: [UInt8]) throws -> String {
            let file = folder.appendingPathComponent("f-\(UUID().uuidString)")
            try Data(bytes).write(to: file)
            return try #require(CodeVersion.hash(fileAt: file.path))
        }
        var rng = SystemRandomNumberGenerator()
        for length in [1, 7, 8, 31, 32, 33, 100, 257] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let reference = try hash(bytes)
            #expect(reference.count == 16 && reference.allSatisfy(\.isHexDigit))
            #expect(try hash(bytes) == reference)
            var seen: Set<String> = [reference]
            for position in Set([0, length / 2, length - 1]) {
                var changed = bytes
                changed[position] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                seen.insert(try hash(changed))
            }
            seen.insert(try hash(bytes + [0]))
            #expect(seen.count == Set([0, length / 2, length - 1]).count + 2, "length \(length)")
        }
        #if os(Linux)
        #expect(CodeVersion.ofRunningExecutable() == CodeVersion.hash(fileAt: "/proc/self/exe"))
        #endif
    }

    @Test("a report file is written with exactly its text's bytes (replacing a longer file), and a failure is the POSIX error behind it")
    func reportFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("write-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.md").path
        for text in [String(repeating: "long line, to be cut short\n", count: 5000), "é ∑ 😀\n", ""] {
            try writeReportFile(text, to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(text.utf8))
        }
        // The same permissions as a file Foundation writes.
        let reference = folder.appendingPathComponent("reference")
        try Data("x".utf8).write(to: reference, options: .atomic)
        let mode = { (p: String) in try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? Int }
        #expect(try mode(path) == mode(reference.path))
        do {
            try writeReportFile("x", to: folder.appendingPathComponent("absent/a.md").path)
            Issue.record("a write into a missing folder succeeded")
        } catch {
            #expect(FileProblem.cause(of: error) == "no such file or directory", "\(error)")
        }
    }
}
