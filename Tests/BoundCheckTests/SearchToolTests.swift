import Foundation
import Testing
@testable import BoundCheck

/// `boundcheck search` end to end: its exit codes and the files it leaves in its output folder.
@Suite struct SearchToolTests {
    @Test("search exits 1 on a confirmed planted violation, its worst-case file makes check exit 1, and a bad range exits 2 with its position")
    func exitCodes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("search-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try SearchTests.file(expression: SearchTests.falseInCorner).write(to: folder.appendingPathComponent("planted.yaml"), atomically: true, encoding: .utf8)
        let search = try runBuiltTool(["search", "planted.yaml", "--bound", "planted", "--budget", "16", "--out", "Found", "--jobs", "2"], in: folder)
        #expect(search.status == 1, "\(search.output)")
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("Found").path)
        #expect(Set(["planted-worst.yaml", "planted-worst.md", "search.md", "search.json", "plots"]).isSubset(of: Set(written)))
        let check = try runBuiltTool(["check", "Found/planted-worst.yaml", "--out", "Again", "--no-cache"], in: folder)
        #expect(check.status == 1 && check.output.contains("sgd/planted=violated"), "\(check.output)")
        let bad = SearchTests.file(expression: "1", search: "  methods[sgd].step: {min: 0.5, max: 0.1}")
        try bad.write(to: folder.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let refused = try runBuiltTool(["search", "bad.yaml", "--bound", "planted", "--out", "Bad"], in: folder)
        #expect(refused.status == 2 && refused.output.contains("bad.yaml:21:") && refused.output.contains("inverted"), "\(refused.output)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("Bad").path), "nothing written on bad input")
    }
}
