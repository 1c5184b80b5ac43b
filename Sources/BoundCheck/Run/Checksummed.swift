import Foundation

/// A JSON document that carries the SHA-256 of its content, for the files the tool reads back
/// (cache entries, shard results): `{"content":CONTENT,"sha256":"HEX"}`, the digest taken over
/// the exact bytes of CONTENT. It is still JSON, and a flipped bit or an edited number anywhere in
/// the content no longer matches its digest, so damaged data is refused instead of used.
public enum Checksummed {
    private static let head = Array(#"{"content":"#.utf8)
    private static let tail = Array(#","sha256":""#.utf8)

    public enum Failure: Error, Equatable {
        /// Not in this form at all (truncated, another file, an older format).
        case notChecksummed
        /// In this form, but the content does not hash to the recorded digest.
        case mismatch
    }

    /// `content` (JSON bytes) wrapped with its digest, and a final newline.
    public static func wrap(_ content: Data) -> Data {
        var out = Data(head)
        out.append(content)
        out.append(contentsOf: tail)
        out.append(contentsOf: Array(SHA256.hex(content).utf8))
        out.append(contentsOf: Array("\"}\n".utf8))
        return out
    }

    /// The content of a wrapped document, after checking its digest.
    public static func unwrap(_ data: Data) throws(Failure) -> Data {
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes.removeLast() }
        let fixed = head.count + tail.count + 64 + 2
        guard bytes.count > fixed, bytes.starts(with: head), bytes.suffix(2) == [0x22, 0x7D] else { throw .notChecksummed }
        let hexStart = bytes.count - 2 - 64
        let tailStart = hexStart - tail.count
        guard Array(bytes[tailStart..<hexStart]) == tail else { throw .notChecksummed }
        let recorded = String(decoding: bytes[hexStart..<(bytes.count - 2)], as: UTF8.self)
        guard recorded.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { throw .notChecksummed }
        let content = bytes[head.count..<tailStart]
        guard SHA256.hex(content) == recorded else { throw .mismatch }
        return Data(content)
    }
}

/// A decoding error as one plain sentence (no Swift dump): what was wrong and where.
func describeDecodingError(_ error: Error) -> String {
    func path(_ keys: [CodingKey]) -> String {
        let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
    }
    guard let error = error as? DecodingError else { return "not readable JSON" }
    switch error {
    case .keyNotFound(let key, let context): return "missing '\(key.stringValue)' at \(path(context.codingPath))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "a value of the wrong kind at \(path(context.codingPath))"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "an invalid value at \(path(context.codingPath))"
    @unknown default: return "not readable JSON"
    }
}
