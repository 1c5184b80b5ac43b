/// Looking bounds up in a catalog: by id, by group, for a method; and the catalog's bounds as
/// `boundcheck list` shows them.
extension Catalog {
    /// The registered bound with this id.
    public func bound(_ id: String) -> (any Bound)? { bounds.first { $0.id == id } }

    /// The group of the bound with this id (a bound not in the catalog, e.g. a user bound of a
    /// problem file, is its own group).
    public func group(ofBound id: String) -> String { bound(id)?.group ?? id }

    /// The names a problem file may give in `bounds:` or `expect:`: every bound's id and every
    /// group (a group selects all its members), in catalog order.
    public var selectableBoundIDs: [String] {
        var names: [String] = []
        for bound in bounds {
            for name in [bound.group, bound.id] where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The bounds a selection names, in catalog order: a name selects the bound with that id and
    /// every member of the group with that name. Nil selects every bound.
    public func selectBounds(_ names: [String]?) -> [any Bound] {
        guard let names else { return bounds }
        return bounds.filter { names.contains($0.id) || names.contains($0.group) }
    }

    /// Whether a bound with this id is named by `name` (its id, or its group's name).
    public func bound(_ id: String, isNamedBy name: String) -> Bool { id == name || group(ofBound: id) == name }

    /// The bounds checked for one method: its own selection, else the file's, else the whole
    /// catalog, keeping those checked on the method; then the file's user bounds for it.
    public func bounds(for method: MethodSpec, fileSelection: [String]?, userBounds: [UserBound]) -> [any Bound] {
        selectBounds(method.bounds ?? fileSelection).filter { $0.isChecked(on: method) }
            + userBounds.filter { $0.isChecked(on: method) }
    }

    /// One line of the bound section of `boundcheck list`.
    public struct BoundListing: Sendable, Equatable {
        public var id: String
        public var group: String
        public var kind: BoundKind
        public var metric: Metric
        public var formula: String
        public var source: String
        /// The method kinds the bound is proved for: the catalog's methods in registration order,
        /// then kinds no registered method has, by name.
        public var provedFor: [MethodKind]
        /// The assumptions it relies on, sorted.
        public var reliesOn: [String]
        public var stepRule: BoundStepRule

        /// The entry as `list` prints it: id, kind, metric and formula on the first line; then
        /// the group (if the bound is a variant), methods, assumptions, step rule and source.
        public var text: String {
            func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
            var lines = ["  \(pad(id, 7)) \(pad(kind.rawValue, 11)) \(pad(metric.rawValue, 12)) \(formula)"]
            if group != id { lines.append("          group: \(group) (naming \(group) selects it too)") }
            lines.append("          proved for: \(provedFor.map(\.rawValue).joined(separator: ", "))"
                         + "; relies on: \(reliesOn.joined(separator: ", ")); step: \(stepRule.description)")
            lines.append("          source: \(source)")
            return lines.joined(separator: "\n")
        }
    }

    /// `kinds` in the order of the catalog's methods, then the others by name.
    func methodKindOrder(_ kinds: Set<MethodKind>) -> [MethodKind] {
        let registered = methods.map { $0.kind }
        return registered.filter(kinds.contains) + kinds.subtracting(registered).sorted { $0.rawValue < $1.rawValue }
    }

    /// The catalog's bounds as `boundcheck list` shows them, in catalog order.
    public var boundListing: [BoundListing] {
        bounds.map { bound in
            BoundListing(id: bound.id, group: bound.group, kind: bound.kind, metric: bound.metric, formula: bound.formula,
                         source: bound.source, provedFor: methodKindOrder(bound.provedFor),
                         reliesOn: bound.assumptions.sorted(), stepRule: bound.stepRule)
        }
    }
}
