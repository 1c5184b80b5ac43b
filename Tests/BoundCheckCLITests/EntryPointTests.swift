import Foundation
import Synchronization
import Testing
import BoundCheck
@testable import BoundCheckCLI

/// The command line started over a catalog uses that catalog wherever it loads problem files,
/// and returns the tool's exit codes when run in-process.
@Suite struct EntryPointTests {
    /// Runs the command line over a catalog named `name` and returns the exit code and the
    /// names of the catalogs of every loader it made.
    private func run(_ arguments: [String], catalogName name: String) -> (code: Int32, catalogs: [String]) {
        var catalog = Catalog.standard   // the built-ins, told apart by name
        catalog.name = name
        let seen = Mutex<[String]>([])
        let code = Session.$loaderMade.withValue({ loader in seen.withLock { $0.append(loader.catalog.name) } }) {
            BoundCheckCLI.run(arguments: arguments, catalog: catalog)
        }
        return (code, seen.withLock { $0 })
    }

    private func scratchProblem(_ text: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("entry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("bad.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func checkLoadsWithTheCatalogItWasStartedOver() throws {
        let file = try scratchProblem("name: [unclosed\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let (code, catalogs) = run(["check", file.deletingLastPathComponent().path, "--out", file.deletingLastPathComponent().appendingPathComponent("out").path],
                                   catalogName: "test-catalog-check")
        #expect(code == 2, "a bad problem file is bad input")
        #expect(catalogs == ["test-catalog-check"])
    }

    @Test func singleFileCommandsLoadWithTheCatalogTheyWereStartedOver() throws {
        let file = try scratchProblem("name: [unclosed\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        for command in ["bounds", "probe"] {
            let (code, catalogs) = run([command, file.path], catalogName: "test-catalog-\(command)")
            #expect(code == 2, "\(command): a bad problem file is bad input")
            #expect(catalogs == ["test-catalog-\(command)"], "\(command)")
        }
    }

    @Test func mergeLoadsTheShardsProblemFilesWithTheCatalogItWasStartedOver() throws {
        let problem = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Problems/ef-sgd-single.yaml")
        let prepared = try ProblemFiles.prepare(try ProblemFiles.load([problem.path], with: SpecLoader(quick: true)), quick: true)
        let request = CheckRequest(settings: CheckSettings(quick: true, seeds: nil, confidence: nil, strict: false, only: nil),
                                   jobs: 1, shard: try Shard(index: 1, count: 1), commit: "c", toolchain: "t")
        // merge accepts shards of the running build only: here, the test process.
        guard case .shard(let file, _) = try CheckRun.run(prepared, request: request, cache: nil,
                                                          codeVersion: CodeVersion.ofRunningExecutable(), events: { _ in })
        else { Issue.record("expected a shard"); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("entry-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try file.write(into: folder.appendingPathComponent("shards").path)
        let (code, catalogs) = run(["merge", folder.appendingPathComponent("shards").path, "--out", folder.appendingPathComponent("out").path],
                                   catalogName: "test-catalog-merge")
        #expect(code == 0, "the problem file passes")
        #expect(catalogs == ["test-catalog-merge"])
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/ef-sgd-single.md").path))
        // Writing the reports ignored interrupts; the host process must get its handlers back.
        var action = sigaction()
        sigaction(SIGINT, nil, &action)
        let handler = action.__sigaction_handler.sa_handler.map { unsafeBitCast($0, to: Int.self) } ?? 0
        #expect(handler != unsafeBitCast(SIG_IGN, to: Int.self), "SIGINT is no longer ignored after an in-process merge")
    }

    @Test func anotherStartIsNotAffected() {
        // The catalog is scoped to one start: outside it, the session is the standard catalog.
        #expect(Session.catalog.name == Catalog.standard.name)
    }

    @Test func badCommandLinesAreBadInput() {
        #expect(run(["check", "--seeds", "0"], catalogName: "x").code == 2)
        #expect(run(["check", "--format", "pdf"], catalogName: "x").code == 2)
        #expect(run(["bounds", "f.yaml", "--format", "xml"], catalogName: "x").code == 2)
        #expect(run(["no-such-command", "--nope"], catalogName: "x").code == 2)
    }
}
