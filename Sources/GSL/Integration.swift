import CGSL

extension GSL {
    /// An integral with GSL's error estimate.
    public struct Integral: Equatable, Sendable {
        public let value: Double
        public let absoluteError: Double
    }

    /// ∫ f over the whole real line (`gsl_integration_qagi`).
    public static func integrateOverReals(absoluteTolerance: Double = 1e-12,
                                          relativeTolerance: Double = 1e-10,
                                          context: String,
                                          _ f: @escaping (Double) throws -> Double) throws -> Integral {
        try integrate(context: context, f) { function, workspace, limit, value, error in
            gsl_integration_qagi(&function, absoluteTolerance, relativeTolerance, limit, workspace, &value, &error)
        }
    }

    /// ∫ₐᵇ f (`gsl_integration_qags`, adaptive with singularity handling).
    public static func integrate(from a: Double, to b: Double,
                                 absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-10,
                                 context: String,
                                 _ f: @escaping (Double) throws -> Double) throws -> Integral {
        try integrate(context: context, f) { function, workspace, limit, value, error in
            gsl_integration_qags(&function, a, b, absoluteTolerance, relativeTolerance, limit, workspace, &value, &error)
        }
    }

    private static func integrate(
        context: String, _ f: @escaping (Double) throws -> Double,
        rule: (inout gsl_function, UnsafeMutablePointer<gsl_integration_workspace>, Int,
               inout Double, inout Double) -> Int32
    ) throws -> Integral {
        ensureInitialized()
        let limit = 1000
        guard let workspace = gsl_integration_workspace_alloc(limit) else {
            throw GSLError(status: Int32(GSL_ENOMEM), context: context)
        }
        defer { gsl_integration_workspace_free(workspace) }
        return try FunctionBox(f).withGSLFunction { function in
            var value = 0.0, error = 0.0
            try check(rule(&function, workspace, limit, &value, &error), context)
            return Integral(value: try finite(value, context), absoluteError: error)
        }
    }
}
