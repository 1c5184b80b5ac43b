// Over 400 lines on purpose: file-private reference kernels (Top-K, sign, clip) that both suites here check against.
import Foundation
import Testing
@testable import BoundCheck

// Every oracle stage's contract (docs/theory.md §5), declared against measured, on random and
// adversarial inputs; then the aggregate constants of whole pipelines (A4, A5) against Monte
// Carlo estimates drawn through the library's own oracle (Simulation.estimate).

// MARK: - Helpers

private func norm2(_ a: [Double]) -> Double { a.reduce(0) { $0 + $1 * $1 } }
private func sub(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
private func add(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }
private func scaled(_ s: Double, _ a: [Double]) -> [Double] { a.map { s * $0 } }

/// ‖a‖² / s² computed as ‖a/s‖², so that 1e±150-sized inputs neither overflow nor underflow.
private func norm2(_ a: [Double], unit s: Double) -> Double { a.reduce(0) { let t = $1 / s; return $0 + t * t } }

private func topK(_ u: [Double], k: Int) -> [Double] {
    var out = u
    var scratch = [Double](repeating: .nan, count: u.count)
    out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { Compressors.topK(o, k: k, scratch: $0) } }
    return out
}

/// The kept indices by definition: order by magnitude (descending), then index (ascending).
private func referenceTopKIndices(_ u: [Double], k: Int) -> Set<Int> {
    let order = u.indices.sorted { abs(u[$0]) != abs(u[$1]) ? abs(u[$0]) > abs(u[$1]) : $0 < $1 }
    return Set(order.prefix(max(0, k)))
}

private func select(_ a: [Double], rank: Int) -> Double {
    var copy = a
    return copy.withUnsafeMutableBufferPointer { Compressors.select($0, count: a.count, rank: rank) }
}

private func scaledSign(_ u: [Double]) -> [Double] {
    var out = u
    out.withUnsafeMutableBufferPointer { Compressors.scaledSign($0) }
    return out
}

private func clip(_ u: [Double], tau: Double) -> [Double] {
    var out = u
    out.withUnsafeMutableBufferPointer { Compressors.clip($0, tau: tau) }
    return out
}

private func gaussianVector(_ d: Int, _ rng: inout RandomStream, scale: Double = 1) -> [Double] {
    (0..<d).map { _ in scale * rng.nextGaussian() }
}

/// Random and adversarial inputs of dimension d: Gaussian, heavy ties, all zeros, all equal,
/// single nonzero, huge (‖u‖ ≈ 1e150) and tiny (‖u‖ ≈ 1e-150), sparse.
private func adversarialInputs(_ d: Int, _ rng: inout RandomStream) -> [[Double]] {
    var inputs: [[Double]] = []
    for _ in 0..<20 { inputs.append(gaussianVector(d, &rng)) }
    for _ in 0..<20 { inputs.append((0..<d).map { _ in Double(rng.nextInt(below: 5) - 2) }) }   // ties, zeros, signs
    inputs.append([Double](repeating: 0, count: d))
    inputs.append([Double](repeating: 1.5, count: d))
    inputs.append((0..<d).map { $0.isMultiple(of: 2) ? 2.0 : -2.0 })
    var single = [Double](repeating: 0, count: d)
    single[d / 2] = -3
    inputs.append(single)
    inputs.append(scaled(1e150 / Double(d).squareRoot(), gaussianVector(d, &rng)))
    inputs.append(scaled(1e-150 / Double(d).squareRoot(), gaussianVector(d, &rng)))
    inputs.append((0..<d).map { _ in rng.nextUniform() < 0.2 ? rng.nextGaussian() : 0 })
    inputs.append((0..<d).map { j in j == 0 ? 1e150 : 1e-150 })
    return inputs
}

private func makeInstance(_ family: any ProblemFamily, d: Int, n: Int, oracle: [AnyOracleStage], seed: UInt64 = 17,
                          heterogeneity: Double = 1) throws -> Instance {
    let spec = ExperimentSpec(
        name: "oracle-test", seed: seed,
        problem: ProblemSpec(family: family, dimension: d, workers: n, heterogeneity: heterogeneity, start: .gaussian(scale: 1.5)),
        oracle: oracle,
        methods: [MethodSpec(id: "sgd", settings: Sgd(), step: .fixed(0.1))],
        run: RunSpec(iterations: 10, seeds: 2, checkpoints: 3))
    return try Instance(spec: spec)
}

private let smallQuadratic = QuadraticFamily(minEigenvalue: 0.5, maxEigenvalue: 3, zeroEigenvalues: 0,
                                                  logSpacing: false, rotate: false)

/// Monte Carlo summary of the aggregated oracle at one point, drawn with the library's oracle.
private struct OracleSample {
    var gradient: [Double]   // ∇f(x), exact
    var mean: [Double]       // ḡ
    var variance: Double     // V̂ = (1/(N−1)) Σ‖gₛ − ḡ‖²
    var varianceSE: Double   // standard error of V̂
    var count: Int
    /// ‖ḡ − ∇f‖²
    var biasEstimate2: Double { norm2(sub(mean, gradient)) }
    /// Monte Carlo half-width for ‖ḡ − h‖: 4 √(V̂/N). In the worst case (all variance on one
    /// coordinate) ‖ḡ − h‖²N/V is χ²₁, so this is a 4σ allowance.
    var meanError: Double { 4 * (variance / Double(count)).squareRoot() }
}

private func drawOracle(_ instance: Instance, at x: [Double], samples count: Int, seedIndex: Int = 0) -> OracleSample {
    let method = ResolvedMethod(MethodSpec(id: "probe", settings: Sgd(), step: .fixed(1)), gamma: 1, stepRule: "fixed")
    let simulation = Simulation(instance: instance, method: method, iterations: 0, checkpoints: [0])
    simulation.reset(seedIndex: seedIndex, purpose: .probe)
    var draws: [[Double]] = []
    var gradient: [Double] = []
    for _ in 0..<count {
        let e = simulation.estimate(at: x)
        gradient = e.exact
        draws.append(e.estimate)
    }
    let d = x.count
    var mean = [Double](repeating: 0, count: d)
    for g in draws { for j in 0..<d { mean[j] += g[j] / Double(count) } }
    let squares = draws.map { norm2(sub($0, mean)) }
    let v = squares.reduce(0, +) / Double(max(count - 1, 1))
    let spread = squares.reduce(0) { $0 + ($1 - v) * ($1 - v) } / Double(max(count - 1, 1))
    return OracleSample(gradient: gradient, mean: mean, variance: v, varianceSE: (spread / Double(count)).squareRoot(),
                        count: count)
}

/// Checks the declared aggregate A4/A5 constants at `x` against a Monte Carlo sample.
///
/// Tolerance (stated): the bias check allows ‖ḡ − ∇f‖ ≤ √(m‖∇f‖² + ζ²) + 4√(V̂/N) (triangle
/// inequality with a 4σ allowance for ‖ḡ − h‖); the variance check allows V̂ − 4·SE(V̂) ≤
/// declared, with ‖h‖ replaced by its upper limit ‖ḡ‖ + 4√(V̂/N) (the conservative direction).
/// Plus 1e-12 relative round-off. Streams are fixed, so the test is reproducible.
private func checkDeclaredConstants(_ instance: Instance, at x: [Double], samples: Int,
                                    sourceLocation: SourceLocation = #_sourceLocation) -> OracleSample {
    let c = instance.oracleConstants
    let s = drawOracle(instance, at: x, samples: samples)
    let grad2 = norm2(s.gradient)
    let roundOff = 1e-12 * (grad2 + c.zeta2 + 1)
    let biasAllowed = (c.m * grad2 + c.zeta2 + roundOff).squareRoot() + s.meanError
    #expect(s.biasEstimate2.squareRoot() <= biasAllowed,
            "bias ‖ḡ − ∇f‖ = \(s.biasEstimate2.squareRoot()) above √(m‖∇f‖² + ζ²) + MC = \(biasAllowed) (m = \(c.m), ζ² = \(c.zeta2))",
            sourceLocation: sourceLocation)
    // Against ‖∇f‖² (before conversion): always available.
    let declaredF = c.Mf * grad2 + c.sigmaf2
    #expect(s.variance - 4 * s.varianceSE <= declaredF * (1 + 1e-12) + 1e-300,
            "variance \(s.variance) ± \(s.varianceSE) above M_f‖∇f‖² + σ_f² = \(declaredF)", sourceLocation: sourceLocation)
    // Against ‖h‖² (A5), when declared.
    if let M = c.M, let sigma2 = c.sigma2 {
        let hUpper = norm2(s.mean).squareRoot() + s.meanError
        let declared = M * hUpper * hUpper + sigma2
        #expect(s.variance - 4 * s.varianceSE <= declared * (1 + 1e-12) + 1e-300,
                "variance \(s.variance) ± \(s.varianceSE) above M‖h‖² + σ² = \(declared)", sourceLocation: sourceLocation)
    }
    // The table the bounds read says the same.
    #expect(instance.constants[.m] == c.m && instance.constants[.zeta2] == c.zeta2, sourceLocation: sourceLocation)
    return s
}

private func probePoints(_ instance: Instance, count: Int, seed: UInt64, scales: [Double] = [0.3, 1, 3]) -> [[Double]] {
    var rng = RandomStream(seed: seed)
    return [instance.start] + (0..<count).map { i in gaussianVector(instance.dimension, &rng, scale: scales[i % scales.count]) }
}

// MARK: - Compressors

@Suite("Oracle stages: contracts of the compressors")
struct OracleContractCompressorTests {
    @Test("Top-K keeps exactly the K largest magnitudes, ties to the lower index (random and tied inputs)")
    func topKKeepsTheRightEntries() {
        var rng = RandomStream(seed: 1)
        for d in [1, 2, 3, 5, 8, 17, 40] {
            for u in adversarialInputs(d, &rng) {
                for k in Set([0, 1, d / 3, d / 2, d - 1, d, d + 2]) where k >= 0 {
                    let out = topK(u, k: k)
                    let keep = referenceTopKIndices(u, k: k)
                    let expected = u.indices.map { keep.contains($0) ? u[$0] : 0 }
                    #expect(out == expected, "d = \(d), k = \(k), u = \(u): got \(out)")
                    // Exactly min(k, d) kept; nonzeros never exceed it.
                    #expect(keep.count == min(max(k, 0), d))
                    #expect(out.filter { $0 != 0 }.count == min(keep.count, u.filter { $0 != 0 }.count))
                }
            }
        }
    }

    @Test("Top-K on an all-equal input keeps indices 0..<K")
    func topKAllEqual() {
        for d in [4, 9, 31] {
            for k in 1...d {
                for value in [2.5, -1.0, 1e150, 1e-150] {
                    let out = topK([Double](repeating: value, count: d), k: k)
                    #expect(out == (0..<d).map { $0 < k ? value : 0 }, "d = \(d), k = \(k), value = \(value)")
                }
            }
        }
    }

    @Test("Top-K contracts: ‖C(u) − u‖² ≤ (1 − K/d)‖u‖², and ‖C(u)‖ ≤ ‖u‖, on random and adversarial inputs")
    func topKContraction() {
        var rng = RandomStream(seed: 2)
        for d in [1, 3, 8, 25, 64] {
            for u in adversarialInputs(d, &rng) {
                let unit = max(u.map(abs).max() ?? 0, .leastNormalMagnitude)
                let total = norm2(u, unit: unit)
                for k in 1...d {
                    let out = topK(u, k: k)
                    let residual = norm2(sub(out, u), unit: unit)
                    #expect(residual <= (1 - Double(k) / Double(d)) * total * (1 + 1e-12),
                            "d = \(d), k = \(k): ‖C(u) − u‖² = \(residual) > (1 − K/d)‖u‖² (unit \(unit))")
                    #expect(norm2(out, unit: unit) <= total * (1 + 1e-15))
                }
            }
        }
    }

    @Test("select returns the same order statistic as sorting, for every rank (random, tied, signed zeros, infinities)")
    func selectMatchesSorting() {
        var rng = RandomStream(seed: 3)
        var arrays: [[Double]] = []
        for n in [1, 2, 3, 4, 7, 16, 33, 100] {
            for _ in 0..<15 {
                arrays.append((0..<n).map { _ in rng.nextGaussian() })
                arrays.append((0..<n).map { _ in Double(rng.nextInt(below: 3)) })            // many ties
                arrays.append((0..<n).map { _ in Double(rng.nextInt(below: max(1, n / 2))) })
            }
            arrays.append([Double](repeating: 7, count: n))
            arrays.append((0..<n).map { Double($0) })
            arrays.append((0..<n).map { Double(n - $0) })
            arrays.append((0..<n).map { $0.isMultiple(of: 2) ? 0.0 : -0.0 })
            arrays.append((0..<n).map { (i: Int) -> Double in
                switch i % 3 {
                case 0: return Double.infinity
                case 1: return -Double.infinity
                default: return 1
                }
            })
        }
        for a in arrays {
            let sorted = a.sorted()
            for rank in 0..<a.count {
                let s = select(a, rank: rank)
                #expect(s == sorted[rank], "rank \(rank) of \(a): select \(s), sorted \(sorted[rank])")
            }
        }
    }

    @Test("Rand-K (scaled d/K) is unbiased and E‖C(u) − u‖² = (d/K − 1)‖u‖² (Monte Carlo, 5 standard errors)")
    func randKUnbiased() {
        let d = 8
        var rng = RandomStream(seed: 4)
        let u = gaussianVector(d, &rng)
        for k in [1, 3, 8] {
            let samples = 20_000
            var permutation = Array(0..<d)
            var scratch = [Double](repeating: 0, count: d)
            var sum = [Double](repeating: 0, count: d)
            var errors: [Double] = []
            var keptWrongCount = 0
            for _ in 0..<samples {
                var out = u
                out.withUnsafeMutableBufferPointer { o in
                    permutation.withUnsafeMutableBufferPointer { p in
                        scratch.withUnsafeMutableBufferPointer { s in
                            Compressors.randK(o, k: k, scale: Double(d) / Double(k), permutation: p, scratch: s, rng: &rng)
                        }
                    }
                }
                if out.filter({ $0 != 0 }).count != k { keptWrongCount += 1 }
                sum = add(sum, out)
                errors.append(norm2(sub(out, u)))
            }
            #expect(keptWrongCount == 0, "k = \(k): \(keptWrongCount) draws did not keep exactly k entries")
            #expect(permutation.sorted() == Array(0..<d), "the permutation buffer is no longer a permutation")
            let factor = Double(d) / Double(k)
            for j in 0..<d {
                let mean = sum[j] / Double(samples)
                let se = (u[j] * u[j] * (factor - 1) / Double(samples)).squareRoot()
                #expect(abs(mean - u[j]) <= 5 * se + 1e-12 * abs(u[j]), "k = \(k), coordinate \(j): mean \(mean), u \(u[j]), se \(se)")
            }
            let meanError = errors.reduce(0, +) / Double(samples)
            let sd = (errors.reduce(0) { $0 + ($1 - meanError) * ($1 - meanError) } / Double(samples - 1)).squareRoot()
            let expected = (factor - 1) * norm2(u)
            #expect(abs(meanError - expected) <= 5 * sd / Double(samples).squareRoot() + 1e-12 * expected,
                    "k = \(k): E‖C(u) − u‖² ≈ \(meanError), expected \(expected)")
        }
    }

    @Test("scaled sign: ‖C(u) − u‖² ≤ (1 − 1/d)‖u‖², with the exact residual ‖u‖² − 2‖u‖₁²/d + nnz‖u‖₁²/d²")
    func scaledSignContraction() {
        var rng = RandomStream(seed: 5)
        for d in [1, 2, 5, 16, 50] {
            for u in adversarialInputs(d, &rng) {
                let unit = max(u.map(abs).max() ?? 0, .leastNormalMagnitude)
                let out = scaledSign(u)
                let total = norm2(u, unit: unit)
                let l1 = u.reduce(0) { $0 + abs($1) / unit }
                let residual = norm2(sub(out, u), unit: unit)
                #expect(residual <= (1 - 1 / Double(d)) * total * (1 + 1e-12) + 1e-300, "d = \(d), u = \(u)")
                // ‖C(u) − u‖² = ‖u‖² − 2‖u‖₁²/d + nnz·‖u‖₁²/d² (sign(0) = 0, so zeros stay zero).
                let nonzero = Double(u.filter { $0 != 0 }.count)
                let exact = total - 2 * l1 * l1 / Double(d) + nonzero * l1 * l1 / Double(d * d)
                #expect(abs(residual - exact) <= 1e-12 * max(total, 1e-300), "d = \(d): \(residual) against \(exact)")
                #expect(zip(out, u).allSatisfy { ($0 > 0) == ($1 > 0) && ($0 < 0) == ($1 < 0) })
            }
            var single = [Double](repeating: 0, count: d)
            single[0] = 4
            // A single nonzero: (1 − 1/d)²‖u‖², inside (1 − 1/d)‖u‖²; u = (1, ε, …, ε) approaches the bound.
            #expect(abs(norm2(sub(scaledSign(single), single)) - (1 - 1 / Double(d)) * (1 - 1 / Double(d)) * 16) <= 1e-12)
            if d > 1 {
                let nearlySingle = (0..<d).map { $0 == 0 ? 1.0 : 1e-9 }
                let ratio = norm2(sub(scaledSign(nearlySingle), nearlySingle)) / norm2(nearlySingle)
                #expect(ratio <= 1 - 1 / Double(d) && ratio >= (1 - 1 / Double(d)) * (1 - 1e-6))
            }
        }
    }

    @Test("clip: ‖clip(u)‖ ≤ τ, direction kept, unchanged below τ, bias within both declared rules")
    func clipContract() throws {
        var rng = RandomStream(seed: 6)
        let d = 7
        let environment = try makeInstance(rationalFamily, d: d, n: 1, oracle: []).oracleEnvironment
        for G in [0.5, 3.0, 1e150] {
            for tauFraction in [0.1, 0.5, 0.99, 1.0, 2.0] {
                let tau = G * tauFraction
                let exact = EstimateBounds.exact(normBound: G)
                let relative = Clip(tau: tau, rule: .relative).propagate(exact, worker: 0, environment: environment)
                let absolute = Clip(tau: tau, rule: .absolute).propagate(exact, worker: 0, environment: environment)
                let shrink = max(0, 1 - tau / G)
                #expect(relative.biasM == shrink * shrink && relative.biasZeta2 == 0)
                #expect(absolute.biasM == 0 && abs(absolute.biasZeta2 - max(0, G - tau) * max(0, G - tau)) <= 1e-12 * G * G)
                #expect(relative.normBound == min(G, tau) && absolute.normBound == min(G, tau))
                for trial in 0..<200 {
                    // ‖u‖ ≤ G, including ‖u‖ = G exactly (where the rules are tight).
                    let direction = gaussianVector(d, &rng)
                    let length = trial.isMultiple(of: 5) ? G : G * rng.nextUniform()
                    let u = scaled(length / norm2(direction).squareRoot(), direction)
                    let out = clip(u, tau: tau)
                    let unit = G
                    let normOut = norm2(out, unit: unit).squareRoot()
                    let normIn = norm2(u, unit: unit).squareRoot()
                    #expect(normOut <= tau / unit * (1 + 1e-14))
                    if normIn <= tau / unit * (1 - 1e-12) { #expect(out == u) }
                    // Same direction: out = c·u with c ∈ (0, 1].
                    let c = normOut / normIn
                    #expect(norm2(sub(out, scaled(c, u)), unit: unit) <= 1e-28 * normIn * normIn)
                    let bias = norm2(sub(out, u), unit: unit)
                    let x = normIn * normIn
                    #expect(bias <= (relative.biasM * x + relative.biasZeta2 / (unit * unit)) * (1 + 1e-12) + 1e-28,
                            "relative rule: G = \(G), τ = \(tau), ‖u‖ = \(length)")
                    #expect(bias <= (absolute.biasM * x + absolute.biasZeta2 / (unit * unit)) * (1 + 1e-12) + 1e-28,
                            "absolute rule: G = \(G), τ = \(tau), ‖u‖ = \(length)")
                }
            }
        }
    }
}

// MARK: - Single stages through the library oracle

@Suite("Oracle stages: declared against measured, one stage at a time")
struct OracleContractStageTests {
    @Test("gaussian noise: E‖ξ‖² ≈ s² per worker, s²/n for the aggregate, unbiased")
    func gaussianNoise() throws {
        for n in [1, 4] {
            let s2 = 0.8
            let instance = try makeInstance(smallQuadratic, d: 6, n: n, oracle: [.gaussianNoise(variance: s2)])
            let c = instance.oracleConstants
            #expect(c.m == 0 && c.zeta2 == 0 && c.M == 0)
            #expect(abs(try #require(c.sigma2) - s2 / Double(n)) <= 1e-15)
            #expect(!c.deterministic)
            let sample = drawOracle(instance, at: instance.start, samples: 20_000)
            #expect(abs(sample.variance - s2 / Double(n)) <= 5 * sample.varianceSE, "n = \(n): E‖g − h‖² ≈ \(sample.variance)")
            #expect(sample.biasEstimate2.squareRoot() <= sample.meanError)
        }
    }

    @Test("relative noise u ⊙ (1 + ε): unbiased, E‖g − u‖² ≈ s²‖u‖² (one worker)")
    func relativeNoise() throws {
        let s2 = 0.3
        let instance = try makeInstance(smallQuadratic, d: 6, n: 1, oracle: [.relativeNoise(variance: s2)])
        let sample = drawOracle(instance, at: instance.start, samples: 20_000)
        let expected = s2 * norm2(sample.gradient)
        #expect(abs(sample.variance - expected) <= 5 * sample.varianceSE, "E‖g − u‖² ≈ \(sample.variance), expected \(expected)")
        #expect(sample.biasEstimate2.squareRoot() <= sample.meanError)
        #expect(abs(instance.oracleConstants.Mf - s2) <= 1e-15)
    }

    @Test("scale (1 − a)·u: g = c∇f exactly, declared m = a², ζ² = 0")
    func scale() throws {
        let factor = 0.7
        let instance = try makeInstance(smallQuadratic, d: 6, n: 1, oracle: [.scale(factor: factor)])
        let sample = drawOracle(instance, at: instance.start, samples: 2)
        #expect(sample.mean == sample.gradient.map { factor * $0 })
        #expect(sample.variance == 0)
        let a2 = (1 - factor) * (1 - factor)
        #expect(abs(instance.oracleConstants.m - a2) <= 1e-15 && instance.oracleConstants.zeta2 == 0)
        #expect(abs(sample.biasEstimate2 - a2 * norm2(sample.gradient)) <= 1e-12 * norm2(sample.gradient))
        #expect(instance.oracleConstants.deterministic)
    }

    @Test("additive bias: g − ∇f = c with ‖c‖ = ζ, the same on every worker; declared m = 0, ζ² = ‖c‖²")
    func additiveBias() throws {
        let norm = 0.6
        let instance = try makeInstance(smallQuadratic, d: 6, n: 3, oracle: [.additiveBias(norm: norm)])
        let c = AdditiveBias(norm: norm).biasVector(environment: instance.oracleEnvironment)
        #expect(abs(norm2(c) - norm * norm) <= 1e-14)
        for x in probePoints(instance, count: 3, seed: 9) {
            let sample = drawOracle(instance, at: x, samples: 2)
            #expect(norm2(sub(sub(sample.mean, sample.gradient), c)) <= 1e-24)
            #expect(abs(sample.biasEstimate2 - norm * norm) <= 1e-12)
        }
        #expect(instance.oracleConstants.m == 0 && abs(instance.oracleConstants.zeta2 - norm * norm) <= 1e-15)
    }

    @Test("composite: the Monte Carlo mean of the sampled gradient matches the exact mean by Gaussian integration, and its bias is within ζ²")
    func compositeExactBias() throws {
        let instance = try makeInstance(.composite(samplesPerWorker: 10, targetNoise: 0), d: 4, n: 2,
                                        oracle: [.composite(innerSamples: 2, innerNoise: 1.5)])
        let objective = try #require(instance.objective as? CompositeObjective)
        let sigma = 1.5 / Double(2).squareRoot()
        for x in probePoints(instance, count: 2, seed: 10) {
            var h = [Double](repeating: 0, count: 4)
            for i in 0..<2 { h = add(h, scaled(0.5, try objective.expectedSampledWorkerGradient(i, at: x, innerStandardDeviation: sigma))) }
            let sample = drawOracle(instance, at: x, samples: 8_000)
            #expect(norm2(sub(sample.mean, h)).squareRoot() <= sample.meanError, "MC mean \(sample.mean) against exact \(h)")
            let bias2 = norm2(sub(h, sample.gradient))
            #expect(bias2 > 0, "tanh is nonlinear: the plug-in gradient should be biased")
            #expect(bias2 <= instance.oracleConstants.m * norm2(sample.gradient) + instance.oracleConstants.zeta2)
        }
        #expect(instance.oracleConstants.m == 0)
    }
}

// MARK: - Pipelines

struct OraclePipelineCase: CustomTestStringConvertible, Sendable {
    let label: String
    let family: any ProblemFamily
    let d: Int
    let n: Int
    let stages: [AnyOracleStage]
    let samples: Int
    var testDescription: String { label }
}

private let rationalFamily = RationalFamily()

private let pipelines: [OraclePipelineCase] = [
    OraclePipelineCase(label: "[gaussian-noise, top-k]", family: smallQuadratic, d: 6, n: 3,
                 stages: [.gaussianNoise(variance: 0.5), .topK(k: 4)], samples: 6_000),
    OraclePipelineCase(label: "[top-k]", family: smallQuadratic, d: 6, n: 3, stages: [.topK(k: 2)], samples: 2),
    OraclePipelineCase(label: "[scale, additive-bias]", family: smallQuadratic, d: 6, n: 3,
                 stages: [.scale(factor: 0.7), .additiveBias(norm: 0.5)], samples: 2),
    OraclePipelineCase(label: "[rand-k]", family: smallQuadratic, d: 6, n: 3, stages: [.randK(k: 2)], samples: 6_000),
    OraclePipelineCase(label: "[relative-noise, scale]", family: smallQuadratic, d: 6, n: 3,
                 stages: [.relativeNoise(variance: 0.2), .scale(factor: 0.9)], samples: 6_000),
    OraclePipelineCase(label: "[scaled-sign]", family: smallQuadratic, d: 6, n: 3, stages: [.scaledSign], samples: 2),
    OraclePipelineCase(label: "[clip relative]", family: rationalFamily, d: 5, n: 3, stages: [.clip(tau: 0.8, rule: .relative)], samples: 2),
    OraclePipelineCase(label: "[clip absolute]", family: rationalFamily, d: 5, n: 3, stages: [.clip(tau: 0.8, rule: .absolute)], samples: 2),
    OraclePipelineCase(label: "[clip, gaussian-noise]", family: rationalFamily, d: 5, n: 3,
                 stages: [.clip(tau: 0.8, rule: .relative), .gaussianNoise(variance: 0.3)], samples: 6_000),
    OraclePipelineCase(label: "[composite]", family: .composite(samplesPerWorker: 10, targetNoise: 0.2), d: 4, n: 3,
                 stages: [.composite(innerSamples: 3, innerNoise: 1.0)], samples: 4_000),
]

@Suite("Oracle pipelines: Monte Carlo bias and variance within the declared A4/A5 constants")
struct OracleContractPipelineTests {
    @Test("‖E g − ∇f‖² ≤ m‖∇f‖² + ζ² and E‖g − E g‖² ≤ M‖h‖² + σ² (and ≤ M_f‖∇f‖² + σ_f²) at several points",
          arguments: pipelines)
    func declaredConstantsHold(_ p: OraclePipelineCase) throws {
        let instance = try makeInstance(p.family, d: p.d, n: p.n, oracle: p.stages)
        let c = instance.oracleConstants
        #expect(c.m >= 0 && c.zeta2 >= 0 && c.Mf >= 0 && c.sigmaf2 >= 0)
        var points = probePoints(instance, count: 4, seed: 11)
        if p.family is RationalFamily, let s = instance.objective as? TiltedSeparableObjective {
            // Make clipping bite: |φ'| is largest at ±1/√3, aligned with a worker's tilt.
            for i in 0..<p.n { points.append((0..<p.d).map { j in (s.tilts[i * p.d + j] >= 0 ? 1 : -1) / Double(3).squareRoot() }) }
        }
        for x in points {
            let s = checkDeclaredConstants(instance, at: x, samples: p.samples)
            if c.deterministic { #expect(s.variance == 0, "a deterministic pipeline varied: \(s.variance)") }
        }
    }

    @Test("clipping actually clips at the probe points (so the clip checks are not vacuous)")
    func clipIsActive() throws {
        let instance = try makeInstance(rationalFamily, d: 5, n: 3, oracle: [.clip(tau: 0.8, rule: .relative)])
        let s = try #require(instance.objective as? TiltedSeparableObjective)
        let x = (0..<5).map { j in (s.tilts[j] >= 0 ? 1 : -1) / Double(3).squareRoot() }
        let sample = drawOracle(instance, at: x, samples: 1)
        #expect(sample.biasEstimate2 > 1e-6)
        #expect(norm2(instance.objective.workerGradient(0, at: x)).squareRoot() > 0.8)
    }

    @Test("bounded families, deterministic pipelines: every worker estimate sent in a run is within the declared ‖gᵢ‖² bound (Gmax2)")
    func secondMomentBound() throws {
        let cases: [(any ProblemFamily, [AnyOracleStage])] = [
            (rationalFamily, [.clip(tau: 0.8, rule: .relative)]),
            (rationalFamily, [.scale(factor: 0.5), .additiveBias(norm: 0.3)]),
            (.logisticNonconvex(samplesPerWorker: 20, lambda: 0.1), [.topK(k: 2)]),
            (.composite(samplesPerWorker: 10, targetNoise: 0), [.scaledSign]),
        ]
        for (family, stages) in cases {
            let instance = try makeInstance(family, d: 5, n: 3, oracle: stages)
            let bound = try #require(instance.oracleConstants.secondMomentBound)
            #expect(instance.constants[.Gmax2] == bound)
            let method = ResolvedMethod(MethodSpec(id: "ef", settings: Mdsgd(beta: 0.5, sparsifier: .topK(k: 2)), step: .fixed(0.05)),
                                        gamma: 0.05, stepRule: "fixed")
            let profile = RunSpec(iterations: 100, seeds: 1, checkpoints: 3)
            let blocks = Runner(jobs: 1).run(Runner.workItems(methods: 1, seeds: 1), instance: instance, methods: [method], profile: profile)
            let trace = Runner.merge(blocks, methods: [method], profile: profile)[0]
            #expect(trace.maxWorkerEstimateNorm2 > 0)
            #expect(trace.maxWorkerEstimateNorm2 <= bound * (1 + 1e-12), "\(stages): \(trace.maxWorkerEstimateNorm2) > \(bound)")
        }
    }

    @Test("Top-K of the exact gradient: aggregate bias against the declared (1 − δ)(B²‖∇f‖² + G²), per worker too")
    func topKPerWorker() throws {
        let k = 2, d = 6, n = 3
        let instance = try makeInstance(smallQuadratic, d: d, n: n, oracle: [.topK(k: k)])
        let delta = Double(k) / Double(d)
        #expect(abs(instance.oracleConstants.m - (1 - delta)) <= 1e-15)
        #expect(abs(instance.oracleConstants.zeta2 - (1 - delta) * instance.problemConstants.G2.value) <= 1e-12)
        #expect(instance.oracleConstants.delta == delta)
        for x in probePoints(instance, count: 10, seed: 12) {
            for i in 0..<n {
                let gi = instance.objective.workerGradient(i, at: x)
                #expect(norm2(sub(topK(gi, k: k), gi)) <= (1 - delta) * norm2(gi) * (1 + 1e-12))
            }
        }
    }
}

// MARK: - EstimateBounds.combine

@Suite("EstimateBounds.combine")
struct OracleContractCombineTests {
    @Test("combine is a valid bound: ‖b₁ + b₂‖² ≤ m x + z whenever ‖b₁‖² ≤ m₁x + z₁ and ‖b₂‖² ≤ m₂x + z₂")
    func combineIsValid() {
        var rng = RandomStream(seed: 13)
        func draw() -> Double {
            switch rng.nextInt(below: 4) {
            case 0: return 0
            case 1: return pow(10, -8 + 10 * rng.nextUniform())
            default: return rng.nextUniform()
            }
        }
        for _ in 0..<3000 {
            let m1 = draw(), z1 = draw(), m2 = draw(), z2 = draw()
            let (m, z) = EstimateBounds.combine(m1, z1, m2, z2)
            #expect(m.isFinite && z.isFinite && m >= 0 && z >= 0, "combine(\(m1), \(z1), \(m2), \(z2)) = (\(m), \(z))")
            let r0 = m1.squareRoot() + m2.squareRoot()
            if r0 * r0 < 1 { #expect(m < 1, "combine(\(m1), \(z1), \(m2), \(z2)) lost m < 1: \(m)") }
            for x in [0, 1e-6, 0.01, 0.5, 1, 7, 1e4] {
                // Worst case: b₁, b₂ aligned, each at its largest norm; plus random directions.
                let n1 = (m1 * x + z1).squareRoot(), n2 = (m2 * x + z2).squareRoot()
                let aligned = (n1 + n2) * (n1 + n2)
                #expect(aligned <= (m * x + z) * (1 + 1e-12) + 1e-300,
                        "combine(\(m1), \(z1), \(m2), \(z2)) = (\(m), \(z)) fails at x = \(x): \(aligned) > \(m * x + z)")
                let u = gaussianVector(3, &rng), v = gaussianVector(3, &rng)
                let b = add(scaled(n1 / norm2(u).squareRoot(), u), scaled(n2 / norm2(v).squareRoot(), v))
                #expect(norm2(b) <= (m * x + z) * (1 + 1e-12) + 1e-300)
            }
        }
    }

    @Test("combine does not depend on the order of its two inputs (relative 1e-9)")
    func combineIsSymmetric() {
        var rng = RandomStream(seed: 14)
        // The first case is the one that exposed the bug: the smaller-ζ² root of the quadratic in t
        // is computed as (−b − √disc)/(2m₁), which cancels to 0 when m₁m₂ is tiny, so the root
        // giving the smaller ζ² is dropped and the other (ζ² ≈ 5·10¹¹ instead of ≈ 5·10⁵) is used.
        var cases: [(Double, Double, Double, Double)] = [(1e-12, 1, 1e-6, 1)]
        for _ in 0..<500 {
            cases.append((pow(10, -3 * rng.nextUniform()), rng.nextUniform(), pow(10, -3 * rng.nextUniform()), rng.nextUniform()))
        }
        for (m1, z1, m2, z2) in cases {
            let a = EstimateBounds.combine(m1, z1, m2, z2), b = EstimateBounds.combine(m2, z2, m1, z1)
            #expect(abs(a.m - b.m) <= 1e-9 * max(a.m, b.m) && abs(a.z - b.z) <= 1e-9 * max(a.z, b.z),
                    "combine(\(m1), \(z1), \(m2), \(z2)) = \(a) but swapped = \(b)")
        }
    }

    @Test("combine keeps the exact forms when one side is zero, x-free or ζ-free")
    func combineSpecialCases() {
        let left = EstimateBounds.combine(0, 0, 0.3, 0.2), right = EstimateBounds.combine(0.3, 0.2, 0, 0)
        #expect(left.m == 0.3 && left.z == 0.2)
        #expect(right.m == 0.3 && right.z == 0.2)
        let zz = EstimateBounds.combine(0, 0.25, 0, 1)
        #expect(zz.m == 0 && abs(zz.z - 2.25) <= 1e-15)
        let mm = EstimateBounds.combine(0.25, 0, 0.09, 0)
        #expect(abs(mm.m - 0.64) <= 1e-15 && mm.z == 0)
    }
}
