import Foundation

/// A JSON document as the reports build it: typed values instead of `[String: Any]`, written by
/// ``JSONValue/prettyText()`` byte for byte as Foundation's `JSONSerialization` writes the same
/// document with `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]` — the reports' JSON
/// existed before this type did, and its bytes stay what they were — without the dynamic casts
/// through `Any` that made that writer most of a near-empty `check`'s CPU time
/// (docs/performance.md). `JSONValueTests` compare the two writers on random documents.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// Written as Swift prints it, without a trailing `.0`; NaN and ±∞ are not JSON, and
    /// writing one throws (``JSONWriteError``), as `JSONSerialization` does.
    case double(Double)
    /// A number written verbatim (what `JSONSerialization` writes for a number it read back).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// `.double(value)`, or `.null` for nil, NaN and ±∞ (the reports' convention).
    public static func finite(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .double(value)
    }

    /// The string, or `.null` for nil.
    public static func nullable(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// The integer, or `.null` for nil.
    public static func nullable(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }

    /// The flag, or `.null` for nil.
    public static func nullable(_ value: Bool?) -> JSONValue { value.map(JSONValue.bool) ?? .null }

    /// An array of strings.
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// The document as `JSONSerialization` writes it pretty-printed with sorted keys and
    /// unescaped slashes: two-space indents, `" : "` between a key and its value, `{\n\n}` for
    /// an empty object. No trailing newline.
    public func prettyText() throws -> String {
        var writer = JSONTextWriter()
        writer.bytes.reserveCapacity(4096)
        try writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The value `JSONSerialization` gives back when it reads this value's text and writes it
    /// again: a number written without `.` or `e` comes back as an integer (`-0` as `0`), and
    /// one with more than 17 characters before its exponent (and an exponent in −128…127) as a
    /// `Decimal`, written out in full. A sweep's JSON embeds its cells' reports this way
    /// (SweepReport), as it did when it parsed each report back.
    public func reread() -> JSONValue {
        switch self {
        case .null, .bool, .string, .number: return self
        case .int(let value): return JSONValue.rereadNumber(String(value))
        case .double(let value): return value.isFinite ? JSONValue.rereadNumber(JSONTextWriter.text(of: value)) : self
        case .array(let items): return .array(items.map { $0.reread() })
        case .object(let members): return .object(members.mapValues { $0.reread() })
        }
    }

    /// What `JSONSerialization` writes for the number `text` after reading it (its reader makes
    /// an `Int64`/`UInt64`, a `Decimal` or a `Double` by these rules).
    static func rereadNumber(_ text: String) -> JSONValue {
        let exponent = text.firstIndex(of: "e")
        let integral = !text.contains(".") && exponent == nil
        let digits = text[..<(exponent ?? text.endIndex)].count
        if integral {
            if text.hasPrefix("-") {
                if digits <= 19, let value = Int64(text) { return .number(String(value)) }
            } else if digits <= 20, let value = UInt64(text) {
                return .number(String(value))
            }
        }
        var power = 0
        if let exponent, let parsed = Int(text[text.index(after: exponent)...]) { power = parsed }
        if digits > 17, (-128...127).contains(power), let decimal = Decimal(string: text), decimal.isFinite {
            return .number(decimal.description)
        }
        if let value = Double(text), value.isFinite { return .number(JSONTextWriter.text(of: value)) }
        return .number(text)
    }
}

/// Why a document could not be written.
public struct JSONWriteError: Error, CustomStringConvertible {
    public var description: String
}

/// The writer behind ``JSONValue/prettyText()``: UTF-8 bytes, in `JSONSerialization`'s layout.
struct JSONTextWriter {
    var bytes: [UInt8] = []
    private var indent = 0

    /// A double as `JSONSerialization` writes it: Swift's shortest round-trip text without a
    /// trailing `.0` (so `100.0` is `100`, `-0.0` is `-0`, `1e-07` and `1e+21` stay).
    static func text(of value: Double) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    mutating func write(_ value: JSONValue) throws {
        switch value {
        case .null: append("null")
        case .bool(let flag): append(flag ? "true" : "false")
        case .int(let number): append(String(number))
        case .double(let number):
            guard number.isFinite else { throw JSONWriteError(description: "Invalid number value (\(number)) in JSON write") }
            append(JSONTextWriter.text(of: number))
        case .number(let text): append(text)
        case .string(let text): writeString(text)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            bytes.append(UInt8(ascii: "\n"))
            indent += 2
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: "\n")) }
                writeIndent()
                try write(item)
            }
            bytes.append(UInt8(ascii: "\n"))
            indent -= 2
            writeIndent()
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            bytes.append(UInt8(ascii: "\n"))
            indent += 2
            for (i, member) in JSONKeyOrder.sorted(members).enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")); bytes.append(UInt8(ascii: "\n")) }
                writeIndent()
                writeString(member.key)
                append(" : ")
                try write(member.value)
            }
            bytes.append(UInt8(ascii: "\n"))
            indent -= 2
            writeIndent()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    private mutating func writeIndent() {
        for _ in 0..<indent { bytes.append(UInt8(ascii: " ")) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Quotes, backslashes and U+0000…U+001F escaped (`\b \f \n \r \t`, else `\u00xx` in lower
    /// case), everything else — `/`, DEL, non-ASCII — as it is.
    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
            case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(JSONTextWriter.hexDigits[Int(byte >> 4)])
                bytes.append(JSONTextWriter.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// The order `JSONSerialization` gives an object's keys with `.sortedKeys`: Foundation's
/// `compare(_:options: [.numeric, .caseInsensitive, .forcedOrdering], locale: .system)`, which
/// hands every difference to ICU's root collation (so `_` < `-` < digits < letters, `a2` <
/// `a10`, `l` < `L`), at a few microseconds a comparison. For keys of ASCII letters, digits,
/// spaces, `_` and `-` (digit runs without leading zeros, at most 18 digits) — every key of a
/// report but a user's odd constant name — this computes the same order directly: letters
/// case-insensitively and digit runs by value, space before `_` before `-` before digits before
/// letters; on a tie, the first difference in case puts the lower case first. An object with
/// any other key is sorted with Foundation's comparison.
enum JSONKeyOrder {
    /// The members in key order.
    static func sorted(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        let list = Array(members)
        guard list.count > 1 else { return list }
        let keys = list.map { Array($0.key.utf8) }
        guard keys.allSatisfy(isSimple) else { return list.sorted { foundationPrecedes($0.key, $1.key) } }
        return keys.indices.sorted { precedesSimple(keys[$0], keys[$1]) }.map { list[$0] }
    }

    /// Foundation's comparison, as `JSONSerialization` makes it.
    static func foundationPrecedes(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex,
                  locale: NSLocale.system) == .orderedAscending
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

    /// Only ASCII letters, digits, spaces, `_` and `-`, with every digit run short and without a
    /// leading zero.
    static func isSimple(_ key: String) -> Bool { isSimple(Array(key.utf8)) }

    static func isSimple(_ key: [UInt8]) -> Bool {
        var run = 0
        var runStartsWithZero = false
        for c in key {
            if isDigit(c) {
                if run == 0 { runStartsWithZero = c == UInt8(ascii: "0") }
                run += 1
                if run > 18 || (run > 1 && runStartsWithZero) { return false }
                continue
            }
            run = 0
            guard c == UInt8(ascii: "-") || c == UInt8(ascii: " ") || c == UInt8(ascii: "_")
                    || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) else { return false }
        }
        return true
    }

    /// The primary weight of a non-digit byte of a simple key: space, `_`, `-` (a digit weighs
    /// 3), then the letters, case folded.
    private static func weight(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: " "): 0
        case UInt8(ascii: "_"): 1
        case UInt8(ascii: "-"): 2
        default: Int(c | 0x20) - Int(UInt8(ascii: "a")) + 4
        }
    }

    /// The collation order on simple keys (see the type's note); `a` strictly before `b`.
    static func precedesSimple(_ a: String, _ b: String) -> Bool { precedesSimple(Array(a.utf8), Array(b.utf8)) }

    static func precedesSimple(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        var i = 0, j = 0
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                var ei = i, ej = j
                while ei < x.count && isDigit(x[ei]) { ei += 1 }
                while ej < y.count && isDigit(y[ej]) { ej += 1 }
                // Without leading zeros the longer run is the larger number.
                if ei - i != ej - j { return ei - i < ej - j }
                for k in 0..<(ei - i) where x[i + k] != y[j + k] { return x[i + k] < y[j + k] }
                i = ei
                j = ej
                continue
            }
            // A digit weighs 3: after `-`, before the letters.
            let wx = isDigit(x[i]) ? 3 : weight(x[i]), wy = isDigit(y[j]) ? 3 : weight(y[j])
            if wx != wy { return wx < wy }
            i += 1
            j += 1
        }
        if i < x.count || j < y.count { return j < y.count }
        // Equal but for case (so equal in length): the first difference, lower case first.
        for (p, q) in zip(x, y) where p != q { return p > q }
        return false
    }
}
