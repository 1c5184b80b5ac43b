/// A composed YAML node, as ``YAMLComposer`` builds it and ``YAMLReader`` reads it: just what a
/// problem file needs (the text of scalars, their style, and where every node starts).
///
/// An alias is resolved to the node its anchor names, shared rather than copied, so a document
/// is a DAG in memory; ``YAMLComposer`` bounds its expanded size before anyone walks it.
enum Node: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    /// 1-based line and column (columns count Unicode scalars, as libyaml does).
    struct Mark: Equatable, Sendable {
        var line: Int
        var column: Int
    }

    struct Scalar: Sendable {
        enum Style: Sendable, Equatable {
            case plain, singleQuoted, doubleQuoted, literal, folded
        }

        var string: String
        var style: Style
        var mark: Mark
    }

    /// A mapping's entries in file order, duplicates included (the reader reports them).
    struct Mapping: RandomAccessCollection, Sendable {
        var pairs: [(key: Node, value: Node)]
        var mark: Mark

        var startIndex: Int { pairs.startIndex }
        var endIndex: Int { pairs.endIndex }
        subscript(position: Int) -> (key: Node, value: Node) { pairs[position] }

        /// The value of the first entry whose key is the scalar `key`.
        subscript(key: String) -> Node? {
            pairs.first { if case .scalar(let s) = $0.key { s.string == key } else { false } }?.value
        }
    }

    struct Sequence: RandomAccessCollection, Sendable {
        var items: [Node]
        var mark: Mark

        var startIndex: Int { items.startIndex }
        var endIndex: Int { items.endIndex }
        subscript(position: Int) -> Node { items[position] }
    }

    var mark: Mark {
        switch self {
        case .scalar(let s): s.mark
        case .mapping(let m): m.mark
        case .sequence(let s): s.mark
        }
    }

    var scalar: Scalar? { if case .scalar(let s) = self { s } else { nil } }
    var mapping: Mapping? { if case .mapping(let m) = self { m } else { nil } }
    var sequence: Sequence? { if case .sequence(let s) = self { s } else { nil } }
}
