import ArgumentParser
import BoundCheck
import Foundation

/// The output folder of `check` and `merge`: checked and locked before any work starts (so a
/// mistake costs nothing), replaced as a whole at the end (docs/scaling.md, "The output folder").
struct ClaimedOutput {
    let folder: URL
    let lock: OutputLock

    /// Refuses (exit 2, one sentence) a `--out` that is a file, holds files the tool did not
    /// write, or is being written by another run.
    init(_ out: String) throws {
        folder = OutputFolder.resolve(out)
        do {
            try OutputFolder.checkReplaceable(folder)
            lock = try OutputLock(folder: folder)
        } catch {
            printError("error: \(error)")
            printError("nothing was run and no report was written.")
            throw ExitCode(Exit.badInput)
        }
    }

    /// Writes the report set; a failing file system is exit 2 (the previous reports stay as
    /// they were), anything else an internal failure.
    func write(_ pages: [(ExperimentResult, Provenance)], formats: Set<String>, commit: String, linkBase: String?) throws {
        // From here to exit, SIGINT and SIGTERM wait: the swap must not be cut in half.
        deferInterrupts()
        do {
            try OutputFolder.replace(folder) { writer in
                try ReportSet.write(pages.map { (result: $0.0, provenance: $0.1) }, formats: formats, to: writer,
                                    indexProvenance: Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: 0),
                                    linkBase: linkBase)
            }
        } catch let error as OutputError {
            printError("error: \(error)")
            throw ExitCode(Exit.badInput)
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
    }
}

/// `--shard-out`: a folder (created if needed), not a file.
func checkShardOut(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        printError("error: --shard-out \(path) is a file, not a folder; name a folder for the shard's results")
        printError("nothing was run.")
        throw ExitCode(Exit.badInput)
    }
}

/// Writes a shard's results; a failing file system is exit 2 with one sentence.
func writeShardFile(_ file: ShardFile, to folder: String, name: String) throws -> String {
    let path = (folder as NSString).appendingPathComponent(name)
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try file.encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        printError("error: cannot write the shard's results to \(path): \(FileProblem.cause(of: error))")
        throw ExitCode(Exit.badInput)
    }
    return path
}
