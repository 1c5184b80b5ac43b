import Foundation
@testable import BoundCheck

// What the end-to-end tests share: where the repository is, and the `boundcheck` executable of
// this build, which they run as a user would.

/// The repository's root folder (this file is Tests/BoundCheckTests/BuiltTool.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The `boundcheck` executable of this build (next to the test bundle in the build products).
func boundcheckBinary() throws -> URL {
    var candidates: [URL] = []
    if let first = CommandLine.arguments.first { candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
    candidates.append(Bundle.main.bundleURL)
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for folder in [".build/debug", ".build/release"] { candidates.append(repositoryRoot.appendingPathComponent(folder)) }
    for c in candidates {
        let url = c.appendingPathComponent("boundcheck")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    throw WorkStoreError("the boundcheck executable was not found next to the tests (looked in \(candidates.map(\.path))); run `swift build --build-tests` first")
}

/// A run of the built tool started in `folder`: its process, and the file that collects its
/// standard output and standard error (in the temporary folder, not in `folder`, so `folder`
/// holds only what the tool itself writes). `CI` is set, so no terminal progress is drawn.
struct LaunchedTool {
    let process: Process
    let output: URL
}

func launchBuiltTool(_ arguments: [String], in folder: URL) throws -> LaunchedTool {
    let process = Process()
    process.executableURL = try boundcheckBinary()
    process.arguments = arguments
    process.currentDirectoryURL = folder
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("boundcheck-output-\(UUID().uuidString).txt")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    var environment = ProcessInfo.processInfo.environment
    environment["CI"] = "1"
    process.environment = environment
    try process.run()
    return LaunchedTool(process: process, output: output)
}

/// Runs the built tool in `folder` to the end: its exit status and everything it printed.
func runBuiltTool(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
    let launched = try launchBuiltTool(arguments, in: folder)
    launched.process.waitUntilExit()
    defer { try? FileManager.default.removeItem(at: launched.output) }
    return (launched.process.terminationStatus, (try? String(contentsOf: launched.output, encoding: .utf8)) ?? "")
}
