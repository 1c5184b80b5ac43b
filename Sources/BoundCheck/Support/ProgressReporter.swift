import Foundation
import Synchronization

/// Progress of a `check` run, on standard error.
///
/// - On a terminal (`.terminal`): one status line, redrawn in place (carriage return and
///   erase-line, never cursor movement, so it works on the first line of a fresh pane) with the
///   items done, the elapsed time and an estimate of the time left; ``clear()`` erases it before
///   a result line is printed, so nothing of it is left behind.
/// - Otherwise (`.plain`, e.g. a CI log): a plain line at most every `interval` seconds, and
///   none before `interval` seconds have passed since the reporter was made, so short runs
///   print no progress at all.
///
/// The clock and the sink are injected, so tests drive it without waiting or a terminal.
/// Updates may come from several threads.
public final class ProgressReporter: Sendable {
    public enum Mode: Sendable { case terminal, plain }

    public let mode: Mode
    /// Seconds between plain lines (and before the first).
    public let interval: Double
    /// Seconds between terminal redraws.
    public let redrawInterval: Double
    /// Terminal width: the status line is cut to fit, since a wrapped line cannot be erased.
    public let width: Int
    private let clock: @Sendable () -> Double
    private let sink: @Sendable (String) -> Void
    private let created: Double
    /// What updates from several threads share, behind one mutex.
    private struct State {
        var taskName = ""
        var taskStarted: Double = 0
        var lastPlain: Double?
        var lastRedraw: Double?
        var shown = false
    }
    private let state = Mutex(State())

    public static let monotonicClock: @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }

    public init(mode: Mode, interval: Double = 5, redrawInterval: Double = 0.1, width: Int = 80,
                clock: @escaping @Sendable () -> Double = ProgressReporter.monotonicClock,
                sink: @escaping @Sendable (String) -> Void) {
        self.mode = mode
        self.interval = interval
        self.redrawInterval = redrawInterval
        self.width = max(20, width)
        self.clock = clock
        self.sink = sink
        created = clock()
    }

    /// A new task (one problem file) begins: its elapsed time and estimate start here.
    public func begin(_ name: String) {
        let now = clock()
        state.withLock { state in
            state.taskName = name
            state.taskStarted = now
            state.lastRedraw = nil
        }
    }

    /// `done` of `total` work items of the current task are finished.
    public func update(done: Int, total: Int) {
        let now = clock()
        state.withLock { state in update(done: done, total: total, now: now, state: &state) }
    }

    private func update(done: Int, total: Int, now: Double, state: inout State) {
        let elapsed = now - state.taskStarted
        var text = "\(state.taskName): \(done)/\(total) work items, \(Self.duration(elapsed))"
        if done > 0 && done < total {
            text += ", about \(Self.duration(elapsed * Double(total - done) / Double(done))) left"
        }
        switch mode {
        case .terminal:
            if let last = state.lastRedraw, now - last < redrawInterval, done < total { return }
            state.lastRedraw = now
            let line = text.count < width ? text : String(text.prefix(width - 2)) + "…"
            sink("\r\u{1B}[2K" + line)
            state.shown = true
        case .plain:
            guard now - created >= interval else { return }
            if let last = state.lastPlain, now - last < interval { return }
            state.lastPlain = now
            sink("progress: " + text + "\n")
        }
    }

    /// Erases the terminal status line (nothing in plain mode), before other output.
    public func clear() {
        state.withLock { state in
            if mode == .terminal && state.shown {
                sink("\r\u{1B}[2K")
                state.shown = false
            }
        }
    }

    /// "4.2 s", "3 min 05 s", "1 h 02 min".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }
}
