import Foundation

/// A small command line over a given catalog, for a user's package that registers its own
/// plug-ins (Examples/custom-compressor): `list` shows the catalog's oracle stages, `check
/// PATH... [--quick] [--jobs N]` loads every problem file (*.yaml, folders searched) with the
/// catalog, runs it and the assumption probe, judges them against the bounds and `expect`, prints one line per file, and
/// returns the exit code of `boundcheck check` (0 all as expected, 1 otherwise, 2 bad input).
///
/// A stand-in until the full command line (reports, cache, shards, formats) can be started over a
/// catalog; it writes no report files.
public enum BoundCheckCommandLine {
    public static func run(catalog: Catalog, arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            print("usage: list | check PATH... [--quick] [--jobs N]")
            return 2
        }
        switch command {
        case "list":
            print("oracle stages (oracle: [...], per worker, in order):")
            print(catalog.oracleStageListText())
            return 0
        case "check":
            return check(catalog: catalog, arguments: Array(arguments.dropFirst()))
        default:
            FileHandle.standardError.write(Data("unknown command '\(command)'; use list or check\n".utf8))
            return 2
        }
    }

    static func check(catalog: Catalog, arguments: [String]) -> Int32 {
        var paths: [String] = [], quick = false, jobs = 1
        var rest = arguments[...]
        while let a = rest.popFirst() {
            if a == "--quick" { quick = true } else if a == "--jobs", let n = rest.popFirst().flatMap(Int.init), n > 0 { jobs = n } else { paths.append(a) }
        }
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write(Data((message + "\n").utf8))
            return 2
        }
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return fail("error: \(path) does not exist") }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        if files.isEmpty { return fail("error: no problem files (*.yaml) in \(paths.joined(separator: ", "))") }
        let loader = SpecLoader(quick: quick, jobs: jobs, catalog: catalog)
        var prepared: [PreparedExperiment] = []
        var problems: [String] = []
        for file in files {
            do { prepared.append(try PreparedExperiment(spec: try loader.load(path: file), quick: quick)) } catch let errors as SpecErrors {
                problems += errors.diagnostics.map(\.description)
            } catch {
                problems.append("\(file): error: \(error)")
            }
        }
        if !problems.isEmpty {
            return fail(problems.joined(separator: "\n") + "\n\(problems.count) problem(s) found; nothing was run.")
        }
        var passed = 0
        for p in prepared {
            do {
                let probe = try AssumptionProbe.run(p)
                let result = try Experiment.judge(p, traces: Experiment.run(p, jobs: jobs), probe: probe)
                let failed = result.failedChecks.map { "\($0.check)=\($0.verdict)" }
                print("\(result.passed ? "pass" : "FAIL")  \(result.name)\(failed.isEmpty ? "" : "  " + failed.joined(separator: " "))")
                if result.passed { passed += 1 }
            } catch {
                FileHandle.standardError.write(Data("internal error: \(error)\n".utf8))
                return 3
            }
        }
        print("\(passed)/\(prepared.count) problem files as expected")
        return passed == prepared.count ? 0 : 1
    }
}
