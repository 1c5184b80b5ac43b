import Foundation

/// The git commit of a folder, for report provenance, read from the repository's files instead
/// of by running `git` (a subprocess cost every `check` ~50 ms of waiting before its runs).
///
/// It answers what `git rev-parse --short HEAD` answers in the common cases: the folder or a
/// parent holds `.git` (a folder, or a file `gitdir: …` as in a linked worktree or submodule);
/// `HEAD` is either a commit id (detached) or `ref: refs/…`, resolved through loose refs and
/// `packed-refs` in the repository's common folder (`commondir` for linked worktrees), following
/// symbolic refs a few levels. Anything else — no repository, an unborn branch, an unreadable or
/// malformed file — gives `"unknown"`; reading provenance never fails a run.
public enum GitCommit {
    /// The abbreviation length `git rev-parse --short` uses for a small repository.
    public static let shortLength = 7

    /// The short commit id of the repository containing `folder` (default: the current folder),
    /// or "unknown".
    public static func short(in folder: String = FileManager.default.currentDirectoryPath) -> String {
        guard let id = full(in: folder) else { return "unknown" }
        return String(id.prefix(shortLength))
    }

    /// The full commit id of HEAD of the repository containing `folder`, or nil.
    public static func full(in folder: String) -> String? {
        guard let gitDir = findGitDir(from: folder) else { return nil }
        let commonDir = commonDirectory(of: gitDir)
        guard var content = readTrimmed(gitDir + "/HEAD") else { return nil }
        // Follow symbolic refs (HEAD → refs/heads/main → …) a bounded number of times.
        for _ in 0..<5 {
            if isObjectID(content) { return content.lowercased() }
            guard content.hasPrefix("ref:") else { return nil }
            let ref = content.dropFirst(4).trimmingCharacters(in: .whitespaces)
            guard isSafeRefName(ref), let next = resolve(ref: ref, gitDir: gitDir, commonDir: commonDir) else { return nil }
            content = next
        }
        return nil
    }

    /// The `.git` folder for `folder` or its nearest parent that has one.
    static func findGitDir(from folder: String) -> String? {
        var dir = URL(fileURLWithPath: folder).standardizedFileURL.path
        while true {
            let candidate = dir == "/" ? "/.git" : dir + "/.git"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) {
                if isDirectory.boolValue { return candidate }
                // A `.git` file: "gitdir: <path>", relative to the folder holding the file.
                guard let text = readTrimmed(candidate), text.hasPrefix("gitdir:") else { return nil }
                let path = text.dropFirst(7).trimmingCharacters(in: .whitespaces)
                guard !path.isEmpty else { return nil }
                return absolute(path, relativeTo: dir)
            }
            if dir == "/" || dir.isEmpty { return nil }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// The folder holding shared refs: `commondir`'s target for a linked worktree, else itself.
    static func commonDirectory(of gitDir: String) -> String {
        guard let text = readTrimmed(gitDir + "/commondir"), !text.isEmpty else { return gitDir }
        return absolute(text, relativeTo: gitDir)
    }

    /// A ref's content: the per-worktree loose ref, the shared loose ref, then packed-refs.
    static func resolve(ref: String, gitDir: String, commonDir: String) -> String? {
        for dir in gitDir == commonDir ? [gitDir] : [gitDir, commonDir] {
            if let text = readTrimmed(dir + "/" + ref), !text.isEmpty { return text }
        }
        guard let packed = readTrimmed(commonDir + "/packed-refs") else { return nil }
        for line in packed.split(whereSeparator: \.isNewline) {
            guard !line.hasPrefix("#"), !line.hasPrefix("^") else { continue }
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[1] == ref, isObjectID(String(parts[0])) { return String(parts[0]) }
        }
        return nil
    }

    /// 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.
    static func isObjectID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70)
        }
    }

    /// A ref name that stays inside the repository folder.
    static func isSafeRefName(_ ref: String) -> Bool {
        !ref.isEmpty && !ref.hasPrefix("/") && !ref.split(separator: "/").contains("..")
    }

    static func absolute(_ path: String, relativeTo dir: String) -> String {
        let joined = path.hasPrefix("/") ? path : dir + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// A small file's text without surrounding whitespace, or nil if unreadable (or large).
    static func readTrimmed(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        // packed-refs can be long in big repositories; 16 MB is far beyond any sane one.
        guard let data = try? handle.read(upToCount: 16 << 20) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
