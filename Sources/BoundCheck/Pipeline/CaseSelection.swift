/// `check --method ID --seed N`: the cases a run is narrowed to, to reproduce one of them.
///
/// The selection works on work items, not on the problem file: the file, its instance, its
/// methods (and their indices, which key the cache and the shards), the probe and every random
/// stream stay exactly those of the full run, so a selected seed's run is bit-identical to the
/// same seed inside the full run, with or without the cache and shards.
public struct CaseSelection: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Method ids to run (nil: every method).
    public var methods: [String]?
    /// The seed index to run (nil: every seed of the profile).
    public var seed: Int?

    public init(methods: [String]? = nil, seed: Int? = nil) {
        self.methods = methods
        self.seed = seed
    }

    /// "--method a,b --seed 3".
    public var description: String {
        var parts: [String] = []
        if let methods { parts.append("--method \(methods.joined(separator: ","))") }
        if let seed { parts.append("--seed \(seed)") }
        return parts.joined(separator: " ")
    }

    /// Whether the method with this id runs.
    public func includes(method id: String) -> Bool { methods?.contains(id) ?? true }

    /// Whether any method of the experiment is selected.
    public func selectsAny(of prepared: PreparedExperiment) -> Bool {
        prepared.methods.contains { includes(method: $0.id) }
    }

    /// The seed index that runs for the experiment: `seed`, or 0 when every seed of the file is
    /// the same run (a deterministic file runs one seed).
    public func seedIndex(in prepared: PreparedExperiment) -> Int? {
        guard let seed else { return nil }
        return Self.everySeedIsOneRun(prepared) ? 0 : seed
    }

    /// Nothing in the file draws random numbers, so it runs one seed that stands for all.
    static func everySeedIsOneRun(_ prepared: PreparedExperiment) -> Bool {
        prepared.methods.indices.allSatisfy { prepared.isDeterministic(method: $0) }
    }

    /// The experiment's work items this selection runs, in canonical order.
    public func items(of prepared: PreparedExperiment) -> [WorkItem] {
        let seed = seedIndex(in: prepared)
        return prepared.workItems.filter { item in
            guard includes(method: prepared.methods[item.method].id) else { return false }
            guard let seed else { return true }
            return (item.block * seedBlockSize..<(item.block + 1) * seedBlockSize).contains(seed)
        }
    }

    /// Why the selection cannot run on these experiments, or nil: a method id no file has (with
    /// the closest one), or a seed index beyond a random file's seeds.
    public func problems(with prepared: [PreparedExperiment]) -> [String] {
        var out: [String] = []
        let ids = Set(prepared.flatMap { $0.methods.map(\.id) })
        for id in methods ?? [] where !ids.contains(id) {
            let hint = closestMatch(to: id, among: ids).map { " (did you mean '\($0)'?)" } ?? ""
            out.append("--method \(id): no method with this id in the files given\(hint); ids: \(ids.sorted().joined(separator: ", "))")
        }
        if let seed {
            if seed < 0 { out.append("--seed \(seed): a seed index is 0 or more") }
            for p in prepared where selectsAny(of: p) && !Self.everySeedIsOneRun(p) && seed >= p.profile.seeds {
                out.append("--seed \(seed): \(p.spec.name) runs \(p.profile.seeds) seed\(p.profile.seeds == 1 ? "" : "s") (indices 0…\(p.profile.seeds - 1)) in its \(p.profileName) profile; use --seeds to run more")
            }
        }
        return out
    }
}

extension ExperimentResult {
    /// The seed index of each of a method's recorded seeds, in the order of its trace's samples
    /// (a file of one seed ran seed 0, whatever `--seed` named: it is deterministic, or the
    /// selection would have been refused).
    public func seedIndices(of method: MethodResult) -> [Int] {
        if let seed = selection?.seed { return [seeds == 1 ? 0 : seed] }
        return Array(0..<method.trace.samples.count)
    }
}
