/// The bound catalog (docs/theory.md §4), in a fixed order.
public enum BoundCatalog {
    public static let all: [any Bound] = [AS1(), AS2(), F1(), F2(onX: false), F2(onX: true), M1(), EFSGD()]

    /// Catalog bounds a selection names; "F2" selects both F2 (virtual iterate) and F2-x.
    public static func select(_ ids: [String]?) -> [any Bound] {
        guard let ids else { return all }
        return all.filter { bound in ids.contains(bound.id) || (bound.id == "F2-x" && ids.contains("F2")) }
    }

    /// The bounds checked for one method: its own list, else the file's, else the whole catalog,
    /// keeping those that concern the method; then the file's user bounds for it.
    public static func bounds(for method: MethodSpec, instance: Instance, userBounds: [UserBound]) -> [any Bound] {
        let catalog = select(method.bounds ?? instance.spec.bounds).filter { $0.concerns(method, instance: instance) }
        return catalog + userBounds.filter { $0.concerns(method, instance: instance) }
    }
}
