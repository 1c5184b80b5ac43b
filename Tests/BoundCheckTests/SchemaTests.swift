import Foundation
import Testing
import Yams

// docs/problem-file.schema.json accepts every curated problem file and every whole example in
// the docs, and rejects typical mistakes. The validator below implements exactly the JSON
// Schema keywords the schema uses, and the schema is checked to use no others.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A JSON value, as a YAML problem file denotes it.
indirect enum JSONValue: Equatable {
    case null, bool(Bool), integer(Int), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    /// From a composed YAML node: plain scalars become null, booleans, integers or numbers when
    /// they read as such (as the loader reads them), quoted scalars stay strings.
    init(_ node: Yams.Node) {
        switch node {
        case .mapping(let m):
            var out: [String: JSONValue] = [:]
            for (k, v) in m { out[k.string ?? ""] = JSONValue(v) }
            self = .object(out)
        case .sequence(let s):
            self = .array(s.map(JSONValue.init))
        case .scalar(let s):
            guard s.style == .plain else { self = .string(s.string); return }
            let text = s.string
            if ["", "~", "null"].contains(text) { self = .null }
            else if text == "true" || text == "false" { self = .bool(text == "true") }
            else if let i = Int(text.replacingOccurrences(of: "_", with: "")) { self = .integer(i) }
            else if let d = Double(text.replacingOccurrences(of: "_", with: "")), d.isFinite { self = .number(d) }
            else { self = .string(text) }
        default:
            self = .null
        }
    }

    var number: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }
}

/// The subset of JSON Schema (draft-07) the problem-file schema uses.
struct MiniSchemaValidator {
    static let keywords: Set<String> = ["$schema", "title", "description", "type", "enum", "const", "properties", "required",
                                        "additionalProperties", "items", "minItems", "minimum", "maximum", "exclusiveMinimum",
                                        "exclusiveMaximum", "anyOf", "allOf", "$ref", "pattern", "definitions"]
    let root: [String: JSONValue]

    /// Keywords of `schema` (recursively) outside the supported subset.
    static func unsupported(_ schema: JSONValue, path: String = "#") -> [String] {
        guard case .object(let o) = schema else { return [] }
        var out = o.keys.filter { !keywords.contains($0) }.map { "\(path)/\($0)" }
        for (key, value) in o {
            switch key {
            case "properties", "definitions":
                if case .object(let children) = value { for (name, child) in children { out += unsupported(child, path: "\(path)/\(key)/\(name)") } }
            case "items", "additionalProperties":
                out += unsupported(value, path: "\(path)/\(key)")
            case "anyOf", "allOf":
                if case .array(let list) = value { for (i, child) in list.enumerated() { out += unsupported(child, path: "\(path)/\(key)/\(i)") } }
            default: break
            }
        }
        return out
    }

    /// Every violation, as "path: why".
    func errors(_ value: JSONValue, _ schema: JSONValue, path: String = "") -> [String] {
        guard case .object(let s) = schema else { return [] }
        var out: [String] = []
        if case .string(let ref)? = s["$ref"] {
            let name = String(ref.dropFirst("#/definitions/".count))
            if case .object(let defs)? = root["definitions"], let target = defs[name] { out += errors(value, target, path: path) } else { out.append("\(path): unresolved \(ref)") }
        }
        if let type = s["type"] {
            let types: [String]
            switch type {
            case .string(let t): types = [t]
            case .array(let list): types = list.compactMap { if case .string(let t) = $0 { t } else { nil } }
            default: types = []
            }
            let matches = types.contains { t in
                switch (t, value) {
                case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer), ("number", .number),
                     ("string", .string), ("array", .array), ("object", .object): return true
                default: return false
                }
            }
            if !matches { out.append("\(path): expected \(types.joined(separator: " or "))"); return out }
        }
        if case .array(let options)? = s["enum"], !options.contains(value) { out.append("\(path): not one of the allowed values") }
        if let c = s["const"], c != value { out.append("\(path): not the constant") }
        if let x = value.number {
            if let m = s["minimum"]?.number, x < m { out.append("\(path): below \(m)") }
            if let m = s["maximum"]?.number, x > m { out.append("\(path): above \(m)") }
            if let m = s["exclusiveMinimum"]?.number, x <= m { out.append("\(path): not above \(m)") }
            if let m = s["exclusiveMaximum"]?.number, x >= m { out.append("\(path): not below \(m)") }
        }
        if case .string(let text) = value, case .string(let pattern)? = s["pattern"],
           text.range(of: pattern, options: .regularExpression) == nil { out.append("\(path): does not match \(pattern)") }
        if case .object(let o) = value {
            let properties: [String: JSONValue]
            if case .object(let p)? = s["properties"] { properties = p } else { properties = [:] }
            if case .array(let required)? = s["required"] {
                for case .string(let key) in required where o[key] == nil { out.append("\(path): missing '\(key)'") }
            }
            for (key, child) in o.sorted(by: { $0.key < $1.key }) {
                if let p = properties[key] { out += errors(child, p, path: "\(path).\(key)"); continue }
                switch s["additionalProperties"] {
                case .bool(false)?: out.append("\(path): unknown key '\(key)'")
                case .object?: out += errors(child, s["additionalProperties"]!, path: "\(path).\(key)")
                default: break
                }
            }
        }
        if case .array(let items) = value {
            if let m = s["minItems"]?.number, Double(items.count) < m { out.append("\(path): fewer than \(Int(m)) items") }
            if let itemSchema = s["items"] { for (i, item) in items.enumerated() { out += errors(item, itemSchema, path: "\(path)[\(i)]") } }
        }
        if case .array(let all)? = s["allOf"] { for sub in all { out += errors(value, sub, path: path) } }
        if case .array(let any)? = s["anyOf"], !any.contains(where: { errors(value, $0, path: path).isEmpty }) {
            out.append("\(path): matches none of the allowed forms")
        }
        return out
    }
}

private func schema() throws -> (JSONValue, MiniSchemaValidator) {
    // JSON is YAML: read it the same way as the problem files (booleans, integers, numbers, strings).
    let text = try String(contentsOf: root.appendingPathComponent("docs/problem-file.schema.json"), encoding: .utf8)
    let value = try document(text)
    guard case .object(let o) = value else { throw CocoaError(.fileReadCorruptFile) }
    return (value, MiniSchemaValidator(root: o))
}

private func document(_ yaml: String) throws -> JSONValue {
    JSONValue(try #require(try Yams.compose(yaml: yaml)))
}

@Suite("Problem-file schema")
struct SchemaTests {
    @Test("the schema uses only the keywords the validator implements")
    func keywords() throws {
        let (value, _) = try schema()
        #expect(MiniSchemaValidator.unsupported(value).isEmpty, "\(MiniSchemaValidator.unsupported(value))")
    }

    @Test("every curated problem file and every whole docs example is valid")
    func accepts() throws {
        let (value, validator) = try schema()
        let folder = root.appendingPathComponent("Problems")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 10)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let errors = validator.errors(try document(text), value)
            #expect(errors.isEmpty, "Problems/\(file): \(errors)")
        }
        let examples = try docsProblemFiles()
        #expect(!examples.isEmpty)
        for example in examples {
            let errors = validator.errors(try document(example.yaml), value)
            #expect(errors.isEmpty, "\(example.where): \(errors)")
        }
    }

    @Test("typical mistakes are rejected")
    func rejects() throws {
        let (value, validator) = try schema()
        let base = try String(contentsOf: root.appendingPathComponent("Problems/quadratic-topk.yaml"), encoding: .utf8)
        #expect(validator.errors(try document(base), value).isEmpty)
        let mistakes: [(String, String)] = [
            ("check: {confidence: 0.99}", "checks: {confidence: 0.99}"),          // unknown top-level key
            ("family: quadratic", "family: quadric"),                               // unknown family
            ("step: theory}", "step: teory}"),                                      // bad step
            ("top-k: {k: 40}", "top-k: {k: 0}"),                                    // k < 1
            ("top-k: {k: 40}", "topk: {k: 40}"),                                    // unknown oracle
            ("confidence: 0.99", "confidence: 1.5"),                                // out of range
            ("seeds: 32", "seeds: many"),                                           // not a number
        ]
        for (from, to) in mistakes {
            #expect(base.contains(from), "\(from)")
            let errors = validator.errors(try document(base.replacingOccurrences(of: from, with: to)), value)
            #expect(!errors.isEmpty, "accepted: \(to)")
        }
        let noMethods = base.components(separatedBy: "\n").filter { !$0.hasPrefix("methods:") && !$0.hasPrefix("  - {id:") }.joined(separator: "\n")
        #expect(validator.errors(try document(noMethods), value).contains { $0.contains("missing 'methods'") })
    }
}
