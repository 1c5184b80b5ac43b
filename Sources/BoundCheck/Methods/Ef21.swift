/// `ef21`: error feedback of the EF21 kind (docs/theory.md, "EF21"). Each worker keeps a vector
/// gᵢ and sends only a compressed correction; the server keeps their mean g and steps along it:
///
///     gᵢᵏ = gᵢᵏ⁻¹ + C(gᵢ(xᵏ) − gᵢᵏ⁻¹),   gᵏ = (1/n) Σᵢ gᵢᵏ,   xᵏ⁺¹ = xᵏ − γgᵏ,
///
/// where gᵢ(xᵏ) is the worker's estimate from the file's oracle (the exact ∇fᵢ(xᵏ) under an
/// exact oracle) and C the `compressor`, any oracle stage of the catalog run as a kernel (Top-K
/// as its stage runs it). Started at gᵢ⁰ = C(gᵢ(x⁰)) (`init: compressed`, the default) or
/// gᵢ⁰ = gᵢ(x⁰) (`init: gradient`).
///
/// Keys: `compressor` (required, e.g. `{top-k: {k: 6}}`), `init: compressed | gradient`. Records
/// the `lyapunov` metric f(xᵏ) − f* + (γ/θ)(1/n) Σᵢ ‖gᵢᵏ − ∇fᵢ(xᵏ)‖² with θ = 1 − √(1 − α), α the
/// compressor's contraction (its declared δ); no virtual iterate.
public struct Ef21: Method {
    public static let name = "ef21"
    public static let kind = MethodKind.ef21
    public static let synopsis = "step, compressor: {STAGE: {…}} (e.g. top-k: {k}), init: compressed|gradient"
    public static let keys = [
        MethodKey("compressor", elsewhere: "'compressor' applies to ef21 only; for sgdm compress in the oracle"),
        MethodKey("init", elsewhere: "'init' applies to ef21 only"),
    ]

    /// C, an oracle stage's kernel.
    public var compressor: AnyOracleStage
    public var start: Ef21Start

    public init(compressor: AnyOracleStage, start: Ef21Start = .compressed) {
        self.compressor = compressor
        self.start = start
    }

    public init?(parameters p: inout ParameterReader) {
        start = p.choice("init", default: Ef21Start.compressed, what: "EF21 start")
        guard let compressor = Self.readCompressor(&p, method: Self.name) else { return nil }
        self.compressor = compressor
    }

    /// The required `compressor` key, shared with ``Ef21Sgdm``.
    static func readCompressor(_ p: inout ParameterReader, method: String) -> AnyOracleStage? {
        guard p.has("compressor") else {
            p.error(at: "compressor", "\(method) needs a 'compressor' (an oracle stage, e.g. {top-k: {k: 6}})")
            return nil
        }
        return p.oracleStage("compressor", what: "compressor")
    }

    public var randomness: String? { compressor.isRandom ? "random compressor" : nil }
    public var usesPermutation: Bool { type(of: compressor.stage).usesPermutation }

    /// EF21-NC and EF21-PL read L̃.
    public var readsWorkerSmoothness: Bool { true }

    public func makeRunner(_ setup: MethodSetup) -> any MethodRunning {
        Ef21Runner(compressor: compressor, start: start, momentum: nil, setup)
    }

    public func initialDistortion(instance: Instance) -> Double? {
        Ef21Runner.initialDistortion(compressor: compressor, start: start, instance: instance)
    }

    public func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws {
        try container.encode(compressor.name, forKey: MethodCodingKey("compressor"))
        try container.encode(start.rawValue, forKey: MethodCodingKey("initialization"))
    }

    public func reportFields(_ trace: MethodTrace) -> [String: ReportValue] {
        ["init": .text(start.rawValue), "compressor": .text(compressor.description)]
    }

    public func reportHeadline(_ trace: MethodTrace) -> String {
        ", compressor `\(compressor.name)`, init \(start.rawValue)"
    }

    /// α, the compressor's contraction ‖C(u) − u‖² ≤ (1 − α)‖u‖² (its declared δ), in dimension d.
    public func contraction(dimension: Int) -> Double? {
        compressor.stage.declaredConstants(dimension: dimension).delta
    }
}

extension MethodKind {
    public static let ef21 = MethodKind(rawValue: "ef21")
}

/// How EF21 starts its worker vectors gᵢ⁰.
public enum Ef21Start: String, Sendable, Equatable, CaseIterable {
    /// gᵢ⁰ = C(gᵢ(x⁰)): the first message is compressed like every other.
    case compressed
    /// gᵢ⁰ = gᵢ(x⁰): one uncompressed message at the start (then G⁰ = 0 under an exact oracle).
    case gradient
}

/// θ = 1 − √(1 − α) and β̃ = (1 − α)/(1 − √(1 − α)) of a compressor with contraction α.
enum Ef21Constants {
    static func theta(_ alpha: Double) -> Double { 1 - (1 - alpha).squareRoot() }
    static func betaTilde(_ alpha: Double) -> Double { (1 - alpha) / (1 - (1 - alpha).squareRoot()) }
}

/// EF21's state (and EF21-SGDM's, with its momentum η): per worker gᵢ (and vᵢ), their mean g,
/// the correction being compressed, and a gradient buffer for the Lyapunov metric.
final class Ef21Runner: MethodRunning {
    let d: Int, n: Int
    let gamma: Double, invN: Double
    /// EF21-SGDM's η (vᵢ = (1 − η)vᵢ + η gᵢ(x) is compressed instead of gᵢ(x)); nil for EF21.
    let momentum: Double?
    let compressedStart: Bool
    /// γ/θ, NaN when the compressor declares no contraction.
    let lyapunovWeight: Double
    let compressor: any OracleStageRunning
    let objective: any Objective
    let g: Buffer, correction: Buffer, gradient: Buffer
    let workerG: [Buffer], workerV: [Buffer]

    init(compressor stage: AnyOracleStage, start: Ef21Start, momentum: Double?, _ setup: MethodSetup) {
        d = setup.dimension
        n = setup.workers
        gamma = setup.gamma
        invN = 1 / Double(setup.workers)
        self.momentum = momentum
        compressedStart = start == .compressed
        let alpha = stage.stage.declaredConstants(dimension: setup.dimension).delta
        // EF21's Lyapunov quantity; EF21-SGDM's analysis uses another, so it records none.
        lyapunovWeight = momentum == nil ? alpha.map { setup.gamma / Ef21Constants.theta($0) } ?? .nan : .nan
        compressor = stage.makeRunner(environment: setup.environment)
        objective = setup.objective
        g = Buffer(count: d); correction = Buffer(count: d); gradient = Buffer(count: d)
        workerG = (0..<setup.workers).map { _ in Buffer(count: setup.dimension) }
        workerV = momentum == nil ? [] : (0..<setup.workers).map { _ in Buffer(count: setup.dimension) }
    }

    func reset(start: UnsafeBufferPointer<Double>) {
        for b in workerG { Vec.fill(b.pointer, 0) }
        for b in workerV { Vec.fill(b.pointer, 0) }
    }

    func beginIteration(_ k: Int) { Vec.fill(g.pointer, 0) }

    func worker(_ i: Int, k: Int, estimate: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace,
                rng: inout RandomStream, measurements: inout MethodMeasurements) {
        let gi = workerG[i].pointer
        // The vector EF21 tracks: the estimate, or EF21-SGDM's momentum on it.
        var tracked = UnsafeBufferPointer(estimate)
        if let eta = momentum {
            let vi = workerV[i].pointer
            if k == 0 {
                Vec.copy(tracked, vi)
            } else {
                for j in 0..<d { vi[j] = (1 - eta) * vi[j] + eta * estimate[j] }
            }
            tracked = workerV[i].readOnly
        }
        if k == 0 {
            Vec.copy(tracked, gi)
            if compressedStart { compressor.apply(gi, workspace: workspace, rng: &rng) }
        } else {
            for j in 0..<d { correction.pointer[j] = tracked[j] - gi[j] }
            compressor.apply(correction.pointer, workspace: workspace, rng: &rng)
            Vec.axpy(1, correction.readOnly, gi)
        }
        Vec.axpy(invN, workerG[i].readOnly, g.pointer)
    }

    func endWorkerPass(_ k: Int) {}

    func virtualIterate(_ x: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double>? { nil }

    func stepNormSquared() -> Double { Vec.normSquared(g.pointer) }

    func step(_ x: UnsafeMutableBufferPointer<Double>, k: Int, measurements: inout MethodMeasurements) {
        Vec.axpy(-gamma, g.readOnly, x)
    }

    /// f(xᵏ) − f* + (γ/θ)(1/n) Σᵢ ‖gᵢᵏ − ∇fᵢ(xᵏ)‖², the exact ∇fᵢ taken again (checkpoints only).
    func lyapunov(_ x: UnsafeBufferPointer<Double>, gap: Double) -> Double {
        guard lyapunovWeight.isFinite else { return .nan }
        var distortion = 0.0
        for i in 0..<n {
            objective.workerGradient(i, at: x, into: gradient.pointer)
            let gi = workerG[i].pointer
            var s = 0.0
            for j in 0..<d { let e = gi[j] - gradient.pointer[j]; s += e * e }
            distortion += s
        }
        return gap + lyapunovWeight * (distortion / Double(n))
    }

    /// G⁰ = (1/n) Σᵢ ‖gᵢ⁰ − ∇fᵢ(x⁰)‖² with exact gradients (gᵢ⁰ = C(∇fᵢ(x⁰)) or ∇fᵢ(x⁰)); a
    /// random compressor is drawn from the instance's first stream.
    static func initialDistortion(compressor stage: AnyOracleStage, start: Ef21Start, instance: Instance) -> Double {
        guard start == .compressed else { return 0 }
        let d = instance.dimension
        let kernel = stage.makeRunner(environment: instance.oracleEnvironment)
        let scratch = Buffer(count: d), compressed = Buffer(count: d)
        let permutation = UnsafeMutableBufferPointer<Int>.allocate(capacity: d)
        defer { permutation.deallocate() }
        var total = 0.0
        instance.start.withUnsafeBufferPointer { x0 in
            for i in 0..<instance.workers {
                let exact = instance.objective.workerGradient(i, at: instance.start)
                for j in 0..<d { compressed.pointer[j] = exact[j]; permutation[j] = j }
                var rng = RandomStream(key: StreamKey(problemSeed: instance.seed, purpose: .instance, seedIndex: 0, worker: i))
                kernel.apply(compressed.pointer, workspace: StageWorkspace(worker: i, point: x0, scratch: scratch.pointer, permutation: permutation),
                             rng: &rng)
                for j in 0..<d { let e = compressed.pointer[j] - exact[j]; total += e * e }
            }
        }
        return total / Double(instance.workers)
    }
}
