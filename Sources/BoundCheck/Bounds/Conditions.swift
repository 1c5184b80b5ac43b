/// Conditions shared by several catalog bounds.
enum Conditions {
    static let biasBelowOne = BoundCondition("A4 with m < 1 (m = declared bias constant)") { 1 - $0.m - 1e-15 }
    static let varianceAvailable = BoundCondition("A5 constants (M, σ²) available (relative noise needs m < ½)") {
        $0.constants["M"] == nil || $0.constants["sigma2"] == nil ? -1 : 1
    }
    static let plConstant = BoundCondition("A3: a PL constant μ > 0 is known for the family") { ($0.constants["mu"] ?? 0) > 0 ? 1 : -1 }
    static let exactOptimum = BoundCondition("f* known exactly (a gap bound is not valid with only a lower bound f_inf)") {
        $0.fstarExact || $0.constants.entries["fstar"]?.declared == true ? 1 : -1
    }
    static let zeroInit = BoundCondition("momentum buffer starts at v⁻¹ = 0 (init: zero)") {
        $0.method.initialization == MomentumInit.zero.rawValue ? 1 : -1
    }

    /// AS-1 and AS-2's step condition.
    static let plainSGDStep = BoundCondition("γ ≤ 1/(L(M+1))", limitsStep: true) { 1 - $0.L * $0.gamma * (M($0) + 1) }

    static func M(_ c: BoundContext) -> Double { c.constants["M"] ?? .nan }
    static func sigma2(_ c: BoundContext) -> Double { c.constants["sigma2"] ?? .nan }
    static func mu(_ c: BoundContext) -> Double { c.constants["mu"] ?? .nan }
}

extension MethodSpec {
    /// SGDM with β = 1 or SGD: plain biased SGD.
    var isPlainSGD: Bool { kind == .sgd || (kind == .sgdm && beta == 1) }
}
