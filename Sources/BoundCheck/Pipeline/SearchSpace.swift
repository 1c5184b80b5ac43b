import Foundation

/// One `search:` range: a key path of the file and the interval it is searched over.
public struct SearchRange: Sendable, Equatable {
    public var path: String
    public var low: Double
    public var high: Double
    public var logarithmic: Bool
    /// The file writes an integer there (`k: 5`): points are rounded to integers.
    public var integer: Bool
    let hops: [YAMLKeyPath.Hop]

    /// The value at `u` ∈ [0, 1] (clamped), linear or log-spaced, rounded for an integer, and
    /// written with at most 6 significant digits (the value returned is the one written).
    public func value(at u: Double) -> (value: Double, text: String) {
        let t = min(max(u.isFinite ? u : 0.5, 0), 1)
        var v = logarithmic ? exp(log(low) + t * (log(high) - log(low))) : low + t * (high - low)
        if integer {
            v = min(max(v.rounded(), low.rounded(.up)), high.rounded(.down))
            let text = String(Int(v))
            return (v, text)
        }
        v = min(max(v, low), high)
        let text = String(format: "%.6g", v)
        return (Double(text) ?? v, text)
    }
}

/// A problem file with `search:` ranges, ready to be evaluated at any point of its box: the
/// same substitution into the YAML tree that sweeps use, then the normal builder.
public struct SearchSpace: Sendable {
    public let spec: ExperimentSpec
    public let ranges: [SearchRange]
    let base: SubstitutionBaseValue

    /// What the base needs, kept as values (the loader is rebuilt from its settings).
    struct SubstitutionBaseValue: Sendable {
        var root: Node
        var text: String
        var file: String
        var defaultName: String
    }

    /// The file's tree at the point `values` (one per range), with the run and quick profiles
    /// starting at seed index `firstSeed` and the problem named `name`.
    func tree(_ texts: [String], firstSeed: Int, name: String) -> Node {
        let root = base.root.removingTopLevel(["sweep", "search"])
        var tree = ranges.enumerated().reduce(root) { t, entry in
            let old = (try? YAMLKeyPath.node(at: entry.element.hops, in: root))
            return YAMLKeyPath.replacing(t, hops: entry.element.hops[...], with: .plain(texts[entry.offset], at: old?.mark ?? Node.Mark(line: 0, column: 0)))
        }
        tree = tree.setting("first-seed", to: String(firstSeed), inside: "run")
        if root.mapping?["quick"] != nil { tree = tree.setting("first-seed", to: String(firstSeed), inside: "quick") }
        return tree.settingTop("name", to: name)
    }

    /// The spec at a point (the values substituted, the seeds and name set); throws ``SpecErrors`` when the
    /// builder refuses it.
    public func spec(at texts: [String], firstSeed: Int, name: String, loader: SpecLoader) throws(SpecErrors) -> ExperimentSpec {
        let t = tree(texts, firstSeed: firstSeed, name: name)
        return try loader.build(t, text: base.text, file: base.file, defaultName: base.defaultName,
                                specHash: SpecLoader.hash(base.text + "\u{0}search \(texts.joined(separator: ",")) seed \(firstSeed) \(name)"))
    }

    /// The point as a standalone problem file (no `search:` or `sweep:`), `header` as comments.
    public func problemFile(at texts: [String], firstSeed: Int, name: String, header: [String]) -> String {
        header.map { "# " + $0 }.joined(separator: "\n") + "\n" + YAMLEmitter.document(tree(texts, firstSeed: firstSeed, name: name))
    }

    /// The first seed index of the file's run profile (0 unless it says `first-seed:`).
    public var firstSeed: Int { spec.run.firstSeed }
}

extension YAMLKeyPath {
    static func node(at hops: [Hop], in root: Node) throws -> Node {
        var node = root
        for hop in hops {
            switch (hop, node) {
            case (.pair(let i), .mapping(let m)): node = m.pairs[i].value
            case (.item(let i), .sequence(let s)): node = s.items[i]
            default: throw KeyPathError("the path left the tree")
            }
        }
        return node
    }
}

extension Node {
    /// The top-level mapping with `key` set to the plain scalar `value` (added at the end when absent).
    func settingTop(_ key: String, to value: String) -> Node {
        guard case .mapping(var m) = self else { return self }
        if let i = m.pairs.firstIndex(where: { $0.key.scalar?.string == key }) {
            m.pairs[i].value = .plain(value, at: m.pairs[i].value.mark)
        } else {
            m.pairs.append((.plain(key, at: m.mark), .plain(value, at: m.mark)))
        }
        return .mapping(m)
    }

    /// `key` set inside the top-level mapping `section` (left alone when that is not a mapping).
    func setting(_ key: String, to value: String, inside section: String) -> Node {
        guard case .mapping(var m) = self, let i = m.pairs.firstIndex(where: { $0.key.scalar?.string == section }),
              m.pairs[i].value.mapping != nil else { return self }
        m.pairs[i].value = m.pairs[i].value.settingTop(key, to: value)
        return .mapping(m)
    }
}

extension SpecLoader {
    /// Reads a problem file's `search:` ranges (docs/problem-files.md, "Searches"). Every
    /// problem — no `search:`, a path that names nothing, an empty or inverted range, a log
    /// scale over non-positive values — is a ``SpecErrors`` with its position.
    public func loadSearch(path: String) throws -> SearchSpace {
        let (text, defaultName) = try read(path: path)
        return try loadSearch(yaml: text, file: path, defaultName: defaultName)
    }

    public func loadSearch(yaml text: String, file: String, defaultName: String = "experiment") throws -> SearchSpace {
        let root: Node?
        do { root = try YAMLComposer.compose(text, file: file, maximumNodes: YAMLReader.maximumNodes) } catch {
            throw SpecErrors([error.diagnostic])
        }
        guard let root else { return try SearchSpace(spec: load(yaml: text, file: file, defaultName: defaultName), ranges: [], base: .init(root: .plain("", at: .init(line: 1, column: 1)), text: text, file: file, defaultName: defaultName)) }
        let base = SubstitutionBase(root: root, text: text, file: file, defaultName: defaultName, loader: self)
        let spec = try base.build(base.base, salt: "")
        guard let search = root.mapping?["search"] else {
            throw SpecErrors([Diagnostic(file: file, line: 1, column: 1, keyPath: "search",
                                         message: "the file has no 'search:' section: give the ranges to search, e.g. search: {methods[0].beta: {min: 0.05, max: 1, scale: log}}")])
        }
        func at(_ node: Node, _ keyPath: String, _ message: String) -> Diagnostic {
            Diagnostic(file: file, line: node.mark.line, column: node.mark.column, keyPath: keyPath, message: message)
        }
        guard case .mapping(let entries) = search, !entries.pairs.isEmpty else {
            throw SpecErrors([at(search, "search", "expected a mapping of key paths to ranges (e.g. methods[0].beta: {min: 0.05, max: 1, scale: log}), found \(YAMLReader.describe(search))")])
        }
        var ranges: [SearchRange] = []
        var problems: [Diagnostic] = []
        for (keyNode, value) in entries.pairs {
            guard let key = keyNode.scalar?.string else {
                problems.append(at(keyNode, "search", "a search key must be a key path, found \(YAMLReader.describe(keyNode))"))
                continue
            }
            let keyPath = "search.\(key)"
            let resolved: (path: YAMLKeyPath, hops: [YAMLKeyPath.Hop])
            switch base.resolve(key, at: keyNode, section: "search") {
            case .failure(let d): problems.append(d); continue
            case .success(let r): resolved = r
            }
            guard let target = try? YAMLKeyPath.node(at: resolved.hops, in: base.base), let written = target.scalar,
                  Double(written.string) != nil else {
                problems.append(at(keyNode, keyPath, "'\(key)' must name a number written in the file (a search varies numbers); it names \((try? YAMLKeyPath.node(at: resolved.hops, in: base.base)).map(YAMLReader.describe) ?? "nothing")"))
                continue
            }
            let reader = YAMLReader(file: file)
            guard let m = reader.mapping(value, keyPath, allowed: ["min", "max", "range", "scale"], what: "a range {min, max, scale: linear|log}") else {
                problems += reader.diagnostics
                continue
            }
            var low: Double?, high: Double?
            if let r = m["range"] {
                if m["min"] != nil || m["max"] != nil { problems.append(at(r, "\(keyPath).range", "give either range: [min, max] or min and max, not both")); continue }
                guard case .sequence(let s) = r, s.items.count == 2 else {
                    problems.append(at(r, "\(keyPath).range", "expected [min, max], found \(YAMLReader.describe(r))")); continue
                }
                low = reader.double(s.items[0], "\(keyPath).range[0]"); high = reader.double(s.items[1], "\(keyPath).range[1]")
            } else {
                if let n = m["min"] { low = reader.double(n, "\(keyPath).min") } else { problems.append(at(value, "\(keyPath).min", "missing 'min' (or range: [min, max])")) }
                if let n = m["max"] { high = reader.double(n, "\(keyPath).max") } else { problems.append(at(value, "\(keyPath).max", "missing 'max' (or range: [min, max])")) }
            }
            let scale = m["scale"].flatMap { reader.choice($0, "\(keyPath).scale", among: ["linear", "log"], what: "scale") } ?? "linear"
            problems += reader.diagnostics
            guard let low, let high, reader.diagnostics.isEmpty else { continue }
            let where_ = m["range"] ?? m["max"] ?? value
            if low > high {
                problems.append(at(where_, keyPath, "the range is inverted: min \(fmt(low)) > max \(fmt(high))")); continue
            }
            if low == high {
                problems.append(at(where_, keyPath, "the range is empty: min = max = \(fmt(low)); a search needs min < max (or leave the value out of search:)")); continue
            }
            if scale == "log" && low <= 0 {
                problems.append(at(m["scale"] ?? value, keyPath, "a log scale needs min > 0, got min \(fmt(low)); use scale: linear or a positive min")); continue
            }
            let integer = Int(written.string) != nil
            if integer && low.rounded(.up) > high.rounded(.down) {
                problems.append(at(where_, keyPath, "the file writes an integer here, and no integer lies in [\(fmt(low)), \(fmt(high))]")); continue
            }
            if let other = ranges.first(where: { SubstitutionBase.overlap($0.hops, resolved.hops) }) {
                problems.append(at(keyNode, keyPath, "'\(key)' names the same value as '\(other.path)'; search each value once")); continue
            }
            ranges.append(SearchRange(path: resolved.path.description, low: low, high: high, logarithmic: scale == "log",
                                      integer: integer, hops: resolved.hops))
        }
        if !problems.isEmpty { throw SpecErrors(problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }) }
        return SearchSpace(spec: spec, ranges: ranges, base: .init(root: root, text: text, file: file, defaultName: defaultName))
    }
}
