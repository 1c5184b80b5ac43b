import BoundCheck
import Foundation

/// `boundcheck --version` and the provenance every report carries: the version, the commit of
/// the working folder and the toolchain.
enum VersionInfo {
    /// The `--version` line.
    static func line() -> String { BoundCheckVersion.line(commit: gitCommit()) }

    static func gitCommit() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "unknown" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }

    static let toolchain: String = {
        #if swift(>=6.3)
        return "Swift 6.3+"
        #else
        return "Swift 6"
        #endif
    }()
}
