/// Reads a composed YAML tree into typed values while collecting *every* problem as a
/// ``Diagnostic`` (file, line, column, key path, what was found, what would be valid) instead of
/// stopping at the first. Readers return nil where a value is unusable; the loader carries on.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// Nodes visited; bounded so that a document whose aliases expand exponentially
    /// ("billion laughs") is rejected instead of hanging.
    private var visited = 0
    static let maximumNodes = 200_000

    init(file: String) { self.file = file }

    func error(_ node: Node?, _ path: String, _ message: String) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                                      keyPath: path, message: message))
    }

    func error(line: Int, column: Int, _ path: String, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: line, column: column, keyPath: path, message: message))
    }

    /// Counts a visit; false (with one diagnostic) once the document is too large.
    func visit(_ node: Node, _ path: String) -> Bool {
        visited += 1
        if visited == Self.maximumNodes + 1 {
            error(node, path, "the document expands to more than \(Self.maximumNodes) YAML nodes (aliases?); refusing to read further")
        }
        return visited <= Self.maximumNodes
    }

    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): s.string.isEmpty ? "an empty value" : "'\(s.string.prefix(60))'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    static func join(_ path: String, index: Int) -> String { "\(path)[\(index)]" }

    /// The mapping's entries by key; unknown keys and duplicates are reported (with a
    /// did-you-mean among `suggested`, by default `allowed`, and the list of those keys).
    func mapping(_ node: Node, _ path: String, allowed: [String], what: String, suggested: [String]? = nil) -> [String: Node]? {
        guard visit(node, path) else { return nil }
        guard case .mapping(let mapping) = node else {
            error(node, path, "expected \(what) (a mapping of keys to values), found \(Self.describe(node))")
            return nil
        }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                error(keyNode, path, "keys must be plain names, found \(Self.describe(keyNode))")
                continue
            }
            let name = key.string
            let keyPath = Self.join(path, name)
            if result[name] != nil {
                error(keyNode, keyPath, "duplicate key '\(name)'; each key may appear once")
                continue
            }
            if !allowed.contains(name) {
                let valid = suggested ?? allowed
                let hint = closestMatch(to: name, among: valid).map { " (did you mean '\($0)'?)" } ?? ""
                error(keyNode, keyPath, "unknown key '\(name)' in \(what)\(hint); valid keys: \(valid.joined(separator: ", "))")
                continue
            }
            result[name] = value
        }
        return result
    }

    func sequence(_ node: Node, _ path: String, what: String) -> [Node]? {
        guard visit(node, path) else { return nil }
        guard case .sequence(let items) = node else {
            error(node, path, "expected a list of \(what), found \(Self.describe(node))")
            return nil
        }
        return Array(items)
    }

    func scalar(_ node: Node, _ path: String, what: String) -> String? {
        guard visit(node, path) else { return nil }
        guard case .scalar(let s) = node else {
            error(node, path, "expected \(what), found \(Self.describe(node))")
            return nil
        }
        return s.string
    }

    func string(_ node: Node, _ path: String, what: String = "a string") -> String? {
        guard let s = scalar(node, path, what: what) else { return nil }
        if s.isEmpty { error(node, path, "expected \(what), found an empty value"); return nil }
        return s
    }

    /// A finite number satisfying `range`, e.g. `.positive`.
    func double(_ node: Node, _ path: String, _ range: NumberRange = .any) -> Double? {
        guard let s = scalar(node, path, what: "a number (\(range.text))") else { return nil }
        guard let value = Self.parseNumber(s) else {
            error(node, path, "expected a number (\(range.text)), found '\(s.prefix(60))'")
            return nil
        }
        guard value.isFinite else {
            error(node, path, "expected a finite number (\(range.text)), found \(s)")
            return nil
        }
        guard range.contains(value) else {
            error(node, path, "\(s) is out of range: expected \(range.text)")
            return nil
        }
        return value
    }

    func int(_ node: Node, _ path: String, _ range: NumberRange = .any) -> Int? {
        guard let s = scalar(node, path, what: "a whole number (\(range.text))") else { return nil }
        let cleaned = s.replacingOccurrences(of: "_", with: "")
        var value = Int(cleaned)
        if value == nil, let d = Self.parseNumber(s), d.isFinite, d == d.rounded(), abs(d) < 1e15 { value = Int(d) }
        guard let v = value else {
            error(node, path, "expected a whole number (\(range.text)), found '\(s.prefix(60))'")
            return nil
        }
        guard range.contains(Double(v)) else {
            error(node, path, "\(s) is out of range: expected \(range.text)")
            return nil
        }
        return v
    }

    /// A whole number 0 … 2⁶⁴ − 1 (seeds use the full range of their generator's state).
    func uint64(_ node: Node, _ path: String) -> UInt64? {
        let range = "a whole number from 0 to \(UInt64.max)"
        guard let s = scalar(node, path, what: range) else { return nil }
        var cleaned = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if cleaned.hasPrefix("+") { cleaned.removeFirst() }
        if let value = UInt64(cleaned) { return value }
        if let d = Self.parseNumber(s), d.isFinite, d == d.rounded(), abs(d) < 1e15 {
            if d >= 0 { return UInt64(d) }
            error(node, path, "\(s) is out of range: expected ≥ 0 (\(range))")
            return nil
        }
        // All digits, too many of them: out of range rather than not a number.
        let digits = cleaned.hasPrefix("-") ? cleaned.dropFirst() : Substring(cleaned)
        if !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) {
            error(node, path, "\(s.prefix(60)) is out of range: expected \(range)")
        } else {
            error(node, path, "expected \(range), found '\(s.prefix(60))'")
        }
        return nil
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        guard let s = scalar(node, path, what: "true or false") else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, path, "expected true or false, found '\(s.prefix(60))'")
            return nil
        }
    }

    /// One of `choices`, with a did-you-mean for a near miss.
    func choice(_ node: Node, _ path: String, among choices: [String], what: String) -> String? {
        guard let s = scalar(node, path, what: "\(what) (one of \(choices.joined(separator: ", ")))") else { return nil }
        if choices.contains(s) { return s }
        let hint = closestMatch(to: s, among: choices).map { " (did you mean '\($0)'?)" } ?? ""
        error(node, path, "unknown \(what) '\(s.prefix(60))'\(hint); valid: \(choices.joined(separator: ", "))")
        return nil
    }

    static func parseNumber(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        switch t.lowercased() {
        case ".inf", "+.inf", "inf", "infinity": return .infinity
        case "-.inf", "-inf", "-infinity": return -.infinity
        case ".nan", "nan": return .nan
        default: return Double(t)
        }
    }
}

/// A range a number must lie in, with its description for messages (``ParameterReader`` takes one).
public struct NumberRange: Sendable {
    let contains: @Sendable (Double) -> Bool
    public let text: String

    public static let any = NumberRange(contains: { _ in true }, text: "any finite number")
    public static let positive = NumberRange(contains: { $0 > 0 }, text: "a number > 0")
    public static let nonNegative = NumberRange(contains: { $0 >= 0 }, text: "a number ≥ 0")
    public static func atLeast(_ low: Double) -> NumberRange {
        NumberRange(contains: { $0 >= low }, text: "≥ \(format(low))")
    }
    public static func between(_ low: Double, _ high: Double, lowOpen: Bool = false, highOpen: Bool = false) -> NumberRange {
        NumberRange(contains: { (lowOpen ? $0 > low : $0 >= low) && (highOpen ? $0 < high : $0 <= high) },
                    text: "a number in \(lowOpen ? "(" : "[")\(format(low)), \(format(high))\(highOpen ? ")" : "]")")
    }
    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
}

import Foundation
