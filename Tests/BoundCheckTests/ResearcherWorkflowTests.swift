import Foundation
import Testing
@testable import BoundCheck

// The researcher's workflow (issue 13): own constants and parameters as variables, reliance on
// assumptions, the sharp-constant note, and one case reproduced (--method, --seed, --trajectories).

/// A small noisy, biased problem on a family with bounded gradients (clip needs them).
private func researcherFile(constants: String = "{c: 2}", expression: String = "2*D0/(gamma*K) + c*zeta2",
                            extraBound: String = "", assumptions: String = "", seeds: Int = 8) -> String {
    """
    name: researcher
    seed: 5
    problem: {family: rational, dimension: 10, workers: 3, heterogeneity: 1.0, start: {scale: 2.0}}
    oracle:
      - clip: {tau: 0.5, constants: absolute}
      - additive-bias: {norm: 0.1}
      - gaussian-noise: {variance: 0.05}
    methods:
      - {method: sgdm, beta: 0.2, step: theory}
      - {method: sgd, step: theory}
    bounds: [F1]
    constants: \(constants)
    user-bounds:
      - id: conjecture
        method: sgdm
        metric: avg-grad
        expression: "\(expression)"
    \(extraBound)
    \(assumptions)
    run: {iterations: 200, seeds: \(seeds), checkpoints: 10}
    """
}

private func diagnostics(_ yaml: String) -> [Diagnostic] {
    do {
        _ = try SpecLoader().load(yaml: yaml, file: "r.yaml")
        return []
    } catch let errors as SpecErrors {
        return errors.diagnostics
    } catch {
        return []
    }
}

private func judged(_ yaml: String, selection: CaseSelection? = nil) throws -> (PreparedExperiment, ExperimentResult) {
    let spec = try SpecLoader().load(yaml: yaml, file: "r.yaml")
    let p = try PreparedExperiment(spec: spec)
    let items = selection.map { $0.items(of: p) } ?? p.workItems
    let blocks = Runner(jobs: 2).run(items, instance: p.instance, methods: p.methods, profile: p.profile)
    let traces = Runner.merge(blocks, methods: p.methods, profile: p.profile)
    let result = try Experiment.judge(p, traces: traces, probe: AssumptionProbe.run(p), selection: selection)
    return (p, result)
}

@Suite("Own constants and parameters")
struct OwnConstantTests {
    @Test("a user constant is read by expressions and listed in the constants table as declared by the user")
    func userConstantInTable() throws {
        let (p, result) = try judged(researcherFile(constants: "{c: 2.5}"))
        #expect(p.instance.constants.entries["c"]?.value == 2.5)
        let page = MarkdownReport.page(result, provenance: Provenance(commit: "x", toolchain: "t", wallTimeSeconds: 0)).markdown
        #expect(page.contains("| c | 2.5 | — | declared by the user |"))
        // The floor is c·ζ² with the derived ζ².
        let bound = result.methods[0].bounds.first { $0.evaluation.id == "conjecture" }!
        let zeta2 = try #require(p.instance.constants[.zeta2])
        #expect(abs((bound.evaluation.floor ?? 0) - 2.5 * zeta2) <= 1e-12 * zeta2)
    }

    @Test("a file without user constants has no user rows and its table is unchanged")
    func noUserConstants() throws {
        let spec = try SpecLoader().load(yaml: researcherFile(constants: "{sigma2: 0.02}", expression: "2*D0/(gamma*K) + zeta2"), file: "r.yaml")
        let p = try PreparedExperiment(spec: spec)
        #expect(p.instance.constants.userConstantNames.isEmpty)
        #expect(Set(p.instance.constants.entries.keys).isSubset(of: Set(ConstantName.allCases.map(\.rawValue))))
    }

    @Test("stage parameters are variables <stage>_<parameter>, repeated stages get _2, Rand-K gives its expected delta")
    func stageParameters() {
        let stages: [AnyOracleStage] = [.init(GaussianNoise(variance: 0.5)), .topK(k: 5), .init(GaussianNoise(variance: 0.1)),
                                        .additiveBias(norm: 0.3)]
        let v = Dictionary(uniqueKeysWithValues: ExpressionVariables.oracle(stages, dimension: 20).map { ($0.name, $0.value) })
        #expect(v == ["gaussian_noise_variance": 0.5, "top_k_k": 5, "gaussian_noise_variance_2": 0.1, "additive_bias_norm": 0.3])
        let randK = Dictionary(uniqueKeysWithValues: ExpressionVariables.oracle([.randK(k: 4)], dimension: 20).map { ($0.name, $0.value) })
        #expect(randK == ["rand_k_k": 4, "delta": 0.2])
        // A contracting stage's δ wins: Rand-K adds no second `delta`.
        let both = ExpressionVariables.oracle([.randK(k: 4), .topK(k: 10)], dimension: 20).map(\.name)
        #expect(!both.contains("delta"))
    }

    @Test("a user bound evaluates stage parameters and user constants with their values")
    func parametersEvaluate() throws {
        let yaml = researcherFile(expression: "1/K + additive_bias_norm + 10*gaussian_noise_variance + 100*clip_tau + c")
        let spec = try SpecLoader().load(yaml: yaml, file: "r.yaml")
        let p = try PreparedExperiment(spec: spec)
        let e = p.evaluateBounds(traces: nil)[0].first { $0.id == "conjecture" }!
        #expect(abs((e.floor ?? 0) - (0.1 + 0.5 + 50 + 2)) < 1e-12)
    }

    @Test("M-DSGD's sparsifier gives sparsifier_k; an sgdm bound naming it is refused at its position")
    func methodParameters() throws {
        let mdsgd = MethodSpec(id: "m", settings: Mdsgd(beta: 0.5, sparsifier: .topK(k: 4)), step: .fixed(0.1))
        #expect(mdsgd.expressionVariables(dimension: 10).map(\.value) == [4, 0.4])
        let d = diagnostics(researcherFile(expression: "2*D0/(gamma*K) + c*sparsifier_k"))
        let hit = try #require(d.first { $0.keyPath == "user-bounds[0].expression" })
        #expect(hit.message.contains("'sparsifier_k' is not defined for this problem"))
        #expect(hit.line == 17)
    }

    @Test("a user constant that shadows a built-in, is no identifier, is unused or clashes with a stage prefix is a positioned error",
          arguments: [
            ("{delta: 0.5, c: 1}", "'delta' is a built-in variable that a file cannot declare"),
            ("{\"2c\": 1, c: 1}", "cannot name a constant"),
            ("{c: 1, sigma: 0.5}", "unknown key 'sigma' in declared constants (did you mean 'sigma2'?)"),
            ("{c: 1, top_k_c: 0.5}", "starts like a parameter of the 'top-k' stage"),
            ("{c: 1, sqrt: 2}", "is a function or operator"),
            ("{c: 1, Zeta2: 2}", "differs from the built-in constant 'zeta2' only in case"),
          ])
    func badUserConstants(constants: String, message: String) throws {
        let d = diagnostics(researcherFile(constants: constants))
        let hit = try #require(d.first { $0.message.contains(message) }, "\(d.map(\.description))")
        #expect(hit.line == 12)
        #expect(hit.keyPath.hasPrefix("constants."))
    }

    @Test("a refused user constant that an expression uses is reported once, at its declaration")
    func refusedConstantNoFollowOn() {
        let d = diagnostics(researcherFile(constants: "{top_k_c: 2}", expression: "2*D0/(gamma*K) + top_k_c*zeta2"))
        #expect(d.count == 1, "\(d.map(\.description))")
        #expect(d.first?.keyPath == "constants.top_k_c")
    }
}

@Suite("Reliance on assumptions")
struct RelianceTests {
    static let violatedAssumption = """
    assumptions:
      - id: tiny-bias
        holds-if: "bias2 <= 1e-6"
    """

    @Test("a user bound relying on a violated user assumption is unsupported; without relies-on it is not")
    func reliesOnViolated() throws {
        let relying = researcherFile(expression: "2*D0/(gamma*K) + c*zeta2\"\n    relies-on: [tiny-bias]\n    description: \"x",
                                     assumptions: Self.violatedAssumption)
        let (_, result) = try judged(relying)
        #expect(result.probe?.checks.first { $0.id == "tiny-bias" }?.verdict == .violated)
        let bound = try #require(result.methods[0].bounds.first { $0.evaluation.id == "conjecture" })
        #expect(bound.verdict.verdict == .unsupported)
        #expect(bound.evaluation.assumptions.contains("tiny-bias"))
        #expect(bound.fails)

        let (_, plain) = try judged(researcherFile(assumptions: Self.violatedAssumption))
        let free = try #require(plain.methods[0].bounds.first { $0.evaluation.id == "conjecture" })
        #expect(free.verdict.verdict != .unsupported)
    }

    @Test("an unknown id in relies-on is a positioned error with a suggestion")
    func unknownReliance() throws {
        let yaml = researcherFile(expression: "2*D0/(gamma*K) + c*zeta2\"\n    relies-on: [tiny-bais, A4]\n    description: \"x",
                                  assumptions: Self.violatedAssumption)
        let d = diagnostics(yaml)
        let hit = try #require(d.first { $0.keyPath == "user-bounds[0].relies-on[0]" }, "\(d.map(\.description))")
        #expect(hit.message.contains("no assumption 'tiny-bais' (did you mean 'tiny-bias'?)"))
        #expect(hit.line == 18)
        #expect(d.count == 1)
    }
}

@Suite("Sharp conjectures")
struct SharpConstantTests {
    @Test("a bound whose floor uses the derived zeta2 carries the probe's measurement; declaring zeta2 removes it")
    func floorNote() throws {
        let (_, derived) = try judged(researcherFile())
        let bound = try #require(derived.methods[0].bounds.first { $0.evaluation.id == "conjecture" })
        let note = try #require(bound.floorConstants)
        let zeta = try #require(note.constants.first { $0.name == "zeta2" })
        #expect(zeta.derived == derived.constants[.zeta2])
        #expect(zeta.measured < zeta.derived)
        #expect((zeta.measuredUpper ?? -1) >= zeta.measured)
        #expect((note.floorAtMeasured ?? .infinity) < (bound.evaluation.floor ?? 0))
        let page = MarkdownReport.page(derived, provenance: Provenance(commit: "x", toolchain: "t", wallTimeSeconds: 0)).markdown
        #expect(page.contains("ζ² derived \(fmt(zeta.derived)), probe measured \(fmt(zeta.measured))"))

        let (_, declared) = try judged(researcherFile(constants: "{c: 2, zeta2: 1.0}"))
        let sharp = try #require(declared.methods[0].bounds.first { $0.evaluation.id == "conjecture" })
        #expect(sharp.floorConstants == nil)
    }

    @Test("Problems/sharp-conjecture.yaml declares zeta2 at or above the probe's upper limit and below the derived value")
    func curatedFile() throws {
        let spec = try SpecLoader().load(path: repositoryRoot.appendingPathComponent("Problems/sharp-conjecture.yaml").path)
        let declared = try #require(spec.declared.values[.zeta2])
        var underived = spec
        underived.declared.values[.zeta2] = nil
        let p = try PreparedExperiment(spec: underived, quick: true)
        #expect(declared < (p.instance.constants[.zeta2] ?? 0) / 2)
        #expect(spec.expect["conjecture-tenth"] == .violated)
    }
}

@Suite("One case: --method, --seed, --trajectories")
struct OneCaseTests {
    @Test("--method and --seed run only that method's seed, bit-identical to the same seed of the full run")
    func selectedSeedIsTheFullRunsSeed() throws {
        let yaml = researcherFile()
        let (_, full) = try judged(yaml)
        let selection = CaseSelection(methods: ["sgd-1"], seed: 3)
        let (p, one) = try judged(yaml, selection: selection)
        #expect(selection.items(of: p) == [WorkItem(method: 1, block: 3)])
        #expect(one.methods.map(\.method.id) == ["sgd-1"])
        #expect(one.methods[0].trace.seeds == 1)
        #expect(one.methods[0].trace.samples == [full.methods[1].trace.samples[3]])
        // One seed of a random run decides nothing.
        #expect(one.methods[0].bounds.allSatisfy { [.inconclusive, .notApplicable].contains($0.verdict.verdict) })
        #expect(one.methods[0].bounds.allSatisfy { $0.expected == nil })
        #expect(one.unmatchedExpectations.isEmpty)
        let page = MarkdownReport.page(one, provenance: Provenance(commit: "x", toolchain: "t", wallTimeSeconds: 0)).markdown
        #expect(page.contains("One case (`--method sgd-1 --seed 3`)"))
        #expect(page.contains("1 seed (index 3) of 8"))
        // Its CSV is the full run's seed-3 CSV, byte for byte.
        let oneFile = try #require(TrajectoryCSV.files(one).first)
        #expect(oneFile.path == "trajectories/researcher/sgd-1.seed3.csv")
        #expect(TrajectoryCSV.files(full).first { $0.path == oneFile.path }?.text == oneFile.text)
    }

    @Test("shards of a selection split exactly the selected items")
    func shardsOfASelection() throws {
        let spec = try SpecLoader().load(yaml: researcherFile(), file: "r.yaml")
        let p = try PreparedExperiment(spec: spec)
        let selection = CaseSelection(methods: ["sgdm-1"])
        let parts = try (1...3).map { WorkPlan.items(for: [p], shard: try Shard(index: $0, count: 3), selection: selection)[0] }
        #expect(Set(parts.joined()) == Set(selection.items(of: p)))
        #expect(parts.joined().count == p.profile.seeds)
        #expect(parts.joined().allSatisfy { $0.method == 0 })
    }

    @Test("trajectory CSVs: one per method and seed, the documented header, one row per checkpoint")
    func csvShape() throws {
        let (p, result) = try judged(researcherFile(seeds: 4))
        let files = TrajectoryCSV.files(result)
        #expect(files.count == 2 * 4)
        #expect(Set(files.map(\.path)).contains("trajectories/researcher/sgdm-1.seed0.csv"))
        for file in files {
            let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.first == "k,gap,grad,avg-grad,min-grad,virtual-gap,lyapunov")
            #expect(lines.count == 1 + p.checkpoints.count)
            #expect(lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).count }.allSatisfy { $0 == 7 })
            #expect(lines.dropFirst().map { String($0.split(separator: ",").first!) } == p.checkpoints.map(String.init))
        }
        // Seed 2's grad at checkpoint 4 is the trace's value, read back exactly.
        let sgdm = try #require(files.first { $0.path.hasSuffix("sgdm-1.seed2.csv") })
        let row = sgdm.text.split(separator: "\n")[5].split(separator: ",", omittingEmptySubsequences: false)
        #expect(Double(row[2]) == result.methods[0].trace.samples[2][4][1])
        // avg-grad is not recorded at k = 0.
        #expect(sgdm.text.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)[3] == "")
    }

    @Test("the selection's problems: an unknown method id with a suggestion, a seed beyond the file's seeds")
    func selectionProblems() throws {
        let spec = try SpecLoader().load(yaml: researcherFile(), file: "r.yaml")
        let p = try PreparedExperiment(spec: spec)
        #expect(CaseSelection(methods: ["sgdm1"]).problems(with: [p]).first?.contains("did you mean 'sgdm-1'?") == true)
        #expect(CaseSelection(seed: 8).problems(with: [p]).first?.contains("runs 8 seeds (indices 0…7)") == true)
        #expect(CaseSelection(methods: ["sgdm-1"], seed: 7).problems(with: [p]).isEmpty)
        // A random file cut to one seed (--seeds 1) has only seed 0; a deterministic one runs
        // seed 0 for any index, as every seed is the same run.
        let one = try PreparedExperiment(spec: spec, seedsOverride: 1)
        #expect(CaseSelection(seed: 3).problems(with: [one]).first?.contains("runs 1 seed (indices 0…0)") == true)
        var exact = spec
        exact.oracle = [.clip(tau: 0.5, rule: .absolute)]
        let deterministic = try PreparedExperiment(spec: exact)
        #expect(CaseSelection(seed: 3).problems(with: [deterministic]).isEmpty)
        #expect(CaseSelection(seed: 3).items(of: deterministic).map(\.block) == [0, 0])
    }

    @Test("check --method with an unknown id exits 2 with a suggestion; --seed and --trajectories write the CSVs, listed in the manifest")
    func commandLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("one-case-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try researcherFile().write(to: folder.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let bad = try runBuiltTool(["check", "r.yaml", "--method", "sgdm1", "--out", "out", "--no-cache"], in: folder)
        #expect(bad.status == 2)
        #expect(bad.output.contains("did you mean 'sgdm-1'?"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))

        let run = try runBuiltTool(["check", "r.yaml", "--method", "sgdm-1", "--seed", "2", "--trajectories", "--out", "out",
                                    "--no-cache", "--format", "md"], in: folder)
        #expect(run.status == 0 || run.status == 1, "\(run.output)")
        let csv = folder.appendingPathComponent("out/trajectories/researcher/sgdm-1.seed2.csv")
        #expect(FileManager.default.fileExists(atPath: csv.path))
        let manifest = try String(contentsOf: folder.appendingPathComponent("out/\(OutputFolder.manifestName)"), encoding: .utf8)
        #expect(manifest.contains("trajectories/researcher/sgdm-1.seed2.csv"))
        #expect(!manifest.contains("sgd-1.seed"))
    }

    @Test("one case gives the same CSV and page run directly, sharded then merged, and resumed from a full run's cache")
    func identicalThroughShardsAndCache() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("one-case-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try researcherFile(seeds: 4).write(to: folder.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let one = ["--method", "sgd-1", "--seed", "2", "--format", "md"]
        let direct = try runBuiltTool(["check", "r.yaml", "--out", "direct", "--trajectories", "--no-cache"] + one, in: folder)
        #expect(direct.status == 0 || direct.status == 1, "\(direct.output)")
        for i in 1...2 {
            let s = try runBuiltTool(["check", "r.yaml", "--shard", "\(i)/2", "--shard-out", "shards", "--no-cache"] + one, in: folder)
            #expect(s.status == 0, "\(s.output)")
        }
        let merged = try runBuiltTool(["merge", "shards", "--out", "merged", "--trajectories", "--format", "md"], in: folder)
        #expect(merged.status == direct.status, "\(merged.output)")
        // A full run fills the cache; the one case then takes its item from there.
        let full = try runBuiltTool(["check", "r.yaml", "--out", "full", "--cache-dir", "cache", "--format", "md"], in: folder)
        #expect(full.status == 0 || full.status == 1, "\(full.output)")
        let resumed = try runBuiltTool(["check", "r.yaml", "--out", "resumed", "--trajectories", "--resume", "--cache-dir", "cache"] + one, in: folder)
        #expect(resumed.output.contains("1/1 work items from the cache"), "\(resumed.output)")
        let csv = "trajectories/researcher/sgd-1.seed2.csv"
        let expected = try String(contentsOf: folder.appendingPathComponent("direct/\(csv)"), encoding: .utf8)
        for other in ["merged", "resumed"] {
            #expect(try String(contentsOf: folder.appendingPathComponent("\(other)/\(csv)"), encoding: .utf8) == expected, "\(other)")
        }
        func page(_ run: String) throws -> String {
            try String(contentsOf: folder.appendingPathComponent("\(run)/researcher.md"), encoding: .utf8)
                .split(separator: "\n").filter { !$0.contains("wall time") }.joined(separator: "\n")
        }
        #expect(try page("merged") == page("direct"))
        #expect(try page("resumed") == page("direct"))
    }
}
