/// The candidate closest to `name`, for "did you mean …?" hints; `nil` when none is close.
///
/// Closeness is the Levenshtein distance ignoring case, so `l` finds `L` and `zeta` finds
/// `zeta2`. A candidate counts as close when the distance is at most max(2, name.count / 3)
/// (at most 1 for names of up to 3 characters) and smaller than the longer of the two names:
/// without these short-name rules `foo` would suggest `log` and `x` would suggest `L`.
/// Among equally distant candidates the one sharing the longest prefix wins (`zeta` means
/// `zeta2` rather than `beta`), then the one that matches with case, then the alphabetically
/// first, so the hint is deterministic.
public func closestMatch(to name: String, among candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased())
    let allowed = target.count <= 3 ? 1 : max(2, target.count / 3)
    var best: (distance: Int, prefix: Int, caseDistance: Int, name: String)?
    for candidate in candidates {
        let folded = Array(candidate.lowercased())
        // The length difference bounds the distance from below: skip the table when it is too big.
        guard abs(folded.count - target.count) <= allowed else { continue }
        let distance = levenshtein(target, folded)
        guard distance <= allowed, distance < max(target.count, folded.count) else { continue }
        let sharedPrefix = zip(target, folded).prefix { $0 == $1 }.count
        let caseDistance = distance == 0 ? levenshtein(Array(name), Array(candidate)) : 0
        // Smaller is better in every position, hence the negated prefix length.
        let key = (distance, -sharedPrefix, caseDistance, candidate)
        if let current = best, (current.distance, current.prefix, current.caseDistance, current.name) <= key {
            continue
        }
        best = key
    }
    return best?.name
}

/// Edit distance (insertions, deletions, substitutions), two rows of the usual table.
private func levenshtein(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
