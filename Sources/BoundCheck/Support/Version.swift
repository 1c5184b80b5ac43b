import GSL

/// The tool's version, for `boundcheck --version` and report provenance.
public enum BoundCheckVersion {
    /// Semantic version of the package.
    public static let number = "0.1.0"

    /// "boundcheck 0.1.0 (commit abc1234, GSL 2.7.1)": the version, the git commit the tool
    /// records in report provenance, and the GSL library it runs against.
    public static func line(commit: String) -> String {
        "boundcheck \(number) (commit \(commit), GSL \(GSL.version))"
    }
}
