import Foundation
import Testing
@testable import BoundCheck

/// The report set is flushed to disk before the folder swap publishes it.
@Suite("Reports reach the disk before they replace the previous ones")
struct ReportDurabilityTests {
    @Test("synchronize flushes every written file and folder, and a file it cannot open is an error naming it")
    func synchronizeFlushesWhatWasWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bc-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = ReportWriter(directory: folder.path)
        try writer.write("a", to: "one.md")
        try writer.write("b", to: "plots/deep/two.svg")
        try writer.writeManifest()
        try writer.synchronize()
        try FileManager.default.removeItem(at: folder.appendingPathComponent("plots/deep/two.svg"))
        #expect(throws: OutputError.self) { try writer.synchronize() }
        do { try writer.synchronize() } catch let error as OutputError {
            #expect(error.description.contains("plots/deep/two.svg"))
            #expect(error.description.contains("no such file"))
        }
    }

    @Test("flushToDisk succeeds on a file and a folder and returns the errno of a missing path")
    func flushToDiskReportsErrno() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bc-flush-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(flushToDisk(file.path) == nil)
        #expect(flushToDisk(FileManager.default.temporaryDirectory.path) == nil)
        #expect(flushToDisk(file.path + "-missing") == ENOENT)
    }
}
