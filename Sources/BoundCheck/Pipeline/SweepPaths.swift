/// A key path into a problem file's YAML tree, as `sweep:` and `search:` name the values they
/// vary (docs/problem-files.md, "Sweeps and searches"):
///
///     path     = key { "." key | "[" selector "]" }
///     selector = index | name
///
/// - `key` is a mapping key as written (`problem`, `top-k`, `pl-constant`);
/// - `[3]` is the fourth item of a list;
/// - `[name]` is the list item named `name`: the item whose `id` is `name`; else the one item
///   whose `method` is `name`; else the one item that is a single-key mapping with key `name`
///   (an oracle stage), and then the path continues *inside* that key, so `oracle[top-k].k` is
///   the same value as `oracle[1].top-k.k` when the Top-K stage is the second.
///
/// The value a path names must be written in the file (a sweep substitutes values; it never adds
/// keys), and may be a scalar or a whole mapping or list (a sweep over oracle stages).
public struct YAMLKeyPath: Sendable, Equatable, CustomStringConvertible {
    public enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
        case name(String)
    }

    public var steps: [Step]
    /// The path as written.
    public var description: String

    /// Parses `text`; nil with a reason when it is not a path.
    public static func parse(_ text: String) -> Result<YAMLKeyPath, KeyPathError> {
        var steps: [Step] = []
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        func isKeyCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "-" || c == "_" }
        if rest.isEmpty { return .failure(KeyPathError("an empty key path")) }
        var expectKey = true
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else {
                    return .failure(KeyPathError("'[' without its ']' in '\(text)'"))
                }
                let inside = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                if inside.isEmpty { return .failure(KeyPathError("an empty [] in '\(text)'; write an index [0] or a name [top-k]")) }
                if let index = Int(inside) {
                    guard index >= 0 else { return .failure(KeyPathError("a negative index [\(index)] in '\(text)'")) }
                    steps.append(.index(index))
                } else {
                    guard inside.allSatisfy({ isKeyCharacter($0) || $0 == "." }) else {
                        return .failure(KeyPathError("'[\(inside)]' in '\(text)' is neither an index nor a name"))
                    }
                    steps.append(.name(inside))
                }
                rest = rest[rest.index(after: close)...]
                expectKey = false
            } else if rest.first == "." {
                rest = rest.dropFirst()
                expectKey = true
                if rest.isEmpty || rest.first == "." || rest.first == "[" {
                    return .failure(KeyPathError("a '.' not followed by a key in '\(text)'"))
                }
            } else {
                guard expectKey else { return .failure(KeyPathError("expected '.' or '[' after '\(steps.last.map(describe) ?? "")' in '\(text)'")) }
                let key = rest.prefix(while: isKeyCharacter)
                guard !key.isEmpty else {
                    return .failure(KeyPathError("unexpected '\(rest.first!)' in '\(text)' (a key path is key.key[0].key, e.g. methods[0].beta)"))
                }
                steps.append(.key(String(key)))
                rest = rest.dropFirst(key.count)
                expectKey = false
            }
        }
        return .success(YAMLKeyPath(steps: steps, description: text.trimmingCharacters(in: .whitespaces)))
    }

    private static func describe(_ step: Step) -> String {
        switch step {
        case .key(let k): k
        case .index(let i): "[\(i)]"
        case .name(let n): "[\(n)]"
        }
    }
}

/// Why a key path is not one, or names nothing in the file.
public struct KeyPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension YAMLKeyPath {
    /// Where each step leads: the concrete position in the tree (indices into mappings' pairs
    /// and lists' items), so that substitution is a plain walk.
    enum Hop: Equatable { case pair(Int), item(Int) }

    /// The hops to the node the path names in `root`, or why it names nothing.
    func resolve(in root: Node) -> Result<(hops: [Hop], node: Node), KeyPathError> {
        var node = root
        var hops: [Hop] = []
        var walked = ""
        for step in steps {
            switch step {
            case .key(let key):
                guard case .mapping(let m) = node else {
                    return .failure(KeyPathError("\(Self.at(walked)) is \(YAMLReader.describe(node)), not a mapping with a key '\(key)'"))
                }
                guard let i = m.pairs.firstIndex(where: { $0.key.scalar?.string == key }) else {
                    let keys = m.pairs.compactMap { $0.key.scalar?.string }
                    return .failure(KeyPathError("\(Self.at(walked)) has no key '\(key)' (it has: \(keys.joined(separator: ", "))); a sweep or search replaces values written in the file"))
                }
                hops.append(.pair(i))
                node = m.pairs[i].value
                walked = walked.isEmpty ? key : "\(walked).\(key)"
            case .index(let index):
                guard case .sequence(let s) = node else {
                    return .failure(KeyPathError("\(Self.at(walked)) is \(YAMLReader.describe(node)), not a list to take item [\(index)] of"))
                }
                guard index < s.items.count else {
                    return .failure(KeyPathError("\(Self.at(walked)) has \(s.items.count) item(s), so no item [\(index)] (indices start at 0)"))
                }
                hops.append(.item(index))
                node = s.items[index]
                walked += "[\(index)]"
            case .name(let name):
                guard case .sequence(let s) = node else {
                    return .failure(KeyPathError("\(Self.at(walked)) is \(YAMLReader.describe(node)), not a list to select [\(name)] from"))
                }
                func value(_ item: Node, _ key: String) -> String? { item.mapping?[key]?.scalar?.string }
                let byID = s.items.indices.filter { value(s.items[$0], "id") == name }
                let byMethod = s.items.indices.filter { value(s.items[$0], "method") == name }
                let byStage = s.items.indices.filter { s.items[$0].mapping.map { $0.count == 1 && $0.pairs[0].key.scalar?.string == name } ?? false }
                if byID.count == 1 {
                    hops.append(.item(byID[0])); node = s.items[byID[0]]
                } else if byID.isEmpty, byMethod.count == 1 {
                    hops.append(.item(byMethod[0])); node = s.items[byMethod[0]]
                } else if byID.isEmpty, byMethod.isEmpty, byStage.count == 1 {
                    hops.append(.item(byStage[0])); hops.append(.pair(0))
                    node = s.items[byStage[0]].mapping!.pairs[0].value
                } else {
                    let count = max(byID.count, byMethod.count, byStage.count)
                    if count > 1 {
                        return .failure(KeyPathError("[\(name)] matches \(count) items of \(Self.at(walked)); name one by its index ([0], [1], …) or give it an id"))
                    }
                    return .failure(KeyPathError("no item of \(Self.at(walked)) is named '\(name)' (by id, method or oracle stage)"))
                }
                walked += "[\(name)]"
            }
        }
        return .success((hops, node))
    }

    private static func at(_ walked: String) -> String { walked.isEmpty ? "the file's top level" : "'\(walked)'" }

    /// `root` with the node at `hops` replaced by `value`.
    static func replacing(_ root: Node, hops: ArraySlice<Hop>, with value: Node) -> Node {
        guard let hop = hops.first else { return value }
        switch (hop, root) {
        case (.pair(let i), .mapping(var m)):
            m.pairs[i].value = replacing(m.pairs[i].value, hops: hops.dropFirst(), with: value)
            return .mapping(m)
        case (.item(let i), .sequence(var s)):
            s.items[i] = replacing(s.items[i], hops: hops.dropFirst(), with: value)
            return .sequence(s)
        default:
            return root   // hops come from resolve on the same tree: never reached
        }
    }
}

extension Node {
    /// The document without its top-level `keys` (the sweep and search sections).
    func removingTopLevel(_ keys: Set<String>) -> Node {
        guard case .mapping(var m) = self else { return self }
        m.pairs.removeAll { $0.key.scalar.map { keys.contains($0.string) } ?? false }
        return .mapping(m)
    }

    /// A plain scalar at `mark` (a value the tool writes into the tree: a search's point).
    static func plain(_ text: String, at mark: Mark) -> Node {
        .scalar(Scalar(string: text, style: .plain, mark: mark))
    }
}

/// Writes a composed tree back as YAML: top-level and nested mappings in block style, lists and
/// the mappings inside them in flow style, scalars plain when that is unambiguous and
/// double-quoted otherwise. Reading the output gives the same tree (comments and anchors are
/// not kept).
enum YAMLEmitter {
    static func document(_ root: Node) -> String {
        var lines: [String] = []
        block(root, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func block(_ node: Node, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        guard case .mapping(let m) = node, !m.pairs.isEmpty else {
            lines.append(pad + flow(node))
            return
        }
        for (key, value) in m.pairs {
            let k = flow(key)
            if case .mapping(let inner) = value, !inner.pairs.isEmpty, inner.pairs.contains(where: { $0.value.mapping != nil || $0.value.sequence != nil }) {
                lines.append("\(pad)\(k):")
                block(value, indent: indent + 2, into: &lines)
            } else if case .sequence(let s) = value, !s.items.isEmpty {
                lines.append("\(pad)\(k):")
                for item in s.items { lines.append("\(pad)  - \(flow(item))") }
            } else {
                lines.append("\(pad)\(k): \(flow(value))")
            }
        }
    }

    static func flow(_ node: Node) -> String {
        switch node {
        case .scalar(let s): scalar(s)
        case .sequence(let s): "[" + s.items.map(flow).joined(separator: ", ") + "]"
        case .mapping(let m): "{" + m.pairs.map { "\(flow($0.key)): \(flow($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// Plain when the text has only characters that never start or end YAML syntax (and an
    /// empty plain scalar stays empty); everything else double-quoted with escapes.
    static func scalar(_ s: Node.Scalar) -> String {
        let safe = s.string.unicodeScalars.allSatisfy { c in
            (c.value < 128 && (CharacterSet.alphanumerics.contains(c))) || "._+-/".unicodeScalars.contains(c)
        }
        if s.style == .plain && safe && (!s.string.isEmpty) && !s.string.hasPrefix("-") || (s.style == .plain && safe && Double(s.string) != nil) {
            return s.string
        }
        var out = "\""
        for c in s.string.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7F { out += String(format: "\\x%02X", c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}

import Foundation
