import BoundCheck
import Foundation

// `--format github`: GitHub Actions annotations on standard output (where the runner reads
// workflow commands), for failing checks and for bad input. `--format summary` is written by
// ReportSet into the output folder (summary.md).

/// Prints an annotation for every failing check when `formats` asks for them.
func emitAnnotations(_ results: [ExperimentResult], formats: Set<String>) {
    guard formats.contains("github") else { return }
    let text = GitHubAnnotations.render(results)
    if !text.isEmpty { print(text, terminator: "") }
}

/// Prints an annotation for every bad-input problem when `formats` asks for them.
func emitAnnotations(_ diagnostics: [Diagnostic], formats: Set<String>) {
    guard formats.contains("github"), !diagnostics.isEmpty else { return }
    print(GitHubAnnotations.render(diagnostics), terminator: "")
}
