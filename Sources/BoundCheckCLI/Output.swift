import ArgumentParser
import BoundCheck
import Foundation

// The messages the commands print; the library prints nothing.

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// "pass  NAME  (1.2 s)  sgdm-1/F1=violated A4=violated": one line per problem file.
func printOutcome(_ result: ExperimentResult, seconds: Double?) {
    let time = seconds.map { "  (\(String(format: "%.1f", $0)) s)" } ?? ""
    let failed = result.failedChecks.map { "\($0.check)=\($0.verdict)" }
    print("\(result.passed ? "pass" : "FAIL")  \(result.name)\(time)\(failed.isEmpty ? "" : "  " + failed.joined(separator: " "))")
    fflush(nil)   // every output stream; a CI log shows each result when it happens, in order with the progress lines on stderr
}

/// The closing line, and exit code 1 unless every problem file came out as expected.
func finish(_ results: [ExperimentResult], out: String) throws {
    let head = ProblemFileResults.headline(results)
    print("\(head.passed)/\(head.files) problem files as expected\(head.cells); reports in \(out)/")
    if !results.allSatisfy(\.passed) { throw ExitCode(Exit.fail) }
}

/// Loads every file with the session's catalog, or prints every problem in every file (and
/// annotations when `formats` asks for them) and returns nil.
func loadAll(_ files: [String], allowLarge: Bool, quick: Bool, seeds: Int? = nil, jobs: Int = 1,
             formats: Set<ReportFormat> = []) -> [ExperimentSpec]? {
    // The work and memory caps judge the profile that runs, with --seeds and --jobs.
    let loader = Session.loader(allowLarge: allowLarge, quick: quick, seeds: seeds, jobs: jobs)
    do { return try ProblemFiles.load(files, with: loader) } catch {
        for p in error.diagnostics { printError(p.description) }
        emitAnnotations(error.diagnostics, formats: formats)
        printError("\(error.diagnostics.count) problem(s) found; nothing was run and no report was written.")
        return nil
    }
}

// `--format github`: GitHub Actions annotations on standard output (where the runner reads
// workflow commands), for failing checks and for bad input. `--format summary` is written by
// ReportSet into the output folder (summary.md).

/// Prints an annotation for every failing check when `formats` asks for them.
func emitAnnotations(_ results: [ExperimentResult], formats: Set<ReportFormat>) {
    guard formats.contains(.github) else { return }
    let text = GitHubAnnotations.render(results, catalog: Session.catalog)
    if !text.isEmpty { print(text, terminator: "") }
}

/// Prints an annotation for every bad-input problem when `formats` asks for them.
func emitAnnotations(_ diagnostics: [Diagnostic], formats: Set<ReportFormat>) {
    guard formats.contains(.github), !diagnostics.isEmpty else { return }
    print(GitHubAnnotations.render(diagnostics), terminator: "")
}
