// Over 400 lines on purpose: a small YAML writer and a random-file generator, file-private, that only this property uses.
@testable import BoundCheck
import PropertyBased
import Testing

// Random valid problem files round-trip (issue 6): a random ExperimentSpec that obeys every
// rule of docs/problem-files.md is rendered as YAML — in random styles: block and flow
// collections, plain, quoted, escaped, block (| >) and multi-line scalars, defaults left out —
// then loaded; the loaded spec must equal the generated one, and every expression's recorded
// position must point at its first character in the text.

// MARK: - A small YAML writer

/// A YAML value to write: scalars already in their written form (one line, or a header and
/// continuation lines), collections in flow or block style.
private indirect enum YAML {
    case scalar(String)
    /// `header` stays on the key's line; `lines` follow, indented under the key.
    case multiline(header: String, lines: [String])
    case mapping([(String, YAML)], flow: Bool)
    case sequence([YAML], flow: Bool)

    /// Whether it can be written inside a flow collection.
    var flowable: Bool {
        switch self {
        case .scalar: true
        case .multiline: false
        case .mapping(let pairs, _): pairs.allSatisfy { $0.1.flowable }
        case .sequence(let items, _): items.allSatisfy(\.flowable)
        }
    }

    var flowText: String {
        switch self {
        case .scalar(let s): s
        case .multiline: preconditionFailure("not flowable")
        case .mapping(let pairs, _): "{" + pairs.map { "\($0.0): \($0.1.flowText)" }.joined(separator: ", ") + "}"
        case .sequence(let items, _): "[" + items.map(\.flowText).joined(separator: ", ") + "]"
        }
    }

    /// The lines of a block mapping at `indent`.
    static func block(_ pairs: [(String, YAML)], indent: Int) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        for (key, value) in pairs {
            switch value {
            case .scalar(let s):
                lines.append("\(pad)\(key): \(s)")
            case .multiline(let header, let rest):
                lines.append("\(pad)\(key): \(header)")
                lines += rest.map { "\(pad)  \($0)" }
            case .mapping(let inner, let flow):
                if (flow || inner.isEmpty) && value.flowable { lines.append("\(pad)\(key): \(value.flowText)") } else {
                    lines.append("\(pad)\(key):")
                    lines += block(inner, indent: indent + 2)
                }
            case .sequence(let items, let flow):
                if (flow || items.isEmpty) && value.flowable { lines.append("\(pad)\(key): \(value.flowText)") } else {
                    lines.append("\(pad)\(key):")
                    for item in items {
                        switch item {
                        case .mapping(let inner, let itemFlow) where !((itemFlow || inner.isEmpty) && item.flowable):
                            lines.append("\(pad)  -")
                            lines += block(inner, indent: indent + 4)
                        default:
                            lines.append("\(pad)  - \(item.flowable ? item.flowText : "~")")
                        }
                    }
                }
            }
        }
        return lines
    }
}

// MARK: - Writing values

private struct Writer {
    var rng: any SeededRandomNumberGenerator
    /// Whether double-quoted text may write a letter as an escape (\x67 for g).
    var escapeLetters = true

    mutating func bool(_ p: Double = 0.5) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// A double in `range`: sometimes a round value, sometimes one with all 17 digits.
    mutating func double(_ range: ClosedRange<Double>) -> Double {
        let value = Double.random(in: range, using: &rng)
        guard bool() else { return value }
        return min(max((value * 100).rounded() / 100, range.lowerBound), range.upperBound)
    }

    /// A number as YAML text (Swift's shortest round-trip form; sometimes with '_' or '+').
    mutating func number(_ value: Double) -> YAML { .scalar("\(value)") }
    mutating func number(_ value: Int) -> YAML {
        if value >= 1000 && bool(0.3) {
            var digits = Array(String(value))
            digits.insert("_", at: digits.count - 3)
            return .scalar(String(digits))
        }
        return .scalar(bool(0.1) ? "\"\(value)\"" : "\(value)")
    }

    /// A name (letters, digits, '-', '_', '.'), plain or quoted.
    mutating func name(_ value: String) -> YAML {
        switch int(0...2) {
        case 0 where value.first!.isLetter: return .scalar(value)
        case 1: return .scalar("'\(value)'")
        default: return .scalar("\"\(value)\"")
        }
    }

    /// Any text, double-quoted, with escapes for what YAML cannot hold raw.
    mutating func quoted(_ text: String) -> YAML {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += bool() ? "\\t" : "\t"
            case "\n": out += "\\n"
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{FEFF}" {
                    out += String(format: "\\u%04X", scalar.value)
                } else if escapeLetters && scalar.isASCII && scalar.properties.isAlphabetic && bool(0.05) {
                    out += String(format: "\\x%02X", scalar.value)   // an escape that decodes to itself
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return .scalar(out + "\"")
    }

    /// An expression (single spaces, no quotes) in a random scalar style: plain, single- or
    /// double-quoted (with escapes), literal or folded block, or plain/double-quoted folded
    /// over several lines at single spaces.
    mutating func expression(_ text: String) -> YAML {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        func broken(_ count: Int) -> [String] {
            // Lines made of consecutive words, each line ≥ 1 word.
            var lines: [String] = []
            var current: [String] = []
            for (i, word) in words.enumerated() {
                current.append(word)
                if i < words.count - 1 && lines.count < count - 1 && bool(0.5) {
                    lines.append(current.joined(separator: " "))
                    current = []
                }
            }
            lines.append(current.joined(separator: " "))
            return lines
        }
        switch int(0...6) {
        case 0: return .scalar(text)
        case 1: return .scalar("'\(text)'")
        case 2: return quoted(text)
        case 3: return .multiline(header: pick(["|-", "|2-", "|-  # a comment"]), lines: [text])
        case 4: return .multiline(header: ">-", lines: broken(4))
        case 5:
            let lines = broken(3)
            return .multiline(header: lines[0], lines: Array(lines.dropFirst()))
        default:
            var lines = broken(3)
            lines[0] = "\"" + lines[0]
            lines[lines.count - 1] += "\""
            return .multiline(header: lines[0], lines: Array(lines.dropFirst()))
        }
    }
}

// MARK: - A random valid file

private let expressions = ["2*D0/(gamma*(1-m)*K) + zeta2/(1-m)", "L*D0/K", "zeta2/(1-m) + sqrt(sigma2)/K",
                           "max(L, 1)*exp(-n*K) + 1", "(1+beta)*D0/(gamma*K)", "erf(1) + 1/K"]
private let conditions = ["gamma <= beta/(4*L*(M+1))", "m < 1", "gamma*L <= 1 and beta > 0", "sigma2 >= 0"]
private let probeConditions = ["bias2 <= m*grad2 + zeta2", "var <= M*h2 + sigma2", "gap >= 0 or grad2 >= 0"]
private let catalogIDs = ["AS-1", "AS-2", "F1", "F2", "F2-x", "M1", "EF-SGD"]

private struct Generated: CustomStringConvertible {
    var spec: ExperimentSpec
    var yaml: String
    var description: String { yaml }
}

private func generate(_ rng: inout any SeededRandomNumberGenerator) -> Generated {
    var w = Writer(rng: rng)
    defer { rng = w.rng }
    var top: [(String, YAML)] = []
    let nameChars = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    var name = "roundtrip"
    if w.bool(0.8) {
        name = String(w.pick(Array("abcdefghijklmnopqrstuvwxyz"))) + String((0..<w.int(0...20)).map { _ in w.pick(nameChars) })
        top.append(("name", w.name(name)))
    }
    var description = ""
    if w.bool(0.6) {
        let alphabet: [String] = ["a", "Z", " ", ":", "#", "\"", "'", "\\", "{", "}", "[", "-", "é", "‖∇f‖²", "γ", "\t",
                                  "\n", "\u{1B}", "\u{7F}", "😀", "\u{2028}", "%", "&", "*", "!", "|", ">"]
        description = (0..<w.int(0...30)).map { _ in w.pick(alphabet) }.joined()
        top.append(("description", w.quoted(description)))
    }
    var seed: UInt64 = 1
    if w.bool(0.8) {
        seed = w.bool(0.2) ? UInt64.max - UInt64(w.int(0...3)) : UInt64.random(in: 0...UInt64.max, using: &w.rng)
        top.append(("seed", .scalar("\(seed)")))
    }

    // problem
    let familyName = w.pick(["quadratic", "pl-sine", "rational", "logistic-ncvx", "composite"])
    let d = w.int(1...30)
    let n = w.int(1...6)
    var problemPairs: [(String, YAML)] = [("family", w.name(familyName)), ("dimension", w.number(d))]
    var workers = 1
    if w.bool(0.8) { workers = n; problemPairs.append(("workers", w.number(n))) }
    var heterogeneity = 1.0
    if w.bool(0.6) { heterogeneity = w.double(0...5); problemPairs.append(("heterogeneity", w.number(heterogeneity))) }
    var start = StartSpec.gaussian(scale: 1)
    if w.bool(0.5) {
        if w.bool(0.5) {
            let scale = w.double(0...10)
            start = .gaussian(scale: scale)
            problemPairs.append(("start", .mapping([("scale", w.number(scale))], flow: w.bool())))
        } else {
            let point = (0..<d).map { _ in w.double(-5...5) }
            start = .at(point)
            problemPairs.append(("start", .mapping([("at", .sequence(point.map { w.number($0) }, flow: w.bool(0.7)))], flow: w.bool())))
        }
    }
    let family: any ProblemFamily
    switch familyName {
    case "quadratic":
        var lo = 1.0, hi = 10.0, zeros = 0, log = false, rotate = false
        if w.bool(0.7) {
            var s: [(String, YAML)] = []
            if w.bool(0.8) { lo = w.double(0.01...5); s.append(("min", w.number(lo))) }
            if w.bool(0.8) { hi = lo + w.double(0...20); s.append(("max", w.number(hi))) } else if lo > 10 { lo = 10 }
            if w.bool(0.3) { zeros = w.int(0...(d - 1)); s.append(("zeros", w.number(zeros))) }
            if w.bool(0.3) { log = w.bool(); s.append(("spacing", .scalar(log ? "log" : "linear"))) }
            if lo > hi { hi = lo }
            s = s.map { $0.0 == "min" ? ("min", w.number(lo)) : ($0.0 == "max" ? ("max", w.number(hi)) : $0) }
            problemPairs.append(("spectrum", .mapping(s, flow: w.bool())))
        }
        if w.bool(0.3) { rotate = w.bool(); problemPairs.append(("rotate", .scalar(w.pick(rotate ? ["true", "yes", "on"] : ["false", "no", "off"])))) }
        family = .quadratic(minEigenvalue: lo, maxEigenvalue: hi, zeroEigenvalues: zeros, logSpacing: log, rotate: rotate)
    case "pl-sine":
        var published = false
        if w.bool(0.5) { published = w.bool(); problemPairs.append(("pl-constant", .scalar(published ? "published" : "computed"))) }
        family = .plSine(publishedMu: published)
    case "rational":
        family = .rational
    case "logistic-ncvx":
        var r = 50, lambda = 0.1
        if w.bool(0.5) { r = w.int(1...100); problemPairs.append(("samples-per-worker", w.number(r))) }
        if w.bool(0.5) { lambda = w.double(0...2); problemPairs.append(("lambda", w.number(lambda))) }
        family = .logisticNonconvex(samplesPerWorker: r, lambda: lambda)
    default:
        var r = 50, noise = 0.0
        if w.bool(0.5) { r = w.int(1...100); problemPairs.append(("samples-per-worker", w.number(r))) }
        if w.bool(0.5) { noise = w.double(0...2); problemPairs.append(("target-noise", w.number(noise))) }
        family = .composite(samplesPerWorker: r, targetNoise: noise)
    }
    top.append(("problem", .mapping(problemPairs, flow: w.bool(0.2))))

    // oracle
    var stages: [AnyOracleStage] = []
    var stageYAML: [YAML] = []
    var random = false
    if familyName == "composite" && w.bool(0.5) {
        let m = w.int(1...16)
        var p: [(String, YAML)] = [("inner-samples", w.number(m))]
        var s = 1.0
        if w.bool() { s = w.double(0...3); p.append(("inner-noise", w.number(s))) }
        stages.append(.composite(innerSamples: m, innerNoise: s))
        stageYAML.append(.mapping([("composite", .mapping(p, flow: w.bool()))], flow: w.bool(0.3)))
        random = true
    }
    for _ in 0..<w.int(0...3) {
        func k(_ name: String) -> (Int, YAML) {
            if w.bool(0.3) {
                let fraction = w.double(0.01...1)
                return (max(1, Int((fraction * Double(d)).rounded())), .mapping([("fraction", w.number(fraction))], flow: w.bool()))
            }
            let k = w.int(1...d)
            return (k, .mapping([("k", w.number(k))], flow: w.bool()))
        }
        let kind = w.int(0...7)
        var stage: AnyOracleStage
        var params: YAML?
        switch kind {
        case 0, 1:
            let v = w.bool(0.2) ? 0 : w.double(0...2)
            stage = kind == 0 ? .gaussianNoise(variance: v) : .relativeNoise(variance: v)
            params = .mapping([("variance", w.number(v))], flow: w.bool())
        case 2:
            let f = w.double(0.01...1.99)
            stage = .scale(factor: f)
            params = .mapping([("factor", w.number(f))], flow: w.bool())
        case 3:
            let v = w.double(0...2)
            stage = .additiveBias(norm: v)
            params = .mapping([("norm", w.number(v))], flow: w.bool())
        case 4:
            let (value, yaml) = k("top-k")
            stage = .topK(k: value)
            params = yaml
        case 5:
            let (value, yaml) = k("rand-k")
            stage = .randK(k: value)
            params = yaml
        case 6:
            stage = .scaledSign
            params = w.bool() ? nil : .scalar("")
        default:
            guard family.guarantees.boundedGradients && !random else { continue }
            let tau = w.double(0.01...5)
            var rule = ClipRule.relative
            var p: [(String, YAML)] = [("tau", w.number(tau))]
            if w.bool() { rule = w.bool() ? .relative : .absolute; p.append(("constants", .scalar(rule.rawValue))) }
            stage = .clip(tau: tau, rule: rule)
            params = .mapping(p, flow: w.bool())
        }
        stages.append(stage)
        if let params {
            if case .scalar = params { stageYAML.append(.scalar("{\(stage.name): }")) } else {
                stageYAML.append(.mapping([(stage.name, params)], flow: w.bool(0.3)))
            }
        } else {
            stageYAML.append(.scalar(stage.name))
        }
        if stage.isRandom { random = true }
    }
    if !stages.isEmpty || w.bool(0.2) { top.append(("oracle", .sequence(stageYAML, flow: w.bool(0.2)))) }

    // methods
    var methods: [MethodSpec] = []
    var methodYAML: [YAML] = []
    var counters: [String: Int] = [:]
    let compositeFirst = stages.first?.name == CompositeSampling.name
    for index in 0..<w.int(1...3) {
        var kind = w.pick([MethodKind.sgdm, .sgd, .mdsgd])
        if kind == .mdsgd && compositeFirst { kind = .sgdm }
        counters[kind.rawValue, default: 0] += 1
        var pairs: [(String, YAML)] = [("method", .scalar(kind.rawValue))]
        var id = "\(kind.rawValue)-\(counters[kind.rawValue]!)"
        if w.bool(0.5) {
            id = "m\(index)" + String((0..<w.int(0...6)).map { _ in w.pick(nameChars) })
            pairs.append(("id", w.name(id)))
        }
        var method = MethodSpec(id: id, settings: Sgd(), step: .theory(factor: 1))
        if kind == .sgdm {
            var sgdm = Sgdm(beta: w.bool(0.1) ? 1 : w.double(0.01...1))
            pairs.append(("beta", w.number(sgdm.beta)))
            if w.bool(0.3) { sgdm.initialization = w.pick(MomentumInit.allCases); pairs.append(("init", .scalar(sgdm.initialization.rawValue))) }
            if w.bool(0.3) { sgdm.placement = w.pick(MomentumPlacement.allCases); pairs.append(("momentum", .scalar(sgdm.placement.rawValue))) }
            method.settings = sgdm
        } else if kind == .mdsgd {
            var mdsgd = Mdsgd(beta: 0, sparsifier: .scaledSign)
            if w.bool(0.7) { mdsgd.beta = w.double(0...0.99); pairs.append(("beta", w.number(mdsgd.beta))) }
            switch w.int(0...2) {
            case 0:
                mdsgd.sparsifier = .scaledSign
                pairs.append(("sparsifier", w.bool() ? .scalar("scaled-sign") : .mapping([("scaled-sign", .mapping([], flow: true))], flow: true)))
            default:
                let k = w.int(1...d)
                let topK = w.bool()
                mdsgd.sparsifier = topK ? .topK(k: k) : .randK(k: k)
                pairs.append(("sparsifier", .mapping([(topK ? "top-k" : "rand-k", .mapping([("k", w.number(k))], flow: w.bool()))], flow: w.bool())))
            }
            if w.bool(0.3) { mdsgd.variant = w.pick(MDSGDMomentum.allCases); pairs.append(("variant", .scalar(mdsgd.variant.rawValue))) }
            method.settings = mdsgd
        }
        switch w.int(0...2) {
        case 0:
            method.step = .theory(factor: 1)
            pairs.append(("step", .scalar("theory")))
        case 1:
            let f = w.double(0.01...2)
            method.step = .theory(factor: f)
            pairs.append(("step", .mapping([("theory", w.number(f))], flow: w.bool())))
        default:
            let g = w.double(1e-6...1)
            method.step = .fixed(g)
            pairs.append(("step", w.number(g)))
        }
        if w.bool(0.2) {
            let ids = (0..<w.int(0...3)).map { _ in w.pick(catalogIDs) }
            method.bounds = ids
            pairs.append(("bounds", .sequence(ids.map { .scalar($0) }, flow: w.bool())))
        }
        methods.append(method)
        methodYAML.append(.mapping(pairs.shuffled(using: &w.rng), flow: w.bool(0.5)))
    }
    top.append(("methods", .sequence(methodYAML, flow: w.bool(0.1))))

    // run and quick
    let iterations = w.int(1...500)
    // A random oracle stage or a random method part (rand-k) needs at least 2 seeds.
    let minimumSeeds = random || methods.contains(where: \.isRandom) ? 2 : 1
    let seeds = w.int(minimumSeeds...12)
    var run = RunSpec(iterations: iterations, seeds: seeds)
    var runPairs: [(String, YAML)] = [("iterations", w.number(iterations)), ("seeds", w.number(seeds))]
    if w.bool(0.6) { run.checkpoints = w.int(2...max(2, min(iterations + 1, 60))); runPairs.append(("checkpoints", w.number(run.checkpoints))) }
    top.append(("run", .mapping(runPairs.shuffled(using: &w.rng), flow: w.bool())))
    var quick = run
    if w.bool(0.6) {
        var q: [(String, YAML)] = []
        if w.bool(0.7) { quick.iterations = w.int(1...iterations); q.append(("iterations", w.number(quick.iterations))) }
        if w.bool(0.7) { quick.seeds = w.int(minimumSeeds...seeds); q.append(("seeds", w.number(quick.seeds))) }
        if w.bool(0.4) { quick.checkpoints = w.int(2...max(2, min(quick.iterations + 1, 40))); q.append(("checkpoints", w.number(quick.checkpoints))) }
        top.append(("quick", .mapping(q, flow: w.bool())))
    }

    var bounds: [String]?
    if w.bool(0.4) {
        bounds = (0..<w.int(0...4)).map { _ in w.pick(catalogIDs) }
        top.append(("bounds", .sequence(bounds!.map { .scalar($0) }, flow: w.bool())))
    }
    var confidence = 0.99
    if w.bool(0.4) { confidence = w.double(0.5...0.999); top.append(("check", .mapping([("confidence", w.number(confidence))], flow: w.bool()))) }
    var declared = DeclaredConstants()
    if w.bool(0.4) {
        var pairs: [(String, YAML)] = []
        for name in DeclaredConstants.names where w.bool(0.3) {
            let value = name == .fstar ? w.double(-5...5) : (name == .L ? w.double(0.1...10) : (name == .m ? w.double(0...0.99) : w.double(0...5)))
            declared.values[name] = value
            pairs.append((name.rawValue, w.number(value)))
        }
        top.append(("constants", .mapping(pairs, flow: w.bool())))
    }

    // user bounds, assumptions, expect
    var userBounds: [UserBoundSpec] = []
    var boundYAML: [YAML] = []
    for index in 0..<w.int(0...2) {
        let id = "ub\(index)" + String((0..<w.int(0...5)).map { _ in w.pick(nameChars) })
        let method = w.pick(methods.map(\.id) + methods.map(\.kind.rawValue))
        let metric = w.pick(Metric.allCases)
        let expression = w.pick(expressions)
        let requires = (0..<w.int(0...2)).map { _ in w.pick(conditions) }
        let description = w.bool(0.3) ? "bound \(index)" : ""
        var pairs: [(String, YAML)] = [("id", w.name(id)), ("method", w.name(method)), ("metric", .scalar(metric.rawValue)),
                                       ("expression", w.expression(expression))]
        if !requires.isEmpty || w.bool(0.2) { pairs.append(("requires", .sequence(requires.map { w.quoted($0) }, flow: w.bool()))) }
        if !description.isEmpty { pairs.append(("description", .scalar(description))) }
        let unknown = SourcePosition(file: "", line: 0, column: 0, keyPath: "")
        userBounds.append(UserBoundSpec(id: id, method: method, metric: metric, expression: expression, expressionPosition: unknown,
                                        requires: requires.map { ($0, unknown) }, floor: nil, description: description))
        boundYAML.append(.mapping(pairs.shuffled(using: &w.rng), flow: false))
    }
    if !userBounds.isEmpty { top.append(("user-bounds", .sequence(boundYAML, flow: false))) }
    var assumptions: [(id: String, holdsIf: String)] = []
    var assumptionYAML: [YAML] = []
    for index in 0..<w.int(0...2) {
        let id = "as\(index)" + String((0..<w.int(0...5)).map { _ in w.pick(nameChars) })
        let condition = w.pick(probeConditions)
        assumptions.append((id, condition))
        assumptionYAML.append(.mapping([("id", w.name(id)), ("holds-if", w.expression(condition))].shuffled(using: &w.rng), flow: false))
    }
    if !assumptions.isEmpty { top.append(("assumptions", .sequence(assumptionYAML, flow: false))) }
    var expect: [String: ExpectedOutcome] = [:]
    if w.bool(0.5) {
        let known = catalogIDs + userBounds.map(\.id) + assumptions.map(\.id)
        var pairs: [(String, YAML)] = []
        for _ in 0..<w.int(0...4) {
            let key = (w.bool(0.3) ? w.pick(methods.map(\.id)) + "/" : "") + w.pick(known)
            guard expect[key] == nil else { continue }
            let outcome = w.pick(ExpectedOutcome.allCases)
            expect[key] = outcome
            pairs.append((w.bool(0.2) ? "\"\(key)\"" : key, .scalar(outcome.rawValue)))
        }
        top.append(("expect", .mapping(pairs, flow: w.bool())))
    }

    let yaml = (w.bool(0.1) ? "# a comment first\n" : "") + YAML.block(top.shuffled(using: &w.rng), indent: 0).joined(separator: "\n") + "\n"
    let spec = ExperimentSpec(
        name: name, description: description, seed: seed, sourcePath: "roundtrip.yaml",
        problem: ProblemSpec(family: family, dimension: d, workers: workers, heterogeneity: heterogeneity, start: start),
        oracle: stages, methods: methods, run: run, quick: quick, bounds: bounds, confidence: confidence, declared: declared,
        userBounds: userBounds, assumptions: assumptions.map { AssumptionSpec(id: $0.id, holdsIf: $0.holdsIf, position: SourcePosition(file: "", line: 0, column: 0, keyPath: "")) },
        expect: expect, specHash: SpecLoader.hash(yaml))
    return Generated(spec: spec, yaml: yaml)
}

private let validFiles = Generator<Generated, Shrink.None<Generated>> { rng in generate(&rng) }

/// The character of `text` at a 1-based line and column, counted as libyaml counts them.
private func character(in text: String, line: Int, column: Int) -> Unicode.Scalar? {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard line >= 1, line <= lines.count else { return nil }
    let scalars = Array(lines[line - 1].unicodeScalars)
    return column >= 1 && column <= scalars.count ? scalars[column - 1] : nil
}

/// Whether the file has `first` at (line, column), or an escape (`\x67`) that stands for it.
private func startsAt(_ text: String, line: Int, column: Int, _ first: Unicode.Scalar?) -> Bool {
    let found = character(in: text, line: line, column: column)
    return found == first || found == "\\"
}

@Suite("Problem files, properties: random valid files round-trip")
struct SpecRoundTripPropertyTests {
    @Test("a random valid file loads to exactly the spec it was written from, expressions positioned at their text")
    func validFilesRoundTrip() async {
        await propertyCheck(count: 400, input: validFiles) { generated in
            let loaded: ExperimentSpec
            do {
                loaded = try SpecLoader().load(yaml: generated.yaml, file: "roundtrip.yaml", defaultName: "roundtrip")
            } catch {
                Issue.record("a valid file was refused: \(error)\n\(generated.yaml)")
                return
            }
            var expected = generated.spec
            // Positions are not part of the generated spec; they are checked against the text.
            #expect(loaded.assumptions.map(\.id) == expected.assumptions.map(\.id))
            #expect(loaded.assumptions.map(\.holdsIf) == expected.assumptions.map(\.holdsIf))
            expected.assumptions = loaded.assumptions
            #expect(loaded == expected, "\(generated.yaml)")
            for bound in loaded.userBounds {
                let p = bound.expressionPosition
                #expect(startsAt(generated.yaml, line: p.line, column: p.column, bound.expression.unicodeScalars.first),
                        "\(bound.id) at \(p.line):\(p.column)\n\(generated.yaml)")
            }
            for assumption in loaded.assumptions {
                let p = assumption.position
                #expect(startsAt(generated.yaml, line: p.line, column: p.column, assumption.holdsIf.unicodeScalars.first),
                        "\(assumption.id) at \(p.line):\(p.column)\n\(generated.yaml)")
            }
        }
    }

    @Test("an unknown variable in an expression written in any style is reported where it stands in the file")
    func expressionErrorsPointIntoTheFile() async {
        let cases = Generator<(String, String), Shrink.None<(String, String)>> { rng in
            // No letter escapes here, so that zetaX can be found in the text (escapes before an
            // error are covered by BadInputTests).
            var w = Writer(rng: rng, escapeLetters: false)
            defer { rng = w.rng }
            var terms = Array(["2*D0/(gamma*(1-m)*K)", "zeta2/(1-m)", "L*K", "sqrt(sigma2)"].prefix(w.int(1...4)))
            terms.insert("zetaX", at: w.int(0...terms.count))
            let text = terms.dropFirst().reduce(terms[0]) { $0 + w.pick([" + ", " - ", " * "]) + $1 }
            let rendered = YAML.block([("user-bounds", .sequence([.mapping([("id", .scalar("b")), ("method", .scalar("sgd")),
                                                                              ("metric", .scalar("grad")), ("expression", w.expression(text))],
                                                                             flow: false)], flow: false))], indent: 0)
            let yaml = "problem: {family: rational, dimension: 3}\nmethods: [{method: sgd, step: 0.1}]\nrun: {iterations: 10, seeds: 2}\n"
                + rendered.joined(separator: "\n") + "\n"
            return (yaml, text)
        }
        await propertyCheck(count: 400, input: cases) { yaml, text in
            do {
                _ = try SpecLoader().load(yaml: yaml, file: "x.yaml")
                Issue.record("loaded with zetaX:\n\(yaml)")
            } catch let errors as SpecErrors {
                #expect(errors.diagnostics.count == 1, "\(errors)")
                guard let d = errors.diagnostics.first else { return }
                #expect(d.message.contains("unknown variable 'zetaX'"), "\(errors)")
                // zetaX occurs once in the file: that is where the diagnostic must point.
                let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.unicodeScalars) }
                let target = Array("zetaX".unicodeScalars)
                let where_ = lines.enumerated().compactMap { i, l -> (Int, Int)? in
                    guard l.count >= target.count else { return nil }
                    return (0...(l.count - target.count)).first { Array(l[$0..<($0 + target.count)]) == target }.map { (i + 1, $0 + 1) }
                }.first
                #expect(d.line == where_?.0 && d.column == where_?.1, "expected \(String(describing: where_)) for '\(text)'; got \(d)\n\(yaml)")
            } catch {
                Issue.record("threw \(error)")
            }
        }
    }
}
