/// A method with its step size settled: a fixed γ, or the theory step found from the bounds
/// (and which bound limited it).
public struct ResolvedMethod: Sendable, Equatable, Encodable {
    public var id: String
    public var kind: MethodKind
    /// The method's momentum weight (``Method/beta``): SGDM's β ∈ (0, 1], 1 for SGD, M-DSGD's β ∈ [0, 1).
    public var beta: Double
    /// γ (SGDM, SGD) or η (M-DSGD).
    public var gamma: Double
    /// How γ was chosen, e.g. "fixed" or "theory × 0.5: largest step allowed by F1 (binding)".
    public var stepRule: String
    /// The method with its parameters as the file sets them.
    public var settings: any Method

    public init(_ spec: MethodSpec, gamma: Double, stepRule: String) {
        id = spec.id
        kind = spec.kind
        beta = spec.beta
        self.gamma = gamma
        self.stepRule = stepRule
        settings = spec.settings
    }

    public static func == (a: ResolvedMethod, b: ResolvedMethod) -> Bool {
        a.id == b.id && a.kind == b.kind && a.beta == b.beta && a.gamma == b.gamma && a.stepRule == b.stepRule
            && a.settings.isEqual(to: b.settings)
    }

    /// The shared fields, then the method's own (``Method/encodeSettings(to:)``).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: MethodCodingKey.self)
        try container.encode(id, forKey: MethodCodingKey("id"))
        try container.encode(kind, forKey: MethodCodingKey("kind"))
        try container.encode(beta, forKey: MethodCodingKey("beta"))
        try container.encode(gamma, forKey: MethodCodingKey("gamma"))
        try container.encode(stepRule, forKey: MethodCodingKey("stepRule"))
        try settings.encodeSettings(to: &container)
    }

    /// The method's runner for one run at this step size.
    func makeRunner(instance: Instance) -> any MethodRunning {
        settings.makeRunner(MethodSetup(dimension: instance.dimension, workers: instance.workers, gamma: gamma,
                                        objective: instance.objective, environment: instance.oracleEnvironment))
    }
}
