import Foundation
import Testing

// The repository stands alone: a fresh clone's docs have no broken relative links, no link that
// leaves the repository, and no citation of documents that are not in it.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL

/// The text files a clone carries (Reports/ is generated and checked after regeneration, not here).
private func repositoryTextFiles() -> [URL] {
    let fm = FileManager.default
    var files: [URL] = []
    for name in ["README.md", "LICENSE"] {
        let url = root.appendingPathComponent(name)
        if fm.fileExists(atPath: url.path) { files.append(url) }
    }
    let extensions: Set<String> = ["md", "swift", "yaml", "yml", "json", "txt", "sh", ""]
    for folder in ["Sources", "Tests", "docs", "Problems", "Examples", "scripts", "Benchmarks", ".github"] {
        let base = root.appendingPathComponent(folder)
        guard let walker = fm.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
        for case let url as URL in walker {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  extensions.contains(url.pathExtension) else { continue }
            files.append(url)
        }
    }
    return files
}

/// Documents outside the repository that an earlier version cited (built so that this file
/// does not match itself).
private let foreignDocuments = ["THEORY" + ".md", "DESIGN" + ".md", "STYLE" + ".md", "../" + "shared", "THEORY" + " §"]

/// Relative link targets in Markdown text, outside fenced code blocks and inline code.
func markdownLinkTargets(_ text: String) -> [(line: Int, target: String)] {
    var result: [(Int, String)] = []
    var fenced = false
    let link = try! NSRegularExpression(pattern: #"\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)"#)
    for (index, rawLine) in text.components(separatedBy: "\n").enumerated() {
        if rawLine.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle(); continue }
        if fenced { continue }
        // Drop inline code spans.
        var line = ""
        var inCode = false
        for ch in rawLine {
            if ch == "`" { inCode.toggle(); continue }
            if !inCode { line.append(ch) }
        }
        let ns = line as NSString
        for match in link.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
            result.append((index + 1, ns.substring(with: match.range(at: 1))))
        }
    }
    return result
}

/// Why a link target is broken, or nil when it is fine.
func brokenLinkReason(_ target: String, from file: URL, root: URL) -> String? {
    let lower = target.lowercased()
    if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") || target.hasPrefix("#") {
        return nil
    }
    if target.hasPrefix("/") { return "absolute path (breaks in a clone)" }
    let path = String(target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
        .removingPercentEncoding ?? target
    let resolved = file.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
    if !resolved.path.hasPrefix(root.path + "/") && resolved.path != root.path { return "leaves the repository" }
    if !FileManager.default.fileExists(atPath: resolved.path) { return "no such file" }
    return nil
}

@Suite("Repository stands alone")
struct RepositoryLinkTests {
    @Test("every relative Markdown link stays inside the repository and reaches a file")
    func linksResolve() throws {
        var broken: [String] = []
        var checked = 0
        for file in repositoryTextFiles() where file.pathExtension == "md" {
            // Snapshots are reports written to another folder; their plot links are checked where they are written.
            if file.path.contains("/Snapshots/") { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for (line, target) in markdownLinkTargets(text) {
                checked += 1
                if let why = brokenLinkReason(target, from: file, root: root) {
                    broken.append("\(file.path.dropFirst(root.path.count + 1)):\(line): \(target): \(why)")
                }
            }
        }
        #expect(checked > 20, "the scan found the docs' links")
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }

    @Test("no file cites a document outside the repository")
    func noForeignCitations() throws {
        var found: [String] = []
        let files = repositoryTextFiles()
        #expect(files.count > 50)
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            for (index, line) in text.components(separatedBy: "\n").enumerated() {
                for name in foreignDocuments where line.contains(name) {
                    found.append("\(file.path.dropFirst(root.path.count + 1)):\(index + 1): \(name)")
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test("the link checker catches links that leave the repository or reach nothing")
    func checkerCatches() {
        let doc = root.appendingPathComponent("docs/theory.md")
        let text = "see [a](../../outside/x.md), [b](missing.md), [c](bounds.md#f1), [d](https://example.org), `[e](no.md)`\n```\n[f](no.md)\n```\n"
        let targets = markdownLinkTargets(text).map(\.target)
        #expect(targets == ["../../outside/x.md", "missing.md", "bounds.md#f1", "https://example.org"])
        #expect(brokenLinkReason("../../outside/x.md", from: doc, root: root) == "leaves the repository")
        #expect(brokenLinkReason("missing.md", from: doc, root: root) == "no such file")
        #expect(brokenLinkReason("bounds.md#f1", from: doc, root: root) == nil)
        #expect(brokenLinkReason("https://example.org", from: doc, root: root) == nil)
    }
}
