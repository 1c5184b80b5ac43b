/// `sgdm`: stochastic gradient descent with heavy-ball momentum (docs/theory.md §2),
/// vᵏ = (1 − β)vᵏ⁻¹ + βgᵏ, xᵏ⁺¹ = xᵏ − γvᵏ, with the momentum kept on the server or on each
/// worker, started at zero or at the first estimate. Draws no random numbers of its own.
///
/// Keys: `beta` ∈ (0, 1] (required; β = 1 is plain SGD), `init: zero | first-gradient`,
/// `momentum: server | worker`. Its virtual iterate is zᵏ = xᵏ − q vᵏ⁻¹ with q = γ(1 − β)/β.
public struct Sgdm: Method {
    public static let name = "sgdm"
    public static let kind = MethodKind.sgdm
    public static let synopsis = "beta ∈ (0, 1], step, init: zero|first-gradient, momentum: server|worker"
    public static let keys = [
        MethodKey("beta", elsewhere: "'beta' applies to sgdm only"),
        MethodKey("init", elsewhere: "'init' applies to sgdm only"),
        MethodKey("momentum", elsewhere: "'momentum' (server or worker) applies to sgdm only"),
    ]

    /// β ∈ (0, 1].
    public var beta: Double
    public var initialization: MomentumInit
    public var placement: MomentumPlacement

    public init(beta: Double, initialization: MomentumInit = .zero, placement: MomentumPlacement = .server) {
        self.beta = beta
        self.initialization = initialization
        self.placement = placement
    }

    public init?(parameters p: inout ParameterReader) {
        let beta = p.double("beta", .between(0, 1, lowOpen: true), missing: "the momentum weight β ∈ (0, 1]; β = 1 is plain SGD")
        initialization = p.choice("init", default: MomentumInit.zero, what: "momentum start")
        placement = p.choice("momentum", default: MomentumPlacement.server, what: "momentum placement")
        // A missing or invalid β is reported; the method is still built so that its other keys
        // and the file's later checks are reported in the same pass (as before: β then stays 1).
        self.beta = beta ?? 1
    }

    public var randomness: String? { nil }

    public func makeRunner(_ setup: MethodSetup) -> any MethodRunning { SgdmRunner(self, setup) }

    public func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws {
        try container.encode(initialization.rawValue, forKey: MethodCodingKey("initialization"))
        try container.encode(placement.rawValue, forKey: MethodCodingKey("placement"))
    }

    public func reportFields(_ trace: MethodTrace) -> [String: ReportValue] {
        ["init": .text(initialization.rawValue), "momentum": .text(placement.rawValue)]
    }
}

public enum MomentumInit: String, Sendable, Equatable, CaseIterable {
    /// v⁻¹ = 0 (the bounds' assumption).
    case zero
    /// v⁰ = g⁰, as in the authors' PyTorch code.
    case firstGradient = "first-gradient"
}

public enum MomentumPlacement: String, Sendable, Equatable, CaseIterable {
    case server, worker
}

/// SGDM's state: the server momentum v (or each worker's vᵢ and their mean), the averaged
/// estimate g, and the virtual iterate's buffer.
final class SgdmRunner: MethodRunning {
    let d: Int
    let gamma: Double, beta: Double, invN: Double
    /// q = γ(1 − β)/β: zᵏ = xᵏ − q vᵏ⁻¹.
    let q: Double
    let workerMomentum: Bool, firstGradient: Bool
    let g: Buffer, v: Buffer, virtual: Buffer
    /// Worker momentum: (1/n) Σᵢ vᵢ, and each vᵢ.
    let workerMean: Buffer
    let workerBuffers: [Buffer]

    init(_ method: Sgdm, _ setup: MethodSetup) {
        d = setup.dimension
        gamma = setup.gamma
        beta = method.beta
        invN = 1 / Double(setup.workers)
        q = gamma * (1 - beta) / beta
        workerMomentum = method.placement == .worker
        firstGradient = method.initialization == .firstGradient
        g = Buffer(count: d); v = Buffer(count: d); virtual = Buffer(count: d); workerMean = Buffer(count: d)
        workerBuffers = workerMomentum ? (0..<setup.workers).map { _ in Buffer(count: setup.dimension) } : []
    }

    func reset(start: UnsafeBufferPointer<Double>) {
        Vec.fill(v.pointer, 0)
        for b in workerBuffers { Vec.fill(b.pointer, 0) }
    }

    func beginIteration(_ k: Int) {
        Vec.fill(g.pointer, 0)
        if workerMomentum { Vec.fill(workerMean.pointer, 0) }
    }

    func worker(_ i: Int, k: Int, estimate gi: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace,
                rng: inout RandomStream, measurements: inout MethodMeasurements) {
        Vec.addEstimate(gi, support: workspace.support, to: g.pointer)
        guard workerMomentum else { return }
        let vi = workerBuffers[i].pointer
        if k == 0 && firstGradient {
            Vec.copy(UnsafeBufferPointer(gi), vi)
        } else {
            for j in 0..<d { vi[j] = (1 - beta) * vi[j] + beta * gi[j] }
        }
        Vec.axpy(invN, workerBuffers[i].readOnly, workerMean.pointer)
    }

    func endWorkerPass(_ k: Int) {
        Vec.scale(invN, g.pointer)
        if k == 0 && firstGradient { Vec.copy(g.readOnly, v.pointer) }   // v⁻¹ = g⁰, so v⁰ = g⁰
    }

    func virtualIterate(_ x: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double>? {
        for j in 0..<d { virtual.pointer[j] = x[j] - q * v.pointer[j] }
        return virtual.readOnly
    }

    func stepNormSquared() -> Double { Vec.normSquared(g.pointer) }

    func step(_ x: UnsafeMutableBufferPointer<Double>, k: Int, measurements: inout MethodMeasurements) {
        if workerMomentum {
            Vec.copy(workerMean.readOnly, v.pointer)
        } else {
            for j in 0..<d { v.pointer[j] = (1 - beta) * v.pointer[j] + beta * g.pointer[j] }
        }
        Vec.axpy(-gamma, v.readOnly, x)
    }
}
