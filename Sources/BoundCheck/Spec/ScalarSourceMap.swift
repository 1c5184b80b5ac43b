/// Maps a position inside a scalar's *value* back to the file, so that an error at character n
/// of an expression points at the right line and column even when the value is not a copy of
/// the text: escapes in double-quoted scalars (`\t` is two characters in the file, one in the
/// value), `''` in single-quoted ones, block scalars (`|`, `>`) whose text starts on the next
/// line, and scalars folded over several lines.
///
/// Works by aligning the value with the file text from where the scalar starts: equal
/// characters match one to one, escapes are decoded as YAML decodes them, and a run of
/// whitespace and line breaks in the value matches a run in the text (folding and indentation
/// change their length, not their place). When the two cannot be aligned, ``positions(of:)``
/// returns nil and callers fall back to the scalar's start.
struct ScalarSourceMap {
    /// The file's lines without their breaks, split where libyaml counts a new line.
    private let lines: [[Unicode.Scalar]]

    init(text: String) {
        var lines: [[Unicode.Scalar]] = []
        var line: [Unicode.Scalar] = []
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previousWasCR:
                break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                lines.append(line)
                line = []
            default:
                line.append(scalar)
            }
            previousWasCR = scalar == "\r"
        }
        lines.append(line)
        // libyaml skips a byte-order mark without counting a column.
        if lines[0].first == "\u{FEFF}" { lines[0].removeFirst() }
        self.lines = lines
    }

    /// The file position of every `Character` of the scalar's value, plus one for the end of the
    /// value (where "found end of expression" points); nil if the value cannot be aligned.
    func positions(of scalar: Node.Scalar) -> [Node.Mark]? {
        var cursor = Cursor(lines: lines, line: scalar.mark.line - 1, column: scalar.mark.column - 1)
        guard cursor.line >= 0, cursor.line < lines.count else { return nil }
        switch scalar.style {
        case .plain: break
        case .singleQuoted, .doubleQuoted: cursor.column += 1
        case .literal, .folded:
            // The text starts on the line after the indicator (and its comment).
            cursor.line += 1
            cursor.column = 0
        }
        let value = Array(scalar.string.unicodeScalars)
        var marks: [Node.Mark] = []
        marks.reserveCapacity(value.count + 1)
        var i = 0
        while i < value.count {
            let c = value[i]
            guard let s = cursor.peek() else {
                // The text ended; only a final line break of a block scalar may be left.
                guard Self.isWhitespace(c) else { return nil }
                marks.append(cursor.mark)
                i += 1
                continue
            }
            if scalar.style == .doubleQuoted && s == "\\" {
                let next = cursor.peek(1)
                if next == nil || next == "\n" {
                    // An escaped line break: nothing in the value, and the next line's
                    // indentation is skipped.
                    cursor.advance()
                    cursor.advance()
                    cursor.skip(while: { $0 == " " || $0 == "\t" })
                    continue
                }
                guard let (decoded, length) = Self.escape(cursor), decoded == c else { return nil }
                marks.append(cursor.mark)
                for _ in 0..<length { cursor.advance() }
                i += 1
                continue
            }
            if scalar.style == .singleQuoted && s == "'" {
                guard c == "'", cursor.peek(1) == "'" else { return nil }
                marks.append(cursor.mark)
                cursor.advance()
                cursor.advance()
                i += 1
                continue
            }
            if s == c && s != "\n" {
                marks.append(cursor.mark)
                cursor.advance()
                i += 1
                continue
            }
            if Self.isWhitespace(s) {
                // Folding, indentation, trailing spaces: a run in the text matches a run (maybe
                // empty) in the value; the value's run points at the start of the text's.
                let start = cursor.mark
                cursor.skip(while: Self.isWhitespace)
                while i < value.count && Self.isWhitespace(value[i]) {
                    marks.append(start)
                    i += 1
                }
                continue
            }
            return nil
        }
        // The end of the value: just after its last non-blank character.
        if let last = value.lastIndex(where: { !Self.isWhitespace($0) }), last + 1 < value.count {
            marks.append(marks[last + 1])
        } else {
            marks.append(cursor.mark)
        }
        // From scalars to Characters: each Character starts where its first scalar does.
        var result: [Node.Mark] = []
        var scalarIndex = 0
        for character in scalar.string {
            result.append(marks[scalarIndex])
            scalarIndex += character.unicodeScalars.count
        }
        result.append(marks[value.count])
        return result
    }

    private static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || s == "\n"
    }

    /// The value of the double-quoted escape at the cursor, and its length in the text.
    private static func escape(_ cursor: Cursor) -> (Unicode.Scalar, Int)? {
        guard let e = cursor.peek(1) else { return nil }
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{0B}",
            "f": "\u{0C}", "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\",
            "N": "\u{85}", "_": "\u{A0}", "L": "\u{2028}", "P": "\u{2029}",
        ]
        if let value = simple[e] { return (value, 2) }
        let digits: Int
        switch e {
        case "x": digits = 2
        case "u": digits = 4
        case "U": digits = 8
        default: return nil
        }
        var code: UInt32 = 0
        for k in 0..<digits {
            guard let h = cursor.peek(2 + k), let v = Int(String(h), radix: 16) else { return nil }
            code = code * 16 + UInt32(v)
        }
        guard let value = Unicode.Scalar(code) else { return nil }
        return (value, 2 + digits)
    }

    /// A place in the text; the end of a line reads as "\n".
    private struct Cursor {
        let lines: [[Unicode.Scalar]]
        var line: Int
        var column: Int

        var mark: Node.Mark { Node.Mark(line: line + 1, column: column + 1) }

        /// The character `ahead` places on (within this line, or the line break at its end).
        func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
            guard line < lines.count else { return nil }
            let index = column + ahead
            if index < lines[line].count { return lines[line][index] }
            if index == lines[line].count { return line + 1 < lines.count ? "\n" : nil }
            return nil
        }

        mutating func advance() {
            guard line < lines.count else { return }
            if column < lines[line].count {
                column += 1
            } else {
                line += 1
                column = 0
            }
        }

        mutating func skip(while predicate: (Unicode.Scalar) -> Bool) {
            while let s = peek(), predicate(s) { advance() }
        }
    }
}
