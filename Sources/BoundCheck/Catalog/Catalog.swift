/// The registry of everything a problem file can name: oracle stages, methods, problem
/// families and bounds. The problem-file parser, `boundcheck list`, the docs tables and the
/// contract tests all read it; ``Catalog/standard`` holds the built-ins, and a user's package
/// adds its own plug-ins with `register` and starts the command line over the extended catalog.
///
/// The built-ins go through exactly the same `register` calls as a user's plug-ins.
public struct Catalog: Sendable {
    /// The oracle stages a problem file's `oracle:` list may name, in listing order.
    public private(set) var oracleStages: [any OracleStage.Type] = []
    /// The registered bounds, in registration order (the order of reports and `list`).
    public private(set) var bounds: [any Bound] = []
    /// The registered problem families (their types: a family's parameters are its values).
    public private(set) var families: [any ProblemFamily.Type] = []
    /// The methods a problem file's `methods:` list may name, in listing order.
    public private(set) var methods: [any Method.Type] = []

    public init() {}

    /// What the catalog is called ("standard" for the built-ins): for messages, and for tests
    /// that follow a catalog from the command line's entry point to the loader.
    public var name = "standard"

    /// Every built-in plug-in.
    public static let standard: Catalog = {
        var catalog = Catalog()
        catalog.register(GaussianNoise.self)
        catalog.register(RelativeNoise.self)
        catalog.register(Scale.self)
        catalog.register(AdditiveBias.self)
        catalog.register(TopK.self)
        catalog.register(RandK.self)
        catalog.register(ScaledSign.self)
        catalog.register(Clip.self)
        catalog.register(CompositeSampling.self)
        catalog.register(AS1())
        catalog.register(AS2())
        catalog.register(F1())
        catalog.register(F2(onX: false))
        catalog.register(F2(onX: true))
        catalog.register(M1())
        catalog.register(EFSGD())
        catalog.register(EF21NC())
        catalog.register(EF21PL())
        catalog.register(M2())
        catalog.register(DKGT())
        catalog.register(family: QuadraticFamily.self)
        catalog.register(family: PLSineFamily.self)
        catalog.register(family: RationalFamily.self)
        catalog.register(family: LogisticNonconvexFamily.self)
        catalog.register(family: CompositeFamily.self)
        catalog.register(method: Sgdm.self)
        catalog.register(method: Sgd.self)
        catalog.register(method: Mdsgd.self)
        catalog.register(method: Ef21.self)
        catalog.register(method: Ef21Sgdm.self)
        return catalog
    }()

    /// Adds a bound. From then on a problem file may name it (or its group) in `bounds:` and
    /// `expect:`, `--only` accepts it, every run of a method it is proved for checks it, and its
    /// verdict counts toward the exit code like a built-in's.
    ///
    /// A bound's id must be new, and must not be a probed assumption's id (A1 … A6): a
    /// registration that breaks this is a programming error and stops the program.
    public mutating func register(_ bound: any Bound) {
        precondition(!bounds.contains { $0.id == bound.id }, "a bound with id '\(bound.id)' is already registered")
        precondition(ProbedAssumption(rawValue: bound.id) == nil, "'\(bound.id)' is the id of a probed assumption, not available to a bound")
        bounds.append(bound)
    }

    /// Adds a problem family. From then on a problem file may name it in `problem.family` (a
    /// misspelling gets a did-you-mean over the catalog's families), with its
    /// ``ProblemFamily/parameterKeys`` beside the problem's own keys, and `list` shows it.
    ///
    /// Its name must be new, and its keys must not be the problem's own (`family`, `dimension`,
    /// `workers`, `heterogeneity`, `start`): a registration that breaks this is a programming
    /// error and stops the program.
    public mutating func register(family: any ProblemFamily.Type) {
        precondition(self.family(named: family.name) == nil, "a family named '\(family.name)' is already registered")
        let taken = family.parameterKeys.filter { SpecBuilder.problemOwnKeys.contains($0) }
        precondition(taken.isEmpty, "family '\(family.name)' reads \(taken.joined(separator: ", ")), which the problem itself reads")
        families.append(family)
    }

    /// The family type a problem file's `family:` word names.
    public func family(named name: String) -> (any ProblemFamily.Type)? {
        families.first { $0.name == name }
    }

    /// Adds an oracle stage; its name must not be taken.
    public mutating func register(_ stage: any OracleStage.Type) {
        precondition(oracleStage(named: stage.name) == nil, "an oracle stage named '\(stage.name)' is already registered")
        oracleStages.append(stage)
    }

    /// Adds a method; its name must not be taken.
    public mutating func register(method: any Method.Type) {
        precondition(self.method(named: method.name) == nil, "a method named '\(method.name)' is already registered")
        methods.append(method)
    }

    /// The method type a problem file's `method:` word names.
    public func method(named name: String) -> (any Method.Type)? {
        methods.first { $0.name == name }
    }

    /// The stage type a problem file's word names.
    public func oracleStage(named name: String) -> (any OracleStage.Type)? {
        oracleStages.first { $0.name == name }
    }
}
