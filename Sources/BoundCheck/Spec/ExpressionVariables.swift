/// One variable a problem file gives its expressions beyond the built-in constants: an oracle
/// stage's parameter, a method's, or δ of an expected contraction.
public struct ExpressionVariable: Sendable, Equatable {
    public var name: String
    public var value: Double
    /// What it is, in words (for `bounds` and the docs).
    public var meaning: String
}

/// The names expressions read besides the catalog's constants (docs/problem-files.md,
/// "Variables"): user constants, oracle stage parameters and method parameters.
///
/// Naming rules:
/// - an oracle stage's parameter is `<stage>_<parameter>`, with every `-` written `_`
///   (`top-k: {k: 5}` gives `top_k_k`, `additive-bias: {norm: 2}` gives `additive_bias_norm`);
///   the second stage of the same name gives `top_k_k_2`, the third `top_k_k_3`, and so on in
///   the order of the `oracle:` list;
/// - `delta` is also defined by a Rand-K stage, as its expected contraction K/d, when no stage
///   declares a contraction δ to the bounds (see ``OracleStage/expectedContraction(dimension:)``);
/// - a method's parameters besides `gamma` and `beta`: `sparsifier_k` and `sparsifier_delta`
///   (M-DSGD with a Top-K or Rand-K sparsifier; `sparsifier_delta` is also 1/d for scaled-sign).
public enum ExpressionVariables {
    /// The variables the oracle's stages give, in the order of the `oracle:` list.
    public static func oracle(_ stages: [AnyOracleStage], dimension: Int) -> [ExpressionVariable] {
        var seen: [String: Int] = [:]
        var out: [ExpressionVariable] = []
        var declaresDelta = false
        var expected: Double?
        for stage in stages {
            let name = stage.name
            seen[name, default: 0] += 1
            let suffix = seen[name]! > 1 ? "_\(seen[name]!)" : ""
            let prefix = name.replacingOccurrences(of: "-", with: "_")
            for (parameter, value) in stage.stage.expressionParameters(dimension: dimension) {
                out.append(ExpressionVariable(name: "\(prefix)_\(parameter)\(suffix)", value: value,
                                              meaning: "`\(parameter)` of the \(ordinal(seen[name]!))`\(name)` stage"))
            }
            if stage.stage.declaredConstants(dimension: dimension).delta != nil { declaresDelta = true }
            if let e = stage.stage.expectedContraction(dimension: dimension) { expected = e }
        }
        if !declaresDelta, let expected {
            out.append(ExpressionVariable(name: "delta", value: expected,
                                          meaning: "expected contraction E‖C(u) − u‖² ≤ (1 − δ)‖u‖² of the unscaled Rand-K"))
        }
        return out
    }

    private static func ordinal(_ n: Int) -> String { n == 1 ? "" : "\(n)\(n == 2 ? "nd" : n == 3 ? "rd" : "th") " }

    /// Names a method may give besides `gamma` and `beta`.
    public static let methodNames = ["sparsifier_k", "sparsifier_delta"]

    /// The variables a method gives besides `gamma` and `beta` (which every method has).
    public static func method(_ method: MethodSpec, dimension: Int) -> [ExpressionVariable] {
        method.settings.expressionVariables(dimension: dimension)
    }

    /// Words an expression reserves: its operators and every function name.
    static func isReservedWord(_ name: String) -> Bool {
        ["and", "or", "not"].contains(name.lowercased()) || BoundExpression.Function.named(name) != nil
    }

    /// Every built-in variable name (constants, probe quantities, method and run variables,
    /// names stages and methods can give): none of them can be a user constant.
    static func builtinNames(catalog: Catalog) -> Set<String> {
        var names = SpecBuilder.boundVariables.union(SpecBuilder.probeVariables).union(ConstantName.allCases.map(\.rawValue))
        names.formUnion(methodNames)
        return names
    }

    /// Whether `name` reads as one expression name (ASCII letters, digits, `_`, not starting
    /// with a digit; at most 40 characters).
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.first, (1...40).contains(name.count), first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// Whether a user constant named `name` could collide with a stage parameter of any stage
    /// the catalog has (`top_k_k`, `clip_tau_2`, …), so that adding a stage later would change
    /// what the name means.
    static func looksLikeStageParameter(_ name: String, catalog: Catalog) -> String? {
        for type in catalog.oracleStages {
            let prefix = type.name.replacingOccurrences(of: "-", with: "_") + "_"
            if name.hasPrefix(prefix) { return type.name }
        }
        return nil
    }
}

extension ExperimentSpec {
    /// The oracle's parameter variables (``ExpressionVariables/oracle(_:dimension:)``).
    public var oracleVariables: [ExpressionVariable] { ExpressionVariables.oracle(oracle, dimension: problem.dimension) }
}

extension MethodSpec {
    /// The method's parameter variables besides `gamma` and `beta`.
    public func expressionVariables(dimension: Int) -> [ExpressionVariable] {
        ExpressionVariables.method(self, dimension: dimension)
    }
}
