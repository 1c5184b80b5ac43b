import Foundation

/// A path named on the command line (or handed to the library) that names nothing usable.
public struct PathError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Why a set of loaded problem files cannot run: every problem found, in file order.
/// `messages` are the lines to show (a diagnostic's description, or "FILE: error: …" for a
/// failure without a position); `diagnostics` are the positioned ones (for annotations).
public struct PreparationErrors: Error, CustomStringConvertible, Sendable {
    public var messages: [String]
    public var diagnostics: [Diagnostic]
    public init(messages: [String], diagnostics: [Diagnostic]) {
        self.messages = messages
        self.diagnostics = diagnostics
    }
    public var description: String { messages.joined(separator: "\n") }
}

/// Finding, loading and preparing the problem files of a run: the front of ``CheckRun``.
public enum ProblemFiles {
    /// Files as given, folders searched (sorted) for names that `matches` accepts. Throws a
    /// ``PathError`` when a path does not exist or nothing is found (`what` says what was
    /// looked for).
    public static func expand(_ paths: [String], what: String, matches: (String) -> Bool) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PathError("no such file or folder: \(path)")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).filter(matches).sorted()
                files += names.map { (path as NSString).appendingPathComponent($0) }
            } else {
                files.append(path)
            }
        }
        if files.isEmpty { throw PathError("no \(what) found in \(paths.joined(separator: ", "))") }
        return files
    }

    /// Problem files: files as given, folders searched for *.yaml / *.yml.
    public static func find(_ paths: [String]) throws -> [String] {
        try expand(paths, what: "problem files (*.yaml)") { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
    }

    /// Loads every file, collecting every problem in every file (and names that would collide
    /// in the reports) before giving up with ``SpecErrors``.
    public static func load(_ files: [String], with loader: SpecLoader) throws(SpecErrors) -> [ExperimentSpec] {
        var specs: [ExperimentSpec] = []
        var problems: [Diagnostic] = []
        for file in files {
            do { specs += try loader.loadAll(path: file) } catch let errors as SpecErrors {
                problems += errors.diagnostics
            } catch {
                problems.append(Diagnostic(file: file, line: 0, column: 0, keyPath: "", message: "\(error)"))
            }
        }
        // Names differing only in case collide too on case-insensitive file systems.
        var names: [String: String] = [:]
        for spec in specs {
            if let other = names[spec.name.lowercased()] {
                problems.append(Diagnostic(file: spec.sourcePath ?? spec.name, line: 1, column: 1, keyPath: "name",
                                           message: "name '\(spec.name)' is also used by \(other) (names may not differ only in case); report files would collide"))
            }
            names[spec.name.lowercased()] = spec.sourcePath ?? spec.name
        }
        if !problems.isEmpty { throw SpecErrors(problems) }
        return specs
    }

    /// Prepares every loaded spec (instances, methods, bounds), collecting every failure.
    public static func prepare(_ specs: [ExperimentSpec], quick: Bool, seedsOverride: Int? = nil,
                               catalog: Catalog = .standard) throws(PreparationErrors) -> [PreparedExperiment] {
        var prepared: [PreparedExperiment] = []
        var messages: [String] = []
        var diagnostics: [Diagnostic] = []
        for spec in specs {
            do { prepared.append(try PreparedExperiment(spec: spec, quick: quick, seedsOverride: seedsOverride, catalog: catalog)) } catch let errors as SpecErrors {
                messages += errors.diagnostics.map(\.description)
                diagnostics += errors.diagnostics
            } catch {
                messages.append("\(spec.sourcePath ?? spec.name): error: \(error)")
            }
        }
        if !messages.isEmpty { throw PreparationErrors(messages: messages, diagnostics: diagnostics) }
        return PreparedExperiment.sharingSweepFamilies(prepared)
    }

    /// Every id `--only` may name for these specs: their own bounds and assumptions, the
    /// catalog's bounds and the probed assumptions.
    public static func checkIDs(of specs: [ExperimentSpec], catalog: Catalog = .standard) -> Set<String> {
        let own: [String] = specs.flatMap { $0.userBounds.map(\.id) + $0.assumptions.map(\.id) }
        return Set(own + catalog.selectableBoundIDs + ProbedAssumption.allCases.map(\.rawValue))
    }
}
