/// Where a bound comes from (docs/theory.md, "Where statements come from"). Reports show it beside every verdict.
public enum BoundKind: String, Codable, Sendable, CaseIterable {
    /// A published result, with its reference.
    case literature
    /// Proved for the papers' method under the papers' assumption model, with a proof sketch in
    /// docs/bounds.md; the suite's runs are its test.
    case derived
    /// Written by the user in a problem file.
    case user
}

/// Everything a bound may read: the instance's constants (with any declared overrides), the
/// method's parameters, and the few run-dependent quantities some bounds use.
public struct BoundContext: Sendable {
    public var constants: ConstantTable
    public var method: ResolvedMethod
    public var methodSpec: MethodSpec
    /// Whether f* is exact (false: only a lower bound f_inf is known).
    public var fstarExact: Bool
    /// Whether the oracle is deterministic (no random stage).
    public var deterministicOracle: Bool
    /// Whether the oracle is unbiased (no biasing stage).
    public var unbiasedOracle: Bool
    /// Per-worker variance bound σ_w² (max over workers) and whether it is affine-free (M_f,i = 0).
    public var workerVariance: Double
    public var workerVarianceIsConstant: Bool
    /// For `init: first-gradient`: f(z⁰) − f* and ‖g⁰‖² with z⁰ = x⁰ − q g⁰ (deterministic g⁰).
    public var firstGradientGap: Double?
    public var firstGradientNorm2: Double?
    /// The run's horizon (iterations of the profile in use).
    public var iterations: Int
    /// Largest ‖gᵢ‖² a worker sent during the runs (M1, EF-SGD's measured G² / σ²), when known.
    public var measuredSecondMoment: Double?
    /// L̃ = √((1/n) Σᵢ Lᵢ²), when the family gives it (EF21's bounds).
    public var workerSmoothness: Double? = nil
    /// The method's distortion at the start, G⁰ = (1/n) Σᵢ ‖gᵢ⁰ − ∇fᵢ(x⁰)‖² with exact gradients
    /// (``Method/initialDistortion(instance:)``; EF21's bounds), when the method has one.
    public var initialDistortion: Double? = nil
    /// Whether the family guarantees f μ-strongly convex (dKGT), not only μ-PL.
    public var stronglyConvex = false

    public var L: Double { constants[.L] ?? .nan }
    public var gamma: Double { method.gamma }
    public var beta: Double { method.beta }
    public var m: Double { constants[.m] ?? 0 }
    public var zeta2: Double { constants[.zeta2] ?? 0 }
    public var D0: Double { constants[.D0] ?? .nan }
    public var workers: Int { Int(constants[.n] ?? 1) }
    public var dimension: Int { Int(constants[.d] ?? 1) }

    /// The same context with another step size (for root finding on conditions).
    public func with(gamma: Double) -> BoundContext {
        var copy = self
        copy.method.gamma = gamma
        return copy
    }
}

/// One condition of a bound, in words and as a number that is ≥ 0 exactly when it holds (so
/// its root in γ is the largest admissible step).
public struct BoundCondition: Sendable {
    public var text: String
    public var margin: @Sendable (BoundContext) -> Double
    /// True when the margin depends on γ and decreases in it (it then limits the step).
    public var limitsStep: Bool
    /// What to say when the condition fails, in the file's terms (default: "needs TEXT").
    public var unmet: (@Sendable (BoundContext) -> String)?
    /// Why the condition cannot be evaluated (a division by zero, a domain error, with its
    /// position), or nil when it can: an unevaluable condition is an *error*, never "fails".
    public var evaluationError: (@Sendable (BoundContext) -> String?)?

    public init(_ text: String, limitsStep: Bool = false, unmet: (@Sendable (BoundContext) -> String)? = nil,
                evaluationError: (@Sendable (BoundContext) -> String?)? = nil,
                margin: @escaping @Sendable (BoundContext) -> Double) {
        self.text = text
        self.margin = margin
        self.limitsStep = limitsStep
        self.unmet = unmet
        self.evaluationError = evaluationError
    }

    /// The failed condition as the reason a bound does not apply: what it needs and, where
    /// known, what the file has instead.
    public func failureText(_ context: BoundContext) -> String {
        unmet?(context) ?? "needs \(text)"
    }
}

/// Whether a bound limits the step size (its step conditions give a largest admissible γ, as
/// most bounds do) or prescribes it (the bound is stated for one step only, EF-SGD's
/// γ = 1/√(T+1)). `step: theory` takes a prescribed step where the bound applies, else the
/// smallest of the limits.
public enum BoundStepRule: Sendable, Equatable {
    case limits
    /// The bound holds at the step ``Bound/prescribedStep(_:)`` gives; `formula` says it in words.
    case prescribes(formula: String)

    /// "limits" or "prescribes γ = FORMULA", for `list`.
    public var description: String {
        switch self {
        case .limits: "limits γ"
        case .prescribes(let formula): "prescribes γ = \(formula)"
        }
    }
}

/// A convergence bound: a formula in K for an expected metric, valid under conditions.
///
/// Every catalog bound documents, in this order: its formula, its conditions, its kind and its
/// source. `value(K)` splits into a rate part (decaying in K) and a floor (the K → ∞
/// limit, the residual error caused by the bias and noise).
///
/// A bound is registered in a ``Catalog``; from there it is selectable in `bounds:`, `expect:`
/// and `--only`, checked on every method it is proved for, and listed by `boundcheck list`.
public protocol Bound: Sendable {
    /// The id a problem file names the bound by (`bounds:`, `expect:`, `--only`).
    var id: String { get }
    /// The group the bound belongs to: naming the group selects every member (`F2` selects F2
    /// and its variant F2-x). Default: the bound's own id.
    var group: String { get }
    var kind: BoundKind { get }
    var source: String { get }
    var metric: Metric { get }
    /// The formula as text, for reports and `list`.
    var formula: String { get }
    /// The methods the bound is proved for. A method not named here never gets the bound — a
    /// new method, however close to one of these, opts in only by being added.
    var provedFor: Set<MethodKind> { get }
    /// Within ``provedFor``, whether the bound is about this configuration at all (AS-1: SGDM
    /// only at β = 1). Default: yes.
    func concerns(_ method: MethodSpec) -> Bool
    /// Whether the bound is checked on `method`. Default: it is proved for the method's kind and
    /// ``concerns(_:)`` this configuration (a user bound names its method by id or kind instead).
    func isChecked(on method: MethodSpec) -> Bool
    /// Conditions on constants and parameters; each failing one is a reason for *not applicable*.
    func conditions(_ context: BoundContext) -> [BoundCondition]
    /// The bound at K iterations; K = +∞ gives the floor.
    func value(_ context: BoundContext, K: Double) throws -> Double
    /// Checkpoints at which the bound is stated (default: every k ≥ 1, or k ≥ 0 for gaps).
    func isStated(at k: Int, context: BoundContext) -> Bool
    /// Extra facts worth reporting (the optimal ρ, which G² was used, …).
    func notes(_ context: BoundContext) -> [String: Double]
    /// The assumptions of docs/theory.md §3 the bound relies on, as probe check ids ("A1" … "A6", see
    /// ``ProbedAssumption``). A declaration the probe contradicts makes the bound *unsupported*.
    /// Default: all of them.
    var assumptions: Set<String> { get }
    /// Whether the bound limits the step (default) or prescribes it.
    var stepRule: BoundStepRule { get }
    /// The step the bound prescribes in this context (``BoundStepRule/prescribes(formula:)``
    /// bounds only; default nil).
    func prescribedStep(_ context: BoundContext) -> Double?
}

extension Bound {
    public var group: String { id }
    public func concerns(_ method: MethodSpec) -> Bool { true }
    public var stepRule: BoundStepRule { .limits }
    public func prescribedStep(_ context: BoundContext) -> Double? { nil }

    public func isChecked(on method: MethodSpec) -> Bool { provedFor.contains(method.kind) && concerns(method) }

    public func isStated(at k: Int, context: BoundContext) -> Bool {
        switch metric {
        case .avgGrad, .minGrad: k >= 1
        default: k >= 0
        }
    }

    public func notes(_ context: BoundContext) -> [String: Double] { [:] }

    public var assumptions: Set<String> { Set(ProbedAssumption.allCases.map(\.rawValue)) }

    public func floor(_ context: BoundContext) throws -> Double { try value(context, K: .infinity) }

    /// The conditions that fail, in words (an unevaluable condition is not among them: see
    /// ``conditionErrors(_:)``).
    public func failedConditions(_ context: BoundContext) -> [String] {
        conditions(context).filter { c in
            guard c.evaluationError?(context) == nil else { return false }
            let margin = c.margin(context)
            return !(margin >= 0)   // NaN fails too
        }.map { $0.failureText(context) }
    }

    /// The conditions that cannot be evaluated, each with its cause.
    public func conditionErrors(_ context: BoundContext) -> [String] {
        conditions(context).compactMap { c in c.evaluationError?(context).map { "condition '\(c.text)' cannot be evaluated: \($0)" } }
    }
}

/// A failure to evaluate a bound, with which bound and why.
public struct BoundError: Error, CustomStringConvertible, Sendable {
    public var bound: String
    public var message: String
    public var description: String { "bound \(bound): \(message)" }
}
