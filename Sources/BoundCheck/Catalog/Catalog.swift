/// The registry of everything a problem file can name: oracle stages, methods, problem
/// families and bounds. The problem-file parser, `boundcheck list`, the docs tables and the
/// contract tests all read it; ``Catalog/standard`` holds the built-ins, and a user's package
/// adds its own plug-ins with `register` and starts the command line over the extended catalog.
///
/// (Skeleton: the plug-in protocols and registration are being filled in; until then the
/// loader ignores the catalog it is given.)
public struct Catalog: Sendable {
    public init() {}

    /// What the catalog is called ("standard" for the built-ins): for messages, and for tests
    /// that follow a catalog from the command line's entry point to the loader.
    public var name = "standard"

    /// Every built-in plug-in.
    public static let standard = Catalog()
}
