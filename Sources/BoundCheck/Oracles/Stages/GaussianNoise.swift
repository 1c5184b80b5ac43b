/// `gaussian-noise: {variance: s²}` — u + ξ with ξ ~ N(0, (s²/d) I), so E‖ξ‖² = s².
///
/// Constants (docs/theory.md §5): ξ is independent of u with mean 0, so the bias is unchanged,
/// the noise grows by s² (σ² += s²) and the second moment by s² (Q += s²); no almost-sure norm
/// bound remains. Random when s² > 0.
public struct GaussianNoise: OracleStage {
    public static let name = "gaussian-noise"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{variance: s²}", action: "u + ξ, E‖ξ‖² = s²", randomness: "random (unless s² = 0)",
        constants: "σ² += s²")

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
        out.noiseSigma2 += variance
        out.secondQ += variance
        out.normBound = nil
        out.deterministic = false
        return out
    }

    /// The per-coordinate standard deviation √(s²/d).
    public func expressionParameters(dimension: Int) -> [(parameter: String, value: Double)] { [("variance", variance)] }

    public func makeState(environment: OracleEnvironment) -> Double {
        (variance / Double(environment.dimension)).squareRoot()
    }

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state s: inout Double, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        if s > 0 { rng.addGaussian(scale: s, to: u) }
    }
}

extension AnyOracleStage {
    public static func gaussianNoise(variance: Double) -> AnyOracleStage { AnyOracleStage(GaussianNoise(variance: variance)) }
}
