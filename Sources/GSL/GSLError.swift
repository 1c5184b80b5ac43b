import CGSL

/// A GSL call that did not succeed, with what BoundCheck was computing when it failed.
///
/// GSL's default error handler aborts the process. BoundCheck switches it off before the first
/// call (see ``GSL/ensureInitialized()``) and turns every non-zero status into this error, so a
/// failing computation reports *which* constant or bound it was for instead of crashing.
public struct GSLError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The GSL status code (`GSL_EDOM`, `GSL_EMAXITER`, …), or `nil` for a failure detected on
    /// the Swift side (a non-finite result, an empty bracket).
    public let status: Int32?
    /// What was being computed, e.g. "largest admissible step of F1".
    public let context: String
    /// GSL's own words for the status, or the Swift-side reason.
    public let reason: String

    public init(status: Int32?, context: String, reason: String) {
        self.status = status
        self.context = context
        self.reason = reason
    }

    init(status: Int32, context: String) {
        self.init(status: status, context: context, reason: String(cString: gsl_strerror(status)))
    }

    public var description: String {
        if let status { return "GSL error \(status) (\(reason)) while computing \(context)" }
        return "GSL computation failed (\(reason)) while computing \(context)"
    }
}

/// Namespace for the Swift face of GSL.
public enum GSL {
    private static let initialized: Bool = {
        gsl_set_error_handler_off()
        return true
    }()

    /// Switches GSL's abort-on-error handler off. Every wrapper calls this first, so using any
    /// of them is enough; calling it again is free.
    @inline(__always)
    public static func ensureInitialized() {
        _ = initialized
    }

    /// The GSL library version the binary runs against (for report provenance).
    public static var version: String {
        String(cString: boundcheck_gsl_version())
    }

    /// Throws ``GSLError`` when `status` is not `GSL_SUCCESS`.
    @inline(__always)
    static func check(_ status: Int32, _ context: @autoclosure () -> String) throws {
        if status != Int32(GSL_SUCCESS) { throw GSLError(status: status, context: context()) }
    }

    /// Throws when `value` is not finite: GSL functions without a status argument signal errors
    /// by returning NaN once the handler is off.
    @inline(__always)
    static func finite(_ value: Double, _ context: @autoclosure () -> String) throws -> Double {
        guard value.isFinite else {
            throw GSLError(status: nil, context: context(), reason: "result is \(value)")
        }
        return value
    }
}
