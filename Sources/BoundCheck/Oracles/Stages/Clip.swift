/// `clip: {tau: τ, constants: relative|absolute}` — min{1, τ/‖u‖}·u (`Compressors.clip(_:tau:)`).
///
/// Constants (docs/theory.md §5), for a deterministic input with ‖g‖ ≤ G (hence the rules below:
/// bounded gradients, and no random stage before it): ‖clip(g) − g‖ = (‖g‖ − τ)₊, which is
/// ≤ (1 − τ/G)₊‖g‖ (the `relative` rule: bias m += (1 − τ/G)₊² P, with ζ² from Q) or ≤ (G − τ)₊
/// (the `absolute` rule: ζ² += (G − τ)₊²). The output's norm is ≤ min(G, τ). Declares τ.
/// Deterministic.
public struct Clip: OracleStage {
    public static let name = "clip"
    public static let synopsis = OracleStageSynopsis(
        parameters: "{tau: τ, constants: relative|absolute}", action: "min{1, τ/‖u‖}·u", randomness: "deterministic",
        constants: "τ; m = (1 − τ/G)₊² or ζ² = (G − τ)₊²")
    public static let providedVariables: [OracleStageVariable] = [.tau]

    /// Which of clipping's two valid constant choices to declare.
    public enum Rule: String, Sendable, Equatable, CaseIterable {
        /// m = (1 − τ/G_max)², ζ² = 0.
        case relative
        /// m = 0, ζ² = (G_max − τ)².
        case absolute
    }

    public var tau: Double
    public var rule: Rule

    public init(tau: Double, rule: Rule = .relative) {
        self.tau = tau
        self.rule = rule
    }

    public init?(parameters p: inout ParameterReader) {
        guard p.keys(["tau", "constants"]), let tau = p.double("tau", .positive) else { return nil }
        self.tau = tau
        rule = p.choice("constants", default: Rule.relative, what: "clipping constants")
    }

    public var isRandom: Bool { false }

    public func placementProblems(_ placement: StagePlacement) -> [String] {
        guard let family = placement.family else { return [] }
        if !family.guarantees.boundedGradients {
            return ["clipping's constants need bounded gradients (‖∇fᵢ‖ ≤ G_max), which family \(family.name) does not have; use rational, logistic-ncvx or composite"]
        }
        if placement.randomBefore {
            return ["clipping's constants need a bounded input, so clip must come before any random stage (noise, rand-k, composite)"]
        }
        return []
    }

    public func propagate(_ input: EstimateBounds, worker: Int, environment: OracleEnvironment) -> EstimateBounds {
        var out = input
        // The placement rules guarantee a deterministic, bounded input.
        let g = input.normBound ?? .infinity
        switch rule {
        case .relative:
            let shrink = max(0, 1 - tau / g)
            out.addBias(m: shrink * shrink * input.secondP, zeta2: shrink * shrink * input.secondQ)
        case .absolute:
            let excess = max(0, g - tau)
            out.addBias(m: 0, zeta2: excess * excess)
        }
        out.normBound = min(g, tau)
        return out
    }

    public func declaredConstants(dimension: Int) -> OracleStageConstants { OracleStageConstants(tau: tau) }

    public func makeState(environment: OracleEnvironment) {}

    public func apply(_ u: UnsafeMutableBufferPointer<Double>, state: inout Void, workspace: StageWorkspace,
                      rng: inout RandomStream) {
        Compressors.clip(u, tau: tau)
    }
}

/// Clipping's constant rule (``Clip/Rule``).
public typealias ClipRule = Clip.Rule

extension AnyOracleStage {
    public static func clip(tau: Double, rule: ClipRule) -> AnyOracleStage { AnyOracleStage(Clip(tau: tau, rule: rule)) }
}
