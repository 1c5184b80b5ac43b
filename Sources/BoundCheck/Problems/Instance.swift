/// A problem file made concrete: the objective, its start point, the oracle pipeline and every
/// constant the bounds need, each with its provenance (docs/theory.md §3, §5, §7).
///
/// Everything random here comes from the file's seed through keyed streams, so the same file
/// always gives the same instance.
public struct Instance: Sendable {
    /// The family the objective comes from, with its parameters.
    public let family: any ProblemFamily
    /// The file's seed: every random stream of the instance, the runs and the probe derives from it.
    public let seed: UInt64
    /// The oracle pipeline each worker's estimate goes through.
    public let oracle: [AnyOracleStage]
    public let dimension: Int
    public let workers: Int
    public let objective: any Objective
    public let problemConstants: ProblemConstants
    /// L̃ = √((1/n) Σᵢ Lᵢ²): the family's constant, or computed on demand by the objective
    /// (data families); nil when the family has none.
    public func workerSmoothness() throws -> DerivedConstant? {
        try problemConstants.workerSmoothness ?? objective.onDemandWorkerSmoothness()
    }
    public let workerBounds: [EstimateBounds]
    public let oracleConstants: OracleConstants
    public let start: [Double]
    /// f(x⁰)
    public let startValue: Double
    /// The constants bounds are evaluated with: computed ones, replaced by any the file declares.
    public let constants: ConstantTable

    /// What the oracle's stages see of the problem.
    public var oracleEnvironment: OracleEnvironment {
        OracleEnvironment(dimension: dimension, workers: workers, problemSeed: seed, objective: objective,
                          workerGradientBounds: problemConstants.workerGradientBounds)
    }

    /// The instance a problem file describes.
    public init(spec: ExperimentSpec) throws {
        let p = spec.problem
        try self.init(family: p.family, dimension: p.dimension, workers: p.workers, heterogeneity: p.heterogeneity,
                      start: p.start, seed: spec.seed, oracle: spec.oracle, declared: spec.declared)
    }

    /// An instance of `family` with plain parameters: the problem's size and heterogeneity, the
    /// start point, the seed, the oracle pipeline and the constants the file declares.
    public init(family: any ProblemFamily, dimension: Int, workers: Int, heterogeneity: Double, start startSpec: StartSpec,
                seed: UInt64, oracle: [AnyOracleStage], declared: DeclaredConstants = DeclaredConstants()) throws {
        self.family = family
        self.seed = seed
        self.oracle = oracle
        self.dimension = dimension
        self.workers = workers
        var rng = RandomStream(key: StreamKey(problemSeed: seed, purpose: .instance))
        let built = try family.build(dimension: dimension, workers: workers, heterogeneity: heterogeneity, rng: &rng)
        objective = built.objective
        problemConstants = built.constants

        // The start point and the bias direction have streams of their own, so changing one
        // never changes the other or the instance.
        switch startSpec {
        case .at(let x): start = x
        case .gaussian(let scale):
            var startRNG = RandomStream(key: StreamKey(problemSeed: seed, purpose: .instance, worker: 1))
            start = (0..<dimension).map { _ in scale * startRNG.nextGaussian() }
        }
        startValue = built.objective.value(at: start)

        let environment = OracleEnvironment(dimension: dimension, workers: workers, problemSeed: seed,
                                            objective: built.objective,
                                            workerGradientBounds: built.constants.workerGradientBounds)
        let bounds = (0..<workers).map { oracle.propagate(worker: $0, environment: environment) }
        workerBounds = bounds
        oracleConstants = OracleConstants.aggregate(bounds, B2: built.constants.B2.value, G2: built.constants.G2.value,
                                                    workerGradientBounds: built.constants.workerGradientBounds,
                                                    stages: oracle, dimension: dimension)
        var table = ConstantTable(problem: built.constants, oracle: oracleConstants, startValue: startValue,
                                  dimension: dimension, workers: workers, declared: declared)
        for v in ExpressionVariables.oracle(oracle, dimension: dimension) { table.parameters[v.name] = v.value }
        constants = table
    }
}

/// The flat table of named constants that bounds and expressions read (docs/problem-files.md variable
/// names), each with its value, how it was obtained, and whether the file declared it.
public struct ConstantTable: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public var value: Double
        public var how: String
        public var declared: Bool
        /// The computed value when the file declared another one.
        public var computed: Double?
    }

    public var entries: [String: Entry]
    /// The oracle stages' parameters as expression variables (``ExpressionVariables``): read by
    /// user expressions, not a constant of the table (reports and JSON leave them out).
    public var parameters: [String: Double] = [:]

    enum CodingKeys: String, CodingKey { case entries }

    /// Tables are equal when their constants are: the parameters follow from the problem file
    /// and are not stored (a table read back from a JSON report equals the one written).
    public static func == (a: ConstantTable, b: ConstantTable) -> Bool { a.entries == b.entries }

    /// How the table shows a user constant (`constants: {c: 2}` with a new name).
    public static let userConstantHow = "declared by the user"

    /// The user constants' names, sorted (reports list them after the built-in constants).
    public var userConstantNames: [String] {
        let builtin = Set(ConstantName.allCases.map(\.rawValue))
        return entries.keys.filter { !builtin.contains($0) }.sorted()
    }

    public subscript(_ name: ConstantName) -> Double? { entries[name.rawValue]?.value }

    /// The entry of a constant, when the instance has it.
    public func entry(_ name: ConstantName) -> Entry? { entries[name.rawValue] }

    /// The names in a fixed reading order.
    public static let order = ConstantName.allCases

    public init(problem: ProblemConstants, oracle: OracleConstants, startValue: Double, dimension: Int, workers: Int,
                declared: DeclaredConstants) {
        var e: [String: Entry] = [:]
        func put(_ name: ConstantName, _ value: Double?, _ how: String) {
            if let value { e[name.rawValue] = Entry(value: value, how: how, declared: false, computed: nil) }
        }
        put(.L, problem.L.value, problem.L.how)
        put(.mu, problem.mu?.value, problem.mu?.how ?? "")
        put(.fstar, problem.fstar.value, problem.fstar.how)
        put(.B2, problem.B2.value, problem.B2.how)
        put(.G2, problem.G2.value, problem.G2.how)
        put(.d, Double(dimension), "dimension")
        put(.n, Double(workers), "workers")
        put(.m, oracle.m, oracle.how["m"] ?? "")
        put(.zeta2, oracle.zeta2, oracle.how["zeta2"] ?? "")
        put(.M, oracle.M, oracle.how["M"] ?? "")
        put(.sigma2, oracle.sigma2, oracle.how["sigma2"] ?? "")
        put(.Mf, oracle.Mf, "noise against ‖∇f‖² (before the A5 conversion)")
        put(.sigmaf2, oracle.sigmaf2, "noise floor against ‖∇f‖²")
        put(.delta, oracle.delta, "contraction of the oracle's compressor")
        put(.tau, oracle.tau, "clipping threshold")
        put(.Gmax2, oracle.secondMomentBound, "E‖gᵢ‖² bound from bounded gradients")
        for (name, value) in declared.values {
            let computed = e[name.rawValue]?.value
            e[name.rawValue] = Entry(value: value, how: "declared in the problem file", declared: true, computed: computed)
        }
        for (name, value) in declared.user {
            e[name] = Entry(value: value, how: Self.userConstantHow, declared: true, computed: nil)
        }
        let fstar = e[ConstantName.fstar.rawValue]?.value ?? 0
        put(.D0, startValue - fstar, "f(x⁰) − f\(problem.fstarIsLowerBound ? "_inf" : "*")")
        entries = e
    }

    /// Values for expression evaluation.
    public var values: [String: Double] { entries.mapValues(\.value).merging(parameters) { constant, _ in constant } }
}
