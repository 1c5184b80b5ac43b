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
    /// `--seeds`: replaces the profile's seeds before the work and memory caps judge it.
    public var seedsOverride: Int?
    /// Threads the run will use (`--jobs`): each holds its own simulation buffers.
    public var jobs: Int
    /// The plug-ins a file may name.
    public var catalog: Catalog

    public init(allowLarge: Bool = false, quick: Bool = false, expressionLimits: ExpressionLimits = .default,
                seedsOverride: Int? = nil, jobs: Int = 1, catalog: Catalog = .standard) {
        self.allowLarge = allowLarge
        self.quick = quick
        self.expressionLimits = expressionLimits
        self.seedsOverride = seedsOverride
        self.jobs = jobs
        self.catalog = catalog
    }

    /// Loads one file; throws ``SpecErrors`` listing every problem.
    public func load(path: String) throws -> ExperimentSpec {
        let (text, defaultName) = try read(path: path)
        return try load(yaml: text, file: path, defaultName: defaultName)
    }

    /// A problem file's text and the name its file name gives, after the checks on what the
    /// path is (a regular file, within the size limit, UTF-8); throws ``SpecErrors``.
    func read(path: String) throws -> (text: String, defaultName: String) {
        let url = URL(fileURLWithPath: path)
        let display = path
        func refuse(_ message: String, line: Int = 0, column: Int = 0) -> SpecErrors {
            SpecErrors([Diagnostic(file: display, line: line, column: column, keyPath: "", message: message)])
        }
        // What the path is, before opening it: a folder, a FIFO (opening one would block until
        // someone writes to it) or a device is refused with what it is.
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            throw refuse(code == ENOENT ? "cannot read the file: it does not exist" : "cannot read the file: \(String(cString: strerror(code)).lowercased())")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw refuse("this is a folder, not a problem file (give the folder itself to check, which searches it for *.yaml)")
        case S_IFIFO: throw refuse("this is a FIFO (named pipe), not a regular file; problem files are read from regular files")
        default: throw refuse("this is not a regular file (a device or socket); problem files are read from regular files")
        }
        let size = Int(info.st_size)
        if size > Self.maximumFileBytes && !allowLarge {
            throw refuse("the file is \(size) bytes, over the \(Self.maximumFileBytes)-byte limit for problem files; pass --allow-large if it is really meant")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw refuse("cannot read the file: \(FileProblem.cause(of: error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = Self.firstInvalidUTF8(data)
            throw refuse("the file is not UTF-8 text: the byte at line \(line), column \(column) is not valid UTF-8 (save the file as UTF-8)", line: line, column: column)
        }
        let defaultName = url.deletingPathExtension().lastPathComponent
        return (text, defaultName)
    }

    /// Loads a problem file's text; `file` names it in messages.
    public func load(yaml text: String, file: String, defaultName: String = "experiment") throws -> ExperimentSpec {
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
        return try build(root, text: text, file: file, defaultName: defaultName, specHash: Self.hash(text))
    }

    /// Builds a spec from a composed tree (the file's, or one a sweep or search substituted
    /// values into); `text` is the file's, for positions inside scalars.
    func build(_ root: Node, text: String, file: String, defaultName: String, specHash: String) throws(SpecErrors) -> ExperimentSpec {
        let reader = YAMLReader(file: file)
        let builder = SpecBuilder(reader: reader, defaultName: defaultName, sourcePath: file, source: text,
                                  specHash: specHash, allowLarge: allowLarge, quick: quick, limits: expressionLimits,
                                  catalog: catalog)
        builder.seedsOverride = seedsOverride
        builder.jobs = jobs
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

    /// Line and column (from 1; columns count Unicode scalars, as in every other message) of
    /// the first byte that is not valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, column: Int) {
        var line = 1, column = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput, .error:
                return (line, column)
            }
        }
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
