/// Where the parts of a problem file are: the line and column of each method entry, user bound,
/// user assumption, `expect` key, declared constant and top-level key. Reports that point into
/// the file (GitHub annotations) use it to put a failing check at the line that declares it.
public struct ProblemFileLocations: Sendable {
    public struct Position: Sendable, Equatable {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// `methods[i]`, in file order.
    public private(set) var methods: [Position] = []
    public private(set) var userBounds: [String: Position] = [:]
    public private(set) var assumptions: [String: Position] = [:]
    /// The key of each `expect` entry.
    public private(set) var expect: [String: Position] = [:]
    /// The key of each `constants` entry.
    public private(set) var constants: [String: Position] = [:]
    /// The key of each top-level entry (`problem`, `oracle`, `methods`, …).
    public private(set) var topLevel: [String: Position] = [:]

    /// Reads the file's structure; nil when the text is not a readable YAML mapping.
    public init?(text: String, file: String = "") {
        guard let root = try? YAMLComposer.compose(text, file: file, maximumNodes: YAMLReader.maximumNodes),
              let mapping = root.mapping else { return nil }
        func position(_ node: Node) -> Position { Position(line: node.mark.line, column: node.mark.column) }
        for (key, value) in mapping.pairs {
            guard let name = key.scalar?.string else { continue }
            if topLevel[name] == nil { topLevel[name] = position(key) }
            switch name {
            case "methods":
                methods = value.sequence?.items.map(position) ?? []
            case "user-bounds", "assumptions":
                for item in value.sequence?.items ?? [] {
                    guard let id = item.mapping?["id"]?.scalar?.string else { continue }
                    if name == "user-bounds" { userBounds[id] = position(item) } else { assumptions[id] = position(item) }
                }
            case "expect", "constants":
                for (k, _) in value.mapping?.pairs ?? [] {
                    guard let id = k.scalar?.string else { continue }
                    if name == "expect" { expect[id] = position(k) } else { constants[id] = position(k) }
                }
            default:
                break
            }
        }
    }

    /// Where a bound check of method `methodIndex` (id `methodID`) and bound `boundID` belongs: its
    /// `expect` entry when there is one (an unmet expectation is the cause), else the user bound's
    /// entry, else the method's entry, else the top of the file. `group` is the bound's group
    /// (``Bound/group``), whose `expect` entry applies to the bound too.
    public func bound(_ boundID: String, group: String? = nil, methodID: String, methodIndex: Int) -> Position {
        let base = group ?? boundID
        for key in ["\(methodID)/\(boundID)", boundID, "\(methodID)/\(base)", base] {
            if let p = expect[key] { return p }
        }
        if let p = userBounds[boundID] { return p }
        if methods.indices.contains(methodIndex) { return methods[methodIndex] }
        return topLevel["methods"] ?? Position(line: 1, column: 1)
    }

    /// Where an assumption check belongs: its `expect` entry, the user assumption's entry, a
    /// declared constant it tests, else the part of the file it is about (the oracle for A4/A5,
    /// the problem otherwise).
    public func assumption(_ id: String) -> Position {
        if let p = expect[id] { return p }
        if let p = assumptions[id] { return p }
        if let probed = ProbedAssumption(rawValue: id) {
            if let p = probed.constants.compactMap({ constants[$0.rawValue] }).min(by: { ($0.line, $0.column) < ($1.line, $1.column) }) {
                return p
            }
            let part = probed == .bias || probed == .variance ? "oracle" : "problem"
            if let p = topLevel[part] ?? topLevel["problem"] { return p }
        }
        return Position(line: 1, column: 1)
    }
}
