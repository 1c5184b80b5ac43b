@testable import BoundCheck
import Foundation
import PropertyBased
import Testing

/// The library's value (SchemaTests has a `JSONValue` of its own in this module).
private typealias Document = BoundCheck.JSONValue

// The typed JSON writer (JSONValue) must write every document byte for byte as Foundation's
// JSONSerialization writes the same document with the options the reports used
// ([.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]); these properties compare the two on
// random documents, the key order on random keys, and JSONValue.reread on random numbers.

private let foundationOptions: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]

extension Document {
    /// The same document as Foundation objects, as the report code used to build it.
    var foundationObject: Any {
        switch self {
        case .null: NSNull()
        case .bool(let flag): flag
        case .int(let number): number
        case .double(let number): number
        case .number(let text): (try! JSONSerialization.jsonObject(with: Data("[\(text)]".utf8)) as! [Any])[0]
        case .string(let text): text
        case .array(let items): items.map(\.foundationObject)
        case .object(let members): members.mapValues(\.foundationObject)
        }
    }
}

private func foundationText(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: foundationOptions), as: UTF8.self)
}

// MARK: - Random documents

/// Characters keys and strings are drawn from: the escapes, slashes, DEL, letters of both cases,
/// digits (with zeros), punctuation ICU orders its own way, non-ASCII letters, an astral
/// character, U+2028 and a noncharacter.
private let stringPieces: [String] = [
    "a", "b", "k", "l", "z", "A", "B", "K", "L", "Z", "0", "1", "2", "9", "10", "007", "-", "_", ".", " ", "/", "\\", "\"",
    "\u{0}", "\u{1}", "\u{8}", "\t", "\n", "\u{b}", "\u{c}", "\r", "\u{1b}", "\u{1f}", "\u{7f}", "é", "E\u{301}", "ß", "σ", "Σ",
    "ι", "😀", "\u{2028}", "\u{fffe}", "∞", "γ", "β", "[", "]", "(", "~", "$",
]

private func randomString<R: RandomNumberGenerator>(_ rng: inout R, pieces: [String], maxLength: Int) -> String {
    (0..<Int.random(in: 0...maxLength, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
}

/// Finite doubles of every kind: random bit patterns (all exponents, subnormals), zeros of both
/// signs, integers stored as doubles around 2⁵³ and 10¹⁶, powers of ten, the extremes, short
/// decimals, and values near the ones the reports hold.
private func randomDouble<R: RandomNumberGenerator>(_ rng: inout R) -> Double {
    switch Int.random(in: 0..<12, using: &rng) {
    case 0, 1:
        while true {
            let x = Double(bitPattern: UInt64.random(in: .min ... .max, using: &rng))
            if x.isFinite { return x }
        }
    case 2: return Double(bitPattern: UInt64.random(in: 1..<(1 << 52), using: &rng)) * (Bool.random(using: &rng) ? 1 : -1)
    case 3: return [0.0, -0.0, 1, -1, 0.1, 1e-7, 1e21, 1e16, 1e15, 9007199254740992, 9007199254740994, .leastNonzeroMagnitude, 2.2250738585072014e-308,
                    .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .ulpOfOne, 123456789012345683968].randomElement(using: &rng)!
    case 4: return Double(Int.random(in: -100_000...100_000, using: &rng))
    case 5: return Double(Int64.random(in: .min ... .max, using: &rng))
    case 6: return pow(10, Double(Int.random(in: -330...308, using: &rng))) * (Bool.random(using: &rng) ? 1 : -1)
    case 7: return Double(Int.random(in: -99_999...99_999, using: &rng)) / pow(10, Double(Int.random(in: 0...9, using: &rng)))
    case 8: return Double.random(in: -1...1, using: &rng)
    case 9: return Double.random(in: 0...1, using: &rng) * pow(10, Double(Int.random(in: -20...25, using: &rng)))
    case 10: return Double(Int.random(in: 1...1000, using: &rng)) / 3
    default: return Double.random(in: 1e15...1e17, using: &rng).rounded()
    }
}

private func randomLeaf<R: RandomNumberGenerator>(_ rng: inout R) -> Document {
    switch Int.random(in: 0..<7, using: &rng) {
    case 0: .null
    case 1: .bool(Bool.random(using: &rng))
    case 2: .int(Bool.random(using: &rng) ? Int.random(in: -1000...1000, using: &rng) : Int.random(in: .min ... .max, using: &rng))
    case 3, 4: .double(randomDouble(&rng))
    default: .string(randomString(&rng, pieces: stringPieces, maxLength: 8))
    }
}

private func randomDocument<R: RandomNumberGenerator>(_ rng: inout R, depth: Int) -> Document {
    if depth > 0 && (depth >= 4 || Int.random(in: 0..<3, using: &rng) == 0) { return randomLeaf(&rng) }
    let count = Int.random(in: 0...6, using: &rng)
    if Bool.random(using: &rng) {
        return .array((0..<count).map { _ in randomDocument(&rng, depth: depth + 1) })
    }
    var members: [String: Document] = [:]
    let simple = Bool.random(using: &rng)
    for _ in 0..<count {
        let key = simple ? randomString(&rng, pieces: simpleKeyPieces, maxLength: 5) : randomString(&rng, pieces: stringPieces, maxLength: 4)
        members[key] = randomDocument(&rng, depth: depth + 1)
    }
    return .object(members)
}

private let documents = Generator<Document, Shrink.None<Document>>(run: { rng in randomDocument(&rng, depth: 0) })

/// Pieces of the keys the fast order handles (letters, digits without leading zeros, space, `_`, `-`), few
/// enough that keys often share prefixes or differ only in case.
private let simpleKeyPieces = ["a", "b", "l", "A", "L", "s", "S", "-", "_", " ", "1", "2", "9", "10", "27", "100", "x-", "k2", " given "]

private let simpleKeyPairs = Generator<(String, String), Shrink.None<(String, String)>>(run: { rng in
    let a = randomString(&rng, pieces: simpleKeyPieces, maxLength: 5)
    // Half the pairs share a prefix with each other.
    let b = Bool.random(using: &rng) ? String(a.prefix(Int.random(in: 0...a.count, using: &rng))) + randomString(&rng, pieces: simpleKeyPieces, maxLength: 3)
                                     : randomString(&rng, pieces: simpleKeyPieces, maxLength: 5)
    return (a, Bool.random(using: &rng) ? b : b.uppercased())
})

private let doubles = Generator<Double, Shrink.None<Double>>(run: { rng in randomDouble(&rng) })

@Suite("The typed JSON writer writes JSONSerialization's bytes")
struct JSONValueTests {
    @Test("random documents (doubles of every magnitude, ints, escapes, unicode, nesting, empty containers) are written byte for byte as JSONSerialization writes them")
    func documentsMatchFoundation() async throws {
        await propertyCheck(count: 600, input: documents) { document in
            // Foundation writes a top-level array or object only.
            let top: Document
            if case .array = document { top = document } else if case .object = document { top = document } else { top = .array([document]) }
            let ours = try top.prettyText(), theirs = try foundationText(top.foundationObject)
            #expect(ours == theirs)
        }
    }

    @Test("keys of ASCII letters, digits, spaces, '_' and '-' are ordered as Foundation's comparison orders them, both ways round")
    func simpleKeyOrderMatchesFoundation() async {
        await propertyCheck(count: 4000, input: simpleKeyPairs) { pair in
            let (a, b) = pair
            #expect(JSONKeyOrder.isSimple(a) && JSONKeyOrder.isSimple(b))
            #expect(JSONKeyOrder.precedesSimple(a, b) == JSONKeyOrder.foundationPrecedes(a, b), "\(a) vs \(b)")
            #expect(JSONKeyOrder.precedesSimple(b, a) == JSONKeyOrder.foundationPrecedes(b, a), "\(b) vs \(a)")
        }
    }

    @Test("keys outside the fast order's alphabet (leading zeros, '.', '/', tabs, non-ASCII) are left to Foundation's comparison")
    func otherKeysAreNotSimple() {
        for key in ["a01", "00", "a.b", "σ", "é", "a\tb", "1234567890123456789", "a/b"] {
            #expect(!JSONKeyOrder.isSimple(key), "\(key)")
        }
        for key in ["", "a", "L", "h2", "worker-grad2", "a10b", "0", "x-0-y", "123456789012345678", "a_b", "m given zeta2"] {
            #expect(JSONKeyOrder.isSimple(key), "\(key)")
        }
    }

    @Test("the report's own kinds of keys sort as JSONSerialization sorts them (numbers by value, lower case first, '_' before '-')")
    func knownOrder() throws {
        let keys = ["b", "a", "A", "B", "a10", "a2", "a1", "a01", "a-1", "a_1", "a1x", "L", "l", "Lb", "la", "h2", "h", "grad2", "gap",
                    "student-lower", "sd", "σ", "é", "e", "", "_", "-", "0", "9", "10", "a b", "min f", "m given zeta2", "zeta2 given m", "a_b"]
        let document = Document.object(Dictionary(uniqueKeysWithValues: keys.map { ($0, Document.int(0)) }))
        #expect(try document.prettyText() == foundationText(document.foundationObject))
        let simple = Document.object(Dictionary(uniqueKeysWithValues: keys.filter(JSONKeyOrder.isSimple).map { ($0, Document.int(0)) }))
        #expect(try simple.prettyText() == foundationText(simple.foundationObject))
    }

    @Test("a reread number is what JSONSerialization writes after reading the number's text back")
    func rereadMatchesFoundation() async throws {
        await propertyCheck(count: 3000, input: doubles) { x in
            let written = try Document.array([.double(x)]).prettyText()
            let back = try JSONSerialization.jsonObject(with: Data(written.utf8))
            let ours = try Document.array([.double(x)]).reread().prettyText(), theirs = try foundationText(back)
            #expect(ours == theirs, "\(x)")
        }
        for n in [0, -1, 1, Int.max, Int.min, Int.min + 1, 12345678901234567] {
            let back = try JSONSerialization.jsonObject(with: Data("[\(n)]".utf8))
            #expect(try Document.array([.int(n)]).reread().prettyText() == foundationText(back), "\(n)")
        }
    }

    @Test("NaN and infinities are refused, as JSONSerialization refuses them")
    func nonFiniteThrows() {
        for x in [Double.nan, .infinity, -.infinity] {
            #expect(throws: JSONWriteError.self) { try Document.object(["x": .double(x)]).prettyText() }
            #expect(Document.finite(x) == .null)
        }
    }
}
