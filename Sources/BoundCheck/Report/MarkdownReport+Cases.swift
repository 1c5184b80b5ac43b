/// The parts of a problem's page about a researcher's own questions: a run narrowed to one case
/// (`--method`, `--seed`) and the derived constants a bound's floor rests on.
extension MarkdownReport {
    /// Says which cases ran when the run was narrowed, and what one seed can and cannot decide.
    static func selectionNote(_ r: ExperimentResult) -> String {
        guard let selection = r.selection else { return "" }
        var parts: [String] = []
        if selection.methods != nil { parts.append("method\(r.methods.count == 1 ? "" : "s") \(r.methods.map { "`\($0.method.id)`" }.joined(separator: ", ")) only") }
        if let seed = selection.seed {
            let deterministic = r.seeds == 1 && r.oracleDeterministic && r.methods.allSatisfy { $0.method.settings.randomness == nil }
            parts.append(deterministic ? "seed index \(seed) — every seed of this deterministic file is the same run, seed 0"
                         : "seed index \(seed) only, of the profile's \(r.seeds)")
        }
        var out = "\n> [!NOTE]\n> One case (`\(selection.description)`): \(parts.joined(separator: "; ")). "
        out += "Instance, probe and random streams are the full run's, so each run here is the same as in a full check; "
        out += "the Bonferroni correction counts only the comparisons made here. Expectations about cases that did not run are not checked"
        if selection.seed != nil && r.seeds > 1 {
            out += "; from one seed of a random run no bound is decided (every comparison is `inconclusive`) and its expectations are not checked — a deterministic method is still compared exactly"
        }
        return out + ".\n\n"
    }

    static func symbol(_ name: String) -> String {
        ["zeta2": "ζ²", "sigma2": "σ²", "B2": "B²", "G2": "G²"][name] ?? name
    }

    /// For a bound whose floor uses derived constants: what the probe measured for them, and how
    /// to test the bound sharply.
    static func floorNote(_ b: CheckedBound) -> String {
        guard let s = b.floorConstants, let floor = b.evaluation.floor else { return "" }
        let each = s.constants.map { c in
            "\(symbol(c.name)) derived \(fmt(c.derived)), probe measured \(fmt(c.measured))"
                + (c.measuredUpper.map { " (upper confidence limit \(fmt($0)))" } ?? "")
        }
        var out = " Its floor \(fmt(floor)) uses derived (worst-case) constants: \(each.joined(separator: "; "))."
        if let atMeasured = s.floorAtMeasured, atMeasured < 0.99 * floor {
            let declare = s.constants.filter(\.suggested).map { "\($0.name): \(fmt($0.measuredUpper ?? $0.measured))" }
            let statistical = s.constants.contains { $0.suggested && $0.measuredUpper != nil }
            out += " Declared at the measured value\(declare.count == 1 ? "" : "s") (\(statistical ? "the upper confidence limit, which the probe cannot contradict" : "exact: the oracle is deterministic")) the floor would be \(fmt(atMeasured)): to test the bound sharply, declare `constants: {\(declare.joined(separator: ", "))}` (the probe then checks the declared value; docs/problem-files.md, \"Testing a conjecture sharply\")."
        }
        return out
    }
}
