/// `mdsgd`: momentum distributed SGD with error feedback (docs/theory.md §2): each worker keeps
/// its momentum uᵢ and a memory mᵢ, sends a sparsified S(mᵢ + uᵢ) and keeps the rest. Random
/// when its sparsifier is Rand-K.
///
/// Keys: `beta` ∈ [0, 1) (default 0), `sparsifier: {top-k|rand-k: {k | fraction}} | scaled-sign`
/// (required), `variant: local | global`. Its virtual iterate is w̃, tracked by its own recursion;
/// each run measures how far w̃ strays from w − m̄ (the transformation identity).
public struct Mdsgd: Method {
    public static let name = "mdsgd"
    public static let kind = MethodKind.mdsgd
    public static let synopsis = "beta ∈ [0, 1), step (η), sparsifier: {top-k|rand-k: {k}} | scaled-sign, variant: local|global"
    public static let keys = [
        MethodKey("beta", elsewhere: "'beta' applies to mdsgd only"),
        MethodKey("sparsifier", elsewhere: "'sparsifier' applies to mdsgd only; for sgdm compress in the oracle"),
        MethodKey("variant", elsewhere: "'variant' (local or global momentum) applies to mdsgd only"),
    ]

    /// β ∈ [0, 1).
    public var beta: Double
    public var sparsifier: SparsifierSpec
    public var variant: MDSGDMomentum

    public init(beta: Double, sparsifier: SparsifierSpec, variant: MDSGDMomentum = .local) {
        self.beta = beta
        self.sparsifier = sparsifier
        self.variant = variant
    }

    public init?(parameters p: inout ParameterReader) {
        let beta = p.double("beta", .between(0, 1, highOpen: true), default: 0)
        variant = p.choice("variant", default: MDSGDMomentum.local, what: "momentum variant")
        guard p.has("sparsifier") else {
            p.error(at: "sparsifier", "mdsgd needs a 'sparsifier' (top-k: {k: …}, rand-k: {k: …} or scaled-sign)")
            return nil
        }
        guard let (name, parameters) = p.namedEntry("sparsifier", among: ["top-k", "rand-k", "scaled-sign"], what: "sparsifier",
                                                   example: "{top-k: {k: 5}}") else { return nil }
        var sub = parameters
        switch name {
        case "top-k", "rand-k":
            guard sub.keys(["k", "fraction"]), let k = sub.coordinateCount() else { return nil }
            sparsifier = name == "top-k" ? .topK(k: k) : .randK(k: k)
        default:
            guard sub.keys([]) else { return nil }
            sparsifier = .scaledSign
        }
        self.beta = beta ?? 0
    }

    public var randomness: String? {
        if case .randK = sparsifier { return "rand-k sparsifier" }
        return nil
    }

    public var usesPermutation: Bool {
        if case .randK = sparsifier { return true }
        return false
    }

    public func makeRunner(_ setup: MethodSetup) -> any MethodRunning { MdsgdRunner(self, setup) }

    /// `sparsifier_k` (Top-K, Rand-K) and `sparsifier_delta`: K/d, or 1/d for scaled sign.
    public func expressionVariables(dimension: Int) -> [ExpressionVariable] {
        switch sparsifier {
        case .topK(let k), .randK(let k):
            return [ExpressionVariable(name: "sparsifier_k", value: Double(k), meaning: "the sparsifier's K"),
                    ExpressionVariable(name: "sparsifier_delta", value: Double(k) / Double(dimension),
                                       meaning: "the sparsifier's δ = K/d")]
        case .scaledSign:
            return [ExpressionVariable(name: "sparsifier_delta", value: 1 / Double(dimension),
                                       meaning: "the sparsifier's δ = 1/d (scaled sign)")]
        }
    }

    public func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws {
        try container.encode(MomentumInit.zero.rawValue, forKey: MethodCodingKey("initialization"))
        try container.encode(MomentumPlacement.server.rawValue, forKey: MethodCodingKey("placement"))
        try container.encode(sparsifier.name, forKey: MethodCodingKey("sparsifier"))
        switch sparsifier {
        case .topK(let k), .randK(let k): try container.encode(k, forKey: MethodCodingKey("sparsifierK"))
        case .scaledSign: break
        }
        try container.encode(variant.rawValue, forKey: MethodCodingKey("variant"))
    }

    public func reportFields(_ trace: MethodTrace) -> [String: ReportValue] {
        ["init": .text(MomentumInit.zero.rawValue), "identity-deviation": .number(trace.identityDeviation),
         "sparsifier": .text(sparsifier.name), "variant": .text(variant.rawValue)]
    }

    public func reportHeadline(_ trace: MethodTrace) -> String {
        ", sparsifier `\(sparsifier.name)`, \(variant.rawValue) momentum. Transformation identity: max relative deviation \(MarkdownReport.number(trace.identityDeviation))"
    }

    /// The sparsifier S as an oracle stage's kernel, built once per run: Top-K and scaled sign
    /// as their stages apply them, Rand-K unscaled (scale 1, δ = K/d in expectation: the
    /// error-feedback convention) rather than the Rand-K stage's unbiased d/K. The same kernels
    /// the oracle stages run, so the sparsified vectors are bitwise those of the stages.
    func sparsifierKernel() -> any OracleStageRunning {
        switch sparsifier {
        case .topK(let k): OracleStageRunner(stage: TopK(k: k), state: TopKState(workers: 0))
        case .randK(let k): OracleStageRunner(stage: RandK(k: k), state: 1.0)
        case .scaledSign: OracleStageRunner(stage: ScaledSign(), state: ())
        }
    }
}

/// M-DSGD's sparsifier S, run with the oracle stages' kernels (Top-K, Rand-K unscaled, scaled sign).
public enum SparsifierSpec: Sendable, Equatable {
    case topK(k: Int)
    /// Unscaled Rand-K (δ = K/d in expectation), the error-feedback convention.
    case randK(k: Int)
    case scaledSign

    public var name: String {
        switch self {
        case .topK: "top-k"
        case .randK: "rand-k"
        case .scaledSign: "scaled-sign"
        }
    }

    /// δ of the sparsifier in dimension d: K/d for Top-K and Rand-K, 1/d for scaled sign.
    public func delta(dimension d: Int) -> Double {
        switch self {
        case .topK(let k), .randK(let k): Double(k) / Double(d)
        case .scaledSign: 1 / Double(d)
        }
    }
}

/// Where M-DSGD's momentum is taken: on each worker's own estimates, or on the real iterates.
public enum MDSGDMomentum: String, Sendable, Equatable, CaseIterable {
    case local, global
}

/// M-DSGD's state (docs/theory.md §2): x is w; per worker uᵢ and mᵢ; w̃ tracked by its own
/// recursion; w^{t−1} − w^t for the global variant; g accumulates the sent (1/p) Σ sₖ.
final class MdsgdRunner: MethodRunning {
    let d: Int
    let eta: Double, beta: Double, invN: Double
    let global: Bool
    let sparsifier: any OracleStageRunning
    /// w̃, w^{t−1} − w^t, (1/p) Σ sₖ, (1/p) Σ uₖ, (1/p) Σ mₖ, and the vector a worker sends.
    let wTilde: Buffer, previousStep: Buffer, g: Buffer, uMean: Buffer, mMean: Buffer, sent: Buffer
    let u: [Buffer], memory: [Buffer]

    init(_ method: Mdsgd, _ setup: MethodSetup) {
        d = setup.dimension
        eta = setup.gamma
        beta = method.beta
        invN = 1 / Double(setup.workers)
        global = method.variant == .global
        sparsifier = method.sparsifierKernel()
        wTilde = Buffer(count: d); previousStep = Buffer(count: d); g = Buffer(count: d)
        uMean = Buffer(count: d); mMean = Buffer(count: d); sent = Buffer(count: d)
        u = (0..<setup.workers).map { _ in Buffer(count: setup.dimension) }
        memory = (0..<setup.workers).map { _ in Buffer(count: setup.dimension) }
    }

    func reset(start: UnsafeBufferPointer<Double>) {
        for b in u { Vec.fill(b.pointer, 0) }
        for b in memory { Vec.fill(b.pointer, 0) }
        Vec.copy(start, wTilde.pointer)   // w̃⁰ = w⁰ (memories start at 0)
        Vec.fill(previousStep.pointer, 0)
    }

    func beginIteration(_ k: Int) {
        Vec.fill(g.pointer, 0)
        Vec.fill(uMean.pointer, 0)
        Vec.fill(mMean.pointer, 0)
    }

    func worker(_ i: Int, k: Int, estimate gi: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace,
                rng: inout RandomStream, measurements: inout MethodMeasurements) {
        measurements.maxWorkerEstimateNorm2 = max(measurements.maxWorkerEstimateNorm2, Vec.normSquared(gi))
        let ui = u[i].pointer, mi = memory[i].pointer
        if global {
            for j in 0..<d { ui[j] = eta * gi[j] + beta * previousStep.pointer[j] }
        } else {
            for j in 0..<d { ui[j] = beta * ui[j] + eta * gi[j] }
        }
        Vec.axpy(invN, u[i].readOnly, uMean.pointer)
        // aₖ = mₖ + uₖ; sₖ = S(aₖ); mₖ ← aₖ − sₖ
        Vec.axpy(1, u[i].readOnly, mi)
        Vec.copy(memory[i].readOnly, sent.pointer)
        sparsifier.apply(sent.pointer, workspace: workspace, rng: &rng)
        Vec.axpy(-1, sent.readOnly, mi)
        Vec.axpy(invN, sent.readOnly, g.pointer)
        Vec.axpy(invN, memory[i].readOnly, mMean.pointer)
    }

    func endWorkerPass(_ k: Int) {}

    func virtualIterate(_ x: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double>? { wTilde.readOnly }

    func stepNormSquared() -> Double { Vec.normSquared(g.pointer) }

    func step(_ x: UnsafeMutableBufferPointer<Double>, k: Int, measurements: inout MethodMeasurements) {
        // w^{t+1} = w^t − (1/p) Σ sₖ; w^t − w^{t+1} is next step's global momentum.
        Vec.copy(g.readOnly, previousStep.pointer)
        Vec.axpy(-1, g.readOnly, x)
        // w̃^{t+1} = w̃^t − (1/p) Σ uₖ; the identity says w̃ = w − (1/p) Σ mₖ.
        Vec.axpy(-1, uMean.readOnly, wTilde.pointer)
        var deviation = 0.0, scale = 1.0
        for j in 0..<d {
            deviation = max(deviation, abs(wTilde.pointer[j] - (x[j] - mMean.pointer[j])))
            scale = max(scale, abs(x[j]))
        }
        measurements.identityDeviation = max(measurements.identityDeviation, deviation / scale)
    }
}
