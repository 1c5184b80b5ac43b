import Foundation
import Testing
@testable import BoundCheck

// A longer mutation fuzz of the loader (issue 11): every real problem file in Problems/, edited
// at random (BadInputTests' character edits) or with a number replaced by an extreme value
// (Int.max, 1e308, 1e10, −1, …). Every mutant must load or fail with diagnostics; a trap
// anywhere (the loader, the caps, the checkpoint schedule, building the instance) crashes the
// test run and so fails it. Fixed seeds: a failure reproduces. About 17 s of one core in a debug build, one test per file.

private let problemsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Problems")

@Suite("Mutation fuzz of the real problem files")
struct LoaderFuzzTests {
    static let extremes = ["0", "-1", "1", "2", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                           "1e10", "2e8", "1e15", "1e308", "-1e308", "1e-308", "4.9e-324", "-0.0", ".inf", ".nan",
                           "99999999999999999999", "2000000000", "0.5", "1_000_000_000_000", "0x10"]

    /// Replaces one number of the text (a run of digits, with sign, point and exponent) by an extreme value.
    static func replaceNumber(_ text: String, _ rng: inout BadInputTests.SplitMix64) -> String {
        let pattern = try! NSRegularExpression(pattern: #"-?[0-9][0-9_.]*(e-?[0-9]+)?"#)
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard let match = matches.randomElement(using: &rng), let range = Range(match.range, in: text) else { return text }
        return text.replacingCharacters(in: range, with: extremes.randomElement(using: &rng)!)
    }

    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: problemsFolder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()

    @Test("Problems/ has the files the fuzz mutates")
    func filesFound() { #expect(Self.files.count >= 10) }

    /// One test per file, so that they run in parallel.
    @Test("mutants of a file in Problems/ load or fail with positioned diagnostics, never crash", arguments: files)
    func fuzzRealFile(_ file: String) throws {
        var rng = BadInputTests.SplitMix64(state: 0x1551_0011 &+ UInt64(file.utf8.count) &* 0x9E37_79B9)
        var loaded = 0, rejected = 0, prepared = 0
        let roundsPerFile = 1200
        do {
            let original = try String(contentsOf: problemsFolder.appendingPathComponent(file), encoding: .utf8)
            for round in 0..<roundsPerFile {
                var yaml: String
                if round % 2 == 0 {
                    yaml = Self.replaceNumber(original, &rng)
                    if round % 6 == 0 { yaml = Self.replaceNumber(yaml, &rng) }
                } else {
                    var scalars = Array(original.unicodeScalars)
                    for _ in 0..<(round % 10 == 1 ? Int.random(in: 2...5, using: &rng) : 1) { BadInputTests.mutate(&scalars, &rng) }
                    var view = String.UnicodeScalarView()
                    view.append(contentsOf: scalars)
                    yaml = String(view)
                }
                let loader = SpecLoader(allowLarge: round % 4 < 2, quick: round % 3 == 0, seedsOverride: round % 17 == 0 ? 2_000_000_000 : nil,
                                        jobs: round % 5 == 0 ? 64 : 2)
                do {
                    let spec = try loader.load(yaml: yaml, file: file)
                    loaded += 1
                    let profile = loader.quick ? spec.quick : spec.run
                    let checkpoints = checkpointIterations(iterations: profile.iterations, count: profile.checkpoints)
                    #expect(checkpoints.first == 0 && checkpoints.last == profile.iterations)
                    // Build the instance of small mutants too (constants, data, steps): a trap there is a crash.
                    if round % 8 == 0,
                       ResourceLimits.memory(problem: spec.problem, run: profile, methods: spec.methods.count, jobs: 1) < 5e7,
                       ResourceLimits.work(problem: spec.problem, run: RunSpec(iterations: 1, seeds: 1), methods: 1) < 1e7 {
                        _ = try? PreparedExperiment(spec: spec, quick: loader.quick)
                        prepared += 1
                    }
                } catch let errors as SpecErrors {
                    rejected += 1
                    if errors.diagnostics.isEmpty { Issue.record("\(file) round \(round): no diagnostics for:\n\(yaml)") }
                    for d in errors.diagnostics where d.message.isEmpty || d.line < 0 || d.column < 0 {
                        Issue.record("\(file) round \(round): malformed diagnostic \(d)")
                    }
                } catch {
                    Issue.record("\(file) round \(round): threw \(type(of: error)) instead of SpecErrors: \(error)")
                }
            }
        }
        #expect(loaded + rejected == roundsPerFile)
        #expect(loaded > 0 && rejected > roundsPerFile / 4, "\(file): loaded \(loaded), rejected \(rejected)")
        #expect(prepared > 0, "\(file)")
    }
}
