import BoundCheck

/// The contract checks a user runs on an oracle stage of their own (the built-ins pass them in
/// BoundCheck's own tests): on random and adversarial inputs u (Gaussian, ties, zeros, all
/// equal, one nonzero, sparse, huge and tiny norms, mixed scales), taken as the exact gradient
/// ∇fᵢ = u with x = ‖u‖², the stage's declared output bounds
/// (``OracleStage/propagate(_:worker:environment:)`` from ``EstimateBounds/exact(normBound:)``)
/// are compared with Monte Carlo measurements of its kernel:
///
/// - bias ‖E C(u) − u‖² ≤ m x + ζ², noise E‖C(u) − E C(u)‖² ≤ M_f x + σ², second moment
///   E‖C(u)‖² ≤ P x + Q (with a Monte Carlo allowance of `sigmas` standard errors when random);
/// - every draw: ‖C(u)‖ ≤ the declared norm bound, ‖C(u) − u‖² ≤ (1 − δ)‖u‖² when it declares δ,
///   ‖C(u)‖ ≤ τ when it declares τ, a finite output for a finite input;
/// - a stage that says it is not random gives bitwise the same output from different streams;
/// - the kernel writes only its vector (guard cells around it stay untouched).
///
/// Heap allocation inside the kernel is not measured here (keep `apply` free of arrays and
/// closures that escape).
public enum OracleStageContract {
    /// One broken promise: on which input, what was declared and what was measured.
    public struct Failure: CustomStringConvertible, Sendable {
        public var stage: String
        public var input: String
        public var property: String
        public var declared: Double
        public var measured: Double
        public var description: String {
            "\(stage) on \(input): \(property): measured \(measured), declared \(declared)"
        }
    }

    /// The inputs the checks use, with a label each.
    public static func inputs(dimension d: Int, seed: UInt64 = 1) -> [(label: String, u: [Double])] {
        var rng = RandomStream(seed: seed)
        func gaussian(_ scale: Double = 1) -> [Double] { (0..<d).map { _ in scale * rng.nextGaussian() } }
        var out: [(String, [Double])] = []
        for i in 0..<3 { out.append(("gaussian #\(i)", gaussian())) }
        out.append(("ties and zeros", (0..<d).map { _ in Double(rng.nextInt(below: 5) - 2) }))
        out.append(("zeros", [Double](repeating: 0, count: d)))
        out.append(("all equal", [Double](repeating: 1.5, count: d)))
        out.append(("alternating signs", (0..<d).map { $0.isMultiple(of: 2) ? 2.0 : -2.0 }))
        var single = [Double](repeating: 0, count: d)
        single[d / 2] = -3
        out.append(("one nonzero", single))
        out.append(("sparse", (0..<d).map { _ in rng.nextUniform() < 0.25 ? rng.nextGaussian() : 0 }))
        out.append(("huge norm (‖u‖ ≈ 1e150)", gaussian(1e150 / Double(d).squareRoot())))
        out.append(("tiny norm (‖u‖ ≈ 1e-150)", gaussian(1e-150 / Double(d).squareRoot())))
        out.append(("mixed scales", (0..<d).map { $0 == 0 ? 1e150 : 1e-150 }))
        return out
    }

    /// Runs every check on `stage` in dimension `dimension`; an empty result means it passed.
    /// `samples` draws per input for a random stage; `environment` defaults to a one-worker
    /// problem f = ½‖x‖² (pass your own when the stage needs a particular objective).
    public static func check<S: OracleStage>(_ stage: S, dimension d: Int, samples: Int = 4000, seed: UInt64 = 1,
                                             sigmas: Double = 5, environment: OracleEnvironment? = nil) -> [Failure] {
        let environment = environment ?? OracleEnvironment(dimension: d, workers: 1, problemSeed: seed,
                                                           objective: HalfSquaredNorm(dimension: d), workerGradientBounds: nil)
        var failures: [Failure] = []
        for (label, u) in inputs(dimension: d, seed: seed) {
            failures += check(stage, input: u, label: label, samples: stage.isRandom ? samples : 2, seed: seed,
                              sigmas: sigmas, environment: environment)
        }
        return failures
    }

    static func check<S: OracleStage>(_ stage: S, input u: [Double], label: String, samples: Int, seed: UInt64,
                                      sigmas: Double, environment: OracleEnvironment) -> [Failure] {
        let d = u.count
        var failures: [Failure] = []
        func fail(_ property: String, declared: Double, measured: Double) {
            failures.append(Failure(stage: S.name, input: label, property: property, declared: declared, measured: measured))
        }
        // Every quantity is computed in units of s = max|uⱼ| (so 1e±150 inputs neither overflow
        // nor underflow when squared); x = ‖u/s‖².
        let s = u.map(abs).max() ?? 0
        let unit = s > 0 ? s : 1
        func norm2(_ v: [Double]) -> Double { v.reduce(0) { let t = $1 / unit; return $0 + t * t } }
        let x = norm2(u)
        let inputNorm = x.squareRoot() * unit
        let declared = stage.propagate(.exact(normBound: inputNorm), worker: 0, environment: environment)
        let constants = stage.declaredConstants(dimension: d)
        var state = stage.makeState(environment: environment)
        let guardValue = -0.0 + 7.25e-77
        var buffer = [Double](repeating: guardValue, count: d + 2)
        var scratch = [Double](repeating: .nan, count: d)
        var permutation = Array(0..<d)
        var rng = RandomStream(key: StreamKey(problemSeed: seed, purpose: .oracle, seedIndex: 0, worker: 0))
        var draws: [[Double]] = []
        draws.reserveCapacity(samples)
        let tolerance = 1e-12
        for sample in 0..<samples {
            for j in 0..<d { buffer[j + 1] = u[j] }
            buffer.withUnsafeMutableBufferPointer { b in
                scratch.withUnsafeMutableBufferPointer { sc in
                    permutation.withUnsafeMutableBufferPointer { p in
                        u.withUnsafeBufferPointer { point in
                            let vector = UnsafeMutableBufferPointer(rebasing: b[1..<(d + 1)])
                            let workspace = StageWorkspace(worker: 0, point: point, scratch: sc,
                                                           permutation: S.usesPermutation ? p : UnsafeMutableBufferPointer(start: nil, count: 0))
                            stage.apply(vector, state: &state, workspace: workspace, rng: &rng)
                        }
                    }
                }
            }
            if buffer[0].bitPattern != guardValue.bitPattern || buffer[d + 1].bitPattern != guardValue.bitPattern {
                fail("writes outside its vector", declared: 0, measured: 1)
                return failures
            }
            let out = Array(buffer[1...d])
            if u.allSatisfy(\.isFinite) && !out.allSatisfy(\.isFinite) {
                fail("finite output for a finite input", declared: 0, measured: .nan)
                return failures
            }
            let outNorm2 = norm2(out)
            if let bound = declared.normBound, outNorm2.squareRoot() > bound / unit * (1 + tolerance) {
                fail("‖C(u)‖ ≤ declared norm bound (draw \(sample))", declared: bound, measured: outNorm2.squareRoot() * unit)
            }
            if let delta = constants.delta {
                let residual = norm2(zip(out, u).map { $0 - $1 })
                if residual > (1 - delta) * x * (1 + tolerance) + tolerance * x {
                    fail("‖C(u) − u‖² ≤ (1 − δ)‖u‖² (draw \(sample))", declared: (1 - delta) * x, measured: residual)
                }
            }
            if let tau = constants.tau, outNorm2.squareRoot() * unit > tau * (1 + tolerance) {
                fail("‖C(u)‖ ≤ τ (draw \(sample))", declared: tau, measured: outNorm2.squareRoot() * unit)
            }
            draws.append(out)
        }
        if !stage.isRandom || declared.deterministic {
            // Another stream must give the same bits.
            var other = RandomStream(key: StreamKey(problemSeed: seed &+ 1, purpose: .oracle, seedIndex: 5, worker: 3))
            var again = u
            var state2 = stage.makeState(environment: environment)
            var permutation2 = Array(0..<d)
            again.withUnsafeMutableBufferPointer { v in
                scratch.withUnsafeMutableBufferPointer { sc in
                    permutation2.withUnsafeMutableBufferPointer { p in
                        u.withUnsafeBufferPointer { point in
                            stage.apply(v, state: &state2, workspace: StageWorkspace(worker: 0, point: point, scratch: sc,
                                                                                      permutation: S.usesPermutation ? p : UnsafeMutableBufferPointer(start: nil, count: 0)),
                                        rng: &other)
                        }
                    }
                }
            }
            if zip(again, draws[0]).contains(where: { $0.bitPattern != $1.bitPattern }) {
                fail("deterministic: the same output from any random stream", declared: 0, measured: 1)
            }
        }
        // Moments, in units of s.
        let n = Double(draws.count)
        var mean = [Double](repeating: 0, count: d)
        for g in draws { for j in 0..<d { mean[j] += g[j] / unit / n } }
        let deviations = draws.map { g in (0..<d).reduce(0.0) { let t = g[$1] / unit - mean[$1]; return $0 + t * t } }
        let variance = deviations.reduce(0, +) / max(n - 1, 1)
        let varianceSpread = deviations.reduce(0) { $0 + ($1 - variance) * ($1 - variance) } / max(n - 1, 1)
        let varianceError = stage.isRandom ? sigmas * (varianceSpread / n).squareRoot() : 0
        let seconds = draws.map(norm2)
        let second = seconds.reduce(0, +) / n
        let secondSpread = seconds.reduce(0) { $0 + ($1 - second) * ($1 - second) } / max(n - 1, 1)
        let secondError = stage.isRandom ? sigmas * (secondSpread / n).squareRoot() : 0
        let bias = (0..<d).reduce(0.0) { let t = mean[$1] - u[$1] / unit; return $0 + t * t }
        let unit2 = unit * unit
        // The mean's error from the larger of the measured and the declared variance: a rare
        // outcome (rounding 1e-150 up to a grid of 0.5) may not appear at all in the draws.
        let declaredNoise = declared.noiseM * x + declared.noiseSigma2 / unit2
        let meanError = stage.isRandom ? sigmas * (max(variance, declaredNoise) / n).squareRoot() : 0
        let slack = 1e-9
        let declaredBias = declared.biasM * x + declared.biasZeta2 / unit2
        if bias.squareRoot() > declaredBias.squareRoot() * (1 + slack) + meanError + slack * x.squareRoot() {
            fail("bias ‖E C(u) − u‖² ≤ m‖u‖² + ζ²", declared: declaredBias * unit2, measured: bias * unit2)
        }
        if variance > declaredNoise * (1 + slack) + varianceError + slack * x {
            fail("noise E‖C(u) − E C(u)‖² ≤ M_f‖u‖² + σ²", declared: declaredNoise * unit2, measured: variance * unit2)
        }
        let declaredSecond = declared.secondP * x + declared.secondQ / unit2
        if second > declaredSecond * (1 + slack) + secondError + slack * x {
            fail("second moment E‖C(u)‖² ≤ P‖u‖² + Q", declared: declaredSecond * unit2, measured: second * unit2)
        }
        return failures
    }
}

/// f(x) = ½‖x‖² on one worker: the default problem of the contract checks.
final class HalfSquaredNorm: Objective, Sendable {
    let dimension: Int
    var workers: Int { 1 }
    init(dimension: Int) { self.dimension = dimension }
    func value(at x: UnsafeBufferPointer<Double>) -> Double { 0.5 * x.reduce(0) { $0 + $1 * $1 } }
    func workerGradient(_ worker: Int, at x: UnsafeBufferPointer<Double>, into gradient: UnsafeMutableBufferPointer<Double>) {
        for j in 0..<dimension { gradient[j] = x[j] }
    }
}
