import Foundation
import Yams

/// Turns problem files into validated ``ExperimentSpec``s, reporting every problem in a file at
/// once (DESIGN.md "Problem files"; docs/problem-files.md lists every key).
public struct SpecLoader {
    /// Files larger than this are refused unless `allowLarge` (a guard against feeding the tool
    /// a data file by mistake).
    public static let maximumFileBytes = 1 << 20
    /// The cap on work, d × n × iterations × seeds summed over methods, without `allowLarge`.
    public static let maximumWork = 20_000_000_000.0

    public var allowLarge: Bool
    public var expressionLimits: ExpressionLimits

    public init(allowLarge: Bool = false, expressionLimits: ExpressionLimits = .default) {
        self.allowLarge = allowLarge
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
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw SpecErrors([Self.diagnostic(for: error, file: file)])
        } catch {
            throw SpecErrors([Diagnostic(file: file, line: 0, column: 0, keyPath: "", message: "not valid YAML: \(error)")])
        }
        guard let root else {
            throw SpecErrors([Diagnostic(file: file, line: 1, column: 1, keyPath: "",
                                         message: "the file is empty; a problem file needs at least problem, methods and run")])
        }
        let builder = SpecBuilder(reader: reader, defaultName: defaultName, sourcePath: file,
                                  specHash: Self.hash(text), allowLarge: allowLarge, limits: expressionLimits)
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

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let what = context.map { "\($0.text) " } ?? ""
            return Diagnostic(file: file, line: mark.line, column: mark.column, keyPath: "",
                              message: "not valid YAML: \(what)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                              message: "duplicate keys \(duplicates.joined(separator: ", ")); each key may appear once")
        case .reader(let problem, let offset, _, _):
            return Diagnostic(file: file, line: 0, column: 0, keyPath: "",
                              message: "not readable as YAML text: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return Diagnostic(file: file, line: 0, column: 0, keyPath: "", message: "not valid YAML: \(error)")
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
