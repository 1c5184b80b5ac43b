#if canImport(Glibc)
import Glibc
#endif

/// The iterations at which metrics are recorded: about `count` log-spaced values in 0…K,
/// always including 0 and K, without duplicates (so small K may give fewer).
public func checkpointIterations(iterations K: Int, count: Int) -> [Int] {
    guard K > 0 else { return [0] }
    var result: Set<Int> = [0, K]
    let n = max(count - 1, 1)
    for i in 0..<n {
        // k = (K + 1)^(i/(n−1)) − 1, spread over 1…K on a log scale
        let t = Double(i) / Double(max(n - 1, 1))
        // In Double (K + 1 overflows at Int.max); a value at or past K is K.
        let value = (pow(Double(K) + 1, t) - 1).rounded()
        result.insert(value >= Double(K) ? K : max(Int(value), 0))
    }
    return result.sorted()
}
