import Foundation

/// File-system failures as plain words ("permission denied", "no space left on device") for
/// one-sentence messages, instead of a raw NSError description.
public enum FileProblem {
    public static func cause(of error: Error) -> String {
        if let code = posixCode(of: error) { return String(cString: strerror(code)).lowercased() }
        if let error = error as? WorkStoreError { return error.description }
        let ns = error as NSError
        return "the file system refused (\(ns.domain) error \(ns.code))"
    }

    /// The POSIX error number behind a Foundation or POSIX error, if there is one.
    public static func posixCode(of error: Error) -> Int32? {
        if let e = error as? POSIXError { return e.code.rawValue }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return Int32(ns.code) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, let code = posixCode(of: underlying) { return code }
        guard ns.domain == NSCocoaErrorDomain else { return nil }
        switch CocoaError.Code(rawValue: ns.code) {
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteNoPermission, .fileReadNoPermission: return EACCES
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteFileExists: return EEXIST
        default: return nil
        }
    }
}
