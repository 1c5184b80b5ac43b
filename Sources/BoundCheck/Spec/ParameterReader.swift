/// Reads one plug-in's parameters from a problem file — an oracle stage's for
/// ``OracleStage/init(parameters:)``, a problem family's for ``ProblemFamily/init(parameters:)``,
/// a method's for ``Method/init(parameters:)`` — with the loader's positioned diagnostics: unknown
/// keys with a did-you-mean, missing keys, values out of range — each reported with its file,
/// line, column and key path, and reading goes on so that one pass reports every problem.
///
/// A stage calls ``keys(_:)`` once with the keys it accepts, then reads each value. A family's
/// keys are already read from `problem:` (its ``ProblemFamily/parameterKeys``), and a method's
/// entry is read already (its keys are those of ``Method/keys``): both read their values
/// straight away.
public struct ParameterReader {
    let reader: YAMLReader
    /// The stage's entry in the `oracle:` list and its parameters (nil when none were written).
    let item: Node
    let parameters: Node?
    /// The stage's name as written (a family's name, for a family).
    public let stageName: String
    /// The key path of the parameters, e.g. `oracle[1].top-k`, or `problem` for a family.
    public let path: String
    /// The problem's dimension d, when it could be read.
    public let dimension: Int?
    private var values: [String: Node] = [:]
    /// Whether the values were read already (a family's, from `problem:`).
    private var prefilled = false
    /// The catalog the file is read against (method entries: ``oracleStage(_:what:)``).
    var catalog: Catalog?

    init(reader: YAMLReader, item: Node, parameters: Node?, stageName: String, path: String, dimension: Int?) {
        self.reader = reader
        self.item = item
        self.parameters = parameters
        self.stageName = stageName
        self.path = path
        self.dimension = dimension
    }

    /// A family's reader: `values` are its keys' values, read from the `problem:` mapping
    /// `problem`; each is reported under `problem.KEY`.
    init(reader: YAMLReader, problem: Node, values: [String: Node], familyName: String, dimension: Int?) {
        self.init(reader: reader, item: problem, parameters: nil, stageName: familyName, path: "problem", dimension: dimension)
        self.values = values
        prefilled = true
    }

    /// A method's entry, its mapping read already: `values` are the entry's keys.
    init(reader: YAMLReader, methodEntry item: Node, values: [String: Node], methodName: String, path: String, dimension: Int?,
         catalog: Catalog) {
        self.catalog = catalog
        self.reader = reader
        self.item = item
        parameters = nil
        stageName = methodName
        self.path = path
        self.dimension = dimension
        self.values = values
        prefilled = true
    }

    /// Reads the parameters as a mapping with exactly `allowed` keys (none: the stage is written
    /// as a bare name). False when they cannot be read (reported). For a family's reader, whose
    /// keys were read from `problem:` already, this keeps only the values of `allowed` keys.
    public mutating func keys(_ allowed: [String]) -> Bool {
        if prefilled {
            values = values.filter { allowed.contains($0.key) }
            return true
        }
        guard let parameters else {
            if allowed.isEmpty { return true }
            reader.error(item, path, "\(stageName) needs parameters: \(allowed.joined(separator: ", "))")
            return false
        }
        if case .scalar(let s) = parameters, s.string.isEmpty, allowed.isEmpty { return true }
        let what = allowed.isEmpty ? "\(stageName) (no parameters)" : "\(stageName) parameters"
        guard let read = reader.mapping(parameters, path, allowed: allowed, what: what) else { return false }
        values = read
        return true
    }

    /// Whether the file gives `key`.
    public func has(_ key: String) -> Bool { values[key] != nil }

    /// A required number in `range`.
    public func double(_ key: String, _ range: NumberRange) -> Double? {
        double(key, range, missing: range.text)
    }

    /// An optional number in `range`: `defaultValue` when absent, nil when given and invalid.
    public func double(_ key: String, _ range: NumberRange, default defaultValue: Double) -> Double? {
        guard let node = values[key] else { return defaultValue }
        return reader.double(node, "\(path).\(key)", range)
    }

    /// A required number in `range`; `missing` says what it is when it is absent.
    public func double(_ key: String, _ range: NumberRange, missing: String) -> Double? {
        guard let node = values[key] else {
            reader.error(parameters ?? item, "\(path).\(key)", "missing '\(key)' (\(missing))")
            return nil
        }
        return reader.double(node, "\(path).\(key)", range)
    }

    /// A required integer in `range`; `missing` says what it is when it is absent.
    public func int(_ key: String, _ range: NumberRange, missing: String) -> Int? {
        guard let node = values[key] else {
            reader.error(parameters ?? item, "\(path).\(key)", "missing '\(key)' (\(missing))")
            return nil
        }
        return reader.int(node, "\(path).\(key)", range)
    }

    /// An optional integer in `range`: `defaultValue` when absent, nil when given and invalid.
    public func int(_ key: String, _ range: NumberRange, default defaultValue: Int) -> Int? {
        guard let node = values[key] else { return defaultValue }
        return reader.int(node, "\(path).\(key)", range)
    }

    /// An optional `true`/`false` (also yes/no, on/off): `defaultValue` when absent, nil when given
    /// and invalid.
    public func bool(_ key: String, default defaultValue: Bool) -> Bool? {
        guard let node = values[key] else { return defaultValue }
        return reader.bool(node, "\(path).\(key)")
    }

    /// A nested mapping of parameters with exactly `allowed` keys (`spectrum: {min, max}`), read
    /// by a reader of its own under `PATH.KEY`; nil when the key is absent or its value cannot be
    /// read (reported). `what` names it in messages ("the spectrum").
    public func mapping(_ key: String, keys allowed: [String], what: String) -> ParameterReader? {
        guard let node = values[key] else { return nil }
        let nestedPath = "\(path).\(key)"
        guard let read = reader.mapping(node, nestedPath, allowed: allowed, what: what) else { return nil }
        var nested = ParameterReader(reader: reader, item: node, parameters: node, stageName: key, path: nestedPath,
                                     dimension: dimension)
        nested.values = read
        nested.prefilled = true
        return nested
    }

    /// One of a closed set of words: `defaultValue` when absent or invalid (invalid is reported).
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: T, what: String) -> T
    where T.RawValue == String {
        guard let node = values[key] else { return defaultValue }
        let word = reader.choice(node, "\(path).\(key)", among: T.allCases.map(\.rawValue), what: what)
        return word.flatMap(T.init(rawValue:)) ?? defaultValue
    }

    /// How many coordinates to keep, given as `k` (1 ≤ k ≤ d) or as `fraction` of d (rounded,
    /// at least 1), never both.
    public func coordinateCount() -> Int? {
        reader.coordinateCount(values, node: parameters ?? item, path, dimension: dimension)
    }

    /// Reports a problem at the stage's entry (at `problem:` for a family; at a nested
    /// mapping for its reader).
    public func error(_ message: String) {
        reader.error(item, path, message)
    }

    /// Reports a problem with `key`: at its value when the file gives it, else at the entry
    /// (a missing key), with the key's path.
    public func error(at key: String, _ message: String) {
        reader.error(values[key] ?? parameters ?? item, "\(path).\(key)", message)
    }

    /// A value written as an oracle stage of the catalog (`compressor: {top-k: {k: 6}}`), read
    /// with the stage's own parameters and diagnostics: a method that runs a stage's kernel.
    /// Nil when absent or reported.
    public func oracleStage(_ key: String, what: String) -> AnyOracleStage? {
        guard let catalog else { return nil }
        let names = catalog.oracleStages.map { $0.name }
        guard let (name, parameters) = namedEntry(key, among: names, what: what, example: "{top-k: {k: 5}}"),
              let type = catalog.oracleStage(named: name) else { return nil }
        var sub = parameters
        return type.read(&sub)
    }

    /// A value that is one named entry with its parameters, as an oracle stage is written
    /// (`{top-k: {k: 5}}`, or a bare name such as `scaled-sign`), the name one of `names`
    /// (did-you-mean on a near miss). Returns the name and a reader for its parameters (call
    /// ``keys(_:)`` on it), nil when absent or reported. `example` completes "e.g." in the
    /// message for a value of the wrong shape.
    public func namedEntry(_ key: String, among names: [String], what: String, example: String) -> (name: String, parameters: ParameterReader)? {
        guard let node = values[key] else { return nil }
        let entryPath = "\(path).\(key)"
        if case .scalar = node {
            guard let name = reader.choice(node, entryPath, among: names, what: what) else { return nil }
            return (name, ParameterReader(reader: reader, item: node, parameters: nil, stageName: name, path: "\(entryPath).\(name)",
                                          dimension: dimension))
        }
        guard case .mapping(let m) = node, m.count == 1, let entry = m.first, case .scalar = entry.key else {
            reader.error(node, entryPath, "expected one \(what), e.g. \(example), found \(YAMLReader.describe(node))")
            return nil
        }
        guard let name = reader.choice(entry.key, entryPath, among: names, what: what) else { return nil }
        return (name, ParameterReader(reader: reader, item: node, parameters: entry.value, stageName: name, path: "\(entryPath).\(name)",
                                      dimension: dimension))
    }
}

extension YAMLReader {
    /// How many coordinates a Top-K or Rand-K keeps, given as `k` (1 ≤ k ≤ d) or as `fraction`
    /// of d (rounded, at least 1), never both. Shared by the oracle stages and M-DSGD's
    /// sparsifier. `node` is the parameters' mapping, `path` its key path.
    func coordinateCount(_ p: [String: Node], node: Node, _ path: String, dimension: Int?) -> Int? {
        if p["k"] != nil && p["fraction"] != nil {
            error(node, path, "give either 'k' or 'fraction', not both")
            return nil
        }
        if let f = p["fraction"] {
            guard let fraction = double(f, "\(path).fraction", .between(0, 1, lowOpen: true)) else { return nil }
            guard let d = dimension else { return nil }
            return max(1, Int((fraction * Double(d)).rounded()))
        }
        guard let kNode = p["k"] else {
            error(node, "\(path).k", "missing 'k' (how many coordinates to keep) or 'fraction'")
            return nil
        }
        guard let k = int(kNode, "\(path).k", .atLeast(1)) else { return nil }
        if let d = dimension, k > d {
            error(kNode, "\(path).k", "k = \(k) exceeds the dimension \(d); valid: 1 ≤ k ≤ \(d)")
            return nil
        }
        return k
    }
}
