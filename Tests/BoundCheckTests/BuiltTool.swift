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
