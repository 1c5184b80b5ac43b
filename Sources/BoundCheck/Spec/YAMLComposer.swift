// libyaml's C API, as Yams bundles it (the `CYaml` module of the Yams package). Yams' own
// composer cannot be used on untrusted files; see ``YAMLComposer``.
import CYaml

/// Composes a problem file's single YAML document into ``Node``s from libyaml's event stream.
///
/// This replaces `Yams.compose`, which is unsafe on hostile input and too strict for
/// diagnostics:
/// - it hashes every mapping key to find duplicates, and hashing a key that is an alias expands
///   it: an alias "bomb" (nine anchors each listing the previous one nine times, 9⁹ nodes) used
///   as a key hangs it before any size limit can act;
/// - it throws at the first duplicate key, hiding every other problem of the file.
///
/// Here aliases are resolved by sharing, and the document's *expanded* size (every node counted
/// as often as aliases repeat it) is kept as events arrive: the alias that would take it past
/// `maximumNodes` is refused with its line and column, before anything walks the tree. Keys are
/// never compared; ``YAMLReader`` reports duplicates at the repeated key and carries on.
final class YAMLComposer {
    /// How deep collections may nest (``SpecLoader/maximumNesting``).
    static var maximumDepth: Int { SpecLoader.maximumNesting }

    struct Failure: Error { var diagnostic: Diagnostic }

    private let text: String
    private let file: String
    private let maximumNodes: Int
    private var parser = yaml_parser_t()
    /// Anchored nodes with their expanded sizes; a later anchor of the same name shadows.
    private var anchors: [String: (node: Node, size: Int)] = [:]
    /// Nodes composed so far, aliases counted at their expanded size.
    private var expanded = 0
    private var depth = 0
    /// Where the composer is, for messages: keys and indices from the root.
    private var path: [String] = []

    private init(text: String, file: String, maximumNodes: Int) {
        self.text = text
        self.file = file
        self.maximumNodes = maximumNodes
    }

    /// The document's root (nil for an empty stream), or the first problem that stops reading.
    static func compose(_ text: String, file: String, maximumNodes: Int) throws(Failure) -> Node? {
        let composer = YAMLComposer(text: text, file: file, maximumNodes: maximumNodes)
        var bytes = Array(text.utf8)
        bytes.append(0)   // a valid pointer even for an empty file; not part of the input
        let result: Result<Node?, Failure> = bytes.withUnsafeBufferPointer { buffer in
            composer.run(buffer.baseAddress!, count: buffer.count - 1)
        }
        return try result.get()
    }

    private func run(_ input: UnsafePointer<UInt8>, count: Int) -> Result<Node?, Failure> {
        guard yaml_parser_initialize(&parser) == 1 else {
            return .failure(Failure(diagnostic: Diagnostic(file: file, line: 0, column: 0, keyPath: "",
                                                           message: "out of memory while starting the YAML parser")))
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, input, count)
        do throws(Failure) {
            _ = try next()   // stream start
            let start = try next()
            guard start.type == YAML_DOCUMENT_START_EVENT else { return .success(nil) }
            let root = try node(from: try next())
            _ = try next()   // document end
            let after = try next()
            if after.type != YAML_STREAM_END_EVENT {
                throw failure(at: after.mark, "not valid YAML: expected a single document in the stream but found another document")
            }
            return .success(root)
        } catch {
            return .failure(error)
        }
    }

    // MARK: events

    /// What the composer needs of one libyaml event, copied out so the event can be freed.
    private struct Event {
        var type: yaml_event_type_t
        var mark: Node.Mark
        var anchor: String?
        var value = ""
        var style = Node.Scalar.Style.plain
    }

    private func next() throws(Failure) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else { throw parserFailure() }
        defer { yaml_event_delete(&event) }
        var result = Event(type: event.type,
                           mark: Node.Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1))
        switch event.type {
        case YAML_ALIAS_EVENT:
            result.anchor = Self.string(event.data.alias.anchor)
        case YAML_SCALAR_EVENT:
            result.anchor = Self.string(event.data.scalar.anchor)
            let buffer = UnsafeBufferPointer(start: event.data.scalar.value, count: Int(event.data.scalar.length))
            result.value = String(decoding: buffer, as: UTF8.self)
            switch event.data.scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: result.style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: result.style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: result.style = .literal
            case YAML_FOLDED_SCALAR_STYLE: result.style = .folded
            default: result.style = .plain
            }
        case YAML_SEQUENCE_START_EVENT:
            result.anchor = Self.string(event.data.sequence_start.anchor)
        case YAML_MAPPING_START_EVENT:
            result.anchor = Self.string(event.data.mapping_start.anchor)
        default:
            break
        }
        return result
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: UnsafePointer(pointer))
    }

    // MARK: composing

    private func node(from event: Event) throws(Failure) -> Node {
        switch event.type {
        case YAML_ALIAS_EVENT:
            let name = event.anchor ?? ""
            guard let target = anchors[name] else {
                throw failure(at: event.mark, "not valid YAML: found undefined alias")
            }
            try count(target.size, at: event.mark, alias: name)
            return target.node
        case YAML_SCALAR_EVENT:
            try count(1, at: event.mark, alias: nil)
            let node = Node.scalar(Node.Scalar(string: event.value, style: event.style, mark: event.mark))
            if let anchor = event.anchor { anchors[anchor] = (node, 1) }
            return node
        case YAML_SEQUENCE_START_EVENT:
            let before = expanded
            try count(1, at: event.mark, alias: nil)
            try enter(event.mark)
            var items: [Node] = []
            while true {
                let item = try next()
                if item.type == YAML_SEQUENCE_END_EVENT { break }
                path.append("[\(items.count)]")
                items.append(try node(from: item))
                path.removeLast()
            }
            depth -= 1
            let node = Node.sequence(Node.Sequence(items: items, mark: event.mark))
            if let anchor = event.anchor { anchors[anchor] = (node, expanded - before) }
            return node
        case YAML_MAPPING_START_EVENT:
            let before = expanded
            try count(1, at: event.mark, alias: nil)
            try enter(event.mark)
            var pairs: [(key: Node, value: Node)] = []
            while true {
                let keyEvent = try next()
                if keyEvent.type == YAML_MAPPING_END_EVENT { break }
                path.append(keyEvent.type == YAML_SCALAR_EVENT ? ".\(keyEvent.value)" : ".?")
                let key = try node(from: keyEvent)
                let value = try node(from: try next())
                path.removeLast()
                pairs.append((key, value))
            }
            depth -= 1
            let node = Node.mapping(Node.Mapping(pairs: pairs, mark: event.mark))
            if let anchor = event.anchor { anchors[anchor] = (node, expanded - before) }
            return node
        default:
            throw failure(at: event.mark, "not valid YAML: unexpected event \(event.type.rawValue)")
        }
    }

    private func enter(_ mark: Node.Mark) throws(Failure) {
        depth += 1
        if depth > Self.maximumDepth {
            throw failure(at: mark, "the document nests lists and mappings more than \(Self.maximumDepth) levels deep; a problem file needs a handful")
        }
    }

    /// Adds `size` expanded nodes; refuses the document once it is over the limit.
    private func count(_ size: Int, at mark: Node.Mark, alias: String?) throws(Failure) {
        expanded += size
        guard expanded > maximumNodes else { return }
        if let alias {
            throw failure(at: mark, "the alias *\(alias) repeats \(size) YAML nodes, taking the document over the limit of \(maximumNodes) nodes once aliases are expanded (an alias bomb?); refusing to read it")
        }
        throw failure(at: mark, "the document has more than \(maximumNodes) YAML nodes (aliases expanded); refusing to read it")
    }

    // MARK: failures

    private var keyPath: String {
        var result = path.joined()
        if result.hasPrefix(".") { result.removeFirst() }
        return result
    }

    private func failure(at mark: Node.Mark, _ message: String) -> Failure {
        Failure(diagnostic: Diagnostic(file: file, line: mark.line, column: mark.column, keyPath: keyPath, message: message))
    }

    /// libyaml's error as a diagnostic at the problem's position (the message in libyaml's
    /// words, as Yams gives it).
    private func parserFailure() -> Failure {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_READER_ERROR:
            // The reader knows only a byte offset; turn it into a line and column.
            let mark = Self.mark(ofByteOffset: Int(parser.problem_offset), in: text)
            return Failure(diagnostic: Diagnostic(file: file, line: mark.line, column: mark.column, keyPath: "",
                                                  message: "not valid YAML text: \(problem)"))
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
            let context = parser.context.map { String(cString: $0) + " " } ?? ""
            let mark = Node.Mark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            return Failure(diagnostic: Diagnostic(file: file, line: mark.line, column: mark.column, keyPath: "",
                                                  message: "not valid YAML: \(context)\(problem)"))
        case YAML_MEMORY_ERROR:
            return Failure(diagnostic: Diagnostic(file: file, line: 0, column: 0, keyPath: "",
                                                  message: "out of memory while reading the YAML"))
        default:
            return Failure(diagnostic: Diagnostic(file: file, line: 0, column: 0, keyPath: "",
                                                  message: "not valid YAML: \(problem)"))
        }
    }

    /// The 1-based line and column (in Unicode scalars) of a UTF-8 byte offset, with line
    /// breaks counted as libyaml counts them (LF, CR, CR LF, NEL, LS, PS).
    static func mark(ofByteOffset offset: Int, in text: String) -> Node.Mark {
        var line = 1, column = 1, bytes = 0
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if bytes >= offset { break }
            bytes += UTF8.width(scalar)
            switch scalar {
            case "\n":
                if !previousWasCR { line += 1 }
                column = 1
            case "\r", "\u{85}", "\u{2028}", "\u{2029}":
                line += 1
                column = 1
            default:
                column += 1
            }
            previousWasCR = scalar == "\r"
        }
        return Node.Mark(line: line, column: column)
    }
}
