import CGSL

extension GSL {
    /// The least-squares line y ≈ intercept + slope·x (`gsl_fit_linear`) with the standard
    /// error of the slope and the residual sum of squares.
    public struct LinearFit: Equatable, Sendable {
        public let intercept: Double
        public let slope: Double
        public let slopeStandardError: Double
        public let residualSumOfSquares: Double
    }

    public static func linearFit(x: [Double], y: [Double], context: String) throws -> LinearFit {
        ensureInitialized()
        guard x.count == y.count, x.count >= 2 else {
            throw GSLError(status: Int32(GSL_EINVAL), context: context)
        }
        var c0 = 0.0, c1 = 0.0, cov00 = 0.0, cov01 = 0.0, cov11 = 0.0, sumsq = 0.0
        let status = x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                gsl_fit_linear(xs.baseAddress, 1, ys.baseAddress, 1, x.count,
                               &c0, &c1, &cov00, &cov01, &cov11, &sumsq)
            }
        }
        try check(status, context)
        return LinearFit(intercept: try finite(c0, context), slope: try finite(c1, context),
                         slopeStandardError: cov11.isFinite ? cov11.squareRoot() : .nan,
                         residualSumOfSquares: sumsq)
    }
}
