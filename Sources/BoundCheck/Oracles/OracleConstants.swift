/// The oracle's declared constants for the aggregated estimate g = (1/n) Σᵢ gᵢ (docs/theory.md §3):
/// A4 bias (m, ζ²) and A5 affine variance (M, σ²), derived from the per-worker
/// ``EstimateBounds`` and the problem's heterogeneity (B², G²).
public struct OracleConstants: Codable, Equatable, Sendable {
    /// A4: ‖h − ∇f‖² ≤ m‖∇f‖² + ζ².
    public var m: Double
    public var zeta2: Double
    /// A5: E‖g − h‖² ≤ M‖h‖² + σ²; nil when noise is relative (M_f > 0), ζ > 0 and m ≥ ½,
    /// where no conversion applies (docs/bounds.md).
    public var M: Double?
    public var sigma2: Double?
    /// The noise bound against ‖∇f‖² before conversion: E‖g − h‖² ≤ M_f‖∇f‖² + σ_f².
    public var Mf: Double
    public var sigmaf2: Double
    /// No stage draws random numbers: every seed gives the same run.
    public var deterministic: Bool
    /// Per worker: E‖gᵢ‖² ≤ P‖∇fᵢ‖² + Q, and a.s. norm bounds where known.
    public var secondMomentBound: Double?
    /// Clipping threshold τ, when the pipeline clips.
    public var tau: Double?
    /// Contraction factor δ of the pipeline's compressor, when it has one.
    public var delta: Double?
    /// How each number was obtained.
    public var how: [String: String]

    /// Combines per-worker bounds (docs/theory.md §3): biases average, so
    /// (1/n) Σ ‖bᵢ‖² ≤ max mᵢ (B²‖∇f‖² + G²) + (1/n) Σ ζᵢ²; independent zero-mean noises average,
    /// so E‖(1/n) Σ (gᵢ − hᵢ)‖² = (1/n²) Σ E‖gᵢ − hᵢ‖² ≤ (max M_f,i / n)(B²‖∇f‖² + G²) + (1/n²) Σ σᵢ².
    /// Then A5 against ‖h‖²: with ζ = 0, M = M_f/(1 − √m)², σ² = σ_f² (M = M_f when unbiased);
    /// with ζ > 0, M = 2M_f/(1 − 2m), σ² = σ_f² + 2M_f ζ²/(1 − 2m), needing m < ½.
    public static func aggregate(_ workers: [EstimateBounds], B2: Double, G2: Double,
                                 workerGradientBounds: [Double]?, stages: [AnyOracleStage], dimension d: Int) -> OracleConstants {
        let n = Double(workers.count)
        let mMax = workers.map(\.biasM).max() ?? 0
        let zetaMean = workers.map(\.biasZeta2).reduce(0, +) / n
        let m = mMax * B2
        let zeta2 = mMax * G2 + zetaMean
        let mfMax = workers.map(\.noiseM).max() ?? 0
        let Mf = mfMax * B2 / n
        let sigmaf2 = mfMax * G2 / n + workers.map(\.noiseSigma2).reduce(0, +) / (n * n)
        var how: [String: String] = [
            "m": "max per-worker m (\(fmt(mMax))) × B²",
            "zeta2": "max per-worker m × G² + mean per-worker ζ²",
        ]
        var M: Double?, sigma2: Double?
        if Mf == 0 {
            M = 0
            sigma2 = sigmaf2
            how["M"] = "no relative noise"
            how["sigma2"] = "(1/n²) Σ per-worker σᵢ² (independent worker noise averages)"
        } else if zeta2 == 0 && m < 1 {
            // ‖b‖ ≤ √m‖∇f‖ gives ‖∇f‖ ≤ ‖h‖/(1 − √m), the tightest conversion (exact at m = 0).
            let r = 1 - m.squareRoot()
            M = Mf / (r * r)
            sigma2 = sigmaf2
            how["M"] = m == 0 ? "M_f = \(fmt(Mf)) (unbiased: h = ∇f, so noise against ‖∇f‖² is noise against ‖h‖²)"
                : "M_f/(1 − √m)² with M_f = \(fmt(Mf)) (noise stated against ‖∇f‖², ζ = 0; docs/bounds.md)"
            how["sigma2"] = "σ_f² (ζ = 0: nothing to add)"
        } else if m < 0.5 {
            M = 2 * Mf / (1 - 2 * m)
            sigma2 = sigmaf2 + 2 * Mf * zeta2 / (1 - 2 * m)
            how["M"] = "2M_f/(1 − 2m) with M_f = \(fmt(Mf)) (noise stated against ‖∇f‖², ζ > 0; docs/bounds.md)"
            how["sigma2"] = "σ_f² + 2M_f ζ²/(1 − 2m)"
        } else {
            how["M"] = "unavailable: relative noise with ζ > 0 and m ≥ ½ (the conversion needs m < ½)"
        }
        var secondMoment: Double?
        if let bounds = workerGradientBounds {
            secondMoment = zip(workers, bounds).map { $0.secondP * $1 * $1 + $0.secondQ }.max()
            how["G2-second-moment"] = "max over workers of P·G_max,i² + Q"
        }
        var tau: Double?, delta: Double?
        for stage in stages {
            let declared = stage.stage.declaredConstants(dimension: d)
            if let t = declared.tau { tau = t }
            if let δ = declared.delta { delta = δ }
        }
        return OracleConstants(m: m, zeta2: zeta2, M: M, sigma2: sigma2, Mf: Mf, sigmaf2: sigmaf2,
                               deterministic: workers.allSatisfy(\.deterministic), secondMomentBound: secondMoment,
                               tau: tau, delta: delta, how: how)
    }
}

func fmt(_ v: Double) -> String {
    if v == 0 { return "0" }
    if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
    let a = abs(v)
    if a >= 1e-3 && a < 1e5 {
        var s = String(format: "%.4g", v)
        if s.contains("e") { s = String(format: "%.3e", v) }
        return s
    }
    return String(format: "%.3e", v)
}

import Foundation
