import ArgumentParser
import BoundCheck
import Foundation

/// The `boundcheck` command line as a library, so a user's package can start it over its own
/// catalog (plug-ins registered) and build its own `boundcheck`:
///
///     import BoundCheck
///     import BoundCheckCLI
///
///     var catalog = Catalog.standard
///     // catalog.register(...)
///     BoundCheckCLI.main(catalog: catalog)
///
/// Every problem file loaded, every name listed and resolved goes through the catalog given.
public enum BoundCheckCLI {
    /// Runs the command line with the process's arguments over `catalog` and exits with the
    /// tool's exit code: 0 as expected, 1 a failure, 2 bad input, 3 internal failure.
    public static func main(catalog: Catalog) -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        Session.$catalog.withValue(catalog) { () -> Void in
            // `--version` prints the version with the commit and GSL version of report provenance.
            if arguments.first == "--version" {
                print(VersionInfo.line())
                Foundation.exit(Exit.pass)
            }
            do {
                var command = try BoundCheckCommand.parseAsRoot(arguments)
                try command.run()
                Foundation.exit(Exit.pass)
            } catch {
                // As ParsableCommand's, except that a bad command line exits with the bad-input
                // code 2 rather than ArgumentParser's 64.
                if BoundCheckCommand.exitCode(for: error) == .validationFailure {
                    FileHandle.standardError.write(Data((BoundCheckCommand.fullMessage(for: error) + "\n").utf8))
                    Foundation.exit(Exit.badInput)
                }
                BoundCheckCommand.exit(withError: error)
            }
        }
        Foundation.exit(Exit.pass)
    }

    /// Runs the command line on `arguments` (without the program name) over `catalog` in this
    /// process and returns the exit code instead of exiting: for embedding and tests. Output
    /// goes to standard output and standard error as with ``main(catalog:)``. As in the tool,
    /// `check` and `merge` ignore SIGINT and SIGTERM while they replace the output folder; the
    /// dispositions found are put back on return.
    public static func run(arguments: [String], catalog: Catalog) -> Int32 {
        restoringInterrupts { Session.$catalog.withValue(catalog) { () -> Int32 in
            if arguments.first == "--version" {
                print(VersionInfo.line())
                return Exit.pass
            }
            do {
                var command = try BoundCheckCommand.parseAsRoot(arguments)
                try command.run()
                return Exit.pass
            } catch {
                let code = BoundCheckCommand.exitCode(for: error)
                if code == .validationFailure {
                    FileHandle.standardError.write(Data((BoundCheckCommand.fullMessage(for: error) + "\n").utf8))
                    return Exit.badInput
                }
                let message = BoundCheckCommand.fullMessage(for: error)
                if !message.isEmpty {
                    if code == .success { print(message) } else { FileHandle.standardError.write(Data((message + "\n").utf8)) }
                }
                return code.rawValue
            }
        } }
    }
}

/// The root command: its subcommands, one file each.
struct BoundCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boundcheck",
        abstract: "Check convergence bounds of parallel momentum methods under biased gradients against simulation.",
        discussion: """
        Exit codes: 0 every bound and assumption as expected; 1 a violation or an unmet expectation; \
        2 bad input (every problem listed with file, line and column); 3 internal failure.
        """,
        version: BoundCheckVersion.number,
        subcommands: [Check.self, Bounds.self, Probe.self, List.self, Merge.self, SearchCommand.self],
        defaultSubcommand: Check.self
    )
}

/// What the commands of one start of the command line share: the catalog it was started over.
/// A task-local value, so two starts in one process (tests) never see each other's.
enum Session {
    @TaskLocal static var catalog: Catalog = .standard

    /// Shown every loader a command makes (tests: which catalog reached the loader).
    @TaskLocal static var loaderMade: (@Sendable (SpecLoader) -> Void)?

    /// The loader every command uses: the session's catalog, with the given profile and limits.
    static func loader(allowLarge: Bool, quick: Bool, seeds: Int? = nil, jobs: Int = 1) -> SpecLoader {
        let loader = SpecLoader(allowLarge: allowLarge, quick: quick, seedsOverride: seeds, jobs: jobs, catalog: catalog)
        loaderMade?(loader)
        return loader
    }
}

/// Exit codes (README, docs/verdicts.md "Exit codes").
enum Exit {
    static let pass: Int32 = 0
    static let fail: Int32 = 1
    static let badInput: Int32 = 2
    static let internalFailure: Int32 = 3
}
