/// The names of the constants bounds and expressions read (docs/problem-files.md, "The
/// expression language"), in the fixed order reports list them. The raw value is the
/// expression-variable spelling (`sigma2` for σ²), the key of ``ConstantTable/entries`` and of
/// the JSON report's constants.
public enum ConstantName: String, CaseIterable, Codable, Sendable {
    /// A2: smoothness.
    case L
    /// A3: the PL constant μ.
    case mu
    /// A1: f*, or a lower bound f_inf.
    case fstar
    /// f(x⁰) − f*.
    case D0
    /// A6: heterogeneity (1/n) Σᵢ ‖∇fᵢ‖² ≤ B²‖∇f‖² + G².
    case B2, G2
    /// The dimension and the number of workers.
    case d, n
    /// A4: bias ‖h − ∇f‖² ≤ m‖∇f‖² + ζ².
    case m, zeta2
    /// A5: variance E‖g − h‖² ≤ M‖h‖² + σ².
    case M, sigma2
    /// The noise against ‖∇f‖² before the A5 conversion.
    case Mf, sigmaf2
    /// The compressor's contraction δ and the clipping threshold τ.
    case delta, tau
    /// E‖gᵢ‖² bound from bounded gradients.
    case Gmax2
}
