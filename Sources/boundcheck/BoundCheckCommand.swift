import ArgumentParser
import BoundCheck
import Foundation

@main
struct BoundCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "boundcheck",
        abstract: "Check convergence bounds of parallel momentum methods under biased gradients against simulation.",
        discussion: """
        Exit codes: 0 every bound and assumption as expected; 1 a violation or an unmet expectation; \
        2 bad input (every problem listed with file, line and column); 3 internal failure.
        """,
        version: BoundCheckVersion.number,
        subcommands: [Check.self, Bounds.self, Probe.self, List.self, Merge.self],
        defaultSubcommand: Check.self
    )

    /// As ParsableCommand's, except that a bad command line exits with the bad-input
    /// code 2 rather than ArgumentParser's 64.
    static func main() {
        // `--version` prints the version with the commit and GSL version of report provenance.
        if CommandLine.arguments.dropFirst().first == "--version" {
            print(BoundCheckVersion.line(commit: gitCommit()))
            return
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(Exit.badInput)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes (README, docs/verdicts.md "Exit codes").
enum Exit {
    static let pass: Int32 = 0
    static let fail: Int32 = 1
    static let badInput: Int32 = 2
    static let internalFailure: Int32 = 3
}

/// Files named on the command line: files as given, folders searched (sorted) for names that
/// `matches` accepts. Throws when a path does not exist or nothing is found (`what` says what
/// was looked for).
func expandPaths(_ paths: [String], what: String, matches: (String) -> Bool) throws -> [String] {
    var files: [String] = []
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no such file or folder: \(path)")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter(matches).sorted()
            files += names.map { (path as NSString).appendingPathComponent($0) }
        } else {
            files.append(path)
        }
    }
    if files.isEmpty { throw ValidationError("no \(what) found in \(paths.joined(separator: ", "))") }
    return files
}

/// Problem files named on the command line: files as given, folders searched for *.yaml / *.yml.
func problemFiles(_ paths: [String]) throws -> [String] {
    try expandPaths(paths, what: "problem files (*.yaml)") { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
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
    print("\(results.filter(\.passed).count)/\(results.count) problem files as expected; reports in \(out)/")
    if !results.allSatisfy(\.passed) { throw ExitCode(Exit.fail) }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Loads every file, reporting every problem in every file before giving up.
func loadAll(_ files: [String], allowLarge: Bool, quick: Bool, seeds: Int? = nil, jobs: Int = 1,
             formats: Set<String> = []) -> [ExperimentSpec]? {
    // The work and memory caps judge the profile that runs, with --seeds and --jobs.
    let loader = SpecLoader(allowLarge: allowLarge, quick: quick, seedsOverride: seeds, jobs: jobs)
    var specs: [ExperimentSpec] = []
    var problems: [Diagnostic] = []
    for file in files {
        do { specs.append(try loader.load(path: file)) } catch let errors as SpecErrors {
            problems += errors.diagnostics
        } catch {
            problems.append(Diagnostic(file: file, line: 0, column: 0, keyPath: "", message: "\(error)"))
        }
    }
    // Names differing only in case collide too on case-insensitive file systems.
    var names: [String: String] = [:]
    for spec in specs {
        if let other = names[spec.name.lowercased()] {
            problems.append(Diagnostic(file: spec.sourcePath ?? spec.name, line: 1, column: 1, keyPath: "name",
                                       message: "name '\(spec.name)' is also used by \(other) (names may not differ only in case); report files would collide"))
        }
        names[spec.name.lowercased()] = spec.sourcePath ?? spec.name
    }
    if problems.isEmpty { return specs }
    for p in problems { printError(p.description) }
    emitAnnotations(problems, formats: formats)
    printError("\(problems.count) problem(s) found; nothing was run and no report was written.")
    return nil
}

func gitCommit() -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "rev-parse", "--short", "HEAD"]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return "unknown" }
    process.waitUntilExit()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
}

let toolchain: String = {
    #if swift(>=6.3)
    return "Swift 6.3+"
    #else
    return "Swift 6"
    #endif
}()

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run problem files, compare the runs with their bounds, write reports, exit with the verdict.")

    @Argument(help: "Problem files or folders (default: Problems/).")
    var paths: [String] = ["Problems"]

    @Flag(help: "Use each file's quick profile (the CI profile).")
    var quick = false

    @Option(help: "Override the number of seeds.")
    var seeds: Int?

    @Option(help: "Override the confidence level, in (0, 1).")
    var confidence: Double?

    @Option(help: "Check only the bound or assumption with this id.")
    var only: String?

    @Option(name: .customLong("jobs"), help: "Threads to run on (default: all cores). Results are identical for any value.")
    var jobsOption: Int?
    var jobs: Int { jobsOption ?? ProcessInfo.processInfo.activeProcessorCount }

    @OptionGroup var reports: ReportOptions
    var out: String { reports.out }
    var formats: Set<String> { reports.formats }

    @Flag(help: "Treat inconclusive verdicts as failures.")
    var strict = false

    @Flag(help: "Allow files over the size, work and memory limits (not past the machine's memory).")
    var allowLarge = false

    @Option(help: "Run only shard I of N of the work items (1 ≤ I ≤ N) and write their results to --shard-out instead of reports; combine the shards with `boundcheck merge`.")
    var shard: String?

    @Option(help: "Folder for a shard's results (with --shard).")
    var shardOut: String = "Shards"

    @Flag(help: "Take work items finished by an earlier, interrupted run from the cache instead of running them again.")
    var resume = false

    @Option(help: "Cache folder of finished work items (keyed by problem file, profile and build).")
    var cacheDir: String = ".boundcheck-cache"

    @Flag(help: "Do not cache finished work items (a later --resume then has nothing to resume from).")
    var noCache = false

    @Flag(help: "Skip the assumption probe, for timing the simulation alone: reports then have no assumption checks, and expectations about assumptions (or `unsupported` bounds) are not met.")
    var noProbe = false

    func validate() throws {
        if let seeds, seeds < 1 { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        if let confidence, !(confidence > 0 && confidence < 1) { throw ValidationError("--confidence must lie strictly between 0 and 1, got \(confidence)") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let shard { do { _ = try Shard(parsing: shard) } catch { throw ValidationError("\(error)") } }
        if resume && noCache { throw ValidationError("--resume needs the cache; drop --no-cache") }
    }

    func run() throws {
        makeInterruptible()
        let files: [String]
        do { files = try problemFiles(paths) } catch {
            printError("error: \(error)")
            throw ExitCode(Exit.badInput)
        }
        guard let specs = loadAll(files, allowLarge: allowLarge, quick: quick, seeds: seeds, jobs: jobs, formats: formats) else {
            throw ExitCode(Exit.badInput)
        }
        if let only {
            let ids = Set(specs.flatMap { $0.userBounds.map(\.id) + $0.assumptions.map(\.id) } + CatalogBoundID.allCases.map(\.rawValue)
                          + ["F2-x"] + ProbedAssumption.allCases.map(\.rawValue))
            if !ids.contains(only) {
                printError("error: --only \(only): no such bound or assumption; known: \(ids.sorted().joined(separator: ", "))")
                throw ExitCode(Exit.badInput)
            }
        }
        var prepared: [PreparedExperiment] = []
        var failures: [String] = []
        for spec in specs {
            do { prepared.append(try PreparedExperiment(spec: spec, quick: quick, seedsOverride: seeds)) } catch let errors as SpecErrors {
                failures += errors.diagnostics.map(\.description)
                emitAnnotations(errors.diagnostics, formats: formats)
            } catch {
                failures.append("\(spec.sourcePath ?? spec.name): error: \(error)")
            }
        }
        if !failures.isEmpty {
            failures.forEach(printError)
            printError("nothing was run and no report was written.")
            throw ExitCode(Exit.badInput)
        }
        // The places results go, and the cache, are checked before anything runs.
        let claimed = self.shard == nil ? try ClaimedOutput(out) : nil
        defer { claimed?.lock.release() }
        if self.shard != nil { try checkShardOut(shardOut) }
        let progress = makeProgressReporter()
        var results: [ExperimentResult] = []
        var pages: [(ExperimentResult, Provenance)] = []
        let commit = gitCommit()
        let shard = try self.shard.map { try Shard(parsing: $0) }
        let codeVersion = noCache && self.shard == nil ? "" : CodeVersion.ofRunningExecutable()
        let cache = noCache ? nil : WorkCache(root: cacheDir, codeVersion: codeVersion)
        do { try cache?.open() } catch {
            printError("error: \(error)")
            printError("nothing was run and no report was written.")
            throw ExitCode(Exit.badInput)
        }
        let owned = WorkPlan.items(for: prepared, shard: shard)
        var shardProblems: [ShardFile.Problem] = []
        do {
            for (index, p) in prepared.enumerated() {
                let started = Date()
                progress.begin(p.spec.name)
                // Each finished item goes to the cache at once, so an interrupted run loses only
                // the items in flight; --resume takes the finished ones from there.
                // The probe needs no run results: it is one more task for the runner's threads.
                let probe = SharedValue<Result<ProbeReport, Error>?>(nil)
                var probeTask: (@Sendable () -> Void)?
                if shard == nil && !noProbe {
                    probeTask = { [confidence] in probe.value = Result { try AssumptionProbe.run(p, confidence: confidence) } }
                }
                let run = Experiment.runItems(p, items: owned[index], jobs: jobs, cache: cache, resume: resume,
                                              alongside: probeTask) { done, total in
                    progress.update(done: done, total: total)
                }
                progress.clear()
                for (file, why) in run.damaged { printError("cache: \(file) is damaged (\(why)); its work item ran again") }
                if run.fromCache > 0 { print("resumed  \(p.spec.name)  \(run.fromCache)/\(owned[index].count) work items from the cache") }
                if shard != nil {
                    shardProblems.append(try ShardFile.problem(p, results: run.results, seconds: Date().timeIntervalSince(started)))
                    continue
                }
                let traces = Runner.merge(run.results, methods: p.methods, profile: p.profile)
                let result = try Experiment.judge(p, traces: traces, probe: try probe.value?.get(), confidence: confidence, strict: strict, only: only)
                let provenance = Provenance(commit: commit, toolchain: toolchain, wallTimeSeconds: Date().timeIntervalSince(started))
                results.append(result)
                pages.append((result, provenance))
                printOutcome(result, seconds: provenance.wallTimeSeconds)
            }
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        if let shard {
            let file = ShardFile(codeVersion: codeVersion, shard: shard,
                                 settings: CheckSettings(quick: quick, seeds: seeds, confidence: confidence, strict: strict, only: only),
                                 problems: shardProblems)
            let path = try writeShardFile(file, to: shardOut, name: ShardFile.fileName(shard))
            print("shard \(shard): \(owned.reduce(0) { $0 + $1.count }) work items; results in \(path) (combine with `boundcheck merge`)")
            return
        }
        try claimed?.write(pages, formats: formats, commit: commit, linkBase: reports.linkBase)
        emitAnnotations(results, formats: formats)
        try finish(results, out: out)
    }
}

/// Where reports go and in which formats (`check`, `merge`).
struct ReportOptions: ParsableArguments {
    @Option(help: "Output folder for reports.")
    var out: String = "Reports"

    @Option(help: "Report formats, comma-separated: md, json, junit, summary (summary.md for a CI step summary), github (annotations on standard output).")
    var format: String = "md,json,junit"

    @Option(help: "URL where the output folder is published; summary.md then links each problem to its page there (without it, summary.md has no links).")
    var linkBase: String?

    var formats: Set<String> { Set(format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }) }

    /// Checked against ``ReportSet/formats``, so a format added there is valid here too.
    func validate() throws {
        let valid = ReportSet.formats.sorted().joined(separator: ", ")
        let unknown = formats.subtracting(ReportSet.formats)
        if !unknown.isEmpty { throw ValidationError("unknown --format \(unknown.sorted().joined(separator: ", ")); valid: \(valid)") }
        if formats.isEmpty { throw ValidationError("--format '\(format)' names no format; give one or more of \(valid), comma-separated") }
    }
}

/// The arguments of the single-file subcommands (`bounds`, `probe`).
struct SingleFileOptions: ParsableArguments {
    @Argument(help: "A problem file.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    @Flag(help: "Use the file's quick profile.")
    var quick = false

    @Flag(help: "Allow files over the size and work limits.")
    var allowLarge = false

    func validate() throws {
        if !["text", "json"].contains(format) { throw ValidationError("unknown --format \(format); valid: text, json") }
    }

    /// Loads and prepares the file, or prints every problem and exits with the bad-input code.
    func prepare() throws -> (ExperimentSpec, PreparedExperiment) {
        guard let spec = loadAll([file], allowLarge: allowLarge, quick: quick)?.first else { throw ExitCode(Exit.badInput) }
        do { return (spec, try PreparedExperiment(spec: spec, quick: quick)) } catch let errors as SpecErrors {
            errors.diagnostics.forEach { printError($0.description) }
            throw ExitCode(Exit.badInput)
        } catch {
            printError("\(file): error: \(error)")
            throw ExitCode(Exit.badInput)
        }
    }
}

struct Bounds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show constants, admissible steps and bound values of a problem file, without simulation.")

    @OptionGroup var options: SingleFileOptions

    func run() throws {
        let (spec, prepared) = try options.prepare()
        let format = options.format
        let evaluations = prepared.evaluateBounds(traces: nil)
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            struct Output: Encodable {
                var name: String
                var constants: ConstantTable
                var methods: [MethodBounds]
            }
            struct MethodBounds: Encodable {
                var method: ResolvedMethod
                var bounds: [BoundEvaluation]
            }
            let output = Output(name: spec.name, constants: prepared.instance.constants,
                                methods: zip(prepared.methods, evaluations).map { MethodBounds(method: $0, bounds: $1) })
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
            return
        }
        print("\(spec.name): \(spec.problem.family.name), d = \(spec.problem.dimension), n = \(spec.problem.workers), \(prepared.profile.iterations) iterations\n")
        print("constants:")
        for name in ConstantTable.order {
            guard let e = prepared.instance.constants.entries[name] else { continue }
            print("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%-12.6g", e.value)) \(e.how)")
        }
        for (method, bounds) in zip(prepared.methods, evaluations) {
            print("\n\(method.id): \(method.kind.rawValue), β = \(method.beta), γ = \(String(format: "%.6g", method.gamma)) — \(method.stepRule)")
            for b in bounds {
                print("  \(b.id) [\(b.kind.rawValue), \(b.metric.rawValue)] \(b.formula)")
                print("    source: \(b.source)")
                if let step = b.largestStep { print("    largest admissible γ: \(String(format: "%.6g", step)) (binding: \(b.bindingCondition ?? ""))") }
                if !b.failedConditions.isEmpty {
                    print("    not applicable: \(b.failedConditions.joined(separator: "; "))")
                    continue
                }
                if let error = b.error { print("    could not be evaluated: \(error)"); continue }
                if let floor = b.floor { print("    floor (K → ∞): \(String(format: "%.6g", floor))") }
                if let rate = b.rateDescription { print("    rate part: \(rate) (fitted over the checkpoints)") }
                if !b.assumptions.isEmpty { print("    relies on: \(b.assumptions.joined(separator: ", ")) (checked by the probe)") }
                if !b.notes.isEmpty { print("    notes: " + b.notes.keys.sorted().map { "\($0) = \(String(format: "%.6g", b.notes[$0]!))" }.joined(separator: ", ")) }
                let shown = zip(b.checkpoints, b.values).compactMap { k, v in v.map { "k=\(k): \(String(format: "%.4g", $0))" } }
                print("    values: \(shown.joined(separator: ", "))")
            }
        }
    }
}

struct Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the oracle's bias and noise constants and the problem's L, μ, f*, B², G² against the declared ones.",
        discussion: "Exit code 0 when every assumption check is as expected, 1 otherwise, 2 on bad input.")

    @OptionGroup var options: SingleFileOptions

    @Option(help: "Fresh oracle samples per point.")
    var samples: Int = ProbeSettings.standard.samples

    @Option(help: "Override the confidence level, in (0, 1).")
    var confidence: Double?

    func validate() throws {
        if samples < 2 * ProbeSettings.standard.batches {
            throw ValidationError("--samples must be at least \(2 * ProbeSettings.standard.batches) (\(ProbeSettings.standard.batches) batches of 2), got \(samples)")
        }
        if let confidence, !(confidence > 0 && confidence < 1) { throw ValidationError("--confidence must lie strictly between 0 and 1, got \(confidence)") }
    }

    func run() throws {
        let (spec, prepared) = try options.prepare()
        let format = options.format
        var settings = ProbeSettings.standard
        settings.samples = samples
        let report: ProbeReport
        do {
            report = Experiment.judge(try AssumptionProbe.run(prepared, confidence: confidence, settings: settings), spec: spec)
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(Exit.internalFailure)
        }
        let checks = report.checks
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("\(spec.name): \(report.points.count) points, \(report.samples) sample(s) per point\(report.batches > 1 ? " in \(report.batches) batches" : "")\n")
            for c in checks {
                let expectation = c.expected.map { " (expected \($0.rawValue))" } ?? ""
                print("\(c.fails ? "FAIL" : "ok  ")  \(c.id + String(repeating: " ", count: max(0, 4 - c.id.count))) \(c.verdict.rawValue)\(expectation): \(c.statement)")
                if !c.declared.isEmpty { print("        declared: " + c.declared.keys.sorted().map { "\($0) = \(String(format: "%.6g", c.declared[$0]!))" }.joined(separator: ", ")) }
                if !c.measured.isEmpty { print("        measured: " + c.measured.keys.sorted().map { "\($0) = \(String(format: "%.6g", c.measured[$0]!))" }.joined(separator: ", ")) }
                print("        \(c.reason)")
                print("        test: \(c.test)")
            }
            for (id, why) in report.notChecked.sorted(by: { $0.key < $1.key }) { print("skip  \(id)   \(why)") }
        }
        if checks.contains(where: \.fails) { throw ExitCode(Exit.fail) }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List families, oracles, methods and bounds (with kind and source).")

    func run() {
        print("""
        families (problem.family):
          quadratic       ½(x − cᵢ)ᵀA(x − cᵢ); spectrum: {min, max, zeros, spacing: linear|log}, rotate: bool
          pl-sine         Σ xⱼ² + 3 sin² xⱼ, tilted per worker; pl-constant: computed|published
          rational        Σ xⱼ²/(1 + xⱼ²), tilted per worker; bounded gradients
          logistic-ncvx   logistic loss + λ Σ xⱼ²/(1+xⱼ²); samples-per-worker, lambda; bounded gradients
          composite       (1/N) Σ log cosh(aₛᵀx − yₛ); samples-per-worker, target-noise; bounded gradients

        oracle stages (oracle: [...], per worker, in order):
        \(Catalog.standard.oracleStageListText())

        methods (methods: [...]):
          sgdm   beta ∈ (0, 1], step, init: zero|first-gradient, momentum: server|worker
          sgd    step (β = 1)
          mdsgd  beta ∈ [0, 1), step (η), sparsifier: {top-k|rand-k: {k}} | scaled-sign, variant: local|global
          step:  a number, theory, or {theory: factor}

        bounds:
        """)
        for bound in BoundCatalog.all {
            print("  \(bound.id.padding(toLength: 7, withPad: " ", startingAt: 0)) \(bound.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(bound.metric.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(bound.formula)")
            print("          source: \(bound.source)")
        }
        print("\nassumption checks (boundcheck probe; expect: {A4: violated} and the like):")
        for a in ProbedAssumption.allCases {
            print("  \(a.rawValue)      \(a.statement.padding(toLength: 36, withPad: " ", startingAt: 0)) constants: \(a.constants.joined(separator: ", "))")
        }
        print("\nexpression functions: " + BoundExpression.functions.map(\.name).joined(separator: ", "))
    }
}
