import BoundCheck
import Foundation

/// `boundcheck --version` and the provenance every report carries: the version, the commit of
/// the working folder and the toolchain.
enum VersionInfo {
    /// The `--version` line.
    static func line() -> String { BoundCheckVersion.line(commit: gitCommit()) }

    /// The commit of the working folder's repository, read from its files (no `git` process);
    /// "unknown" outside a repository or when the files cannot be read.
    static func gitCommit() -> String { GitCommit.short() }

    static let toolchain: String = {
        #if swift(>=6.3)
        return "Swift 6.3+"
        #else
        return "Swift 6"
        #endif
    }()
}
