/// `relative-noise: {variance: s²}` — u ⊙ (1 + ε) with εⱼ ~ N(0, s²) independent.
///
/// Constants (docs/theory.md §5): unbiased given u; E‖u ⊙ ε‖² = s² ‖u‖², so with E‖u‖² ≤ P x + Q
/// (x = ‖∇fᵢ‖²) the noise grows by s²(P x + Q) (M_f += s²P, σ² += s²Q) and the second moment is
/// multiplied by 1 + s². Random when s² > 0.
public struct RelativeNoise: OracleStage {
    public static let name = "relative-noise"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{variance: s²}", action: "u ⊙ (1 + ε), ε ~ N(0, s²)", randomness: "random (unless s² = 0)",
        constants: "M_f += s²P, σ² += s²Q")

    public var variance: Double

    public init(variance: Double) { self.variance = variance }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["variance"]), let v = p.double("variance", .nonNegative) else { return nil }
        variance = v
    }

    public var isRandom: Bool { variance > 0 }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        guard variance > 0 else { return input }
        var out = input
        out.noiseM += variance * input.secondP
        out.noiseSigma2 += variance * input.secondQ
        out.secondP *= 1 + variance
        out.secondQ *= 1 + variance
        out.normBound = nil
        out.deterministic = false
        return out
    }

    /// The standard deviation s.
    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [("variance", variance)] }

    public func makeState(environment: OracleEnvironment) -> Double { variance.squareRoot() }

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state s: inout Double, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        if s > 0 { rng.multiplyGaussian(scale: s, u) }
    }
}

extension AnyOracleStage {
    public static func relativeNoise(variance: Double) -> AnyOracleStage { AnyOracleStage(RelativeNoise(variance: variance)) }
}
