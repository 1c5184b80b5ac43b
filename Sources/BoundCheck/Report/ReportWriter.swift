import Foundation
import GSL

/// Writes reports into a folder (``OutputFolder/replace(_:option:write:)`` gives it a temporary
/// one, which only this run writes and which is swapped in whole once complete: so each file is
/// written once, straight to its name, without a temporary name; the folder's swap is what makes
/// a report set appear at once). Every file and folder is flushed to disk once, together, by
/// `synchronize()` before the swap, so that a crash or power loss just after a run cannot
/// leave the new folder in place with empty files where the previous reports were. It
/// records every path it wrote, refuses
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
            try writeReportFile(contents, to: target.path)
        } catch {
            throw OutputError("cannot write \(relative): \(FileProblem.cause(of: error))")
        }
    }

    /// Flushes every file written, the manifest and their folders to disk (`fsync`), so that the
    /// folder's swap never publishes files whose contents are still only in memory.
    func synchronize() throws {
        if dryRun { return }
        var folders: Set<String> = [directory.path]
        var paths = [directory.appendingPathComponent(OutputFolder.manifestName).path]
        for relative in written {
            let url = directory.appendingPathComponent(relative)
            paths.append(url.path)
            var folder = url.deletingLastPathComponent()
            while folder.path.count > directory.path.count, folders.insert(folder.path).inserted {
                folder = folder.deletingLastPathComponent()
            }
        }
        for path in paths + folders.sorted() {
            if let failure = flushToDisk(path) {
                let name = path == directory.path ? "the report folder" : String(path.dropFirst(directory.path.count + 1))
                throw OutputError("cannot save \(name) to disk: \(String(cString: strerror(failure)).lowercased())")
            }
        }
    }

    /// Writes the list of files written (``OutputFolder/manifestName``).
    func writeManifest() throws {
        let text = ([OutputFolder.manifestHeader] + written).joined(separator: "\n") + "\n"
        do { try writeReportFile(text, to: directory.appendingPathComponent(OutputFolder.manifestName).path) } catch {
            throw OutputError("cannot write \(OutputFolder.manifestName): \(FileProblem.cause(of: error))")
        }
    }
}

/// `fsync` of a file or folder; the `errno` of a failure, nil on success. A file system that
/// cannot sync a folder (EINVAL) is not a failure.
func flushToDisk(_ path: String) -> Int32? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return errno }
    defer { close(fd) }
    if fsync(fd) != 0, errno != EINVAL { return errno }
    return nil
}

/// Creates (or truncates) the file at `path` and writes `text` to it with `open`, `write` and
/// `close`; ``ReportWriter/synchronize()`` flushes the whole set to disk once at the end,
/// instead of one `fsync` per write as Foundation's `Data.write` does. Failures are `POSIXError`s.
func writeReportFile(_ text: String, to path: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    var failure: Int32 = 0
    var text = text
    text.withUTF8 { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            offset += written
        }
    }
    if close(fd) != 0 && failure == 0 { failure = errno }
    if failure != 0 { throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO) }
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
        try document(r, provenance: provenance).prettyText() + "\n"
    }

    /// The report as a typed document (``JSONValue``); ``render(_:provenance:)`` writes it.
    public static func document(_ r: ExperimentResult, provenance: Provenance) -> JSONValue {
        var constants: [String: JSONValue] = [:]
        var constantDetails: [String: JSONValue] = [:]
        for (name, entry) in r.constants.entries {
            constants[name] = .finite(entry.value)
            var detail: [String: JSONValue] = ["value": .finite(entry.value), "how": .string(entry.how), "declared": .bool(entry.declared)]
            if let computed = entry.computed { detail["computed"] = .finite(computed) }
            constantDetails[name] = .object(detail)
        }
        let methods: [JSONValue] = r.methods.map { m in
            let checkpoints: [JSONValue] = m.trace.checkpoints.enumerated().map { c, k in
                var metrics: [String: JSONValue] = [:]
                for metric in MetricIndex.all {
                    let s = m.trace.statistics(metric, at: c)
                    if s.count > 0 {
                        metrics[metric.rawValue] = .object(["mean": .finite(s.mean), "sd": .finite(s.standardDeviation), "n": .int(s.count)])
                    }
                }
                return .object(["k": .int(k), "metrics": .object(metrics)])
            }
            let bounds: [JSONValue] = m.bounds.map { b in
                var entry: [String: JSONValue] = [
                    "id": .string(b.evaluation.id), "kind": .string(b.evaluation.kind.rawValue), "source": .string(b.evaluation.source),
                    "metric": .string(b.evaluation.metric.rawValue), "formula": .string(b.evaluation.formula),
                    "verdict": .string(b.verdict.verdict.rawValue), "reason": .string(b.verdict.reason),
                    "conditions": .strings(b.evaluation.conditions), "failed-conditions": .strings(b.evaluation.failedConditions),
                    "fails": .bool(b.fails),
                    "checkpoints": .array(b.verdict.comparisons.map {
                        .object(["k": .int($0.k), "bound": .finite($0.bound), "observed": .finite($0.observed),
                                 "sd": .finite($0.sd), "lower": .finite($0.lower), "upper": .finite($0.upper),
                                 "student-lower": .finite($0.studentLower), "verdict": .string($0.verdict.rawValue)])
                    }),
                ]
                entry["tightness"] = .finite(b.verdict.tightness)
                entry["tightness-overall"] = .finite(b.verdict.tightnessOverall)
                entry["round-off-floor"] = .finite(b.verdict.roundOffFloor)
                entry["final-ratio"] = .finite(b.verdict.finalRatio)
                entry["floor"] = .finite(b.evaluation.floor)
                entry["plateau"] = .finite(b.verdict.plateau)
                entry["plateau-over-floor"] = .finite(b.verdict.plateauOverFloor)
                entry["largest-step"] = .finite(b.evaluation.largestStep)
                entry["binding-condition"] = .nullable(b.evaluation.bindingCondition)
                entry["seeds-to-decide"] = .nullable(b.verdict.seedsToDecide)
                entry["expected"] = .nullable(b.expected?.rawValue)
                entry["notes"] = .object(b.evaluation.notes.mapValues { .finite($0) })
                entry["assumptions"] = .strings(b.evaluation.assumptions)
                entry["rate-part-slope"] = .finite(b.evaluation.rateSlope)
                if let rate = b.verdict.rate {
                    entry["rate"] = .object(["model": .string(rate.model.rawValue), "observed-slope": .finite(rate.observedSlope),
                                             "observed-slope-se": .finite(rate.observedSlopeStandardError),
                                             "predicted-slope": .finite(rate.predictedSlope), "points": .int(rate.points),
                                             "first-k": .int(rate.firstK), "last-k": .int(rate.lastK), "consistent": .nullable(rate.consistent)])
                } else {
                    entry["rate"] = .null
                }
                if let e = b.evaluation.error { entry["error"] = .string(e) }
                return .object(entry)
            }
            var method: [String: JSONValue] = [
                "id": .string(m.method.id), "method": .string(m.method.kind.rawValue), "beta": .double(m.method.beta),
                "gamma": .finite(m.method.gamma), "step-rule": .string(m.method.stepRule), "seeds": .int(m.trace.seeds),
                "diverged-seeds": .int(m.trace.divergedSeeds), "checkpoints": .array(checkpoints), "bounds": .array(bounds),
            ]
            for (key, value) in m.method.settings.reportFields(m.trace) {
                switch value {
                case .text(let text): method[key] = .string(text)
                case .number(let number): method[key] = .finite(number)
                case .null: method[key] = .null
                }
            }
            return .object(method)
        }
        var document: [String: JSONValue] = [
            "name": .string(r.name), "description": .string(r.description), "verdict": .string(r.passed ? "pass" : "fail"),
            "profile": .string(r.profile), "iterations": .int(r.iterations), "seeds": .int(r.seeds), "confidence": .double(r.confidence),
            "comparisons": .int(r.comparisons), "family": .string(r.family), "dimension": .int(r.dimension), "workers": .int(r.workers),
            "oracle": .strings(r.oracle), "constants": .object(constants), "constant-details": .object(constantDetails),
            "fstar-is-lower-bound": .bool(r.fstarIsLowerBound), "methods": .array(methods),
            "assumptions": .array((r.probe?.checks ?? []).map { c in
                .object(["id": .string(c.id), "statement": .string(c.statement), "kind": .string(c.kind), "verdict": .string(c.verdict.rawValue),
                         "declared": .object(c.declared.mapValues { .finite($0) }), "measured": .object(c.measured.mapValues { .finite($0) }),
                         "test": .string(c.test), "reason": .string(c.reason), "expected": .nullable(c.expected?.rawValue), "fails": .bool(c.fails)])
            }),
            "probe": r.probe.map { p in
                .object(["samples": .int(p.samples), "batches": .int(p.batches), "confidence": .double(p.confidence),
                         "comparisons": .int(p.comparisons), "bonferroni": .int(p.bonferroni), "not-checked": .object(p.notChecked.mapValues(JSONValue.string)),
                         "points": .array(p.points.map {
                             .object(["label": .string($0.label), "grad2": .finite($0.grad2), "gap": .finite($0.gap), "bias2": .finite($0.bias2),
                                      "var": .finite($0.variance), "h2": .finite($0.h2), "worker-grad2": .finite($0.workerGrad2)])
                         })])
            } ?? .null,
            "momentum-comparisons": .array(r.momentumComparisons.map { c in
                .object(["momentum": .string(c.momentum), "sgd": .string(c.sgd), "pairing": .string(c.pairing.rawValue), "beta": .double(c.beta),
                         "gamma-momentum": .finite(c.gammaMomentum), "gamma-sgd": .finite(c.gammaSGD), "k": .int(c.atK),
                         "paired-seeds": .int(c.pairedSeeds),
                         "mean-gap-momentum": .finite(c.meanGapMomentum), "mean-gap-sgd": .finite(c.meanGapSGD),
                         "mean-difference": .finite(c.meanDifference), "lower": .finite(c.lower), "upper": .finite(c.upper),
                         "momentum-lower-on-seeds": .int(c.momentumLowerOnSeeds), "finding": .string(c.finding.rawValue),
                         "diverged-momentum": .int(c.divergedMomentum), "diverged-sgd": .int(c.divergedSGD), "target": .finite(c.target),
                         "median-iterations-momentum": .nullable(c.medianIterationsMomentum),
                         "median-iterations-sgd": .nullable(c.medianIterationsSGD)])
            }),
            "unmatched-expectations": .strings(r.unmatchedExpectations),
            "provenance": provenance.document(specHash: r.specHash, seeds: r.seeds),
        ]
        // Only files with `compare:` have the key, so other reports are unchanged.
        if !r.methodComparisons.isEmpty {
            document["method-comparisons"] = .array(r.methodComparisons.map { c in
                .object(["a": .string(c.a), "b": .string(c.b), "metric": .string(c.metric.rawValue), "k": .int(c.atK), "level": .double(c.level),
                         "paired-seeds": .int(c.difference.pairs), "mean-a": .finite(c.meanA), "mean-b": .finite(c.meanB),
                         "mean-difference": .finite(c.difference.mean), "lower": .finite(c.difference.lower), "upper": .finite(c.difference.upper),
                         "a-lower-on-seeds": .int(c.difference.aLowerOnSeeds), "finding": .string(c.difference.finding.rawValue),
                         "diverged-a": .int(c.divergedA), "diverged-b": .int(c.divergedB)])
            })
        }
        return .object(document)
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

    func document(specHash: String, seeds: Int) -> JSONValue {
        .object(["commit": .string(commit), "toolchain": .string(toolchain), "gsl": .string(gslVersion), "spec-hash": .string(specHash),
                 "seeds": .string("0..<\(seeds) (streams keyed by problem seed, seed index and worker)"),
                 "wall-time-seconds": .double((wallTimeSeconds * 10).rounded() / 10)])
    }
}
