/// A method with its step size settled: a fixed γ, or the theory step found from the bounds
/// (and which bound limited it).
public struct ResolvedMethod: Sendable, Equatable, Codable {
    public var id: String
    public var kind: MethodKind
    /// SGDM: β ∈ (0, 1]. SGD: 1. M-DSGD: its momentum β ∈ [0, 1).
    public var beta: Double
    /// γ (SGDM, SGD) or η (M-DSGD).
    public var gamma: Double
    /// How γ was chosen, e.g. "fixed" or "theory × 0.5: largest step allowed by F1 (binding)".
    public var stepRule: String
    public var initialization: MomentumInit
    public var placement: MomentumPlacement
    public var sparsifier: String?
    public var sparsifierK: Int?
    public var variant: MDSGDMomentum?

    public init(_ spec: MethodSpec, gamma: Double, stepRule: String) {
        id = spec.id
        kind = spec.kind
        beta = spec.kind == .sgd ? 1 : spec.beta
        self.gamma = gamma
        self.stepRule = stepRule
        initialization = spec.initialization
        placement = spec.placement
        sparsifier = spec.sparsifier?.name
        switch spec.sparsifier {
        case .topK(let k), .randK(let k): sparsifierK = k
        default: sparsifierK = nil
        }
        variant = spec.kind == .mdsgd ? spec.mdsgdMomentum : nil
    }
}

// Encoded as their words (as the problem file writes them), like the strings they replace.
extension MethodKind: Codable {}
extension MomentumInit: Codable {}
extension MomentumPlacement: Codable {}
extension MDSGDMomentum: Codable {}
