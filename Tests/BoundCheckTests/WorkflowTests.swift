import BoundCheck
import Foundation
import Testing
import Yams

// The shipped GitHub Actions workflow is valid YAML of the expected shape and runs the README's
// commands: on push and pull_request, GSL installed, scripts/test and scripts/check, Reports/
// uploaded, the step summary written from --format summary, and the job failing on the tool's
// exit code.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

private extension Yams.Node {
    /// The value of a mapping entry by its key's text (so that `on` is not read as a boolean).
    func entry(_ key: String) -> Yams.Node? {
        mapping?.first { $0.key.scalar?.string == key }?.value
    }
}

/// The commands of the README's "The two commands" block: `scripts/check`, `scripts/test`.
private func readmeCommands() throws -> [String] {
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.range(of: "## The two commands"))
    let block = try #require(readme[section.upperBound...].range(of: "```sh\n"))
    let end = try #require(readme[block.upperBound...].range(of: "```"))
    return readme[block.upperBound..<end.lowerBound].split(separator: "\n").compactMap {
        $0.split(separator: " ").first.map(String.init)
    }
}

@Suite("GitHub workflow")
struct WorkflowTests {
    @Test("the workflow parses and runs the README's commands, uploads Reports/, writes the summary and fails on the exit code")
    func shape() throws {
        let text = try String(contentsOf: root.appendingPathComponent(".github/workflows/boundcheck.yml"), encoding: .utf8)
        let workflow = try #require(try Yams.compose(yaml: text))
        let triggers = try #require(workflow.entry("on"))
        #expect(triggers.entry("push") != nil && triggers.entry("pull_request") != nil, "runs on push and pull_request")
        let jobs = try #require(workflow.entry("jobs")?.mapping)
        #expect(!jobs.isEmpty)
        var runs: [String] = []
        var uses: [(action: String, with: Yams.Node?)] = []
        for (_, job) in jobs {
            #expect(job.entry("runs-on")?.scalar?.string.hasPrefix("ubuntu") == true)
            let steps = try #require(job.entry("steps")?.sequence)
            for step in steps {
                if let run = step.entry("run")?.scalar?.string { runs.append(run) }
                if let action = step.entry("uses")?.scalar?.string { uses.append((action, step.entry("with"))) }
            }
        }
        let allRuns = runs.joined(separator: "\n")
        #expect(allRuns.contains("libgsl-dev"), "installs GSL")
        let commands = try readmeCommands()
        #expect(commands == ["scripts/check", "scripts/test"])
        for command in commands {
            #expect(runs.contains { $0.split(whereSeparator: \.isWhitespace).contains { $0 == command } }, "runs \(command)")
            #expect(FileManager.default.isExecutableFile(atPath: root.appendingPathComponent(command).path))
        }
        // Every --format the workflow asks for exists, summary among them, and goes to the step summary.
        let formats = allRuns.components(separatedBy: "--format ").dropFirst().compactMap { $0.split(whereSeparator: \.isWhitespace).first }
            .flatMap { $0.split(separator: ",").map(String.init) }
        #expect(formats.contains("summary") && formats.contains("github"))
        #expect(Set(formats).isSubset(of: ReportSet.formats), "unknown formats \(Set(formats).subtracting(ReportSet.formats))")
        #expect(allRuns.contains("Reports/summary.md") && allRuns.contains("$GITHUB_STEP_SUMMARY"))
        // Reports/ uploaded as an artifact.
        let upload = try #require(uses.first { $0.action.hasPrefix("actions/upload-artifact@") })
        #expect(upload.with?.entry("path")?.scalar?.string.hasPrefix("Reports") == true)
        #expect(uses.contains { $0.action.hasPrefix("actions/checkout@") })
        // The tool's exit code is kept and ends the job.
        #expect(allRuns.contains("exit-code=$?"))
        #expect(allRuns.contains("exit ${{ steps.suite.outputs.exit-code"))
    }
}
