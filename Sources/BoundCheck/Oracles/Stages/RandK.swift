/// `rand-k: {k: K} | {fraction: f}` — keeps K coordinates chosen uniformly without replacement,
/// scaled by d/K, and zeroes the rest (`Compressors.randK(_:k:scale:permutation:scratch:rng:)`).
///
/// Constants (docs/theory.md §5): each coordinate is kept with probability K/d and then scaled
/// by d/K, so E[C(u) | u] = u (unbiased) and E‖C(u)‖² = (d/K)‖u‖²: the noise grows by
/// (d/K − 1) E‖u‖² (M_f += (d/K − 1)P, σ² += (d/K − 1)Q), the second moment is multiplied by
/// d/K and a norm bound by d/K. Random.
public struct RandK: OracleStage {
    public static let name = "rand-k"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{k: K} | {fraction: f}", action: "K random entries scaled by d/K (unbiased)",
        randomness: "random", constants: "M_f += (d/K − 1)P, σ² += (d/K − 1)Q")
    public static let usesPermutation = true

    public var k: Int

    public init(k: Int) { self.k = k }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["k", "fraction"]), let k = p.coordinateCount() else { return nil }
        self.k = k
    }

    public var isRandom: Bool { true }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        let factor = Double(environment.dimension) / Double(k)
        var out = input
        out.noiseM += (factor - 1) * input.secondP
        out.noiseSigma2 += (factor - 1) * input.secondQ
        out.secondP *= factor
        out.secondQ *= factor
        out.normBound = input.normBound.map { $0 * factor }
        out.deterministic = false
        return out
    }

    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [("k", Double(k))] }

    /// K/d: the unscaled compressor (K/d)·C(u), which keeps K random entries as they are,
    /// satisfies E‖(K/d)C(u) − u‖² = (1 − K/d)‖u‖² — a contraction in expectation only, so the
    /// bounds get no δ from this stage; expressions may read it as `delta`.
    public func expectedContraction(dimension: Int) -> Double? { Double(k) / Double(dimension) }

    /// The scale d/K.
    public func makeState(environment: OracleEnvironment) -> Double { Double(environment.dimension) / Double(k) }

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state scale: inout Double, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        Compressors.randK(u, k: k, scale: scale, permutation: workspace.permutation, scratch: workspace.scratch, rng: &rng)
    }
}

extension AnyOracleStage {
    public static func randK(k: Int) -> AnyOracleStage { AnyOracleStage(RandK(k: k)) }
}
