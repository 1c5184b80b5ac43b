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

extension Mdsgd {
    /// The sparsifier S as an oracle stage's kernel, built once per run: Top-K and scaled sign
    /// as their stages apply them, Rand-K unscaled (scale 1, δ = K/d in expectation: the
    /// error-feedback convention) rather than the Rand-K stage's unbiased d/K. The same kernels
    /// the oracle stages run, so the sparsified vectors are bitwise those of the stages.
    static func sparsifierKernel(_ method: ResolvedMethod, dimension: Int) -> any OracleStageRunning {
        let k = method.sparsifierK ?? dimension
        switch method.sparsifier {
        case SparsifierSpec.topK(k: 1).name: return OracleStageRunner(stage: TopK(k: k), state: ())
        case SparsifierSpec.randK(k: 1).name: return OracleStageRunner(stage: RandK(k: k), state: 1.0)
        default: return OracleStageRunner(stage: ScaledSign(), state: ())
        }
    }
}
