import Foundation

/// Turns problem files into validated ``ExperimentSpec``s, reporting every problem in a file at
/// once (docs/problem-files.md lists every key).
public struct SpecLoader {
    /// Files larger than this are refused unless `allowLarge` (a guard against feeding the tool
    /// a data file by mistake).
    public static let maximumFileBytes = 1 << 20
    /// The cap on work, d × n × iterations × seeds summed over methods, without `allowLarge`.
    public static let maximumWork = 20_000_000_000.0
    /// How deep lists and mappings may nest (libyaml's own limit is 1000; a problem file needs
    /// about 6, and the composer and reader recurse once per level).
    public static let maximumNesting = 64
    /// The cap on a document's YAML nodes, counted with aliases expanded ("billion laughs").
    public static var maximumNodes: Int { YAMLReader.maximumNodes }

    public var allowLarge: Bool
    /// Whether the file's `quick` profile is the one that will run (`--quick`): the work cap
    /// judges that profile.
    public var quick: Bool
    public var expressionLimits: ExpressionLimits

    public init(allowLarge: Bool = false, quick: Bool = false, expressionLimits: ExpressionLimits = .default) {
        self.allowLarge = allowLarge
        self.quick = quick
        self.expressionLimits = expressionLimits
    }

    /// Loads one file; throws ``SpecErrors`` listing every problem.
    public func load(path: String) throws -> ExperimentSpec {
        let url = URL(fileURLWithPath: path)
        let display = path
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = attributes?[.size] as? Int else {
            throw SpecErrors([Diagnostic(file: display, line: 0, column: 0, keyPath: "",
                                         message: "cannot read the file (does it exist?)")])
        }
        if size > Self.maximumFileBytes && !allowLarge {
            throw SpecErrors([Diagnostic(file: display, line: 0, column: 0, keyPath: "",
                                         message: "the file is \(size) bytes, over the \(Self.maximumFileBytes)-byte limit for problem files; pass --allow-large if it is really meant")])
        }
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw SpecErrors([Diagnostic(file: display, line: 0, column: 0, keyPath: "",
                                         message: "the file is not readable UTF-8 text")])
        }
        let defaultName = url.deletingPathExtension().lastPathComponent
        return try load(yaml: text, file: display, defaultName: defaultName)
    }

    /// Loads a problem file's text; `file` names it in messages.
    public func load(yaml text: String, file: String, defaultName: String = "experiment") throws -> ExperimentSpec {
        let reader = YAMLReader(file: file)
        let root: Node?
        do {
            root = try YAMLComposer.compose(text, file: file, maximumNodes: YAMLReader.maximumNodes)
        } catch {
            throw SpecErrors([error.diagnostic])
        }
        guard let root else {
            throw SpecErrors([Diagnostic(file: file, line: 1, column: 1, keyPath: "",
                                         message: "the file is empty; a problem file needs at least problem, methods and run")])
        }
        let builder = SpecBuilder(reader: reader, defaultName: defaultName, sourcePath: file, source: text,
                                  specHash: Self.hash(text), allowLarge: allowLarge, quick: quick, limits: expressionLimits)
        let spec = builder.build(root)
        if !reader.diagnostics.isEmpty || spec == nil {
            var diagnostics = reader.diagnostics
            if diagnostics.isEmpty {
                diagnostics = [Diagnostic(file: file, line: 0, column: 0, keyPath: "", message: "the file could not be read")]
            }
            throw SpecErrors(diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return spec!
    }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across runs and machines.
    public static func hash(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
