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

/// From here to exit, SIGINT and SIGTERM are ignored: reports are being replaced one by one,
/// and an interrupt now would leave a mix of old and new (each file is itself written to a
/// temporary name and renamed, so even SIGKILL leaves only whole files).
func deferInterrupts() {
    signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
}
