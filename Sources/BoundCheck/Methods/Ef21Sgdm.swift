/// `ef21-sgdm`: EF21 with momentum on each worker's stochastic estimates (docs/theory.md,
/// "EF21"). Each worker keeps a momentum vᵢ of its oracle estimates gᵢ(xᵏ) and runs EF21's
/// compressed tracking on it:
///
///     vᵢᵏ = (1 − η)vᵢᵏ⁻¹ + η gᵢ(xᵏ),   gᵢᵏ = gᵢᵏ⁻¹ + C(vᵢᵏ − gᵢᵏ⁻¹),   xᵏ⁺¹ = xᵏ − γ (1/n) Σᵢ gᵢᵏ,
///
/// started at vᵢ⁰ = gᵢ(x⁰) and gᵢ⁰ = C(vᵢ⁰) (`init: compressed`) or vᵢ⁰ (`init: gradient`). With
/// η = 1 it is EF21. Keys: `eta` ∈ (0, 1] (required), `compressor` (required), `init`.
///
/// No catalog bound is proved for it: the theorem for this method is not available to the
/// project, so it is run for comparison only (its kind is its own, so no EF21 or SGDM bound is
/// checked on it).
public struct Ef21Sgdm: Method {
    public static let name = "ef21-sgdm"
    public static let kind = MethodKind.ef21Sgdm
    public static let synopsis = "eta ∈ (0, 1], step, compressor: {STAGE: {…}}, init: compressed|gradient"
    public static let keys = [
        MethodKey("eta", elsewhere: "'eta' (the worker momentum weight) applies to ef21-sgdm only"),
        MethodKey("compressor", elsewhere: "'compressor' applies to ef21-sgdm only; for sgdm compress in the oracle"),
        MethodKey("init", elsewhere: "'init' applies to ef21-sgdm only"),
    ]

    /// η ∈ (0, 1], the weight of the new estimate in each worker's momentum.
    public var eta: Double
    public var compressor: AnyOracleStage
    public var start: Ef21Start

    public init(eta: Double, compressor: AnyOracleStage, start: Ef21Start = .compressed) {
        self.eta = eta
        self.compressor = compressor
        self.start = start
    }

    public init?(parameters p: inout ParameterReader) {
        let eta = p.double("eta", .between(0, 1, lowOpen: true), missing: "the worker momentum weight η ∈ (0, 1]; η = 1 is EF21")
        start = p.choice("init", default: Ef21Start.compressed, what: "EF21 start")
        guard let compressor = Ef21.readCompressor(&p, method: Self.name), let eta else { return nil }
        self.eta = eta
        self.compressor = compressor
    }

    /// η, in SGDM's convention (the weight of the new estimate).
    public var beta: Double { eta }
    public var randomness: String? { compressor.isRandom ? "random compressor" : nil }
    public var usesPermutation: Bool { type(of: compressor.stage).usesPermutation }

    public func makeRunner(_ setup: MethodSetup) -> any MethodRunning {
        Ef21Runner(compressor: compressor, start: start, momentum: eta, setup)
    }

    public func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws {
        try container.encode(compressor.name, forKey: MethodCodingKey("compressor"))
        try container.encode(start.rawValue, forKey: MethodCodingKey("initialization"))
        try container.encode(eta, forKey: MethodCodingKey("eta"))
    }

    public func reportFields(_ trace: MethodTrace) -> [String: ReportValue] {
        ["init": .text(start.rawValue), "compressor": .text(compressor.description), "eta": .number(eta)]
    }

    public func reportHeadline(_ trace: MethodTrace) -> String {
        ", η = \(fmt(eta)), compressor `\(compressor.name)`, init \(start.rawValue)"
    }
}

extension MethodKind {
    public static let ef21Sgdm = MethodKind(rawValue: "ef21-sgdm")
}
