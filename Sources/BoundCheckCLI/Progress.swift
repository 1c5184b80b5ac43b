import BoundCheck
import Foundation

/// The progress reporter of `check`: a redrawn status line when standard error is a terminal
/// (and not in CI), else a plain line at most every 5 s.
func makeProgressReporter() -> ProgressReporter {
    let terminal = isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["CI"] == nil
    var size = winsize()
    let width = terminal && ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    return ProgressReporter(mode: terminal ? .terminal : .plain, width: width) { text in
        FileHandle.standardError.write(Data(text.utf8))
    }
}
