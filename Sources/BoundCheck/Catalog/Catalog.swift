/// The registry of everything a problem file can name: oracle stages, methods, problem
/// families and bounds. The problem-file parser, `boundcheck list`, the docs tables and the
/// contract tests all read it; ``Catalog/standard`` holds the built-ins, and a user's package
/// adds its own plug-ins with `register` and starts the command line over the extended catalog.
///
/// (Methods, families and bounds join as their protocols land.)
public struct Catalog: Sendable {
    /// The oracle stages a problem file's `oracle:` list may name, in listing order.
    public private(set) var oracleStages: [any OracleStage.Type] = []

    public init() {}

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
        return catalog
    }()

    /// Adds an oracle stage; its name must not be taken.
    public mutating func register(_ stage: any OracleStage.Type) {
        precondition(oracleStage(named: stage.name) == nil, "an oracle stage named '\(stage.name)' is already registered")
        oracleStages.append(stage)
    }

    /// The stage type a problem file's word names.
    public func oracleStage(named name: String) -> (any OracleStage.Type)? {
        oracleStages.first { $0.name == name }
    }
}
