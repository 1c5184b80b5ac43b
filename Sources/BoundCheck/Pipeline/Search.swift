import Foundation
import GSL

/// What `boundcheck search` is asked (docs/problem-files.md, "Searches").
public struct SearchRequest: Sendable {
    /// The bound whose late tightness is maximized (a catalog or user bound id).
    public var bound: String
    /// Only this method's runs count (nil: the largest ratio over the methods that have the bound).
    public var method: String?
    /// Evaluations, each a full run on fresh seeds (the confirmation is not counted).
    public var budget: Int
    /// Starting points of the simplex (nil: about one per ten evaluations, 2 to 8).
    public var starts: Int?
    public var quick: Bool
    public var seedsOverride: Int?
    public var confidence: Double?
    public var jobs: Int

    public init(bound: String, method: String? = nil, budget: Int = 40, starts: Int? = nil, quick: Bool = false,
                seedsOverride: Int? = nil, confidence: Double? = nil, jobs: Int = 1) {
        self.bound = bound
        self.method = method
        self.budget = budget
        self.starts = starts
        self.quick = quick
        self.seedsOverride = seedsOverride
        self.confidence = confidence
        self.jobs = jobs
    }
}

/// One evaluation of the search: a point, its seeds, and the bound's late ratios there.
public struct SearchEvaluation: Codable, Sendable, Equatable {
    public var index: Int
    /// Which start's simplex made it (0-based).
    public var start: Int
    /// The values as written into the file, in the order of the ranges.
    public var values: [String]
    public var firstSeed: Int
    /// max over k ≥ K/2 of (upper confidence limit of the observed metric) / bound: the objective.
    public var upperRatio: Double?
    /// The late tightness (observed mean / bound), as reports give it.
    public var tightness: Double?
    public var verdict: String?
    /// Why the point has no ratio (the builder refused it; the bound is not applicable there).
    public var note: String?
}

/// What a search found, confirmed on independent seeds.
public struct SearchOutcome: Sendable {
    public var space: SearchSpace
    public var request: SearchRequest
    public var evaluations: [SearchEvaluation]
    /// The evaluation with the largest upper ratio.
    public var best: SearchEvaluation?
    /// The confirmation run at the best point, on seeds no evaluation used.
    public var confirmation: ReportPage?
    public var confirmationSeed: Int
    /// The confirmation's ratios for the searched bound.
    public var confirmed: SearchEvaluation?
    /// Whether the confirmation calls the bound violated (the exit code rests on this alone).
    public var violated: Bool
    /// The worst case as a standalone problem file.
    public var worstCaseFile: String
    public var worstCaseName: String
}

/// The worst-case hunt: maximize a bound's late tightness over the file's `search:` box with
/// GSL's Nelder–Mead simplex from several starts of a scrambled Latin hypercube, every
/// evaluation a full run on its own seeds; then confirm the best point on fresh seeds.
public enum Search {
    struct BudgetSpent: Error {}

    /// Whether `result` has the bound for the method(s) asked.
    static func ratios(_ result: ExperimentResult, bound: String, method: String?, catalog: Catalog) -> (upper: Double?, tightness: Double?, verdict: String?, note: String?) {
        var upper: Double?, tightness: Double?, verdict: String?, note: String?
        for m in result.methods where method == nil || m.method.id == method {
            for b in m.bounds where b.evaluation.id == bound {
                let v = b.verdict
                if v.verdict == .notApplicable || v.verdict == .error {
                    note = note ?? "\(m.method.id): \(v.verdict.rawValue): \(v.reason.prefix(160))"
                    continue
                }
                let lastK = m.trace.checkpoints.last ?? 0
                let informative = v.comparisons.count > 1 ? v.comparisons.filter { $0.k > 0 } : v.comparisons
                let late = informative.filter { 2 * $0.k >= lastK }
                let r = (late.isEmpty ? informative : late).compactMap { c -> Double? in
                    guard c.bound > 0 else { return nil }
                    return (c.upper.isFinite ? c.upper : c.observed) / c.bound
                }.max()
                if let r, r > (upper ?? -.infinity) {
                    upper = r
                    tightness = v.tightness
                    verdict = "\(m.method.id): \(v.verdict.rawValue)"
                }
            }
        }
        return (upper, tightness, verdict, note)
    }

    /// The starting points: a Latin hypercube of `count` points in [0, 1]ⁿ, each coordinate's
    /// strata permuted and jittered by the package's own random streams (seeded by the file).
    public static func latinHypercube(count: Int, dimensions: Int, seed: UInt64) -> [[Double]] {
        var rng = RandomStream(seed: seed ^ 0x5EA2_C4ED_1A71_0001)
        var points = [[Double]](repeating: [Double](repeating: 0, count: dimensions), count: count)
        for d in 0..<dimensions {
            var strata = Array(0..<count)
            for i in stride(from: count - 1, to: 0, by: -1) { strata.swapAt(i, rng.nextInt(below: i + 1)) }
            for i in 0..<count { points[i][d] = (Double(strata[i]) + rng.nextUniform()) / Double(count) }
        }
        return points
    }

    /// Runs the search. `loader` reads the points (its settings: quick, allow-large); `progress`
    /// hears of each evaluation. Throws ``SpecErrors`` when the request names a bound or method
    /// the file does not have.
    public static func run(_ space: SearchSpace, request: SearchRequest, loader: SpecLoader, catalog: Catalog, commit: String,
                           toolchain: String, progress: @escaping (SearchEvaluation) -> Void = { _ in }) throws -> SearchOutcome {
        let spec = space.spec
        let file = spec.sourcePath ?? spec.name
        var problems: [Diagnostic] = []
        if let method = request.method, !spec.methods.contains(where: { $0.id == method }) {
            problems.append(Diagnostic(file: file, line: 0, column: 0, keyPath: "methods",
                                       message: "--method \(method): no such method in the file; its methods: \(spec.methods.map(\.id).joined(separator: ", "))"))
        }
        let known = Set(catalog.selectableBoundIDs + spec.userBounds.map(\.id))
        if !known.contains(request.bound) {
            problems.append(Diagnostic(file: file, line: 0, column: 0, keyPath: "",
                                       message: "--bound \(request.bound): no such bound; known: \(known.sorted().joined(separator: ", "))"))
        }
        if space.ranges.isEmpty {
            problems.append(Diagnostic(file: file, line: 0, column: 0, keyPath: "search", message: "no ranges to search"))
        }
        if !problems.isEmpty { throw SpecErrors(problems) }

        let profile = request.quick ? spec.quick : spec.run
        let seeds = request.seedsOverride ?? profile.seeds
        let seedBase = profile.firstSeed
        let name = spec.name
        let dims = space.ranges.count
        var evaluations: [SearchEvaluation] = []

        func evaluate(_ texts: [String], start: Int) throws -> SearchEvaluation {
            let index = evaluations.count
            let firstSeed = seedBase + seeds * (index + 1)
            var e = SearchEvaluation(index: index, start: start, values: texts, firstSeed: firstSeed)
            do {
                let s = try space.spec(at: texts, firstSeed: firstSeed, name: name, loader: loader)
                let prepared = try PreparedExperiment(spec: s, quick: request.quick, seedsOverride: request.seedsOverride, catalog: catalog)
                let traces = Experiment.run(prepared, jobs: request.jobs)
                let result = try Experiment.judge(prepared, traces: traces, confidence: request.confidence)
                let r = ratios(result, bound: request.bound, method: request.method, catalog: catalog)
                (e.upperRatio, e.tightness, e.verdict, e.note) = r
                if r.upper == nil && r.note == nil { e.note = "the bound is not checked for this method here" }
            } catch let errors as SpecErrors {
                e.note = "not a valid point: " + (errors.diagnostics.first?.message ?? "\(errors)")
            }
            evaluations.append(e)
            progress(e)
            return e
        }

        let startCount = max(1, min(request.starts ?? min(8, max(2, request.budget / 10)), request.budget))
        let starts = latinHypercube(count: startCount, dimensions: dims, seed: spec.seed)
        for (s, u0) in starts.enumerated() {
            let remaining = request.budget - evaluations.count
            guard remaining > 0 else { break }
            let share = remaining / (startCount - s)
            guard share > 0 else { continue }
            let stop = evaluations.count + share
            func objective(_ u: [Double]) throws -> Double {
                guard evaluations.count < stop else { throw BudgetSpent() }
                let texts = zip(space.ranges, u).map { $0.value(at: $1).text }
                let e = try evaluate(texts, start: s)
                // Minimized: the negative ratio; a point without one is worse than any.
                return -(e.upperRatio ?? -1e6)
            }
            if share <= dims {
                // Too few evaluations for a simplex: the start point alone.
                _ = try objective(u0)
                continue
            }
            do {
                _ = try GSL.nelderMead(start: u0, steps: u0.map { $0 > 0.5 ? -0.25 : 0.25 }, sizeTolerance: 1e-3,
                                       maxIterations: 10 * share, context: "search simplex") { try objective($0) }
            } catch is BudgetSpent {}
        }

        let best = evaluations.filter { $0.upperRatio != nil }.max { $0.upperRatio! < $1.upperRatio! }
        let worstName = "\(name)-worst"
        let confirmationSeed = seedBase + seeds * (request.budget + 1)
        var outcome = SearchOutcome(space: space, request: request, evaluations: evaluations, best: best, confirmation: nil,
                                    confirmationSeed: confirmationSeed, confirmed: nil, violated: false, worstCaseFile: "",
                                    worstCaseName: worstName)
        guard let best else { return outcome }
        // The confirmation: the best point on seeds no evaluation used, run as `check` runs the
        // worst-case file (probe included), so that the file reproduces it.
        let confirmSpec = try space.spec(at: best.values, firstSeed: confirmationSeed, name: worstName, loader: loader)
        let prepared = try PreparedExperiment(spec: confirmSpec, quick: request.quick, seedsOverride: request.seedsOverride, catalog: catalog)
        let checkRequest = CheckRequest(settings: CheckSettings(quick: request.quick, seeds: request.seedsOverride, confidence: request.confidence, strict: false, only: nil),
                                        jobs: request.jobs, commit: commit, toolchain: toolchain)
        guard case .reports(let pages) = try CheckRun.run([prepared], request: checkRequest, cache: nil, codeVersion: "", events: { _ in }),
              let page = pages.first else { return outcome }
        outcome.confirmation = page
        var confirmed = SearchEvaluation(index: -1, start: -1, values: best.values, firstSeed: confirmationSeed)
        (confirmed.upperRatio, confirmed.tightness, confirmed.verdict, confirmed.note) = ratios(page.result, bound: request.bound, method: request.method, catalog: catalog)
        outcome.confirmed = confirmed
        outcome.violated = page.result.methods.contains { m in
            (request.method == nil || m.method.id == request.method) && m.bounds.contains { $0.evaluation.id == request.bound && $0.verdict.verdict == .violated }
        }
        let assignments = zip(space.ranges, best.values).map { "\($0.path) = \($1)" }.joined(separator: ", ")
        outcome.worstCaseFile = space.problemFile(at: best.values, firstSeed: confirmationSeed, name: worstName, header: [
            "The worst case `boundcheck search` found for bound \(request.bound)\(request.method.map { " (method \($0))" } ?? "") in \(file):",
            assignments + ",",
            "on the confirmation's seeds (first-seed \(confirmationSeed)). `boundcheck check\(request.quick ? " --quick" : "")\(request.seedsOverride.map { " --seeds \($0)" } ?? "")` on this file reproduces the confirmation.",
        ])
        return outcome
    }
}
