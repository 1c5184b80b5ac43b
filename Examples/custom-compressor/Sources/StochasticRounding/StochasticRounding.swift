import BoundCheck

/// `stochastic-rounding: {step: s}` — each coordinate rounded at random to the grid s·ℤ:
/// with ⌊uⱼ⌋ₛ = s·⌊uⱼ/s⌋ and pⱼ = (uⱼ − ⌊uⱼ⌋ₛ)/s ∈ [0, 1), uⱼ becomes ⌊uⱼ⌋ₛ + s with
/// probability pⱼ and ⌊uⱼ⌋ₛ otherwise.
///
/// Declared constants. Given the input u the output is u + r with
/// E[rⱼ | u] = pⱼ(s − s pⱼ) + (1 − pⱼ)(−s pⱼ) = 0, so the stage is unbiased: the bias (m, ζ²)
/// passes through unchanged. Each coordinate's error has variance s² pⱼ(1 − pⱼ) ≤ s²/4, and the
/// coordinates are rounded independently, so E[‖r‖² | u] ≤ d s²/4 whatever u is: the noise
/// grows by σ² += d s²/4 with nothing proportional to ‖∇fᵢ‖² (M stays as it was, M = 0 for
/// an exact input), and since r has mean zero given u, E‖u + r‖² = E‖u‖² + E‖r‖², so the
/// second moment grows by Q += d s²/4. Almost surely |rⱼ| < s, so a norm bound grows by √d·s.
/// The stage is random.
public struct StochasticRounding: OracleStage {
    public static let name = "stochastic-rounding"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{step: s}", action: "each entry rounded at random to the grid sℤ (unbiased)",
        randomness: "random", constants: "σ² += d s²/4, Q += d s²/4")

    public var step: Double

    public init(step: Double) { self.step = step }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["step"]), let step = p.double("step", .positive) else { return nil }
        self.step = step
    }

    public var isRandom: Bool { true }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        let d = Double(environment.dimension)
        let rounding = d * step * step / 4
        var out = input
        out.noiseSigma2 += rounding
        out.secondQ += rounding
        out.normBound = input.normBound.map { $0 + d.squareRoot() * step }
        out.deterministic = false
        return out
    }

    public func makeState(environment: OracleEnvironment) {}

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        for j in 0..<u.count {
            let lower = (u[j] / step).rounded(.down) * step
            let p = (u[j] - lower) / step
            u[j] = rng.nextUniform() < p ? lower + step : lower
        }
    }
}

extension Catalog {
    /// BoundCheck's built-ins and `stochastic-rounding`.
    public static var withStochasticRounding: Catalog {
        var catalog = Catalog.standard
        catalog.register(StochasticRounding.self)
        return catalog
    }
}
