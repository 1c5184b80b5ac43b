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

/// A value computed the first time it is asked for, then kept: for a costly constant that only
/// some runs need (a data family's L̃). The computation runs under the lock, so concurrent
/// first askers wait for one computation instead of repeating it; a thrown error is not kept.
public final class ComputedOnce<Value: Sendable>: Sendable {
    private let mutex = Mutex<Value?>(nil)

    public init() {}

    public func value(_ compute: () throws -> Value) throws -> Value {
        try mutex.withLock { (stored: inout Value?) throws -> Value in
            if let stored { return stored }
            let computed = try compute()
            stored = computed
            return computed
        }
    }
}
