import ArgumentParser
import BoundCheck
import Foundation

/// `boundcheck list`: everything a problem file can name. Each section is to be rendered from
/// the catalog the command line was started over (`Session.catalog`), so a user's plug-ins
/// are listed with the built-ins.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List families, oracles, methods and bounds (with kind and source).")

    func run() {
        print("""
        families (problem.family):
          quadratic       ½(x − cᵢ)ᵀA(x − cᵢ); spectrum: {min, max, zeros, spacing: linear|log}, rotate: bool
          pl-sine         Σ xⱼ² + 3 sin² xⱼ, tilted per worker; pl-constant: computed|published
          rational        Σ xⱼ²/(1 + xⱼ²), tilted per worker; bounded gradients
          logistic-ncvx   logistic loss + λ Σ xⱼ²/(1+xⱼ²); samples-per-worker, lambda; bounded gradients
          composite       (1/N) Σ log cosh(aₛᵀx − yₛ); samples-per-worker, target-noise; bounded gradients

        oracle stages (oracle: [...], per worker, in order):
        \(Session.catalog.oracleStageListText())

        methods (methods: [...]):
        \(Session.catalog.methodListText())
          step:  a number, theory, or {theory: factor}

        bounds:
        """)
        for entry in Session.catalog.boundListing { print(entry.text) }
        print("\nassumption checks (boundcheck probe; expect: {A4: violated} and the like):")
        for a in ProbedAssumption.allCases {
            print("  \(a.rawValue)      \(a.statement.padding(toLength: 36, withPad: " ", startingAt: 0)) constants: \(a.constants.map(\.rawValue).joined(separator: ", "))")
        }
        print("\nexpression functions: " + BoundExpression.functions.map(\.name).joined(separator: ", "))
    }
}
