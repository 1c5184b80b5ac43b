import Testing
@testable import BoundCheck

private func prepare(family: String, oracle: String, methods: String, iterations: Int = 40, seeds: Int = 8,
                     workers: Int = 3) throws -> PreparedExperiment {
    let text = """
    name: lockstep-test
    seed: 9
    problem: {family: \(family), dimension: 13, workers: \(workers), heterogeneity: 0.5, samples-per-worker: 21}
    oracle: \(oracle)
    methods:
    \(methods)
    run: {iterations: \(iterations), seeds: \(seeds), checkpoints: 7}
    """
    return try PreparedExperiment(spec: try SpecLoader().load(yaml: text, file: "lockstep.yaml"))
}

/// Every item run alone (the one-seed loop), then with the items of each method in lockstep
/// groups of `size`.
private func results(_ p: PreparedExperiment, groupsOf size: Int?) -> [BlockResult] {
    let items = p.workItems
    guard let size else {
        return items.map { Runner.run($0, instance: p.instance, methods: p.methods, profile: p.profile) }
    }
    var out: [BlockResult] = []
    for method in p.methods.indices {
        let mine = items.filter { $0.method == method }
        for start in stride(from: 0, to: mine.count, by: size) {
            out += Lockstep.run(Array(mine[start..<min(start + size, mine.count)]), instance: p.instance, methods: p.methods,
                                profile: p.profile)
        }
    }
    return out
}

@Suite("Seeds in lockstep: whole runs")
struct LockstepRunTests {
    static let cases: [(family: String, oracle: String)] = [
        ("logistic-ncvx", "[{rand-k: {k: 4}}]"),
        ("composite", "[{gaussian-noise: {variance: 0.3}}]"),
        ("composite", "[{composite: {inner-samples: 2, inner-noise: 0.5}}]"),
    ]

    @Test("grouping seeds 1, 3 or 8 at a time gives every item the BlockResult it gets alone (sgdm, sgd, ef21-sgdm)",
          arguments: cases)
    func groupedRunsEqualSingleRuns(family: String, oracle: String) throws {
        let p = try prepare(family: family, oracle: oracle, methods: """
          - {id: sgdm, method: sgdm, beta: 0.1, step: 0.5}
          - {id: sgd, method: sgd, step: 0.3}
          - {id: ef21m, method: ef21-sgdm, compressor: {top-k: {k: 3}}, eta: 0.2, step: 0.2}
        """)
        #expect(p.instance.objective.evaluatesPointsTogether)
        let alone = results(p, groupsOf: nil)
        #expect(alone.count == 24)
        #expect(alone.contains { !$0.probePoints.isEmpty }, "seed 0 keeps the probe's points")
        for size in [1, 3, 8] {
            let grouped = results(p, groupsOf: size)
            #expect(grouped == alone, "groups of \(size)")
        }
        // A group whose workers' gradients are computed on several threads.
        for threads in [2, 3] {
            var split: [BlockResult] = []
            for method in p.methods.indices {
                split += Lockstep.run(p.workItems.filter { $0.method == method }, instance: p.instance, methods: p.methods,
                                      profile: p.profile, threads: threads)
            }
            #expect(split == alone, "workers split over \(threads) threads")
        }
        // And through the runner, whose groups depend on --jobs.
        for jobs in [1, 2, 3] {
            let ran = Runner(jobs: jobs).run(p.workItems, instance: p.instance, methods: p.methods, profile: p.profile)
            #expect(ran == alone, "--jobs \(jobs)")
        }
    }

    @Test("seeds that diverge drop out of the group, at different iterations, and record what they record alone")
    func divergingSeeds() throws {
        // Noise so large that ‖g‖² overflows in about a quarter of the iterations (one worker,
        // d = 13: ‖g‖² ≈ (σ²/d) χ²₁₃ > 1.8e308 when χ²₁₃ > 15.6): each seed diverges at its own
        // iteration and leaves the group then.
        let p = try prepare(family: "logistic-ncvx", oracle: "[{gaussian-noise: {variance: 1.5e308}}]", methods: """
          - {id: sgd, method: sgd, step: 0.1}
        """, iterations: 60, seeds: 8, workers: 1)
        let alone = results(p, groupsOf: nil)
        let diverged = alone.map { $0.divergedAt.first ?? nil }
        #expect(Set(diverged.compactMap { $0 }).count > 1, "seeds diverge at different iterations: \(diverged)")
        #expect(diverged.contains(nil) || diverged.allSatisfy { $0 != nil })
        for size in [3, 8] {
            // NaN gaps after divergence: compared through their text, which shows every bit of a number.
            let grouped = results(p, groupsOf: size)
            #expect(grouped.map(\.divergedAt) == alone.map(\.divergedAt), "groups of \(size)")
            #expect("\(grouped)" == "\(alone)", "groups of \(size)")
        }
    }

    @Test("lockstep groups: only for objectives that evaluate points together; a method's ≤ 8 items in one group, else ⌈items/jobs⌉ capped at 8; idle threads split a group's workers")
    func grouping() {
        let items = Runner.workItems(methods: 2, seeds: 20)
        let data = LogisticNonconvexObjective(data: WorkerDataset(dimension: 2, workers: 1, rowsPerWorker: 1,
                                                                  features: [1, 2], targets: [1]), lambda: 0)
        let one = Lockstep.tasks(items, objective: data, jobs: 1)
        #expect(one.map(\.count) == [8, 8, 4, 8, 8, 4])
        #expect(one.allSatisfy { task in Set(task.map { items[$0].method }).count == 1 })
        #expect(one.flatMap { $0 } == Array(items.indices))
        #expect(Lockstep.tasks(items, objective: data, jobs: 4).map(\.count) == [5, 5, 5, 5, 5, 5, 5, 5])
        #expect(Lockstep.tasks(items, objective: data, jobs: 64).allSatisfy { $0.count == 1 })
        var rng = RandomStream(seed: 1)
        let quadratic = try? QuadraticFamily().build(dimension: 3, workers: 2, heterogeneity: 1, rng: &rng).objective
        #expect(Lockstep.tasks(items, objective: quadratic!, jobs: 1).allSatisfy { $0.count == 1 })
        // One method with 8 seeds on 2 jobs: one group of 8 whose workers go to both threads
        // (two groups of 4 would read every row twice per iteration).
        let eight = Lockstep.tasks(Runner.workItems(methods: 1, seeds: 8), objective: data, jobs: 2)
        #expect(eight.map(\.count) == [8])
        #expect(Lockstep.innerThreads(tasks: eight.count, jobs: 2) == 2)
        // Two methods on 2 jobs: a group each, one thread each.
        let two = Lockstep.tasks(Runner.workItems(methods: 2, seeds: 8), objective: data, jobs: 2)
        #expect(two.map(\.count) == [8, 8])
        #expect(Lockstep.innerThreads(tasks: two.count, jobs: 2) == 1)
        #expect(Lockstep.innerThreads(tasks: 3, jobs: 8) == 2)
    }
}
