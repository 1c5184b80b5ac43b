import ArgumentParser
import BoundCheck
import Foundation

/// `boundcheck probe FILE`: the oracle's and the problem's constants measured against the
/// declared ones.
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
        if options.outputFormat == .json {
            print(try jsonText(report))
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
