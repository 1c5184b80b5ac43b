/// `sgd`: plain stochastic gradient descent, xᵏ⁺¹ = xᵏ − γgᵏ (SGDM with β = 1). Draws no random
/// numbers of its own.
public struct Sgd: Method {
    public static let name = "sgd"
    public static let kind = MethodKind.sgd
    public static let synopsis = "step (β = 1)"
    public static func isRandom(_ spec: MethodSpec) -> Bool { false }
}
