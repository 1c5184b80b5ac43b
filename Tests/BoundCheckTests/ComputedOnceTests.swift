import Synchronization
import Testing
@testable import BoundCheck

@Suite("ComputedOnce: a costly value computed at the first ask, then kept")
struct ComputedOnceTests {
    private final class Counter: Sendable {
        let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    private struct Failure: Error {}

    @Test("concurrent askers get one computation's value; a thrown error is not kept")
    func computesOnce() async throws {
        let once = ComputedOnce<Int>()
        let calls = Counter()
        #expect(throws: Failure.self) { try once.value { throw Failure() } }
        let values = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<16 {
                group.addTask { @Sendable in (try? once.value { calls.increment(); return 42 }) ?? -1 }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(values == Array(repeating: 42, count: 16))
        #expect(calls.value == 1)
    }
}
