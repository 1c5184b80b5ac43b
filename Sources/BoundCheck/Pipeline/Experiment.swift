import Foundation

/// The whole flow for one problem file: spec → instance → resolved
/// methods → runs → bounds → verdicts. Each step hands a plain value to the next.
public struct PreparedExperiment: Sendable {
    public let spec: ExperimentSpec
    public let instance: Instance
    public let profile: RunSpec
    public let profileName: String
    public let methods: [ResolvedMethod]
    public let userBounds: [UserBound]
    public let checkpoints: [Int]
    /// The plug-ins the file was read against: its bounds are checked, its groups select.
    public let catalog: Catalog
    /// For a sweep cell: the planned comparisons of the sweep's other cells, which join this
    /// cell's Bonferroni family (the family spans the whole sweep; see ``sharingSweepFamilies(_:)``).
    public internal(set) var otherCellsComparisons = 0

    /// Builds the instance and settles every method's step (`step: theory` from the bounds).
    public init(spec: ExperimentSpec, quick: Bool = false, seedsOverride: Int? = nil, catalog: Catalog = .standard) throws {
        self.spec = spec
        self.catalog = catalog
        var profile = quick ? spec.quick : spec.run
        if let seeds = seedsOverride { profile.seeds = seeds }
        // Every seed would be identical only if nothing in the pipeline draws random numbers:
        // no oracle stage and no part of any method (a Rand-K sparsifier).
        if spec.oracle.allSatisfy({ !$0.isRandom }) && spec.methods.allSatisfy({ !$0.isRandom }) { profile.seeds = 1 }
        self.profile = profile
        profileName = quick ? "quick" : "full"
        instance = try Instance(spec: spec)
        userBounds = try spec.userBounds.map(UserBound.init)
        checkpoints = checkpointIterations(iterations: profile.iterations, count: profile.checkpoints)
        let instance = self.instance
        let iterations = profile.iterations
        var resolved: [ResolvedMethod] = []
        var problems: [Diagnostic] = []
        for (index, method) in spec.methods.enumerated() {
            let bounds = catalog.bounds(for: method, fileSelection: spec.bounds, userBounds: [])
            do {
                resolved.append(try StepSizes.resolve(method, instance: instance, bounds: bounds) { resolved in
                    // A run-measured G² does not affect any step condition; a placeholder lets M1 limit the step.
                    BoundEvaluator.context(instance: instance, method: resolved, spec: method, iterations: iterations,
                                           measuredSecondMoment: 0)
                })
            } catch let error as StepResolutionError {
                // Reported at the method's step, like a loading error, for every method at once.
                let at = spec.methodPositions.byID[method.id]
                problems.append(Diagnostic(file: spec.sourcePath ?? spec.name, line: at?.line ?? 0, column: at?.column ?? 0,
                                           keyPath: at?.keyPath ?? "methods[\(index)].step", message: error.message))
            }
        }
        if !problems.isEmpty { throw SpecErrors(problems) }
        methods = resolved
    }

    /// Every checkpoint of every bound whose conditions hold (k ≥ 1 for avg-grad and min-grad):
    /// at least the bound comparisons the report will make, known before the runs (a bound
    /// that needs a run-measured constant, like M1's G², is counted too).
    /// The comparisons a report plans before the runs: its bound checks and its `compare:` pairs.
    public var plannedComparisons: Int { plannedBoundComparisons + spec.compare.count }

    public var plannedBoundComparisons: Int {
        evaluateBounds(traces: nil, assumeMeasured: true).joined().filter(\.failedConditions.isEmpty).reduce(0) { total, e in
            total + e.checkpoints.filter { e.metric == .avgGrad || e.metric == .minGrad ? $0 >= 1 : true }.count
        }
    }

    /// Whether method `index` is fully deterministic — no random oracle stage and no random
    /// part of the method — so that its seeds are identical and it is compared exactly.
    public func isDeterministic(method index: Int) -> Bool {
        instance.oracleConstants.deterministic && !spec.methods[index].isRandom
    }

    public var workItems: [WorkItem] { Runner.workItems(methods: methods.count, seeds: profile.seeds) }

    /// Every bound of every method, evaluated (no simulation needed except M1/EF-SGD's measured
    /// second moment, taken from `traces` when given).
    /// `assumeMeasured`: without traces, act as if the runs had measured a second moment (so a
    /// bound that needs one is applicable) — for counting comparisons before the runs.
    public func evaluateBounds(traces: [MethodTrace]?, assumeMeasured: Bool = false) -> [[BoundEvaluation]] {
        spec.methods.enumerated().map { index, methodSpec in
            let measured = traces?[index].maxWorkerEstimateNorm2 ?? (assumeMeasured ? 1 : nil)
            let context = BoundEvaluator.context(instance: instance, method: methods[index], spec: methodSpec,
                                                 iterations: profile.iterations, measuredSecondMoment: measured)
            return catalog.bounds(for: methodSpec, fileSelection: spec.bounds, userBounds: userBounds).map {
                BoundEvaluator.evaluate($0, context: context, checkpoints: checkpoints)
            }
        }
    }
}

/// A bound's evaluation with its verdict and whether that was expected.
public struct CheckedBound: Codable, Sendable, Equatable {
    public var evaluation: BoundEvaluation
    public var verdict: BoundVerdict
    /// The file's `expect` for this bound, if any.
    public var expected: Verdict?
    /// Whether this bound makes the report fail.
    public var fails: Bool
    /// The derived constants its floor uses, with what the probe measured for them (nil: none,
    /// or no probe).
    public var floorConstants: FloorSensitivity? = nil
}

public struct MethodResult: Encodable, Sendable, Equatable {
    public var method: ResolvedMethod
    public var trace: MethodTrace
    public var bounds: [CheckedBound]
}

/// Everything one problem file produced; reports are rendered from this alone.
public struct ExperimentResult: Encodable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var sourcePath: String?
    public var specHash: String
    public var profile: String
    public var iterations: Int
    public var seeds: Int
    public var confidence: Double
    public var comparisons: Int
    public var family: String
    public var dimension: Int
    public var workers: Int
    public var oracle: [String]
    public var constants: ConstantTable
    public var fstarIsLowerBound: Bool
    /// No oracle stage is random (a method may still be: see each method's seeds).
    public var oracleDeterministic: Bool
    public var methods: [MethodResult]
    /// The assumption probe's findings (nil when it was not run).
    public var probe: ProbeReport?
    /// SGDM against SGD at equal γ and equal γβ (descriptive).
    public var momentumComparisons: [MomentumComparison]
    /// The file's `compare:` pairs (each counted in the Bonferroni family).
    public var methodComparisons: [MethodComparison] = []
    /// Expectations that name nothing that was checked.
    public var unmatchedExpectations: [String]
    public var passed: Bool
    /// `--method`/`--seed`: the cases this report was narrowed to (nil: the whole file).
    public var selection: CaseSelection? = nil
    /// The sweep cell this is (nil for an ordinary problem file); `comparisons` then counts
    /// the whole sweep's family.
    public var sweep: SweepCellInfo? = nil
}

extension ExperimentResult {
    /// Every check that makes the report fail: "METHOD/BOUND" or an assumption id, with its verdict.
    public var failedChecks: [(check: String, verdict: String, isAssumption: Bool)] {
        methods.flatMap { m in m.bounds.filter(\.fails).map { ("\(m.method.id)/\($0.evaluation.id)", $0.verdict.verdict.rawValue, false) } }
            + (probe?.checks.filter(\.fails).map { ($0.id, $0.verdict.rawValue, true) } ?? [])
    }
}

public enum Experiment {
    /// Runs a prepared experiment's work items on `jobs` threads.
    public static func run(_ prepared: PreparedExperiment, jobs: Int, progress: (@Sendable (Int, Int) -> Void)? = nil) -> [MethodTrace] {
        let blocks = Runner(jobs: jobs).run(prepared.workItems, instance: prepared.instance, methods: prepared.methods,
                                            profile: prepared.profile, progress: progress)
        return Runner.merge(blocks, methods: prepared.methods, profile: prepared.profile)
    }

    /// The probe's checks held to the file's `expect` (an assumption expected `violated` that is
    /// violated passes; an outcome other than holds/violated can never match).
    public static func judge(_ probe: ProbeReport, spec: ExperimentSpec, only: String? = nil) -> ProbeReport {
        var report = probe
        if let only { report.checks = report.checks.filter { $0.id == only } }
        for index in report.checks.indices {
            let check = report.checks[index]
            guard let expected = spec.expect[check.id] else { continue }
            report.checks[index].expected = AssumptionVerdict(rawValue: expected.rawValue)
            // An assumption that cannot be evaluated fails whatever the file expects.
            report.checks[index].fails = check.verdict.rawValue != expected.rawValue || check.verdict == .error
            if report.checks[index].expected == nil {
                report.checks[index].reason += " (expect says '\(expected.rawValue)', which an assumption never is: use holds or violated)"
            }
        }
        return report
    }

    /// Bounds, verdicts and expectations for finished traces.
    ///
    /// With a probe report, a bound that relies on an assumption the probe contradicts is
    /// *unsupported* (its comparison with the runs is kept in the reason), and each assumption
    /// check is held to the file's `expect` like a bound.
    ///
    /// With a `selection` (`--method`, `--seed`), only the selected methods are judged, over the
    /// seeds that ran; expectations that match nothing judged are not held against the run, and
    /// a random method run on one seed — which decides nothing — has its expectations shown but
    /// not checked (``CaseSelection``).
    public static func judge(_ prepared: PreparedExperiment, traces allTraces: [MethodTrace], probe: ProbeReport? = nil,
                             confidence: Double? = nil, strict: Bool = false, only: String? = nil,
                             selection: CaseSelection? = nil) throws -> ExperimentResult {
        let spec = prepared.spec
        // Unselected methods have empty traces: they are left out, as if the file had only the others.
        let included = prepared.methods.indices.filter { selection?.includes(method: prepared.methods[$0].id) ?? true }
        let traces = allTraces
        let unfiltered = prepared.evaluateBounds(traces: traces)
        var evaluations = unfiltered
        if let only {
            evaluations = evaluations.map { $0.filter { prepared.catalog.bound($0.id, isNamedBy: only) } }
        }
        // Bonferroni over every checkpoint × bound compared in this report.
        let comparisons = evaluations.enumerated().filter { included.contains($0.offset) }.reduce(0) { total, entry in
            total + entry.element.filter(\.applicable).reduce(0) { sum, e in
                sum + zip(e.values, traces[entry.offset].checkpoints.indices).filter { v, c in
                    v != nil && traces[entry.offset].statistics(e.metric, at: c).count > 0
                }.count
            }
        }
        // The probe's t-tests share the correction, so bounds and assumptions together keep the
        // report's family-wise false-alarm rate within 1 − confidence.
        // The file's `compare:` pairs whose methods both ran are claims too, in the same family.
        let pairs = spec.compare.compactMap { pair -> (ComparePair, Int, Int)? in
            guard let a = prepared.methods.firstIndex(where: { $0.id == pair.a }), let b = prepared.methods.firstIndex(where: { $0.id == pair.b }),
                  included.contains(a), included.contains(b) else { return nil }
            return (pair, a, b)
        }
        let rule = VerdictRule(confidence: confidence ?? spec.confidence,
                               comparisons: comparisons + (probe?.comparisons ?? 0) + prepared.otherCellsComparisons + pairs.count)
        var matched = Set<String>()
        var methods: [MethodResult] = []
        let contradicted = probe?.contradicted ?? []
        var sensitivities = prepared.floorSensitivities(traces: traces, probe: probe)
        if let only {
            sensitivities = zip(sensitivities, unfiltered).map { s, e in
                zip(s, e).filter { prepared.catalog.bound($0.1.id, isNamedBy: only) }.map(\.0)
            }
        }
        for (index, trace) in traces.enumerated() where included.contains(index) {
            let methodID = prepared.methods[index].id
            // One seed of a random method: nothing is decided, so no expectation can be met.
            let singleRandomSeed = selection?.seed != nil && !prepared.isDeterministic(method: index)
            var checked: [CheckedBound] = []
            for (boundIndex, evaluation) in evaluations[index].enumerated() {
                var verdict = try rule.judge(evaluation: evaluation, trace: trace, deterministic: prepared.isDeterministic(method: index),
                                             fstar: prepared.instance.constants[.fstar] ?? 0)
                let broken = evaluation.assumptions.filter(contradicted.contains)
                if !broken.isEmpty, verdict.verdict != .notApplicable, verdict.verdict != .error {
                    verdict.reason = "the probe contradicts \(broken.joined(separator: ", ")), which this bound relies on "
                        + "(see the assumption probe); against the runs alone it would be \(verdict.verdict.rawValue): \(verdict.reason)"
                    verdict.verdict = .unsupported
                }
                // The bound's own id first, then its group's (`F2` expects F2 and F2-x alike).
                let group = prepared.catalog.group(ofBound: evaluation.id)
                let keys = ["\(methodID)/\(evaluation.id)", evaluation.id] + (group != evaluation.id ? ["\(methodID)/\(group)", group] : [])
                let key = keys.first { spec.expect[$0] != nil }
                let expected = singleRandomSeed ? nil : key.flatMap { spec.expect[$0] }.flatMap { Verdict(rawValue: $0.rawValue) }
                if let key { matched.insert(key) }
                let fails: Bool
                if verdict.verdict == .error {
                    // An unevaluable bound fails the report whatever the file expects.
                    fails = true
                } else if let expected {
                    fails = verdict.verdict != expected
                } else {
                    switch verdict.verdict {
                    case .violated, .diverged, .unsupported, .error: fails = true
                    case .inconclusive: fails = strict
                    case .holds, .notApplicable: fails = false
                    }
                }
                checked.append(CheckedBound(evaluation: evaluation, verdict: verdict, expected: expected, fails: fails,
                                            floorConstants: sensitivities[index][safe: boundIndex] ?? nil))
            }
            methods.append(MethodResult(method: prepared.methods[index], trace: trace, bounds: checked))
        }
        let checkedProbe = probe.map { judge($0, spec: spec, only: only) }
        matched.formUnion(checkedProbe?.checks.filter { $0.expected != nil }.map(\.id) ?? [])
        let unmatched = spec.expect.keys.filter { key in
            guard !matched.contains(key) else { return false }
            // With --method or --seed, expectations about cases that did not run are not checked.
            if selection != nil { return false }
            // With --only, expectations about other bounds and assumptions are not checked.
            if let only { return (key.split(separator: "/").last.map(String.init) ?? key) == only }
            return true
        }.sorted()
        let methodComparisons = try pairs.map { pair, a, b in
            try MethodComparison.compare(pair, traces[a], traces[b], level: 1 - rule.level,
                                         deterministic: prepared.isDeterministic(method: a) && prepared.isDeterministic(method: b))
        }
        let passed = methods.allSatisfy { $0.bounds.allSatisfy { !$0.fails } }
            && (checkedProbe?.checks.allSatisfy { !$0.fails } ?? true) && unmatched.isEmpty
        return ExperimentResult(
            name: spec.name, description: spec.description, sourcePath: spec.sourcePath, specHash: spec.specHash,
            profile: prepared.profileName, iterations: prepared.profile.iterations, seeds: prepared.profile.seeds,
            confidence: rule.confidence, comparisons: comparisons + prepared.otherCellsComparisons, family: spec.problem.family.name,
            dimension: spec.problem.dimension, workers: spec.problem.workers, oracle: spec.oracle.map(\.name),
            constants: prepared.instance.constants, fstarIsLowerBound: prepared.instance.problemConstants.fstarIsLowerBound,
            oracleDeterministic: prepared.instance.oracleConstants.deterministic,
            methods: methods, probe: checkedProbe,
            momentumComparisons: try MomentumComparison.all(included.map { traces[$0] }, confidence: rule.confidence,
                                                             deterministic: prepared.instance.oracleConstants.deterministic
                                                                 && prepared.spec.methods.allSatisfy { !$0.isRandom }), methodComparisons: methodComparisons, unmatchedExpectations: unmatched, passed: passed,
            selection: selection, sweep: spec.sweepCell)
    }
}
