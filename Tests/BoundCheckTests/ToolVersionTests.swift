import BoundCheck
import Foundation
import GSL
import Testing

/// Runs the built tool and returns its exit status, standard output and standard error.
func runBoundcheck(_ arguments: [String], in folder: URL? = nil) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = try boundcheckBinary()
    process.arguments = arguments
    process.currentDirectoryURL = folder ?? repositoryRoot
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    var environment = ProcessInfo.processInfo.environment
    environment["CI"] = "1"
    process.environment = environment
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

@Suite("boundcheck --version")
struct ToolVersionTests {
    @Test("--version prints the version, the commit and the GSL version, and exits 0")
    func versionLine() throws {
        let result = try runBoundcheck(["--version"])
        #expect(result.status == 0)
        let line = result.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("boundcheck \(BoundCheckVersion.number) (commit "))
        #expect(line.hasSuffix(", GSL \(GSL.version))"))
        #expect(!line.contains("commit )"))
    }
}
