import ArgumentParser
import BoundCheck
import Foundation

/// `boundcheck search FILE --bound ID`: the worst case of a bound over the file's `search:`
/// ranges, confirmed on fresh seeds and written as a problem file (docs/problem-files.md,
/// "Searches"); the search itself is the library's ``Search``.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Hunt the worst case of a bound over the file's search: ranges; confirm it on fresh seeds; write it as a problem file.",
        discussion: "Exit code 1 when the confirmation run shows the bound violated, 0 when it does not, 2 on bad input.")

    @Argument(help: "A problem file with a search: section.")
    var file: String

    @Option(help: "The bound to push (a catalog or user bound id).")
    var bound: String

    @Option(help: "Only this method's runs count (default: the largest ratio over the methods that have the bound).")
    var method: String?

    @Option(help: "Evaluations, each a full run on fresh seeds (the confirmation comes on top).")
    var budget: Int = 40

    @Option(help: "Starting points of the simplex (default: about one per ten evaluations, 2 to 8).")
    var starts: Int?

    @Option(help: "Output folder (the worst-case file, the confirmation's report, search.md and its plot).")
    var out: String = "Search"

    @Flag(help: "Use the file's quick profile.")
    var quick = false

    @Option(help: "Override the number of seeds of every evaluation and of the confirmation.")
    var seeds: Int?

    @Option(help: "Override the confidence level, in (0, 1).")
    var confidence: Double?

    @Option(name: .customLong("jobs"), help: "Threads to run on (default: all cores). Results are identical for any value.")
    var jobsOption: Int?
    var jobs: Int { jobsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @Flag(help: "Allow files over the size and work limits.")
    var allowLarge = false

    func validate() throws {
        if budget < 1 { throw ValidationError("--budget must be at least 1, got \(budget)") }
        if let starts, starts < 1 { throw ValidationError("--starts must be at least 1, got \(starts)") }
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let confidence, !(confidence > 0 && confidence < 1) { throw ValidationError("--confidence must lie strictly between 0 and 1, got \(confidence)") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    func run() throws {
        makeInterruptible()
        let loader = Session.loader(allowLarge: allowLarge, quick: quick, seeds: seeds, jobs: jobs)
        func refuse(_ diagnostics: [Diagnostic]) -> ExitCode {
            diagnostics.forEach { printError($0.description) }
            printError("nothing was run and no report was written.")
            return ExitCode(Exit.badInput)
        }
        let space: SearchSpace
        do { space = try loader.loadSearch(path: file) } catch let errors as SpecErrors { throw refuse(errors.diagnostics) } catch {
            printError("\(file): error: \(error)")
            throw ExitCode(Exit.badInput)
        }
        let claimed = try ClaimedOutput.claim(out)
        defer { claimed.release() }
        let commit = VersionInfo.gitCommit()
        let request = SearchRequest(bound: bound, method: method, budget: budget, starts: starts, quick: quick,
                                    seedsOverride: seeds, confidence: confidence, jobs: jobs)
        let outcome: SearchOutcome
        do {
            outcome = try Search.run(space, request: request, loader: loader, catalog: Session.catalog, commit: commit,
                                     toolchain: VersionInfo.toolchain) { e in
                let values = e.values.joined(separator: ", ")
                let ratio = e.upperRatio.map { String(format: "%.4g", $0) } ?? "—"
                print("eval \(e.index + 1)  [\(values)]  upper ratio \(ratio)\(e.note.map { "  (\($0.prefix(100)))" } ?? "")")
            }
        } catch let errors as SpecErrors {
            throw refuse(errors.diagnostics)
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        do {
            try claimed.write(outcome, formats: [.md, .json], commit: commit, toolchain: VersionInfo.toolchain, replacing: deferInterrupts)
        } catch let error as OutputError {
            printError("error: \(error)")
            throw ExitCode(Exit.badInput)
        }
        guard let best = outcome.best, let confirmed = outcome.confirmed else {
            print("no evaluation gave a ratio for \(bound); nothing confirmed; report in \(out)/search.md")
            return
        }
        let fmt = { (v: Double?) in v.map { String(format: "%.4g", $0) } ?? "—" }
        print("best: eval \(best.index + 1), upper ratio \(fmt(best.upperRatio)); confirmation on fresh seeds: upper ratio \(fmt(confirmed.upperRatio)), tightness \(fmt(confirmed.tightness)), \(confirmed.verdict ?? "—")")
        print("worst case: \(out)/\(outcome.worstCaseName).yaml; report: \(out)/search.md")
        if outcome.violated { throw ExitCode(Exit.fail) }
    }
}
