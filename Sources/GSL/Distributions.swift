import CGSL

extension GSL {
    /// The `p`-quantile of Student's t distribution with `degreesOfFreedom` (`gsl_cdf_tdist_Pinv`).
    public static func studentTQuantile(_ p: Double, degreesOfFreedom: Double) throws -> Double {
        ensureInitialized()
        guard p > 0, p < 1, degreesOfFreedom > 0 else {
            throw GSLError(status: Int32(GSL_EDOM), context: "Student-t quantile p=\(p), ν=\(degreesOfFreedom)")
        }
        return try finite(gsl_cdf_tdist_Pinv(p, degreesOfFreedom),
                          "Student-t quantile p=\(p), ν=\(degreesOfFreedom)")
    }

    /// P(T ≤ t) for Student's t with `degreesOfFreedom` (`gsl_cdf_tdist_P`).
    public static func studentTCDF(_ t: Double, degreesOfFreedom: Double) -> Double {
        ensureInitialized()
        return gsl_cdf_tdist_P(t, degreesOfFreedom)
    }

    /// The `p`-quantile of the standard normal distribution (`gsl_cdf_ugaussian_Pinv`).
    public static func normalQuantile(_ p: Double) throws -> Double {
        ensureInitialized()
        guard p > 0, p < 1 else {
            throw GSLError(status: Int32(GSL_EDOM), context: "normal quantile p=\(p)")
        }
        return try finite(gsl_cdf_ugaussian_Pinv(p), "normal quantile p=\(p)")
    }

    /// P(Z ≤ z) for the standard normal distribution (`gsl_cdf_ugaussian_P`).
    public static func normalCDF(_ z: Double) -> Double {
        ensureInitialized()
        return gsl_cdf_ugaussian_P(z)
    }
}
