import BoundCheck
import Foundation
import Testing

/// The provenance commit read from a repository's files: the layouts git writes (loose refs,
/// packed refs, detached HEAD, linked worktrees, subfolders) built by hand in a scratch folder,
/// and the fallback to "unknown" for anything else.
@Suite("Git commit read without git")
struct GitCommitTests {
    static let idA = "0123456789abcdef0123456789abcdef01234567"
    static let idB = "fedcba9876543210fedcba9876543210fedcba98"

    /// A fresh scratch folder, removed by the caller.
    func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gitcommit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test("a branch with a loose ref gives its commit, abbreviated to 7 digits, from any subfolder")
    func looseRef() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("ref: refs/heads/main\n", root + "/.git/HEAD")
        try write(Self.idA + "\n", root + "/.git/refs/heads/main")
        try FileManager.default.createDirectory(atPath: root + "/a/b", withIntermediateDirectories: true)
        #expect(GitCommit.short(in: root) == "0123456")
        #expect(GitCommit.short(in: root + "/a/b") == "0123456")
        #expect(GitCommit.full(in: root) == Self.idA)
    }

    @Test("a branch only in packed-refs is found there; peeled lines and comments are skipped")
    func packedRef() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("ref: refs/heads/feature/x\n", root + "/.git/HEAD")
        try write("# pack-refs with: peeled fully-peeled sorted\n\(Self.idB) refs/heads/main\n\(Self.idA) refs/heads/feature/x\n^\(Self.idB)\n",
                  root + "/.git/packed-refs")
        #expect(GitCommit.full(in: root) == Self.idA)
    }

    @Test("a loose ref wins over a stale packed one")
    func looseOverPacked() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("ref: refs/heads/main\n", root + "/.git/HEAD")
        try write("\(Self.idB) refs/heads/main\n", root + "/.git/packed-refs")
        try write(Self.idA, root + "/.git/refs/heads/main")
        #expect(GitCommit.full(in: root) == Self.idA)
    }

    @Test("a detached HEAD is the commit itself")
    func detached() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write(Self.idB.uppercased() + "\n", root + "/.git/HEAD")
        #expect(GitCommit.full(in: root) == Self.idB)
    }

    @Test("a linked worktree (.git file → gitdir, commondir) reads its own HEAD and the shared refs")
    func linkedWorktree() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("ref: refs/heads/main\n", root + "/main/.git/HEAD")
        try write(Self.idA, root + "/main/.git/refs/heads/main")
        try write("ref: refs/heads/perf\n", root + "/main/.git/worktrees/wt/HEAD")
        try write("../..\n", root + "/main/.git/worktrees/wt/commondir")
        try write("\(Self.idB) refs/heads/perf\n", root + "/main/.git/packed-refs")
        try write("gitdir: ../main/.git/worktrees/wt\n", root + "/wt/.git")
        #expect(GitCommit.full(in: root + "/wt") == Self.idB)
        #expect(GitCommit.full(in: root + "/main") == Self.idA)
    }

    @Test("no repository, an unborn branch, a malformed HEAD or a ref escaping the folder give \"unknown\"")
    func unknown() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try write("ref: refs/heads/main\n", root + "/unborn/.git/HEAD")
        try write("not a ref\n", root + "/garbage/.git/HEAD")
        try write("ref: ../../../etc/passwd\n", root + "/escape/.git/HEAD")
        try write("gitdir: \n", root + "/emptyfile/.git")
        try write("gitdir: /nonexistent/\(UUID().uuidString)\n", root + "/dangling/.git")
        try write("ref: refs/heads/a\n", root + "/loop/.git/HEAD")
        try write("ref: refs/heads/a\n", root + "/loop/.git/refs/heads/a")
        try write("1234\n", root + "/short/.git/HEAD")
        for name in ["unborn", "garbage", "escape", "emptyfile", "dangling", "loop", "short"] {
            #expect(GitCommit.short(in: root + "/" + name) == "unknown", "\(name)")
        }
    }

    @Test("the repository's own checkout agrees with `git rev-parse --short HEAD` when git is installed")
    func agreesWithGit() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "rev-parse", "HEAD"]
        process.currentDirectoryURL = repositoryRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return }
        #expect(GitCommit.full(in: repositoryRoot.path) == text)
    }
}
