import CGSL

extension GSL {
    /// A root of `f` in `[lower, upper]` by Brent's method (`gsl_root_fsolver_brent`).
    ///
    /// `f(lower)` and `f(upper)` must have opposite signs (or one of them be zero). Converges
    /// when the bracket is narrower than `absoluteTolerance + relativeTolerance·|x|`.
    public static func findRoot(in lower: Double, _ upper: Double,
                                absoluteTolerance: Double = 0, relativeTolerance: Double = 1e-12,
                                maxIterations: Int = 200, context: String,
                                _ f: @escaping (Double) throws -> Double) throws -> Double {
        ensureInitialized()
        let box = FunctionBox(f)
        let fLower = box.call(lower), fUpper = box.call(upper)
        if let error = box.error { throw error }
        if fLower == 0 { return lower }
        if fUpper == 0 { return upper }
        guard fLower.isFinite, fUpper.isFinite, (fLower < 0) != (fUpper < 0) else {
            throw GSLError(status: nil, context: context,
                           reason: "no sign change on [\(lower), \(upper)] (f = \(fLower), \(fUpper))")
        }
        guard let solver = gsl_root_fsolver_alloc(boundcheck_root_fsolver_brent()) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_root_fsolver_free(solver) }
        return try box.withGSLFunction { function in
            try check(gsl_root_fsolver_set(solver, &function, lower, upper), context)
            for _ in 0..<maxIterations {
                try check(gsl_root_fsolver_iterate(solver), context)
                let lo = gsl_root_fsolver_x_lower(solver), hi = gsl_root_fsolver_x_upper(solver)
                let status = gsl_root_test_interval(lo, hi, absoluteTolerance, relativeTolerance)
                if status == Int32(GSL_SUCCESS) { return gsl_root_fsolver_root(solver) }
                if status != Int32(GSL_CONTINUE) { try check(status, context) }
            }
            throw GSLError(status: Int32(GSL_EMAXITER), context: context)
        }
    }
}
