/// `sgd`: plain stochastic gradient descent, xᵏ⁺¹ = xᵏ − γgᵏ (SGDM with β = 1). No keys of its
/// own; draws no random numbers. Its virtual iterate is x itself.
public struct Sgd: Method {
    public static let name = "sgd"
    public static let kind = MethodKind.sgd
    public static let synopsis = "step (β = 1)"
    public static let keys: [MethodKey] = []

    public static func refusal(ofKey key: String) -> String? {
        key == "beta" ? "sgd has no momentum (β = 1); use method sgdm to set beta" : nil
    }

    public init() {}

    public init?(parameters: inout ParameterReader) {}

    public var randomness: String? { nil }

    public func makeRunner(_ setup: MethodSetup) -> any MethodRunning { SgdRunner(setup) }

    public func encodeSettings(to container: inout KeyedEncodingContainer<MethodCodingKey>) throws {
        try container.encode(MomentumInit.zero.rawValue, forKey: MethodCodingKey("initialization"))
        try container.encode(MomentumPlacement.server.rawValue, forKey: MethodCodingKey("placement"))
    }

    public func reportFields(_ trace: MethodTrace) -> [String: ReportValue] { ["init": .text(MomentumInit.zero.rawValue)] }
}

/// SGD's state: the averaged estimate g.
final class SgdRunner: MethodRunning {
    let gamma: Double, invN: Double
    let g: Buffer

    init(_ setup: MethodSetup) {
        gamma = setup.gamma
        invN = 1 / Double(setup.workers)
        g = Buffer(count: setup.dimension)
    }

    func reset(start: UnsafeBufferPointer<Double>) {}

    func beginIteration(_ k: Int) { Vec.fill(g.pointer, 0) }

    func worker(_ i: Int, k: Int, estimate: UnsafeMutableBufferPointer<Double>, workspace: StageWorkspace,
                rng: inout RandomStream, measurements: inout MethodMeasurements) {
        Vec.addEstimate(estimate, support: workspace.support, to: g.pointer)
    }

    func endWorkerPass(_ k: Int) { Vec.scale(invN, g.pointer) }

    func virtualIterate(_ x: UnsafeBufferPointer<Double>) -> UnsafeBufferPointer<Double>? { x }

    func stepNormSquared() -> Double { Vec.normSquared(g.pointer) }

    func step(_ x: UnsafeMutableBufferPointer<Double>, k: Int, measurements: inout MethodMeasurements) {
        Vec.axpy(-gamma, g.readOnly, x)
    }
}
