import CGSL

/// GSL special functions by name, for the expression language. Each uses the `_e` form so a
/// domain or overflow error becomes a ``GSLError`` instead of a silent NaN.
extension GSL {
    /// A special function of one argument.
    public struct SpecialFunction: Sendable {
        public let name: String
        public let summary: String
        let evaluate: @Sendable (Double) -> (status: Int32, value: Double)

        public func callAsFunction(_ x: Double) throws -> Double {
            GSL.ensureInitialized()
            let (status, value) = evaluate(x)
            try GSL.check(status, "\(name)(\(x))")
            return try GSL.finite(value, "\(name)(\(x))")
        }
    }

    private static func wrap(_ name: String, _ summary: String,
                             _ f: @escaping @Sendable (Double, UnsafeMutablePointer<gsl_sf_result>) -> Int32) -> SpecialFunction {
        SpecialFunction(name: name, summary: summary) { x in
            var result = gsl_sf_result()
            let status = f(x, &result)
            return (status, result.val)
        }
    }

    /// Every special function the expression language offers, by name.
    public static let specialFunctions: [String: SpecialFunction] = {
        let list: [SpecialFunction] = [
            wrap("erf", "error function erf(x)", gsl_sf_erf_e),
            wrap("erfc", "complementary error function 1 − erf(x)", gsl_sf_erfc_e),
            wrap("lambert_w0", "principal branch W₀ of Lambert's W", gsl_sf_lambert_W0_e),
            wrap("lambert_wm1", "secondary branch W₋₁ of Lambert's W", gsl_sf_lambert_Wm1_e),
            wrap("gamma", "Γ(x)", gsl_sf_gamma_e),
            wrap("lngamma", "log |Γ(x)|", gsl_sf_lngamma_e),
            wrap("digamma", "ψ(x) = Γ'(x)/Γ(x)", gsl_sf_psi_e),
            wrap("zeta", "Riemann ζ(s)", gsl_sf_zeta_e),
            wrap("expint_e1", "exponential integral E₁(x)", gsl_sf_expint_E1_e),
            wrap("log1p", "log(1 + x), accurate near 0", gsl_sf_log_1plusx_e),
            wrap("expm1", "exp(x) − 1, accurate near 0", gsl_sf_expm1_e),
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()
}
