import Foundation

/// Rules across fields, checked once every part of the file is read: seeds for random oracles
/// and methods, the work and memory caps, and methods a stage cannot run with.
extension SpecBuilder {
    func checkCrossRules(problem: ProblemSpec, oracle: [AnyOracleStage], methods: [MethodSpec], run: RunSpec,
                         quick: RunSpec, top: [String: Node], root: Node) {
        // Each profile's value, where it is written: quick inherits what it does not set.
        func setting(_ key: String, of profile: String) -> (node: Node?, path: String) {
            if let node = top[profile]?.mapping?[key] { return (node, "\(profile).\(key)") }
            if profile == "quick", let node = top["run"]?.mapping?[key] { return (node, "run.\(key)") }
            return (top[profile] ?? top["run"], profile)
        }
        let randomOracle = oracle.contains(where: \.isRandom)
        if randomOracle || methods.contains(where: \.isRandom) {
            let what = randomOracle ? "the oracle is random" : "a method is random (rand-k sparsifier)"
            var reported: Set<String> = []
            for (profile, r) in [("run", run), ("quick", quick)] where r.seeds < 2 {
                let (node, path) = setting("seeds", of: profile)
                guard reported.insert(path).inserted else { continue }
                reader.error(node, path, "\(what), so confidence intervals need at least 2 seeds (found \(r.seeds)); use ≥ 8 for useful intervals")
            }
        }
        // The work and memory caps judge the profile that will run, with --seeds applied.
        let profile = self.quick ? "quick" : "run"
        var chosen = self.quick ? quick : run
        if let seeds = seedsOverride { chosen.seeds = seeds }
        let capNode = self.quick && top["quick"] == nil ? top["run"] : top[profile]
        let capPath = self.quick && top["quick"] == nil ? "run" : profile
        let seedsText = seedsOverride.map { "\($0) (--seeds)" } ?? "\(chosen.seeds)"
        let rows = problem.family.rowsPerWorker
        let rowsText = "\(rows)"
        let work = ResourceLimits.work(problem: problem, run: chosen, methods: methods.count)
        let formula = rows > 1
            ? "d × workers × samples-per-worker × iterations × seeds × methods = \(problem.dimension) × \(problem.workers) × \(rowsText) × \(chosen.iterations) × \(seedsText) × \(max(methods.count, 1))"
            : "d × workers × iterations × seeds × methods = \(problem.dimension) × \(problem.workers) × \(chosen.iterations) × \(seedsText) × \(max(methods.count, 1))"
        if work > ResourceLimits.ceilingWork {
            reader.error(capNode, capPath, "the \(profile) profile\(self.quick ? " (--quick)" : "") asks for \(String(format: "%.2g", work)) coordinate-updates (\(formula)), more than any machine finishes (the ceiling is \(String(format: "%.2g", ResourceLimits.ceilingWork)), even with --allow-large); reduce it")
        } else if work > SpecLoader.maximumWork && !allowLarge {
            reader.error(capNode, capPath, "the \(profile) profile\(self.quick ? " (--quick)" : "") asks for \(String(format: "%.2g", work)) coordinate-updates (\(formula)), over the limit of \(String(format: "%.2g", SpecLoader.maximumWork)); reduce it or pass --allow-large")
        }
        let memory = ResourceLimits.memory(problem: problem, run: chosen, methods: methods.count, jobs: jobs)
        let memoryNode = top["problem"]?.mapping?["dimension"] ?? top["problem"]
        let memoryWhat = "the run needs about \(ResourceLimits.bytes(memory)) of memory (dimension \(problem.dimension), \(problem.workers) workers\(rows > 1 ? ", \(rowsText) samples per worker" : ""), \(jobs) job\(jobs == 1 ? "" : "s"), \(seedsText) seeds × \(max(methods.count, 1)) methods × \(chosen.checkpoints) checkpoints)"
        if memory > ResourceLimits.ceilingMemoryBytes {
            reader.error(memoryNode, "problem.dimension", "\(memoryWhat), more than this machine has (\(ResourceLimits.bytes(ResourceLimits.ceilingMemoryBytes)), even with --allow-large); reduce it")
        } else if memory > ResourceLimits.maximumMemoryBytes && !allowLarge {
            reader.error(memoryNode, "problem.dimension", "\(memoryWhat), over the limit of \(ResourceLimits.bytes(ResourceLimits.maximumMemoryBytes)); reduce it or pass --allow-large")
        }
        for (method, item) in zip(methods, methodItems) {
            if let message = zip(oracle, stagePlacements).lazy.compactMap({ $0.stage.unsupportedMethod(method.kind, placement: $1) }).first {
                reader.error(item.node, item.path, message)
            }
        }
    }
}
