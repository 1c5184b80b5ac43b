/// Conditions shared by several catalog bounds.
enum Conditions {
    static let biasBelowOne = BoundCondition("A4 with m < 1 (m = declared bias constant)", unmet: { c in
        "needs the bias constant m < 1 (A4), but m = \(fmt(c.m)): the oracle's bias can be as large as the gradient itself"
    }) { 1 - $0.m - 1e-15 }
    static let varianceAvailable = BoundCondition("A5 constants (M, σ²) available (noise stated against ‖∇f‖² needs m < ½)",
                                                  unmet: varianceUnavailable) {
        $0.constants[.M] == nil || $0.constants[.sigma2] == nil ? -1 : 1
    }
    static let plConstant = BoundCondition("A3: a PL constant μ > 0 is known for the family", unmet: { _ in
        "needs a PL constant μ > 0 (A3), which the family does not have (declare `mu` under constants if one is known)"
    }) { ($0.constants[.mu] ?? 0) > 0 ? 1 : -1 }
    static let exactOptimum = BoundCondition("f* known exactly (a gap bound is not valid with only a lower bound f_inf)", unmet: { _ in
        "needs f* exactly, but the family only knows a lower bound f_inf, with which a gap bound is not valid (declare `fstar` if it is known)"
    }) {
        $0.fstarExact || $0.constants.entry(.fstar)?.declared == true ? 1 : -1
    }
    static let zeroInit = BoundCondition("momentum buffer starts at v⁻¹ = 0 (init: zero)", unmet: { _ in
        "needs the momentum buffer to start at v⁻¹ = 0 (init: zero), but the method uses init: first-gradient"
    }) {
        ($0.method.settings as? Sgdm)?.initialization == .firstGradient ? -1 : 1
    }

    /// Why A5's (M, σ²) do not exist, and what would make them exist (docs/theory.md §3).
    static let varianceUnavailable: @Sendable (BoundContext) -> String = { c in
        let Mf = c.constants[.Mf] ?? .nan
        var text = "needs A5 constants (M, σ²), which do not exist here: the oracle's noise is only bounded against ‖∇f‖² "
            + "(M_f = \(fmt(Mf))) and its bias constant m = \(fmt(c.m)) is not below ½, where the conversion to A5 fails (docs/theory.md §3)"
        if let delta = c.constants[.delta], delta < 1 {
            text += "; the compressor (δ = \(fmt(delta)), e.g. Top-K with k/d = \(fmt(delta))) applied to a noisy gradient causes both — "
                + "keeping more than half the coordinates (δ > ½), or adding the noise after the compressor, would make A5 available"
        }
        return text
    }

    /// AS-1 and AS-2's step condition.
    static let plainSGDStep = BoundCondition("γ ≤ 1/(L(M+1))", limitsStep: true) { 1 - $0.L * $0.gamma * (M($0) + 1) }

    static func M(_ c: BoundContext) -> Double { c.constants[.M] ?? .nan }
    static func sigma2(_ c: BoundContext) -> Double { c.constants[.sigma2] ?? .nan }
    static func mu(_ c: BoundContext) -> Double { c.constants[.mu] ?? .nan }
}

extension MethodSpec {
    /// SGDM with β = 1 or SGD: plain biased SGD.
    var isPlainSGD: Bool { kind == .sgd || (kind == .sgdm && beta == 1) }
}
