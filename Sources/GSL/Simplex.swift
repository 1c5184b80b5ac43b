import CGSL

/// Carries a throwing Swift closure of a vector through GSL's `void *params` (as ``FunctionBox``
/// does for scalars); the first error thrown is kept, the callback then returns NaN, and the
/// error is rethrown once GSL returns.
final class VectorFunctionBox {
    let body: ([Double]) throws -> Double
    var error: Error?

    init(_ body: @escaping ([Double]) throws -> Double) { self.body = body }

    func call(_ v: UnsafePointer<gsl_vector>) -> Double {
        if error != nil { return .nan }
        let x = (0..<v.pointee.size).map { gsl_vector_get(v, $0) }
        do { return try body(x) } catch {
            self.error = error
            return .nan
        }
    }
}

extension GSL {
    /// Where a simplex search stopped.
    public struct SimplexMinimum: Sendable, Equatable {
        public let x: [Double]
        public let value: Double
        public let iterations: Int
        /// Whether the simplex shrank below the size tolerance (rather than running out of
        /// iterations or being stopped).
        public let converged: Bool
    }

    /// Minimizes `f` over ℝⁿ with the Nelder–Mead simplex of GSL (`gsl_multimin_fminimizer_nmsimplex2`),
    /// starting at `start` with initial steps `steps` (one per coordinate), until the simplex's
    /// size is below `sizeTolerance` or after `maxIterations` iterations.
    ///
    /// `f` may throw to stop the search early (a budget of evaluations spent): the error is
    /// rethrown. The search does not need `f` to be smooth or exact; for a noisy `f` keep track of
    /// the evaluations yourself, since the simplex's best vertex is only the best noisy value.
    public static func nelderMead(start: [Double], steps: [Double], sizeTolerance: Double = 1e-3, maxIterations: Int = 1000,
                                  context: String, _ f: @escaping ([Double]) throws -> Double) throws -> SimplexMinimum {
        ensureInitialized()
        let n = start.count
        precondition(n >= 1 && steps.count == n)
        guard let minimizer = gsl_multimin_fminimizer_alloc(boundcheck_multimin_nmsimplex2(), n) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_multimin_fminimizer_free(minimizer) }
        guard let x = gsl_vector_alloc(n), let ss = gsl_vector_alloc(n) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_vector_free(x); gsl_vector_free(ss) }
        for i in 0..<n { gsl_vector_set(x, i, start[i]); gsl_vector_set(ss, i, steps[i]) }
        let box = VectorFunctionBox(f)
        let unmanaged = Unmanaged.passRetained(box)
        defer { unmanaged.release() }
        var function = gsl_multimin_function(
            f: { v, params in
                Unmanaged<VectorFunctionBox>.fromOpaque(params!).takeUnretainedValue().call(v!)
            },
            n: n, params: unmanaged.toOpaque())
        func current() -> [Double] { (0..<n).map { gsl_vector_get(minimizer.pointee.x, $0) } }
        let status = gsl_multimin_fminimizer_set(minimizer, &function, x, ss)
        if let error = box.error { throw error }
        try check(status, context)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let status = gsl_multimin_fminimizer_iterate(minimizer)
            if let error = box.error { throw error }
            // GSL_ENOPROG: the simplex cannot improve (e.g. a flat region); stop where it is.
            if status == Int32(GSL_ENOPROG) { break }
            try check(status, context)
            let size = gsl_multimin_fminimizer_size(minimizer)
            if gsl_multimin_test_size(size, sizeTolerance) == Int32(GSL_SUCCESS) {
                return SimplexMinimum(x: current(), value: minimizer.pointee.fval, iterations: iterations, converged: true)
            }
        }
        return SimplexMinimum(x: current(), value: minimizer.pointee.fval, iterations: iterations, converged: false)
    }
}
