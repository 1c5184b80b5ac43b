import Foundation

/// SIGINT and SIGTERM end a run at once (finished work items are already in the cache). A
/// parent can hand its children a mask that blocks them (a thread pool's threads often block
/// every signal, and the mask survives exec), which would make Ctrl-C wait for the whole run;
/// so the tool unblocks them before starting any thread.
func makeInterruptible() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}

/// From here to exit, SIGINT and SIGTERM are ignored: the reports are being written beside the
/// output folder and swapped in (``OutputFolder``). An interrupt there would leave the previous
/// folder intact anyway, but never a folder set aside and not yet replaced; even SIGKILL leaves
/// at most a set-aside folder, which the next run puts back.
func deferInterrupts() {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
}

/// Runs `body` and puts back the dispositions of SIGINT and SIGTERM it found: an in-process
/// start of the command line (``BoundCheckCLI/run(arguments:catalog:)``) must not leave its
/// host ignoring interrupts after ``deferInterrupts()`` (children would inherit that too).
func restoringInterrupts<T>(_ body: () -> T) -> T {
    var savedInt = sigaction()
    var savedTerm = sigaction()
    sigaction(SIGINT, nil, &savedInt)
    sigaction(SIGTERM, nil, &savedTerm)
    defer {
        sigaction(SIGINT, &savedInt, nil)
        sigaction(SIGTERM, &savedTerm, nil)
    }
    return body()
}
