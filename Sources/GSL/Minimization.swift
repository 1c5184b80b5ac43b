import CGSL

extension GSL {
    /// The result of a one-dimensional minimization.
    public struct Minimum: Equatable, Sendable {
        public let x: Double
        public let value: Double
    }

    /// A local minimum of `f` in `[lower, upper]` by Brent's method
    /// (`gsl_min_fminimizer_brent`), started at `guess`.
    ///
    /// GSL requires `f(guess) < f(lower)` and `f(guess) < f(upper)`; use
    /// ``minimizeOnGrid(in:_:gridPoints:context:_:)`` when no such guess is known.
    public static func minimize(in lower: Double, _ upper: Double, guess: Double,
                                absoluteTolerance: Double = 1e-10, relativeTolerance: Double = 1e-7,
                                maxIterations: Int = 500, context: String,
                                _ f: @escaping (Double) throws -> Double) throws -> Minimum {
        ensureInitialized()
        let box = FunctionBox(f)
        guard let minimizer = gsl_min_fminimizer_alloc(boundcheck_min_fminimizer_brent()) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_min_fminimizer_free(minimizer) }
        return try box.withGSLFunction { function in
            try check(gsl_min_fminimizer_set(minimizer, &function, guess, lower, upper), context)
            for _ in 0..<maxIterations {
                try check(gsl_min_fminimizer_iterate(minimizer), context)
                let lo = gsl_min_fminimizer_x_lower(minimizer), hi = gsl_min_fminimizer_x_upper(minimizer)
                let status = gsl_min_test_interval(lo, hi, absoluteTolerance, relativeTolerance)
                if status == Int32(GSL_SUCCESS) {
                    return Minimum(x: gsl_min_fminimizer_x_minimum(minimizer),
                                   value: gsl_min_fminimizer_f_minimum(minimizer))
                }
                if status != Int32(GSL_CONTINUE) { try check(status, context) }
            }
            throw GSLError(status: Int32(GSL_EMAXITER), context: context)
        }
    }

    /// The global minimum of `f` on `[lower, upper]`, located on an evenly spaced grid and then
    /// refined by ``minimize(in:_:guess:absoluteTolerance:relativeTolerance:maxIterations:context:_:)``
    /// on the grid cell around the best point. A minimum at an end of the interval is returned
    /// as found on the grid (Brent needs an interior bracket).
    public static func minimizeOnGrid(in lower: Double, _ upper: Double, gridPoints: Int = 2001,
                                      context: String,
                                      _ f: @escaping (Double) throws -> Double) throws -> Minimum {
        precondition(gridPoints >= 3 && upper > lower)
        let h = (upper - lower) / Double(gridPoints - 1)
        var best = 0
        var bestValue = Double.infinity
        for i in 0..<gridPoints {
            let v = try f(lower + Double(i) * h)
            if v < bestValue { bestValue = v; best = i }
        }
        guard bestValue.isFinite else {
            throw GSLError(status: nil, context: context, reason: "objective is not finite on the grid")
        }
        if best == 0 || best == gridPoints - 1 {
            return Minimum(x: lower + Double(best) * h, value: bestValue)
        }
        let guess = lower + Double(best) * h
        let refined = try minimize(in: guess - h, guess + h, guess: guess, context: context, f)
        return refined.value <= bestValue ? refined : Minimum(x: guess, value: bestValue)
    }
}
