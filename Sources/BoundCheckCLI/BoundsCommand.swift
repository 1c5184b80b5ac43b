import ArgumentParser
import BoundCheck
import Foundation

/// `boundcheck bounds FILE`: constants, admissible steps and bound values; no simulation.
struct Bounds: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show constants, admissible steps and bound values of a problem file, without simulation.")

    @OptionGroup var options: SingleFileOptions

    func run() throws {
        let (spec, prepared) = try options.prepare()
        let evaluations = prepared.evaluateBounds(traces: nil)
        if options.outputFormat == .json {
            struct Output: Encodable {
                var name: String
                var constants: ConstantTable
                var methods: [MethodBounds]
            }
            struct MethodBounds: Encodable {
                var method: ResolvedMethod
                var bounds: [BoundEvaluation]
            }
            let output = Output(name: spec.name, constants: prepared.instance.constants,
                                methods: zip(prepared.methods, evaluations).map { MethodBounds(method: $0, bounds: $1) })
            print(try jsonText(output))
            return
        }
        print("\(spec.name): \(spec.problem.family.name), d = \(spec.problem.dimension), n = \(spec.problem.workers), \(prepared.profile.iterations) iterations\n")
        print("constants:")
        for name in ConstantTable.order {
            guard let e = prepared.instance.constants.entry(name) else { continue }
            print("  \(name.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%-12.6g", e.value)) \(e.how)")
        }
        for name in prepared.instance.constants.userConstantNames {
            guard let e = prepared.instance.constants.entries[name] else { continue }
            print("  \(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(String(format: "%-12.6g", e.value)) \(e.how)")
        }
        // The names expressions may read beyond the constants (docs/problem-files.md, "Variables").
        let variables = spec.oracleVariables.map { "\($0.name) = \(String(format: "%.6g", $0.value))" }
            + spec.methods.flatMap { m in m.expressionVariables(dimension: spec.problem.dimension).map { "\($0.name) = \(String(format: "%.6g", $0.value)) (\(m.id))" } }
        if !variables.isEmpty { print("parameter variables: \(variables.joined(separator: ", "))") }
        for (method, bounds) in zip(prepared.methods, evaluations) {
            print("\n\(method.id): \(method.kind.rawValue), β = \(method.beta), γ = \(String(format: "%.6g", method.gamma)) — \(method.stepRule)")
            for b in bounds {
                print("  \(b.id) [\(b.kind.rawValue), \(b.metric.rawValue)] \(b.formula)")
                print("    source: \(b.source)")
                if let step = b.largestStep { print("    largest admissible γ: \(String(format: "%.6g", step)) (binding: \(b.bindingCondition ?? ""))") }
                if !b.failedConditions.isEmpty {
                    print("    not applicable: \(b.failedConditions.joined(separator: "; "))")
                    continue
                }
                if let error = b.error { print("    could not be evaluated: \(error)"); continue }
                if let floor = b.floor { print("    floor (K → ∞): \(String(format: "%.6g", floor))") }
                if let rate = b.rateDescription { print("    rate part: \(rate) (fitted over the checkpoints)") }
                if !b.assumptions.isEmpty { print("    relies on: \(b.assumptions.joined(separator: ", ")) (checked by the probe)") }
                if !b.notes.isEmpty { print("    notes: " + b.notes.keys.sorted().map { "\($0) = \(String(format: "%.6g", b.notes[$0]!))" }.joined(separator: ", ")) }
                let shown = zip(b.checkpoints, b.values).compactMap { k, v in v.map { "k=\(k): \(String(format: "%.4g", $0))" } }
                print("    values: \(shown.joined(separator: ", "))")
            }
        }
    }
}
