import ArgumentParser
import BoundCheck
import Foundation

/// Where reports go and in which formats (`check`, `merge`).
struct ReportOptions: ParsableArguments {
    @Option(help: "Output folder for reports.")
    var out: String = "Reports"

    @Option(help: "Report formats, comma-separated: md, json, junit, summary (summary.md for a CI step summary), github (annotations on standard output).")
    var format: String = "md,json,junit"

    @Option(help: "URL where the output folder is published; summary.md then links each problem to its page there (without it, summary.md has no links).")
    var linkBase: String?

    /// The names given, as written.
    var formatNames: Set<String> { Set(format.split(separator: ",").map(Self.trimmingSpaces).filter { !$0.isEmpty }) }

    /// `text.trimmingCharacters(in: .whitespaces)` by hand — the same scalars: tab, Unicode's
    /// space separators, and the zero-width space Foundation counts too — since Foundation's
    /// character sets cost a near-empty `check` ~10⁶ instructions to set up.
    static func trimmingSpaces(_ text: Substring) -> String {
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == "\t" || c == "\u{200B}" || c.properties.generalCategory == .spaceSeparator }
        var scalars = text.unicodeScalars[...]
        while let first = scalars.first, isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// The formats asked for (valid after ``validate()``).
    var formats: Set<ReportFormat> { Set(formatNames.compactMap(ReportFormat.init(rawValue:))) }

    /// Checked against ``ReportFormat``, so a format added there is valid here too.
    func validate() throws {
        let valid = ReportFormat.allCases.map(\.rawValue).sorted().joined(separator: ", ")
        let unknown = formatNames.filter { ReportFormat(rawValue: $0) == nil }
        if !unknown.isEmpty { throw ValidationError("unknown --format \(unknown.sorted().joined(separator: ", ")); valid: \(valid)") }
        if formatNames.isEmpty { throw ValidationError("--format '\(format)' names no format; give one or more of \(valid), comma-separated") }
    }
}

/// The output format of `bounds` and `probe`.
enum TextOrJSON: String, CaseIterable {
    case text, json
}

/// The arguments of the single-file subcommands (`bounds`, `probe`).
struct SingleFileOptions: ParsableArguments {
    @Argument(help: "A problem file.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    /// The format asked for (valid after ``validate()``).
    var outputFormat: TextOrJSON { TextOrJSON(rawValue: format) ?? .text }

    @Flag(help: "Use the file's quick profile.")
    var quick = false

    @Flag(help: "Allow files over the size and work limits.")
    var allowLarge = false

    func validate() throws {
        if TextOrJSON(rawValue: format) == nil { throw ValidationError("unknown --format \(format); valid: text, json") }
    }

    /// Loads and prepares the file, or prints every problem and exits with the bad-input code.
    func prepare() throws -> (ExperimentSpec, PreparedExperiment) {
        guard let spec = loadAll([file], allowLarge: allowLarge, quick: quick)?.first else { throw ExitCode(Exit.badInput) }
        do { return (spec, try PreparedExperiment(spec: spec, quick: quick, catalog: Session.catalog)) } catch let errors as SpecErrors {
            errors.diagnostics.forEach { printError($0.description) }
            throw ExitCode(Exit.badInput)
        } catch {
            printError("\(file): error: \(error)")
            throw ExitCode(Exit.badInput)
        }
    }
}

/// Pretty, sorted JSON with non-finite numbers as strings (`bounds`, `probe` with --format json).
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
