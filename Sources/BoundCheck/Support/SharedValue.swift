import Synchronization

/// A value that several threads read and write, behind a mutex the compiler checks (Swift 6):
/// what a task run on the runner's threads hands back to the thread that waits for it.
public final class SharedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public var value: Value {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}
