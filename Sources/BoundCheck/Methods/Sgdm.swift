/// `sgdm`: stochastic gradient descent with heavy-ball momentum (docs/theory.md §2),
/// vᵏ = (1 − β)vᵏ⁻¹ + βgᵏ, xᵏ⁺¹ = xᵏ − γvᵏ, with the momentum kept on the server or on each
/// worker, started at zero or at the first estimate. Draws no random numbers of its own.
public struct Sgdm: Method {
    public static let name = "sgdm"
    public static let kind = MethodKind.sgdm
    public static let synopsis = "beta ∈ (0, 1], step, init: zero|first-gradient, momentum: server|worker"
    public static func isRandom(_ spec: MethodSpec) -> Bool { false }
}
