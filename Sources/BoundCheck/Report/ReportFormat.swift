/// The report formats of `check` and `merge` (`--format`); ``ReportSet/formats`` holds their
/// names.
public enum ReportFormat: String, CaseIterable, Sendable, Comparable {
    /// A Markdown page per problem file with its plots, and index.md.
    case md
    /// A JSON report per problem file.
    case json
    /// junit.xml.
    case junit
    /// summary.md, for a CI step summary.
    case summary
    /// Workflow-command annotations on standard output (nothing is written to the folder).
    case github

    public static func < (a: ReportFormat, b: ReportFormat) -> Bool { a.rawValue < b.rawValue }
}
