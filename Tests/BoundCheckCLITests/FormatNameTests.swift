import Foundation
import Testing
@testable import BoundCheckCLI

/// `--format` names are trimmed by hand (ReportOptions.trimmingSpaces) instead of through
/// Foundation's character sets; the result must be what `trimmingCharacters(in: .whitespaces)` gave.
@Suite struct FormatNameTests {
    @Test("trimming spaces by hand gives what trimmingCharacters(in: .whitespaces) gives, on random texts of spaces, tabs, newlines and letters")
    func trimmingMatchesFoundation() {
        let pieces: [String] = [" ", "\t", "\n", "\r", "\u{a0}", "\u{3000}", "\u{2003}", "\u{2028}", "\u{200b}", "\u{feff}", "\u{85}",
                                "json", "md", "é", "e\u{301}", ",", "😀"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...7, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            #expect(ReportOptions.trimmingSpaces(text[...]) == text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("every Unicode scalar is trimmed by hand exactly when CharacterSet.whitespaces holds it")
    func everyScalar() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar) + "x"
            if (ReportOptions.trimmingSpaces(text[...]) == "x") != CharacterSet.whitespaces.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.map { String($0, radix: 16) })")
    }

    @Test("the format list keeps its names, trimmed, and drops empty ones")
    func formatNames() throws {
        let options = try ReportOptions.parse(["--format", " json ,\tmd,, junit\u{a0}"])
        #expect(options.formatNames == ["json", "md", "junit"])
        #expect(options.formats == [.json, .md, .junit])
    }
}
