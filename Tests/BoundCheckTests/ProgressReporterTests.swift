import Foundation
import Testing
@testable import BoundCheck

/// A settable clock and a recording sink for the reporter.
private final class Harness: Sendable {
    private let now = SharedValue<Double>(0)
    private let written = SharedValue<[String]>([])
    var time: Double {
        get { now.value }
        set { now.value = newValue }
    }
    var output: [String] { written.value }
    func write(_ s: String) { written.value.append(s) }

    func reporter(_ mode: ProgressReporter.Mode, width: Int = 80) -> ProgressReporter {
        ProgressReporter(mode: mode, interval: 5, redrawInterval: 0.1, width: width,
                         clock: { [unowned self] in self.time }, sink: { [unowned self] in self.write($0) })
    }
}

/// What a terminal shows on its current line after `text`: carriage return goes to column 0,
/// ESC[2K erases the line, a newline starts a new line, other characters overwrite.
private func screenLines(_ text: String) -> [String] {
    var lines: [[Character]] = [[]]
    var column = 0
    var rest = Substring(text)
    while let c = rest.first {
        if rest.hasPrefix("\u{1B}[2K") {
            lines[lines.count - 1] = []
            rest = rest.dropFirst(4)
            continue
        }
        #expect(c != "\u{1B}", "only ESC[2K is used: \(rest.prefix(6).debugDescription)")
        rest = rest.dropFirst()
        switch c {
        case "\r": column = 0
        case "\n":
            lines += [[Character]()]
            column = 0
        default:
            var line = lines[lines.count - 1]
            while line.count < column { line += [Character(" ")] }
            if column < line.count {
                line[column] = c
            } else {
                line += [c]
            }
            lines[lines.count - 1] = line
            column += 1
        }
    }
    return lines.map { String($0) }
}

@Suite("Progress")
struct ProgressReporterTests {
    @Test("not a terminal: nothing for a run shorter than the interval")
    func plainShortRun() {
        let h = Harness()
        let p = h.reporter(.plain)
        p.begin("quick")
        for i in 1...40 {
            h.time = Double(i) * 0.1
            p.update(done: i, total: 40)
        }
        p.clear()
        #expect(h.output.isEmpty)
    }

    @Test("not a terminal: one plain line at most every interval, each a whole line")
    func plainLongRun() {
        let h = Harness()
        let p = h.reporter(.plain)
        p.begin("long")
        for i in 0...300 {          // 30 s, an update every 0.1 s
            h.time = Double(i) * 0.1
            p.update(done: i, total: 300)
        }
        let lines = h.output
        #expect(lines.count == 6, "\(lines)")   // at 5, 10, 15, 20, 25, 30 s
        for line in lines {
            #expect(line.hasPrefix("progress: long: ") && line.hasSuffix("\n"))
            #expect(!line.contains("\u{1B}") && !line.contains("\r"))
        }
        #expect(lines[0] == "progress: long: 50/300 work items, 5.0 s, about 25.0 s left\n")
    }

    @Test("terminal: elapsed and estimate, then cleared without leftovers, also on the pane's first line")
    func terminalClears() {
        let h = Harness()
        let p = h.reporter(.terminal)
        p.begin("long")
        h.time = 10
        p.update(done: 1, total: 4)
        #expect(screenLines(h.output.joined()) == ["long: 1/4 work items, 10.0 s, about 30.0 s left"])
        h.time = 113.3
        p.update(done: 4, total: 4)
        p.clear()
        // The result line printed after clearing is all that remains on screen.
        let screen = screenLines(h.output.joined() + "pass  long  (113.3 s)\n")
        #expect(screen == ["pass  long  (113.3 s)", ""])
        // Clearing twice, or with nothing shown, writes nothing.
        let before = h.output.count
        p.clear()
        #expect(h.output.count == before)
    }

    @Test("terminal: the status line never exceeds the width (a wrapped line could not be erased)")
    func terminalWidth() {
        let h = Harness()
        let p = h.reporter(.terminal, width: 30)
        p.begin(String(repeating: "a-very-long-problem-name-", count: 4))
        h.time = 1
        p.update(done: 1, total: 3)
        let shown = screenLines(h.output.joined())
        #expect(shown.count == 1 && shown[0].count < 30)
    }

    @Test("durations read naturally")
    func durations() {
        #expect(ProgressReporter.duration(4.24) == "4.2 s")
        #expect(ProgressReporter.duration(185) == "3 min 05 s")
        #expect(ProgressReporter.duration(3720) == "1 h 02 min")
    }
}
