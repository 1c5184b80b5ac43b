/// `mdsgd`: momentum distributed SGD with error feedback (docs/theory.md §2): each worker keeps
/// its momentum uᵢ and a memory mᵢ, sends a sparsified S(mᵢ + uᵢ) and keeps the rest. Random
/// when its sparsifier is Rand-K.
public struct Mdsgd: Method {
    public static let name = "mdsgd"
    public static let kind = MethodKind.mdsgd
    public static let synopsis = "beta ∈ [0, 1), step (η), sparsifier: {top-k|rand-k: {k}} | scaled-sign, variant: local|global"
    public static func isRandom(_ spec: MethodSpec) -> Bool {
        if case .randK = spec.sparsifier { return true }
        return false
    }
}
