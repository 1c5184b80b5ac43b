/// A training method a problem file's `methods:` list can name (`method: sgdm`), registered in a
/// ``Catalog`` with ``Catalog/register(method:)``.
///
/// A method is one type holding everything about it, like an ``OracleStage``: its name and kind,
/// its problem-file keys (read with a ``ParameterReader``, so they get the loader's positioned
/// diagnostics), whether it draws random numbers, how the reports describe it, and its step:
/// ``makeRunner(_:)`` builds, once per run, a ``MethodRunning`` holding the method's buffers, and
/// the simulation calls it at fixed points of every iteration (docs/extending.md, "Adding a
/// method"). What all methods share — the per-worker pass through the oracle stages, the exact
/// gradient, the checkpoints and their metrics, divergence — stays in the simulation.
///
/// One file per built-in: ``Sgdm``, ``Sgd``, ``Mdsgd``.
public protocol Method: Sendable, Equatable {
    /// The word a problem file's `method:` key names, e.g. `sgdm`.
    static var name: String { get }
    /// The kind bounds name in ``Bound/provedFor``. A new method has a kind of its own, so it gets
    /// no bound proved for another method, however close the two are.
    static var kind: MethodKind { get }
    /// The method's parameters as `boundcheck list` shows them.
    static var synopsis: String { get }
    /// The keys of a `methods:` entry this method reads, besides `method`, `id`, `step` and
    /// `bounds` (which every method has).
    static var keys: [MethodKey] { get }
    /// What to say when an entry of this method gives `key`, a key only other methods read; nil:
    /// the key's own ``MethodKey/elsewhere`` message. Default nil.
    static func refusal(ofKey key: String) -> String?

    /// Reads the method's keys from its entry (the reader holds them already: read the values
    /// directly, without ``ParameterReader/keys(_:)``); every problem goes to the reader as a positioned diagnostic, and nil is returned when the
    /// method cannot be built.
    init?(parameters: inout ParameterReader)

    /// Nil when the method draws no random numbers of its own; else why it does (e.g. "rand-k
    /// sparsifier"): then every seed differs even under a deterministic oracle.
    var randomness: String? { get }
    /// The momentum weight β that bounds, expressions and reports see (1 when the method has
    /// none). Default 1.
    var beta: Double { get }
    /// Whether the method's step uses ``StageWorkspace/permutation`` (a kernel like Rand-K's).
    /// Default false.
    var usesPermutation: Bool { get }

    /// The method's state for one run with step size `setup.gamma`: buffers allocated here, once.
    func makeRunner(_ setup: MethodSetup) -> any MethodRunning
    /// For bounds that start from the method's own state: G⁰ = (1/n) Σᵢ ‖gᵢ⁰ − ∇fᵢ(x⁰)‖² with
    /// exact gradients (EF21). Default nil.
    func initialDistortion(instance: Instance) -> Double?

    /// The method's settings in `boundcheck bounds --format json`'s method object. Default: none.
    func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws
    /// The method's settings (and method-specific results) in a JSON report's method entry.
    /// Default: none.
    func reportFields(_ trace: MethodTrace) -> [String: ReportValue]
    /// Text after "β = …, γ = … (step rule)" in a Markdown report's method heading (default empty).
    func reportHeadline(_ trace: MethodTrace) -> String
    /// The expression variables this method's parameters give, besides `gamma` and `beta` (which
    /// every method has), named as in ``ExpressionVariables/methodNames``. Default none.
    func expressionVariables(dimension: Int) -> [ExpressionVariable]
    /// Whether bounds proved for this method read L̃ = √((1/n) Σᵢ Lᵢ²) (EF21's do): only then is
    /// it computed on families where it costs an eigenvalue problem per worker. Default false.
    var readsWorkerSmoothness: Bool { get }
}

extension Method {
    public static func refusal(ofKey key: String) -> String? { nil }
    public var beta: Double { 1 }
    public var usesPermutation: Bool { false }
    public func initialDistortion(instance: Instance) -> Double? { nil }
    public var name: String { Self.name }
    public func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws {}
    public func reportFields(_ trace: MethodTrace) -> [String: ReportValue] { [:] }
    public func reportHeadline(_ trace: MethodTrace) -> String { "" }
    public func expressionVariables(dimension: Int) -> [ExpressionVariable] { [] }
    public var readsWorkerSmoothness: Bool { false }

    /// The method read from a problem file's entry, type-erased (nil: reported problems).
    static func read(_ parameters: inout ParameterReader) -> (any Method)? {
        Self(parameters: &parameters)
    }

    func isEqual(to other: any Method) -> Bool {
        (other as? Self) == self
    }
}

/// A key a method reads from its `methods:` entry.
public struct MethodKey: Sendable, Equatable {
    public var name: String
    /// What the loader says when an entry of a method that does not read the key gives it,
    /// e.g. "'momentum' (server or worker) applies to sgdm only" — used while this method is the
    /// only one of the catalog that reads the key; a key several methods read gets "'KEY'
    /// applies to A, B and C".
    public var elsewhere: String

    public init(_ name: String, elsewhere: String) {
        self.name = name
        self.elsewhere = elsewhere
    }
}

/// The kind of a method: what bounds list in ``Bound/provedFor``. Open — a method of your own
/// declares a kind of its own (`MethodKind(rawValue: "nesterov")`), so it inherits no bound.
public struct MethodKind: Hashable, Sendable, RawRepresentable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let sgdm = MethodKind(rawValue: "sgdm")
    public static let sgd = MethodKind(rawValue: "sgd")
    public static let mdsgd = MethodKind(rawValue: "mdsgd")

    public var description: String { rawValue }
}

/// One method of a problem file: its id, its settings (the method value), its step rule and
/// its bound selection.
public struct MethodSpec: Sendable, Equatable {
    public var id: String
    /// The method with its parameters as the file sets them (a ``Sgdm``, ``Sgd``, ``Mdsgd``, …).
    public var settings: any Method
    public var step: StepSpec
    /// Catalog bounds for this method (nil: the file's list, or all that apply).
    public var bounds: [String]?

    public init(id: String, settings: any Method, step: StepSpec, bounds: [String]? = nil) {
        self.id = id
        self.settings = settings
        self.step = step
        self.bounds = bounds
    }

    public var kind: MethodKind { type(of: settings).kind }
    /// The method's momentum weight (``Method/beta``).
    public var beta: Double { settings.beta }
    /// Whether the method itself draws random numbers (``Method/randomness``).
    public var isRandom: Bool { settings.randomness != nil }

    public static func == (a: MethodSpec, b: MethodSpec) -> Bool {
        a.id == b.id && a.step == b.step && a.bounds == b.bounds && a.settings.isEqual(to: b.settings)
    }
}

/// A key of a method's JSON object (``Method/encodeSettings(to:)``).
public struct MethodCodingKey: CodingKey {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ name: String) { stringValue = name }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// A value in a JSON report's method entry.
public enum ReportValue: Sendable, Equatable {
    case text(String)
    /// A number; non-finite ones are written as the reports write them ("nan", "inf").
    case number(Double)
    case null
}

extension Catalog {
    /// The `methods` section of `boundcheck list`: a line per registered method with its
    /// parameters, in registration order.
    public func methodListText() -> String {
        methods.map { "  \($0.name.padding(toLength: max(6, $0.name.count), withPad: " ", startingAt: 0)) \($0.synopsis)" }
            .joined(separator: "\n")
    }

    /// What an entry of `method` is told when it gives `key`, a key of other methods: the
    /// method's own ``Method/refusal(ofKey:)``, else the key's ``MethodKey/elsewhere`` when one
    /// method reads it, else the methods that read it.
    func refusal(ofKey key: String, by method: any Method.Type) -> String {
        if let own = method.refusal(ofKey: key) { return own }
        let owners = methods.filter { $0.keys.contains { $0.name == key } }
        if owners.count == 1, let only = owners.first?.keys.first(where: { $0.name == key }) { return only.elsewhere }
        let names = owners.map { $0.name }
        guard let last = names.last else { return "'\(key)' does not apply to \(method.name)" }
        let list = names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
        return "'\(key)' applies to \(list)"
    }

    /// Every key a method entry may have: the shared ones and those of every registered method.
    var methodEntryKeys: [String] {
        var keys = ["method", "id", "step"]
        for method in methods {
            for key in method.keys where !keys.contains(key.name) { keys.append(key.name) }
        }
        return keys + ["bounds"]
    }
}
