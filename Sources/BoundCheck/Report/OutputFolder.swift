import Foundation

/// A problem with the place reports go (a path that is a file, a folder that holds someone
/// else's files, a folder another run is writing, a full disk): one plain sentence naming the
/// path and the cause. The command line exits 2 on it: the user can fix it.
public struct OutputError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The output folder is replaced as a whole (docs/scaling.md, "The output folder"):
///
/// - the reports are written into a temporary sibling folder, `.<name>.boundcheck-new-<pid>`;
/// - only when every file is written is the old folder renamed aside, the new one renamed into
///   its place, and the old one deleted; a failure part-way (a full disk, a signal, a bug)
///   leaves the previous folder exactly as it was;
/// - the folder records what the tool wrote in it (``manifestName``), and a folder is replaced
///   only when it is absent, empty, or holds nothing but what the tool wrote: anything else is
///   refused, so the tool never deletes a file it did not write;
/// - one run at a time holds the folder (``OutputLock``).
public enum OutputFolder {
    /// The list of files the tool wrote, kept in the folder (hidden: names never start with '.').
    public static let manifestName = ".boundcheck-reports"
    static let manifestHeader = "# Written by boundcheck; its next run replaces this folder as a whole. Files:"

    /// The folder `path` names, with symbolic links resolved (a link to a report folder has the
    /// target replaced, not the link).
    public static func resolve(_ path: String) -> URL {
        URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath()
    }

    static func sibling(of folder: URL, _ suffix: String) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).boundcheck-\(suffix)", isDirectory: true)
    }

    /// Refuses a path that cannot be replaced as a whole: a file, or a folder with content the
    /// tool did not write. An absent or empty folder is fine.
    public static func checkReplaceable(_ folder: URL, option: String = "--out") throws(OutputError) {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw OutputError("\(option) \(folder.path) is a file, not a folder; name a folder for the reports") }
        let entries: [String]
        do { entries = try entriesBelow(folder) } catch {
            throw OutputError("\(option) \(folder.path) cannot be read: \(FileProblem.cause(of: error))")
        }
        if entries.isEmpty { return }
        let foreign: [String]
        if let manifest = try? String(contentsOf: folder.appendingPathComponent(manifestName), encoding: .utf8),
           manifest.hasPrefix(manifestHeader) {
            let listed = Set(manifest.split(separator: "\n").dropFirst().map(String.init))
            let folders = Set(listed.flatMap(parentFolders))
            foreign = entries.filter { $0 != manifestName && !listed.contains($0) && !folders.contains($0) }
        } else {
            // A report folder from before the manifest: every entry has a report's name, and it
            // has the index or junit.xml.
            foreign = entries.filter { !looksWritten($0) }
            if foreign.isEmpty && !entries.contains("index.md") && !entries.contains("junit.xml") {
                throw OutputError("\(option) \(folder.path) holds files boundcheck did not write (no index.md, junit.xml or \(manifestName)); the reports replace the folder as a whole, so name a new or empty folder, or one boundcheck wrote")
            }
        }
        if !foreign.isEmpty {
            let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", … (\(foreign.count) in all)" : "")
            throw OutputError("\(option) \(folder.path) holds files boundcheck did not write (\(shown)); the reports replace the folder as a whole, so move them out or name a new or empty folder")
        }
    }

    /// Every file and folder below `folder`, as relative paths ("plots", "plots/a.svg").
    static func entriesBelow(_ folder: URL) throws -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let url = relative.isEmpty ? folder : folder.appendingPathComponent(relative)
            for name in try fm.contentsOfDirectory(atPath: url.path).sorted() {
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                out.append(path)
                let attributes = try? fm.attributesOfItem(atPath: folder.appendingPathComponent(path).path)
                if attributes?[.type] as? FileAttributeType == .typeDirectory { pending.append(path) }
            }
        }
        return out.sorted()
    }

    static func parentFolders(_ path: String) -> [String] {
        let parts = path.split(separator: "/")
        return parts.indices.dropLast().map { parts[...$0].joined(separator: "/") }
    }

    /// Names a report folder written before the manifest existed could hold.
    static func looksWritten(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        let file = parts.last ?? ""
        if parts.count == 1 {
            return file == "plots" || file == "junit.xml" || (!file.hasPrefix(".") && (file.hasSuffix(".md") || file.hasSuffix(".json")))
        }
        return parts.first == "plots" && !file.hasPrefix(".") && (file.hasSuffix(".svg") || !file.contains("."))
    }

    /// Writes a complete report set through `write` into a temporary sibling of `folder`, then
    /// swaps it in. Failures of the file system are ``OutputError``s (the previous folder is
    /// then untouched and the temporary one removed); other errors of `write` pass through.
    /// The caller holds the folder's ``OutputLock``.
    public static func replace(_ folder: URL, option: String = "--out", write: (ReportWriter) throws -> Void) throws {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw OutputError("cannot create \(parent.path) for \(option) \(folder.path): \(FileProblem.cause(of: error))")
        }
        recoverLeftovers(folder)
        try checkReplaceable(folder, option: option)
        let staging = sibling(of: folder, "new-\(getpid())")
        let backup = sibling(of: folder, "old-\(getpid())")
        try? fm.removeItem(at: staging)
        do { try fm.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw OutputError("cannot write the reports next to \(folder.path) (a temporary folder in \(parent.path)): \(FileProblem.cause(of: error))")
        }
        do {
            let writer = ReportWriter(directory: staging.path)
            try write(writer)
            try writer.writeManifest()
            try writer.synchronize()
        } catch {
            try? fm.removeItem(at: staging)
            if let error = error as? OutputError {
                throw OutputError("\(error.description); the previous reports in \(folder.path) are unchanged")
            }
            throw error
        }
        // The swap: old aside, new in, old removed.
        let hadOld = fm.fileExists(atPath: folder.path)
        if hadOld {
            guard rename(folder.path, backup.path) == 0 else {
                let cause = String(cString: strerror(errno)).lowercased()
                try? fm.removeItem(at: staging)
                throw OutputError("cannot replace \(option) \(folder.path): \(cause); the previous reports are unchanged")
            }
        }
        guard rename(staging.path, folder.path) == 0 else {
            let cause = String(cString: strerror(errno)).lowercased()
            if hadOld { _ = rename(backup.path, folder.path) }
            try? fm.removeItem(at: staging)
            throw OutputError("cannot replace \(option) \(folder.path): \(cause); the previous reports are unchanged")
        }
        // The renames themselves reach the disk with the parent folder.
        _ = flushToDisk(parent.path)
        if hadOld {
            // Checked again: a file someone put into the old folder meanwhile is not deleted.
            if (try? checkReplaceable(backup, option: option)) != nil { try? fm.removeItem(at: backup) }
        }
    }

    /// What a killed run may have left beside the folder: its temporary folder (removed) or,
    /// killed between the two renames of the swap, the previous folder set aside (put back).
    static func recoverLeftovers(_ folder: URL) {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        let prefix = ".\(folder.lastPathComponent).boundcheck-"
        for name in names(in: parent.path, startingWith: prefix) {
            let url = parent.appendingPathComponent(name)
            let rest = name.dropFirst(prefix.count)
            if rest.hasPrefix("old-"), !fm.fileExists(atPath: folder.path) {
                _ = rename(url.path, folder.path)
            } else if rest.hasPrefix("new-") || rest.hasPrefix("old-") {
                try? fm.removeItem(at: url)
            }
        }
    }

    /// The names in the folder `path` that start with `prefix`, in the order the folder lists
    /// them. Read with `readdir`, making a string only of the names that match: the folder the
    /// reports go into may sit in one that holds thousands of entries (/tmp, a home folder),
    /// and listing it all cost more than the rest of writing a small problem's reports.
    static func names(in path: String, startingWith prefix: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        let wanted = Array(prefix.utf8)
        var names: [String] = []
        while let entry = readdir(directory) {
            let name: String? = withUnsafeBytes(of: &entry.pointee.d_name) { raw in
                guard raw.count > wanted.count, wanted.indices.allSatisfy({ raw[$0] == wanted[$0] }) else { return nil }
                return String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if let name { names.append(name) }
        }
        return names
    }
}

/// One run at a time writes an output folder: the lock is a file beside it,
/// `.<name>.boundcheck-lock`, holding the writer's process id. A lock whose process is gone
/// (killed, crashed) is stale and taken over.
public final class OutputLock {
    public let file: URL
    private var held = false

    public static func file(for folder: URL) -> URL { OutputFolder.sibling(of: folder, "lock") }

    /// Takes the lock of `folder`, or throws naming the process that holds it.
    public init(folder: URL, option: String = "--out") throws(OutputError) {
        file = Self.file(for: folder)
        let parent = folder.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw OutputError("cannot create \(parent.path) for \(option) \(folder.path): \(FileProblem.cause(of: error))")
        }
        for _ in 0..<5 {
            let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            if fd >= 0 {
                let text = "\(getpid())\n"
                _ = text.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                held = true
                return
            }
            let code = errno
            guard code == EEXIST else {
                throw OutputError("cannot lock \(option) \(folder.path) (lock file \(file.path)): \(String(cString: strerror(code)).lowercased())")
            }
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            if let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0, Self.isRunning(pid) {
                throw OutputError("\(option) \(folder.path) is being written by another boundcheck run (process \(pid), lock file \(file.path)); wait for it to finish, or delete the lock file if that process is not boundcheck")
            }
            // Stale (its process is gone) or half-written by a process killed while taking it.
            if text.isEmpty, let date = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date,
               Date().timeIntervalSince(date) < 2 {
                usleep(100_000)   // perhaps being written right now
                continue
            }
            _ = unlink(file.path)
        }
        throw OutputError("cannot lock \(option) \(folder.path): the lock file \(file.path) keeps coming back; is another run starting?")
    }

    /// Whether `pid` is a live process (a zombie or another program reusing the id is not).
    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        #if os(Linux)
        if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") {
            return false
        }
        if let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")), !command.isEmpty {
            return String(decoding: command, as: UTF8.self).lowercased().contains("boundcheck")
        }
        #endif
        return true
    }

    public func release() {
        guard held else { return }
        held = false
        _ = unlink(file.path)
    }

    deinit { release() }
}
