import CGSL

/// Carries a throwing Swift closure through GSL's `void *params` so it can be called from the
/// C callback; the first error thrown is kept and rethrown once GSL returns.
final class FunctionBox {
    let body: (Double) throws -> Double
    var error: Error?

    init(_ body: @escaping (Double) throws -> Double) { self.body = body }

    func call(_ x: Double) -> Double {
        if error != nil { return .nan }
        do { return try body(x) } catch {
            self.error = error
            return .nan
        }
    }

    /// Runs `work` with a `gsl_function` that calls this box.
    func withGSLFunction<R>(_ work: (inout gsl_function) throws -> R) throws -> R {
        let unmanaged = Unmanaged.passRetained(self)
        defer { unmanaged.release() }
        var function = gsl_function(
            function: { x, params in
                Unmanaged<FunctionBox>.fromOpaque(params!).takeUnretainedValue().call(x)
            },
            params: unmanaged.toOpaque()
        )
        let result = try work(&function)
        if let error { throw error }
        return result
    }
}
