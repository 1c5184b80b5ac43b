/// The registry of everything a problem file can name: oracle stages, methods, problem
/// families and bounds. The problem-file parser, `boundcheck list`, the docs tables and the
/// contract tests all read it; ``Catalog/standard`` holds the built-ins, and a user's package
/// adds its own plug-ins with `register` and starts the command line over the extended catalog.
///
/// (Skeleton: the plug-in protocols and registration are being filled in; until then the
/// loader ignores the catalog it is given.)
public struct Catalog: Sendable {
    public init() {}

    /// Every built-in plug-in.
    public static let standard = Catalog()
}
