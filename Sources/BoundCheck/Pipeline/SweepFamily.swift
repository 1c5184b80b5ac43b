extension PreparedExperiment {
    /// `prepared` with every sweep cell's Bonferroni family widened to the whole sweep: each
    /// cell's divisor is its own comparisons (and probe tests) plus the planned comparisons of
    /// every other cell of its sweep (``plannedComparisons``: every checkpoint of every
    /// applicable bound, and its `compare:` pairs), so the sweep's family-wise false-alarm rate stays within
    /// 1 − confidence however many cells it has.
    public static func sharingSweepFamilies(_ prepared: [PreparedExperiment]) -> [PreparedExperiment] {
        var totals: [String: Int] = [:]
        let planned = prepared.map { $0.spec.sweepCell == nil ? 0 : $0.plannedComparisons }
        for (p, n) in zip(prepared, planned) {
            if let sweep = p.spec.sweepCell?.sweep { totals[sweep, default: 0] += n }
        }
        return zip(prepared, planned).map { p, own in
            guard let sweep = p.spec.sweepCell?.sweep else { return p }
            var copy = p
            copy.otherCellsComparisons = (totals[sweep] ?? own) - own
            return copy
        }
    }
}
