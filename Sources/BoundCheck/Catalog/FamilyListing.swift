extension Catalog {
    /// The families section of `boundcheck list`: one line per registered family, in
    /// registration order, its name then its ``ProblemFamily/synopsis``.
    public func familyListText() -> String {
        families.map { family in
            "  \(family.name.padding(toLength: max(15, family.name.count), withPad: " ", startingAt: 0)) \(family.synopsis)"
        }.joined(separator: "\n")
    }
}
