import PropertyBased
import Testing
@testable import BoundCheck

// Random inputs keep each oracle's declared contract (docs/theory.md §5), checked with
// swift-property-based: random dimensions, K and τ, and vectors mixing Gaussian entries, ties,
// zeros of both signs, and magnitudes from 1e-300 to 1e300 (where ‖u‖² over- or underflows).
// OracleContractTests checks the same contracts on fixed adversarial sets; these search wider.

/// ‖a‖² / s², computed as Σ (aᵢ/s)² so that neither overflows nor underflows.
private func norm2(_ a: [Double], unit s: Double) -> Double { a.reduce(0) { let t = $1 / s; return $0 + t * t } }
private func largestMagnitude(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
/// ‖a‖ without overflow or underflow (each vector scaled by its own largest entry).
private func norm(_ a: [Double]) -> Double {
    let unit = largestMagnitude(a)
    return unit == 0 ? 0 : unit * norm2(a, unit: unit).squareRoot()
}

/// Mostly Gaussian-like entries, often ties (small integers), sometimes ±0, all scaled by one
/// magnitude from 1e-300 to 1e300.
private let magnitudes: [Double] = [1, 1e-300, 1e-160, 1e-10, 1e10, 1e155, 1e200, 1e300]
private let vector = Generator<[Double], Shrink.None<[Double]>> { rng in
    let d = Int.random(in: 1...40, using: &rng)
    let scale = magnitudes.randomElement(using: &rng) ?? 1
    return (0..<d).map { _ in
        switch Int.random(in: 0..<7, using: &rng) {
        case 0..<4: scale * Double.random(in: -3...3, using: &rng)
        case 4, 5: scale * Double(Int.random(in: -2...2, using: &rng))
        default: Bool.random(using: &rng) ? 0.0 : -0.0
        }
    }
}

private func topK(_ u: [Double], k: Int) -> [Double] {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0) } }
    return out
}

private func clip(_ u: [Double], tau: Double) -> [Double] {
    var out = u
    out.withUnsafeMutableBufferPointer { Compressors.clip($0, tau: tau) }
    return out
}

@Suite("Oracle contracts, properties (random inputs)")
struct OracleContractPropertyTests {
    @Test("Top-K keeps exactly the K entries of largest magnitude (ties to the lower index) and zeroes the rest")
    func topKKeepsExactlyK() async {
        await propertyCheck(count: 800, input: vector, Gen.int(in: 0...45)) { u, kRaw in
            let d = u.count
            let k = min(kRaw, d)
            let out = topK(u, k: k)
            let order = u.indices.sorted { abs(u[$0]) != abs(u[$1]) ? abs(u[$0]) > abs(u[$1]) : $0 < $1 }
            let kept = Set(order.prefix(k))
            for i in 0..<d {
                if kept.contains(i) {
                    #expect(out[i].bitPattern == u[i].bitPattern, "entry \(i) of \(u) changed, k = \(k)")
                } else {
                    #expect(out[i] == 0, "entry \(i) of \(u) not zeroed, k = \(k)")
                }
            }
        }
    }

    @Test("Top-K contracts: ‖C(u) − u‖² ≤ (1 − K/d)‖u‖², at any magnitude")
    func topKContraction() async {
        await propertyCheck(count: 800, input: vector, Gen.int(in: 1...40)) { u, kRaw in
            let d = u.count
            let k = min(kRaw, d)
            let out = topK(u, k: k)
            let unit = largestMagnitude(u)
            guard unit > 0 else {
                #expect(out.allSatisfy { $0 == 0 })
                return
            }
            let residual = norm2(zip(out, u).map { $0 - $1 }, unit: unit)
            let allowed = (1 - Double(k) / Double(d)) * norm2(u, unit: unit)
            #expect(residual <= allowed * (1 + 1e-12) + 1e-300, "u = \(u), k = \(k)")
        }
    }

    @Test("clip: ‖clip(u)‖ ≤ τ, direction kept, u unchanged when ‖u‖ ≤ τ, at any magnitude (‖u‖² may overflow)")
    func clipNormAtMostTau() async {
        let tau = Gen<Double?>.element(of: [1e-200, 1e-5, 0.5, 1, 3, 1e5, 1e150, 1e250]).map { $0 ?? 1 }
        await propertyCheck(count: 1500, input: vector, tau) { u, tau in
            let out = clip(u, tau: tau)
            let unit = largestMagnitude(u)
            guard unit > 0 else {
                #expect(out == u)
                return
            }
            let normIn = norm(u)
            let normOut = norm(out)
            #expect(normOut.isFinite && normOut <= tau * (1 + 1e-12), "‖clip(u)‖ = \(normOut) > τ = \(tau) for ‖u‖ = \(normIn)")
            if normIn <= tau * (1 - 1e-12) {
                #expect(out == u)
            } else {
                // Clipping to the sphere, not to zero (the old overflow gave a zero vector).
                #expect(normOut >= tau * (1 - 1e-12), "‖clip(u)‖ = \(normOut) below τ = \(tau) for ‖u‖ = \(normIn)")
                // Same direction: the unit vectors agree (compared entrywise; τ/‖u‖ may underflow).
                for i in u.indices {
                    #expect(abs(out[i] / normOut - u[i] / normIn) <= 1e-12, "direction changed at \(i)")
                }
            }
        }
    }

    @Test("clip at the old overflow point: ‖u‖ = 1e200 clips to τ instead of to 0; NaN and ∞ stay visible")
    func clipHugeNorm() {
        let u = [3e200, -4e200]
        let out = clip(u, tau: 1)
        #expect(abs(out[0] - 0.6) <= 1e-15 && abs(out[1] + 0.8) <= 1e-15, "\(out)")
        #expect(clip([1e-200, 1e-200], tau: 1e-300).allSatisfy { abs($0 / (1e-300 / 2.0.squareRoot()) - 1) <= 1e-15 })
        #expect(clip([.nan, 1], tau: 1)[0].isNaN)
        #expect(clip([.infinity, 1], tau: 1).contains { !$0.isFinite })
        let norm = [1e300, 1e300].withUnsafeBufferPointer { Compressors.norm($0) }
        #expect(abs(norm / (1e300 * 2.0.squareRoot()) - 1) <= 1e-15)
        // Subnormal entries (3·2⁻¹⁰⁶⁰, 4·2⁻¹⁰⁶⁰): their squares underflow to 0 in a plain sum.
        let tiny = [3 * 0x1p-1060, 4 * 0x1p-1060].withUnsafeBufferPointer { Compressors.norm($0) }
        #expect(tiny == 5 * 0x1p-1060)
    }

    /// Random deterministic pipelines (scale, additive bias, Top-K, scaled sign, clip, in any
    /// order) on the rational family (bounded gradients, so clip's constants apply).
    private static let deterministicStage = Gen<Int>.int(in: 0...4)
    private static let pipelineCase = zip(Gen.int(in: 2...12), Gen.int(in: 1...3), deterministicStage.array(of: 1...4),
                                          Gen.double(in: 0.05...1.95), Gen.double(in: 0.05...2), Gen.uint64(in: 1...1_000_000))

    @Test("deterministic pipelines: ‖g − ∇f‖² ≤ m‖∇f‖² + ζ² exactly, per worker (one worker) and aggregated, at random points")
    func deterministicPipelineBias() async throws {
        await propertyCheck(count: 60, input: Self.pipelineCase) { d, n, kinds, factor, size, seed in
            let stages: [AnyOracleStage] = kinds.map {
                switch $0 {
                case 0: .scale(factor: factor)
                case 1: .additiveBias(norm: size)
                case 2: .topK(k: max(1, d / 2))
                case 3: .scaledSign
                default: .clip(tau: size, rule: seed.isMultiple(of: 2) ? .relative : .absolute)
                }
            }
            let spec = ExperimentSpec(
                name: "pipeline", seed: seed,
                problem: ProblemSpec(family: .rational, dimension: d, workers: n, heterogeneity: 1, start: .gaussian(scale: 1)),
                oracle: stages, methods: [MethodSpec(id: "sgd", settings: Sgd(), step: .fixed(0.1))],
                run: RunSpec(iterations: 10, seeds: 1, checkpoints: 3))
            guard let instance = try? Instance(spec: spec) else {
                Issue.record("instance failed for \(stages)")
                return
            }
            #expect(instance.oracleConstants.deterministic)
            var rng = RandomStream(seed: seed)
            for scale in [0.01, 0.3, 1, 3, 30] {
                let x = (0..<d).map { _ in scale * rng.nextGaussian() }
                let (gradient, estimate) = Simulation.exactAndEstimate(instance: instance, at: x)
                let grad2 = gradient.reduce(0) { $0 + $1 * $1 }
                let bias2 = zip(estimate, gradient).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                let c = instance.oracleConstants
                let roundOff = 1e-12 * (grad2 + c.zeta2 + estimate.reduce(0) { $0 + $1 * $1 }) + 1e-300
                #expect(bias2 <= c.m * grad2 + c.zeta2 + roundOff,
                        "aggregate: ‖g − ∇f‖² = \(bias2) > m‖∇f‖² + ζ² = \(c.m * grad2 + c.zeta2); stages \(stages), n = \(n)")
                if n == 1 {
                    let w = instance.workerBounds[0]
                    #expect(bias2 <= w.biasM * grad2 + w.biasZeta2 + roundOff,
                            "worker: ‖gᵢ − ∇fᵢ‖² = \(bias2) > mᵢ‖∇fᵢ‖² + ζᵢ² = \(w.biasM * grad2 + w.biasZeta2); stages \(stages)")
                }
            }
        }
    }
}

extension Simulation {
    /// (∇f(x), g(x)) through the library's own oracle, deterministic streams.
    static func exactAndEstimate(instance: Instance, at x: [Double]) -> (exact: [Double], estimate: [Double]) {
        let method = ResolvedMethod(MethodSpec(id: "probe", settings: Sgd(), step: .fixed(1)), gamma: 1, stepRule: "fixed")
        let simulation = Simulation(instance: instance, method: method, iterations: 0, checkpoints: [0])
        simulation.reset(seedIndex: 0, purpose: .probe)
        return simulation.estimate(at: x)
    }
}
