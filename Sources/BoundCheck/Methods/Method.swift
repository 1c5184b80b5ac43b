/// A training method a problem file's `methods:` list can name (`method: sgdm`), registered in a
/// ``Catalog`` with ``Catalog/register(method:)``.
///
/// A method type says what the loader and `boundcheck list` need to know about it: its name, the
/// kind recorded in each ``MethodSpec`` (bounds declare the kinds they are proved for), its
/// parameters as `list` shows them, and whether a method with given settings draws random numbers
/// of its own (then every seed differs even under a deterministic oracle). One file per built-in:
/// ``Sgdm``, ``Sgd``, ``Mdsgd``.
public protocol Method: Sendable {
    /// The word a problem file's `method:` key names, e.g. `sgdm`.
    static var name: String { get }
    /// The kind the loader records for this method.
    static var kind: MethodKind { get }
    /// The method's parameters as `boundcheck list` shows them.
    static var synopsis: String { get }
    /// Whether a method with these settings draws random numbers itself.
    ///
    /// - Parameter spec: the method as the problem file sets it.
    static func isRandom(_ spec: MethodSpec) -> Bool
}

extension Catalog {
    /// The `methods` section of `boundcheck list`: a line per registered method with its
    /// parameters, in registration order.
    public func methodListText() -> String {
        methods.map { "  \($0.name.padding(toLength: max(6, $0.name.count), withPad: " ", startingAt: 0)) \($0.synopsis)" }
            .joined(separator: "\n")
    }
}
