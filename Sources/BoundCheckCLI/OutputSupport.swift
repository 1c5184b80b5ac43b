import ArgumentParser
import BoundCheck
import Foundation

// Where `check` and `merge` put their results, with the messages and exit codes of each
// failure; the work itself is the library's (ClaimedOutput, ShardFile).

extension ClaimedOutput {
    /// Claims `--out`, or refuses (exit 2, one sentence) a folder that is a file, holds files
    /// the tool did not write, or is being written by another run.
    static func claim(_ out: String) throws -> ClaimedOutput {
        do { return try ClaimedOutput(out) } catch {
            printError("error: \(error)")
            printError("nothing was run and no report was written.")
            throw ExitCode(Exit.badInput)
        }
    }

    /// Writes the report set; a failing file system is exit 2 (the previous reports stay as
    /// they were), anything else an internal failure.
    func write(_ pages: [ReportPage], formats: Set<ReportFormat>, commit: String, linkBase: String?,
               trajectories: Bool = false) throws {
        do {
            // From here to exit, SIGINT and SIGTERM wait: the swap must not be cut in half.
            try write(pages, formats: formats, commit: commit, toolchain: VersionInfo.toolchain, linkBase: linkBase,
                      trajectories: trajectories, replacing: deferInterrupts)
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
func writeShardFile(_ file: ShardFile, to folder: String) throws -> String {
    do { return try file.write(into: folder) } catch {
        printError("error: \(error)")
        throw ExitCode(Exit.badInput)
    }
}
