import Foundation
import GSL

/// Writes reports into a folder (``OutputFolder/replace(_:option:write:)`` gives it a temporary
/// one): each file to a temporary name, then renamed. It records every path it wrote, refuses
/// to write one path twice in a run (two outputs sharing a path would silently lose one; paths
/// that differ only in case count as the same, as on case-insensitive file systems), and
/// reports a failing file system as an ``OutputError``.
public final class ReportWriter {
    public let directory: URL
    /// Relative paths written so far, in order.
    public private(set) var written: [String] = []
    private var taken: Set<String> = []
    /// Only record the paths (for tests that enumerate a run's outputs).
    let dryRun: Bool

    public init(directory: String, dryRun: Bool = false) {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.dryRun = dryRun
    }

    /// Writes `contents` to `relativePath` inside the folder; paths that would leave it are refused.
    public func write(_ contents: String, to relativePath: String) throws {
        let target = directory.appendingPathComponent(relativePath).standardizedFileURL
        guard target.path.hasPrefix(directory.standardizedFileURL.path + "/") else {
            throw BoundError(bound: "report", message: "refusing to write outside the output folder: \(relativePath)")
        }
        let relative = String(target.path.dropFirst(directory.standardizedFileURL.path.count + 1))
        guard taken.insert(relative.lowercased()).inserted else {
            throw BoundError(bound: "report", message: "two outputs of this run would share the path \(relative)")
        }
        written.append(relative)
        if dryRun { return }
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: target, options: .atomic)
        } catch {
            throw OutputError("cannot write \(relative): \(FileProblem.cause(of: error))")
        }
    }

    /// Writes the list of files written (``OutputFolder/manifestName``).
    func writeManifest() throws {
        let text = ([OutputFolder.manifestHeader] + written).joined(separator: "\n") + "\n"
        do { try Data(text.utf8).write(to: directory.appendingPathComponent(OutputFolder.manifestName), options: .atomic) } catch {
            throw OutputError("cannot write \(OutputFolder.manifestName): \(FileProblem.cause(of: error))")
        }
    }
}

/// The report set of one `check` run: per problem its JSON, Markdown page and plots, then the
/// index and junit.xml, each written atomically into the output folder.
public enum ReportSet {
    /// `summary` writes summary.md (SummaryReport); `github` writes nothing here: the command
    /// prints its annotations (GitHubAnnotations) to standard output.
    public static let formats: Set<String> = Set(ReportFormat.allCases.map(\.rawValue))
    /// Problem names that would give a report the path of one of the run's own files (the
    /// index, junit.xml, the plots folder), or of files a format may add; compared ignoring case.
    public static let reservedNames: Set<String> = ["index", "junit", "plots", "summary", "github"]

    public static func write(_ pages: [(result: ExperimentResult, provenance: Provenance)], formats: Set<String>,
                             to writer: ReportWriter, indexProvenance: Provenance, linkBase: String? = nil,
                             trajectories: Bool = false) throws {
        for (result, provenance) in pages {
            if trajectories {
                for file in TrajectoryCSV.files(result) { try writer.write(file.text, to: file.path) }
            }
            // A sweep cell has no page of its own: its results are on the sweep's page.
            guard result.sweep == nil else { continue }
            if formats.contains("json") { try writer.write(try JSONReport.render(result, provenance: provenance), to: "\(result.name).json") }
            if formats.contains("md") {
                let page = MarkdownReport.page(result, provenance: provenance)
                for (file, svg) in page.plots.sorted(by: { $0.key < $1.key }) { try writer.write(svg, to: file) }
                try writer.write(page.markdown, to: "\(result.name).md")
            }
        }
        // A sweep's cells share one report (SweepReport), with the wall time of them all.
        for (name, cells) in SweepReport.groups(pages.map(\.result)) {
            let times = pages.filter { $0.result.sweep?.sweep == name }.map(\.provenance)
            var provenance = times.first ?? indexProvenance
            provenance.wallTimeSeconds = times.reduce(0) { $0 + $1.wallTimeSeconds }
            let page = try SweepReport.render(name: name, cells: cells, provenance: provenance)
            if formats.contains("json") { try writer.write(page.json, to: "\(name).json") }
            if formats.contains("md") {
                for (file, svg) in page.plots.sorted(by: { $0.key < $1.key }) { try writer.write(svg, to: file) }
                try writer.write(page.markdown, to: "\(name).md")
            }
        }
        let results = pages.map(\.result)
        if formats.contains("md") { try writer.write(MarkdownReport.index(results, provenance: indexProvenance), to: "index.md") }
        if formats.contains("junit") { try writer.write(JUnitReport.render(results), to: "junit.xml") }
        if formats.contains("summary") {
            try writer.write(SummaryReport.render(results, provenance: indexProvenance, linkBase: linkBase), to: "summary.md")
        }
    }
}

/// The JSON report (`Reports/<problem>.json`): every number of the Markdown page.
public enum JSONReport {
    public static func render(_ r: ExperimentResult, provenance: Provenance) throws -> String {
        var constants: [String: Any] = [:]
        var constantDetails: [String: Any] = [:]
        for (name, entry) in r.constants.entries {
            constants[name] = json(entry.value)
            var detail: [String: Any] = ["value": json(entry.value), "how": entry.how, "declared": entry.declared]
            if let computed = entry.computed { detail["computed"] = json(computed) }
            constantDetails[name] = detail
        }
        let methods: [[String: Any]] = r.methods.map { m in
            let checkpoints: [[String: Any]] = m.trace.checkpoints.enumerated().map { c, k in
                var metrics: [String: Any] = [:]
                for metric in MetricIndex.all {
                    let s = m.trace.statistics(metric, at: c)
                    if s.count > 0 { metrics[metric.rawValue] = ["mean": json(s.mean), "sd": json(s.standardDeviation), "n": s.count] }
                }
                return ["k": k, "metrics": metrics]
            }
            let bounds: [[String: Any]] = m.bounds.map { b in
                var entry: [String: Any] = [
                    "id": b.evaluation.id, "kind": b.evaluation.kind.rawValue, "source": b.evaluation.source,
                    "metric": b.evaluation.metric.rawValue, "formula": b.evaluation.formula,
                    "verdict": b.verdict.verdict.rawValue, "reason": b.verdict.reason,
                    "conditions": b.evaluation.conditions, "failed-conditions": b.evaluation.failedConditions,
                    "fails": b.fails,
                    "checkpoints": b.verdict.comparisons.map { ["k": $0.k, "bound": json($0.bound), "observed": json($0.observed),
                                                               "sd": json($0.sd), "lower": json($0.lower), "upper": json($0.upper),
                                                               "student-lower": json($0.studentLower),
                                                               "verdict": $0.verdict.rawValue] as [String: Any] },
                ]
                entry["tightness"] = json(b.verdict.tightness)
                entry["tightness-overall"] = json(b.verdict.tightnessOverall)
                entry["round-off-floor"] = json(b.verdict.roundOffFloor)
                entry["final-ratio"] = json(b.verdict.finalRatio)
                entry["floor"] = json(b.evaluation.floor)
                entry["plateau"] = json(b.verdict.plateau)
                entry["plateau-over-floor"] = json(b.verdict.plateauOverFloor)
                entry["largest-step"] = json(b.evaluation.largestStep)
                entry["binding-condition"] = b.evaluation.bindingCondition ?? NSNull()
                entry["seeds-to-decide"] = b.verdict.seedsToDecide ?? NSNull()
                entry["expected"] = b.expected?.rawValue ?? NSNull()
                entry["notes"] = b.evaluation.notes.mapValues { json($0) }
                entry["assumptions"] = b.evaluation.assumptions
                entry["rate-part-slope"] = json(b.evaluation.rateSlope)
                if let rate = b.verdict.rate {
                    entry["rate"] = ["model": rate.model.rawValue, "observed-slope": json(rate.observedSlope),
                                     "observed-slope-se": json(rate.observedSlopeStandardError),
                                     "predicted-slope": json(rate.predictedSlope), "points": rate.points,
                                     "first-k": rate.firstK, "last-k": rate.lastK, "consistent": rate.consistent ?? NSNull()] as [String: Any]
                } else {
                    entry["rate"] = NSNull()
                }
                if let e = b.evaluation.error { entry["error"] = e }
                return entry
            }
            var method: [String: Any] = [
                "id": m.method.id, "method": m.method.kind.rawValue, "beta": m.method.beta, "gamma": json(m.method.gamma),
                "step-rule": m.method.stepRule, "seeds": m.trace.seeds, "diverged-seeds": m.trace.divergedSeeds,
                "checkpoints": checkpoints, "bounds": bounds,
            ]
            for (key, value) in m.method.settings.reportFields(m.trace) {
                switch value {
                case .text(let text): method[key] = text
                case .number(let number): method[key] = json(number)
                case .null: method[key] = NSNull()
                }
            }
            return method
        }
        var document: [String: Any] = [
            "name": r.name, "description": r.description, "verdict": r.passed ? "pass" : "fail",
            "profile": r.profile, "iterations": r.iterations, "seeds": r.seeds, "confidence": r.confidence,
            "comparisons": r.comparisons, "family": r.family, "dimension": r.dimension, "workers": r.workers,
            "oracle": r.oracle, "constants": constants, "constant-details": constantDetails,
            "fstar-is-lower-bound": r.fstarIsLowerBound, "methods": methods,
            "assumptions": (r.probe?.checks ?? []).map { c in
                ["id": c.id, "statement": c.statement, "kind": c.kind, "verdict": c.verdict.rawValue,
                 "declared": c.declared.mapValues { json($0) }, "measured": c.measured.mapValues { json($0) },
                 "test": c.test, "reason": c.reason, "expected": c.expected?.rawValue ?? NSNull(), "fails": c.fails] as [String: Any]
            },
            "probe": r.probe.map { p in
                ["samples": p.samples, "batches": p.batches, "confidence": p.confidence, "comparisons": p.comparisons, "bonferroni": p.bonferroni,
                 "not-checked": p.notChecked,
                 "points": p.points.map { ["label": $0.label, "grad2": json($0.grad2), "gap": json($0.gap), "bias2": json($0.bias2),
                                           "var": json($0.variance), "h2": json($0.h2), "worker-grad2": json($0.workerGrad2)] as [String: Any] }] as [String: Any]
            } ?? NSNull(),
            "momentum-comparisons": r.momentumComparisons.map { c in
                ["momentum": c.momentum, "sgd": c.sgd, "pairing": c.pairing.rawValue, "beta": c.beta,
                 "gamma-momentum": json(c.gammaMomentum), "gamma-sgd": json(c.gammaSGD), "k": c.atK, "paired-seeds": c.pairedSeeds,
                 "mean-gap-momentum": json(c.meanGapMomentum), "mean-gap-sgd": json(c.meanGapSGD),
                 "mean-difference": json(c.meanDifference), "lower": json(c.lower), "upper": json(c.upper),
                 "momentum-lower-on-seeds": c.momentumLowerOnSeeds, "finding": c.finding.rawValue,
                 "diverged-momentum": c.divergedMomentum, "diverged-sgd": c.divergedSGD, "target": json(c.target),
                 "median-iterations-momentum": c.medianIterationsMomentum ?? NSNull(),
                 "median-iterations-sgd": c.medianIterationsSGD ?? NSNull()] as [String: Any]
            },
            "unmatched-expectations": r.unmatchedExpectations,
            "provenance": provenance.dictionary(specHash: r.specHash, seeds: r.seeds),
        ]
        // Only files with `compare:` have the key, so other reports are unchanged.
        if !r.methodComparisons.isEmpty {
            document["method-comparisons"] = r.methodComparisons.map { c in
                ["a": c.a, "b": c.b, "metric": c.metric.rawValue, "k": c.atK, "level": c.level, "paired-seeds": c.difference.pairs,
                 "mean-a": json(c.meanA), "mean-b": json(c.meanB), "mean-difference": json(c.difference.mean),
                 "lower": json(c.difference.lower), "upper": json(c.difference.upper), "a-lower-on-seeds": c.difference.aLowerOnSeeds,
                 "finding": c.difference.finding.rawValue, "diverged-a": c.divergedA, "diverged-b": c.divergedB] as [String: Any]
            }
        }
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func json(_ value: Double?) -> Any {
        guard let value, value.isFinite else { return NSNull() }
        return value
    }
}

/// Where a report's numbers came from.
public struct Provenance: Sendable {
    public var commit: String
    public var toolchain: String
    public var gslVersion: String
    public var wallTimeSeconds: Double

    public init(commit: String, toolchain: String, wallTimeSeconds: Double) {
        self.commit = commit
        self.toolchain = toolchain
        gslVersion = GSL.version
        self.wallTimeSeconds = wallTimeSeconds
    }

    func dictionary(specHash: String, seeds: Int) -> [String: Any] {
        ["commit": commit, "toolchain": toolchain, "gsl": gslVersion, "spec-hash": specHash,
         "seeds": "0..<\(seeds) (streams keyed by problem seed, seed index and worker)",
         "wall-time-seconds": (wallTimeSeconds * 10).rounded() / 10]
    }
}
