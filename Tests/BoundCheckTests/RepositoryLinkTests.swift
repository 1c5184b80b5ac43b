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
            // Build folders (an example package's own .build) are not part of a clone.
            if url.lastPathComponent.hasPrefix(".build") || url.lastPathComponent == ".swiftpm" {
                walker.skipDescendants()
                continue
            }
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

/// The anchors GitHub gives a Markdown file: one per heading (lowercased; letters, digits, '-'
/// and '_' kept, spaces turned into '-', everything else dropped; repeats get -1, -2, …) and
/// every explicit `<a id="…">`.
func markdownAnchors(_ text: String) -> Set<String> {
    var anchors: Set<String> = []
    var counts: [String: Int] = [:]
    var fenced = false
    for line in text.components(separatedBy: "\n") {
        if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { fenced.toggle(); continue }
        if fenced { continue }
        if line.hasPrefix("#"), let space = line.firstIndex(of: " "), line[..<space].allSatisfy({ $0 == "#" }) {
            var slug = ""
            for ch in line[line.index(after: space)...].lowercased() {
                if ch.isLetter || ch.isNumber || ch == "-" || ch == "_" { slug.append(ch) } else if ch == " " { slug.append("-") }
            }
            let n = counts[slug, default: 0]
            counts[slug] = n + 1
            anchors.insert(n == 0 ? slug : "\(slug)-\(n)")
        }
        var rest = Substring(line)
        while let r = rest.range(of: "<a id=\"") {
            let after = rest[r.upperBound...]
            guard let end = after.firstIndex(of: "\"") else { break }
            anchors.insert(String(after[..<end]))
            rest = after[end...]
        }
    }
    return anchors
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

/// Why the `#fragment` of a link to a Markdown file of the repository names no anchor there, or nil.
func brokenAnchorReason(_ target: String, from file: URL) -> String? {
    let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    guard parts.count == 2, !target.lowercased().hasPrefix("http") else { return nil }
    let path = String(parts[0]).removingPercentEncoding ?? String(parts[0])
    let fragment = String(parts[1]).removingPercentEncoding ?? String(parts[1])
    let destination = path.isEmpty ? file : file.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
    guard destination.pathExtension == "md", let text = try? String(contentsOf: destination, encoding: .utf8) else { return nil }
    return markdownAnchors(text).contains(fragment) ? nil : "no heading or anchor '\(fragment)' in \(destination.lastPathComponent)"
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
                if let why = brokenLinkReason(target, from: file, root: root) ?? brokenAnchorReason(target, from: file) {
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
        #expect(brokenAnchorReason("bounds.md#f1--sgdm-nonconvex", from: doc) == nil)
        #expect(brokenAnchorReason("bounds.md#no-such-heading", from: doc) != nil)
        #expect(markdownAnchors("# A `b` c\n## A b c\n<a id=\"x\"></a>\n```\n# not\n```\n") == ["a-b-c", "a-b-c-1", "x"])
    }
}
