// Over 400 lines on purpose: a table of over a hundred bad-file cases, each pinned to a line and column of the base file above them.
import BoundCheck
import Foundation
import Testing

// Bad problem files (issue 6): every mistake is reported before any run, with file, line,
// column, key path, what was found and what would be valid. Each case below is the valid base
// file with one mistake; the loader must throw `SpecErrors` with a diagnostic whose message
// contains the expected text, at the exact line, column and key path.
//
// Cases marked `knownIssue` describe what the loader should do but does not yet (a wrong
// position, a missing check); they run inside `withKnownIssue`, so the suite stays green while
// the gap is open and fails with "known issue was not recorded" once it is fixed — then delete
// the marker.

// MARK: - The valid base file

/// A valid problem file using most keys. Line numbers matter: the cases below point into it.
let badInputBaseFile = """
name: base-problem
description: a valid base file for the bad-input tests
seed: 7
problem:
  family: rational
  dimension: 10
  workers: 4
  heterogeneity: 1.0
  start: {scale: 2.0}
oracle:
  - clip: {tau: 1.0}
  - gaussian-noise: {variance: 0.5}
  - top-k: {k: 5}
methods:
  - {method: sgdm, id: fast, beta: 0.1, step: theory}
  - {method: sgd, step: 0.01}
  - {method: mdsgd, beta: 0.9, sparsifier: {top-k: {k: 5}}, step: {theory: 0.5}}
run: {iterations: 200, seeds: 8, checkpoints: 10}
quick: {iterations: 50, seeds: 4}
bounds: [AS-2, F1, F2]
check: {confidence: 0.99}
constants: {sigma2: 0.5}
user-bounds:
  - id: my-floor
    method: sgdm
    metric: avg-grad
    expression: "2*D0/(gamma*(1-m)*K) + zeta2/(1-m)"
    requires: ["gamma <= beta/(4*L*(M+1))"]
assumptions:
  - id: relative-bias
    holds-if: "bias2 <= m*grad2 + zeta2"
expect: {my-floor: holds, relative-bias: holds}

"""

/// The base file with each `old` (which must occur exactly once) replaced by its `new`.
private func base(_ replacements: (String, String)...) -> String {
    var text = badInputBaseFile
    for (old, new) in replacements {
        precondition(text.components(separatedBy: old).count == 2, "'\(old)' must occur exactly once in the base file")
        text = text.replacingOccurrences(of: old, with: new)
    }
    return text
}

private let baseOracle = "  - clip: {tau: 1.0}\n  - gaussian-noise: {variance: 0.5}\n  - top-k: {k: 5}\n"
private let baseExpression = "\"2*D0/(gamma*(1-m)*K) + zeta2/(1-m)\""
private let baseRequires = "\"gamma <= beta/(4*L*(M+1))\""
private let baseHoldsIf = "\"bias2 <= m*grad2 + zeta2\""
private let mdsgdMethod = "{method: mdsgd, beta: 0.9, sparsifier: {top-k: {k: 5}}, step: {theory: 0.5}}"

/// "Billion laughs" as far as this schema allows: aliases cannot nest deeper than the keys the
/// loader reads, but one anchored method with a 700-entry `bounds` list, repeated 700 times by
/// alias, asks the loader to visit 490 000 nodes from an 8 KB file.
private let aliasAmplification: String = {
    let methods = "  - {method: sgdm, id: fast, beta: 0.1, step: theory}\n  - {method: sgd, step: 0.01}\n  - \(mdsgdMethod)\n"
    let anchored = "  - &m {method: sgd, step: 0.01, bounds: [" + Array(repeating: "F1", count: 700).joined(separator: ", ") + "]}\n"
    let aliases = Array(repeating: "  - *m\n", count: 699).joined()
    return base((methods, anchored + aliases))
}()

// MARK: - Cases

struct BadInput: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    /// Text the diagnostic's message must contain.
    let message: String
    let line: Int
    let column: Int
    let keyPath: String
    /// Set when the loader does not (yet) meet the case: what is wrong.
    var knownIssue: String?
    /// Set when the one mistake also brings spurious follow-on diagnostics (a known gap).
    var cascade: String?
    /// Whether the mistake must give exactly one diagnostic.
    var alone = true
    /// Load as `--quick` does (the work cap then judges the quick profile).
    var quick = false

    var testDescription: String { name }
}

let badInputCases: [BadInput] = [
    // MARK: structure and YAML
    BadInput(name: "unknown top-level key, with did-you-mean",
             yaml: base(("check: {confidence: 0.99}\n", "check: {confidence: 0.99}\nchek: {confidence: 0.9}\n")),
             message: "unknown key 'chek' in a problem file (did you mean 'check'?); valid keys: name,",
             line: 22, column: 1, keyPath: "chek"),
    BadInput(name: "YAML syntax error: unclosed flow mapping",
             yaml: base(("run: {iterations: 200, seeds: 8, checkpoints: 10}", "run: {iterations: 200, seeds: 8, checkpoints: 10")),
             message: "not valid YAML: while parsing a flow mapping did not find expected ',' or '}'",
             line: 19, column: 6, keyPath: ""),
    BadInput(name: "YAML syntax error: bad indentation",
             yaml: base(("  workers: 4\n", "  workers: 4\n   bad: 1\n")),
             message: "not valid YAML: mapping values are not allowed in this context",
             line: 8, column: 7, keyPath: ""),
    BadInput(name: "YAML syntax error: tab indentation",
             yaml: base(("  workers: 4\n", "\tworkers: 4\n")),
             message: "found a tab character that violates indentation",
             line: 7, column: 1, keyPath: ""),
    BadInput(name: "empty file", yaml: "",
             message: "the file is empty; a problem file needs at least problem, methods and run",
             line: 1, column: 1, keyPath: ""),
    BadInput(name: "only a comment", yaml: "# nothing here yet\n",
             message: "the file is empty", line: 1, column: 1, keyPath: ""),
    BadInput(name: "a scalar instead of a file", yaml: "hello\n",
             message: "expected a problem file (a mapping of keys to values), found 'hello'",
             line: 1, column: 1, keyPath: ""),
    BadInput(name: "a list where a mapping is expected (run)",
             yaml: base(("run: {iterations: 200, seeds: 8, checkpoints: 10}", "run: [200, 8, 10]")),
             message: "expected run settings (a mapping of keys to values), found a list",
             line: 18, column: 6, keyPath: "run"),
    BadInput(name: "a list where a mapping is expected (start)",
             yaml: base(("start: {scale: 2.0}", "start: [2.0]")),
             message: "expected the start point (a mapping of keys to values), found a list",
             line: 9, column: 10, keyPath: "problem.start"),
    BadInput(name: "duplicate key",
             yaml: base(("  workers: 4\n", "  workers: 4\n  workers: 5\n")),
             message: "duplicate key 'workers'; each key may appear once", line: 8, column: 3, keyPath: "problem.workers"),
    BadInput(name: "duplicate key in a flow mapping",
             yaml: base(("{iterations: 200, seeds: 8, checkpoints: 10}", "{iterations: 200, seeds: 8, seeds: 9, checkpoints: 10}")),
             message: "duplicate key 'seeds'; each key may appear once", line: 18, column: 34, keyPath: "run.seeds"),
    BadInput(name: "undefined alias",
             yaml: base(("seed: 7", "seed: *nope")),
             message: "not valid YAML: found undefined alias", line: 3, column: 7, keyPath: "seed"),
    BadInput(name: "two documents in one file",
             yaml: badInputBaseFile + "---\nname: other\n",
             message: "expected a single document in the stream but found another document",
             line: 33, column: 1, keyPath: ""),
    BadInput(name: "control character",
             yaml: base(("a valid base", "a valid\u{01} base")),
             message: "not valid YAML text: control characters are not allowed", line: 2, column: 21, keyPath: ""),
    BadInput(name: "control character on a later line, after multi-byte characters",
             yaml: base(("name: base-problem", "name: base-problem # ‖∇f‖ ≈ é"), ("family: rational", "family: rati\u{07}onal")),
             message: "not valid YAML text: control characters are not allowed", line: 5, column: 15, keyPath: ""),
    BadInput(name: "missing run",
             yaml: base(("run: {iterations: 200, seeds: 8, checkpoints: 10}\n", "")),
             message: "missing 'run' (e.g. {iterations: 1000, seeds: 32})", line: 1, column: 1, keyPath: "run"),

    // MARK: misspelt names (did-you-mean)
    BadInput(name: "misspelt family",
             yaml: base(("family: rational", "family: rationl")),
             message: "unknown family 'rationl' (did you mean 'rational'?); valid: quadratic, pl-sine, rational, logistic-ncvx, composite",
             line: 5, column: 11, keyPath: "problem.family"),
    BadInput(name: "misspelt oracle",
             yaml: base(("- top-k: {k: 5}\n", "- topk: {k: 5}\n")),
             message: "unknown oracle 'topk' (did you mean 'top-k'?)", line: 13, column: 5, keyPath: "oracle[2]"),
    BadInput(name: "misspelt method (wrong case)",
             yaml: base(("method: sgdm, id", "method: SGDM, id")),
             message: "unknown method 'SGDM' (did you mean 'sgdm'?); valid: sgdm, sgd, mdsgd",
             line: 15, column: 14, keyPath: "methods[0].method"),
    BadInput(name: "misspelt catalog bound",
             yaml: base(("bounds: [AS-2, F1, F2]", "bounds: [AS2, F1, F2]")),
             message: "unknown catalog bound 'AS2' (did you mean 'AS-2'?); valid: AS-1, AS-2, F1, F2, F2-x, M1, EF-SGD",
             line: 20, column: 10, keyPath: "bounds[0]"),
    BadInput(name: "misspelt bound in a method's bounds",
             yaml: base(("{method: sgd, step: 0.01}", "{method: sgd, step: 0.01, bounds: [F9]}")),
             message: "unknown catalog bound 'F9' (did you mean 'F1'?)", line: 16, column: 40, keyPath: "methods[1].bounds[0]"),
    BadInput(name: "misspelt metric",
             yaml: base(("metric: avg-grad", "metric: avg-grd")),
             message: "unknown metric 'avg-grd' (did you mean 'avg-grad'?); valid: gap, grad, avg-grad, min-grad, virtual-gap",
             line: 26, column: 13, keyPath: "user-bounds[0].metric"),
    BadInput(name: "misspelt declared constant",
             yaml: base(("constants: {sigma2: 0.5}", "constants: {sigma: 0.5}")),
             message: "unknown key 'sigma' in declared constants (did you mean 'sigma2'?)",
             line: 22, column: 13, keyPath: "constants.sigma"),
    BadInput(name: "misspelt step rule",
             yaml: base(("step: theory}", "step: theroy}")),
             message: "expected a step size > 0, 'theory' or {theory: factor}, found 'theroy' (did you mean 'theory'?)",
             line: 15, column: 47, keyPath: "methods[0].step"),
    BadInput(name: "misspelt sparsifier",
             yaml: base(("sparsifier: {top-k: {k: 5}}", "sparsifier: {topk: {k: 5}}")),
             message: "unknown sparsifier 'topk' (did you mean 'top-k'?)", line: 17, column: 45, keyPath: "methods[2].sparsifier"),
    BadInput(name: "misspelt method id in a user bound",
             yaml: base(("    method: sgdm\n", "    method: fastt\n")),
             message: "no method 'fastt' in this file (did you mean 'fast'?)", line: 25, column: 13, keyPath: "user-bounds[0].method"),
    BadInput(name: "misspelt method kind that expect refers to by id",
             yaml: base(("method: sgdm, id", "method: sgdmm, id"), ("expect: {my-floor: holds", "expect: {fast/my-floor: holds")),
             message: "unknown method 'sgdmm' (did you mean 'sgdm'?)", line: 15, column: 14, keyPath: "methods[0].method"),
    BadInput(name: "a broken assumption is not also unknown to expect",
             yaml: base(("    holds-if: \"bias2 <= m*grad2 + zeta2\"\n", "")),
             message: "missing 'holds-if'", line: 30, column: 5, keyPath: "assumptions[0].holds-if"),
    BadInput(name: "misspelt user-bound key",
             yaml: base(("    metric: avg-grad\n", "    metric: avg-grad\n    descripton: x\n")),
             message: "unknown key 'descripton' in a user bound (did you mean 'description'?)",
             line: 27, column: 5, keyPath: "user-bounds[0].descripton"),
    BadInput(name: "family parameter on another family",
             yaml: base(("heterogeneity: 1.0", "heterogeneity: 1.0\n  spectrum: {min: 1, max: 5}")),
             message: "'spectrum' applies to family quadratic, not rational", line: 9, column: 13, keyPath: "problem.spectrum"),

    // MARK: wrong types
    BadInput(name: "word for a whole number",
             yaml: base(("dimension: 10", "dimension: ten")),
             message: "expected a whole number (≥ 1), found 'ten'", line: 6, column: 14, keyPath: "problem.dimension"),
    BadInput(name: "fraction for a whole number",
             yaml: base(("dimension: 10", "dimension: 10.5")),
             message: "expected a whole number (≥ 1), found '10.5'", line: 6, column: 14, keyPath: "problem.dimension"),
    BadInput(name: "mapping for a number",
             yaml: base(("iterations: 200", "iterations: {n: 200}")),
             message: "expected a whole number (≥ 1), found a mapping", line: 18, column: 19, keyPath: "run.iterations"),
    BadInput(name: "list for a name",
             yaml: base(("family: rational", "family: [rational]")),
             message: "expected family (one of quadratic, pl-sine, rational, logistic-ncvx, composite), found a list",
             line: 5, column: 11, keyPath: "problem.family"),
    BadInput(name: "word for a boolean",
             yaml: base(("family: rational", "family: quadratic\n  rotate: maybe"), (baseOracle, "  - top-k: {k: 5}\n")),
             message: "expected true or false, found 'maybe'", line: 6, column: 11, keyPath: "problem.rotate"),

    // MARK: out-of-range values
    BadInput(name: "dimension 0", yaml: base(("dimension: 10", "dimension: 0")),
             message: "0 is out of range: expected ≥ 1", line: 6, column: 14, keyPath: "problem.dimension"),
    BadInput(name: "workers 0", yaml: base(("workers: 4", "workers: 0")),
             message: "0 is out of range: expected ≥ 1", line: 7, column: 12, keyPath: "problem.workers"),
    BadInput(name: "seeds 0", yaml: base(("seeds: 8, checkpoints", "seeds: 0, checkpoints")),
             message: "0 is out of range: expected ≥ 1", line: 18, column: 31, keyPath: "run.seeds"),
    BadInput(name: "negative seed", yaml: base(("seed: 7", "seed: -1")),
             message: "-1 is out of range: expected ≥ 0", line: 3, column: 7, keyPath: "seed"),
    BadInput(name: "k < 1", yaml: base(("- top-k: {k: 5}\n", "- top-k: {k: 0}\n")),
             message: "0 is out of range: expected ≥ 1", line: 13, column: 16, keyPath: "oracle[2].top-k.k"),
    BadInput(name: "k > d", yaml: base(("- top-k: {k: 5}\n", "- top-k: {k: 11}\n")),
             message: "k = 11 exceeds the dimension 10; valid: 1 ≤ k ≤ 10", line: 13, column: 16, keyPath: "oracle[2].top-k.k"),
    BadInput(name: "sparsifier k > d", yaml: base(("sparsifier: {top-k: {k: 5}}", "sparsifier: {top-k: {k: 11}}")),
             message: "k = 11 exceeds the dimension 10", line: 17, column: 56, keyPath: "methods[2].sparsifier.top-k.k"),
    BadInput(name: "fraction > 1", yaml: base(("- top-k: {k: 5}\n", "- top-k: {fraction: 1.5}\n")),
             message: "1.5 is out of range: expected a number in (0, 1]", line: 13, column: 23, keyPath: "oracle[2].top-k.fraction"),
    BadInput(name: "both k and fraction", yaml: base(("- top-k: {k: 5}\n", "- top-k: {k: 5, fraction: 0.5}\n")),
             message: "give either 'k' or 'fraction', not both", line: 13, column: 12, keyPath: "oracle[2].top-k"),
    BadInput(name: "both k and fraction in a sparsifier",
             yaml: base(("sparsifier: {top-k: {k: 5}}", "sparsifier: {top-k: {k: 5, fraction: 0.2}}")),
             message: "give either 'k' or 'fraction', not both", line: 17, column: 52, keyPath: "methods[2].sparsifier.top-k"),
    BadInput(name: "sparsifier without k or fraction",
             yaml: base(("sparsifier: {top-k: {k: 5}}", "sparsifier: {top-k: {}}")),
             message: "missing 'k' (how many coordinates to keep) or 'fraction'", line: 17, column: 52, keyPath: "methods[2].sparsifier.top-k.k"),
    BadInput(name: "sparsifier fraction out of range",
             yaml: base(("sparsifier: {top-k: {k: 5}}", "sparsifier: {rand-k: {fraction: 0}}")),
             message: "0 is out of range: expected a number in (0, 1]", line: 17, column: 64, keyPath: "methods[2].sparsifier.rand-k.fraction"),
    BadInput(name: "beta = 0", yaml: base(("beta: 0.1", "beta: 0")),
             message: "0 is out of range: expected a number in (0, 1]", line: 15, column: 36, keyPath: "methods[0].beta"),
    BadInput(name: "beta > 1", yaml: base(("beta: 0.1", "beta: 1.5")),
             message: "1.5 is out of range: expected a number in (0, 1]", line: 15, column: 36, keyPath: "methods[0].beta"),
    BadInput(name: "mdsgd beta = 1", yaml: base(("beta: 0.9", "beta: 1")),
             message: "1 is out of range: expected a number in [0, 1)", line: 17, column: 27, keyPath: "methods[2].beta"),
    BadInput(name: "gamma = 0", yaml: base(("step: 0.01", "step: 0")),
             message: "0 is out of range: expected a number > 0", line: 16, column: 25, keyPath: "methods[1].step"),
    BadInput(name: "gamma < 0", yaml: base(("step: 0.01", "step: -0.01")),
             message: "-0.01 is out of range: expected a number > 0", line: 16, column: 25, keyPath: "methods[1].step"),
    BadInput(name: "theory factor 0", yaml: base(("step: {theory: 0.5}", "step: {theory: 0}")),
             message: "0 is out of range: expected a number > 0", line: 17, column: 76, keyPath: "methods[2].step.theory"),
    BadInput(name: "negative variance", yaml: base(("{variance: 0.5}", "{variance: -0.5}")),
             message: "-0.5 is out of range: expected a number ≥ 0", line: 12, column: 32,
             keyPath: "oracle[1].gaussian-noise.variance"),
    BadInput(name: "negative declared variance", yaml: base(("constants: {sigma2: 0.5}", "constants: {sigma2: -0.5}")),
             message: "-0.5 is out of range: expected a number ≥ 0", line: 22, column: 21, keyPath: "constants.sigma2"),
    BadInput(name: "declared m ≥ 1", yaml: base(("constants: {sigma2: 0.5}", "constants: {sigma2: 0.5, m: 1.5}")),
             message: "m = 1.5 is not < 1; the bias model A4 needs 0 ≤ m < 1", line: 22, column: 29, keyPath: "constants.m"),
    BadInput(name: "tau = 0", yaml: base(("{tau: 1.0}", "{tau: 0}")),
             message: "0 is out of range: expected a number > 0", line: 11, column: 17, keyPath: "oracle[0].clip.tau"),
    BadInput(name: "confidence = 1", yaml: base(("confidence: 0.99", "confidence: 1")),
             message: "1 is out of range: expected a number in (0, 1)", line: 21, column: 21, keyPath: "check.confidence"),
    BadInput(name: "one checkpoint", yaml: base(("checkpoints: 10", "checkpoints: 1")),
             message: "1 is out of range: expected a number in [2, 10000]", line: 18, column: 47, keyPath: "run.checkpoints"),
    BadInput(name: "checkpoints over the cap (a billion would exhaust memory)", yaml: base(("checkpoints: 10", "checkpoints: 1000000000")),
             message: "1000000000 is out of range: expected a number in [2, 10000]", line: 18, column: 47, keyPath: "run.checkpoints"),
    BadInput(name: "more checkpoints than iterations", yaml: base(("checkpoints: 10", "checkpoints: 202")),
             message: "202 checkpoints but only 201 iterations 0…200 to record; valid: 2 ≤ checkpoints ≤ 201", line: 18, column: 47, keyPath: "run.checkpoints"),
    BadInput(name: "more quick checkpoints than quick iterations",
             yaml: base(("quick: {iterations: 50, seeds: 4}", "quick: {iterations: 50, seeds: 4, checkpoints: 52}")),
             message: "52 checkpoints but only 51 iterations 0…50 to record; valid: 2 ≤ checkpoints ≤ 51", line: 19, column: 48, keyPath: "quick.checkpoints"),
    BadInput(name: "start.at of the wrong length", yaml: base(("start: {scale: 2.0}", "start: {at: [1, 2, 3]}")),
             message: "has 3 numbers but the dimension is 10", line: 9, column: 15, keyPath: "problem.start.at"),
    BadInput(name: "spectrum min > max",
             yaml: base(("family: rational", "family: quadratic\n  spectrum: {min: 5, max: 1}"), (baseOracle, "  - top-k: {k: 5}\n")),
             message: "min (5.0) must not exceed max (1.0)", line: 6, column: 13, keyPath: "problem.spectrum"),

    // MARK: non-finite numbers
    BadInput(name: ".inf", yaml: base(("heterogeneity: 1.0", "heterogeneity: .inf")),
             message: "expected a finite number (a number ≥ 0), found .inf", line: 8, column: 18, keyPath: "problem.heterogeneity"),
    BadInput(name: ".nan", yaml: base(("{variance: 0.5}", "{variance: .nan}")),
             message: "expected a finite number (a number ≥ 0), found .nan", line: 12, column: 32,
             keyPath: "oracle[1].gaussian-noise.variance"),
    BadInput(name: "-.inf in start.at", yaml: base(("start: {scale: 2.0}", "start: {at: [1,2,3,4,5,6,7,8,9,-.inf]}")),
             message: "expected a finite number (any finite number), found -.inf", line: 9, column: 34, keyPath: "problem.start.at[9]"),
    BadInput(name: ".inf for a whole number", yaml: base(("dimension: 10", "dimension: .inf")),
             message: "expected a whole number (≥ 1), found '.inf'", line: 6, column: 14, keyPath: "problem.dimension"),

    // MARK: rules across fields
    BadInput(name: "clip on quadratic (no bounded gradients)", yaml: base(("family: rational", "family: quadratic")),
             message: "clipping's constants need bounded gradients (‖∇fᵢ‖ ≤ G_max), which family quadratic does not have",
             line: 11, column: 5, keyPath: "oracle[0].clip"),
    BadInput(name: "clip after a random stage",
             yaml: base(("  - clip: {tau: 1.0}\n  - gaussian-noise: {variance: 0.5}\n", "  - gaussian-noise: {variance: 0.5}\n  - clip: {tau: 1.0}\n")),
             message: "clip must come before any random stage", line: 12, column: 5, keyPath: "oracle[1].clip"),
    BadInput(name: "composite oracle on a non-composite family",
             yaml: base((baseOracle, "  - composite: {inner-samples: 4}\n"), (mdsgdMethod, "{method: sgdm, beta: 0.5, step: 0.1}")),
             message: "the composite oracle needs family composite (it samples the inner values of a composite objective), not rational",
             line: 11, column: 5, keyPath: "oracle[0].composite"),
    BadInput(name: "composite oracle not first",
             yaml: base(("family: rational", "family: composite"), (baseOracle, "  - top-k: {k: 5}\n  - composite: {inner-samples: 4}\n")),
             message: "'composite' replaces the exact gradient, so it must be the first oracle stage",
             line: 12, column: 5, keyPath: "oracle[1].composite"),
    BadInput(name: "mdsgd with the composite oracle",
             yaml: base(("family: rational", "family: composite"), (baseOracle, "  - composite: {inner-samples: 4}\n")),
             message: "mdsgd with the composite oracle is not supported", line: 15, column: 5, keyPath: "methods[2]"),
    BadInput(name: "mdsgd with the composite oracle, after a dropped method",
             yaml: base(("family: rational", "family: composite"), (baseOracle, "  - composite: {inner-samples: 4}\n"),
                        ("{method: sgd, step: 0.01}", "{method: sgd, step: -1}")),
             message: "mdsgd with the composite oracle is not supported", line: 15, column: 5, keyPath: "methods[2]", alone: false),
    BadInput(name: "sgd with beta", yaml: base(("{method: sgd, step: 0.01}", "{method: sgd, beta: 0.5, step: 0.01}")),
             message: "sgd has no momentum (β = 1); use method sgdm to set beta", line: 16, column: 25, keyPath: "methods[1].beta"),
    BadInput(name: "sgdm without beta", yaml: base(("beta: 0.1, ", "")),
             message: "missing 'beta' (the momentum weight β ∈ (0, 1]; β = 1 is plain SGD)", line: 15, column: 5, keyPath: "methods[0].beta"),
    BadInput(name: "mdsgd without sparsifier", yaml: base(("sparsifier: {top-k: {k: 5}}, ", "")),
             message: "mdsgd needs a 'sparsifier' (top-k: {k: …}, rand-k: {k: …} or scaled-sign)",
             line: 17, column: 5, keyPath: "methods[2].sparsifier"),
    BadInput(name: "sparsifier on sgdm", yaml: base(("beta: 0.1, step: theory}", "beta: 0.1, step: theory, sparsifier: scaled-sign}")),
             message: "'sparsifier' applies to mdsgd only", line: 15, column: 67, keyPath: "methods[0].sparsifier"),
    BadInput(name: "one seed with a random oracle", yaml: base(("seeds: 8, checkpoints", "seeds: 1, checkpoints")),
             message: "the oracle is random, so confidence intervals need at least 2 seeds (found 1)",
             line: 18, column: 31, keyPath: "run.seeds"),
    BadInput(name: "a mistake in quick is reported even when run is broken too",
             yaml: base(("iterations: 200, seeds: 8", "iterations: 0, seeds: 8"), ("quick: {iterations: 50, seeds: 4}", "quick: {iterations: 50, sedes: 4}")),
             message: "unknown key 'sedes' in quick settings (did you mean 'seeds'?)", line: 19, column: 25, keyPath: "quick.sedes", alone: false),
    BadInput(name: "one quick seed with a random oracle", yaml: base(("quick: {iterations: 50, seeds: 4}", "quick: {iterations: 50, seeds: 1}")),
             message: "the oracle is random, so confidence intervals need at least 2 seeds (found 1)",
             line: 19, column: 32, keyPath: "quick.seeds"),
    BadInput(name: "one seed, inherited by quick, reported once",
             yaml: base(("seeds: 8, checkpoints", "seeds: 1, checkpoints"), ("quick: {iterations: 50, seeds: 4}\n", "")),
             message: "the oracle is random, so confidence intervals need at least 2 seeds (found 1)",
             line: 18, column: 31, keyPath: "run.seeds"),
    BadInput(name: "work over the cap", yaml: base(("iterations: 200, seeds: 8", "iterations: 30000000, seeds: 8")),
             message: "the run profile asks for 2.9e+10 coordinate-updates (d × workers × iterations × seeds × methods = 10 × 4 × 30000000 × 8 × 3), over the limit of 2e+10; reduce it or pass --allow-large",
             line: 18, column: 6, keyPath: "run"),
    BadInput(name: "quick profile over the work cap, with --quick", yaml: base(("quick: {iterations: 50, seeds: 4}", "quick: {iterations: 50000000, seeds: 4}")),
             message: "the quick profile (--quick) asks for 2.4e+10 coordinate-updates", line: 19, column: 8, keyPath: "quick", quick: true),
    BadInput(name: "no quick profile, with --quick: run is judged", yaml: base(("iterations: 200, seeds: 8", "iterations: 30000000, seeds: 8"), ("quick: {iterations: 50, seeds: 4}\n", "")),
             message: "the quick profile (--quick) asks for 2.9e+10 coordinate-updates", line: 18, column: 6, keyPath: "run", quick: true),
    BadInput(name: "rotated quadratic too large",
             yaml: base(("family: rational\n  dimension: 10", "family: quadratic\n  rotate: true\n  dimension: 500"), (baseOracle, "  - top-k: {k: 5}\n")),
             message: "dimension 500 is over the limit of 400", line: 6, column: 11, keyPath: "problem.rotate"),

    // MARK: duplicate ids
    BadInput(name: "duplicate method id", yaml: base(("{method: sgd, step: 0.01}", "{method: sgd, id: fast, step: 0.01}")),
             message: "duplicate method id 'fast'; give each method a distinct id", line: 16, column: 23, keyPath: "methods[1].id"),
    BadInput(name: "duplicate user-bound id",
             yaml: base(("assumptions:\n", "  - id: my-floor\n    method: sgd\n    metric: grad\n    expression: \"L\"\nassumptions:\n")),
             message: "id 'my-floor' is used twice (ids of bounds and assumptions must be unique)",
             line: 29, column: 9, keyPath: "user-bounds[1].id"),
    BadInput(name: "user-bound id taken by a catalog bound",
             yaml: base(("id: my-floor", "id: F1"), ("expect: {my-floor: holds", "expect: {F1: holds")),
             message: "id 'F1' is used twice: it is the id of a catalog bound", line: 24, column: 9, keyPath: "user-bounds[0].id"),
    BadInput(name: "user-bound id taken by the catalog's F2-x",
             yaml: base(("id: my-floor", "id: F2-x"), ("expect: {my-floor: holds", "expect: {F2-x: holds")),
             message: "id 'F2-x' is used twice: it is the id of a catalog bound", line: 24, column: 9, keyPath: "user-bounds[0].id"),
    BadInput(name: "assumption id taken by a user bound",
             yaml: base(("id: relative-bias", "id: my-floor"), ("expect: {my-floor: holds, relative-bias: holds}", "expect: {my-floor: holds}")),
             message: "id 'my-floor' is used twice (ids of bounds and assumptions must be unique)", line: 30, column: 9, keyPath: "assumptions[0].id"),
    BadInput(name: "expect names an unknown bound",
             yaml: base(("expect: {my-floor: holds", "expect: {my-flor: holds")),
             message: "no bound or assumption 'my-flor' (did you mean 'my-floor'?); known: A1, A2, A3, A4, A5, A6, AS-1,",
             line: 32, column: 10, keyPath: "expect.my-flor"),
    BadInput(name: "expect names an unknown method",
             yaml: base(("expect: {my-floor: holds", "expect: {fsat/my-floor: holds")),
             message: "no method 'fsat' (did you mean 'fast'?)", line: 32, column: 10, keyPath: "expect.fsat/my-floor"),
    BadInput(name: "expect with an unknown outcome",
             yaml: base(("expect: {my-floor: holds", "expect: {my-floor: hold")),
             message: "unknown outcome 'hold' (did you mean 'holds'?); valid: holds, violated, inconclusive, unsupported, not-applicable, diverged",
             line: 32, column: 20, keyPath: "expect.my-floor"),

    // MARK: expressions (column = the expression's column in the file + the token's offset, +1 for quotes)
    BadInput(name: "expression: unknown variable (double-quoted)",
             yaml: base((baseExpression, "\"2*D0/(gamma*(1-m)*K) + zeta/(1-m)\"")),
             message: "unknown variable 'zeta' (did you mean 'zeta2'?)", line: 27, column: 41, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: unknown variable (plain)",
             yaml: base((baseExpression, "2*D0/(gamma*(1-m)*K) + zeta/(1-m)")),
             message: "unknown variable 'zeta' (did you mean 'zeta2'?)", line: 27, column: 40, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: unknown variable (single-quoted)",
             yaml: base((baseExpression, "'2*D0/(gamma*(1-m)*K) + zeta/(1-m)'")),
             message: "unknown variable 'zeta' (did you mean 'zeta2'?)", line: 27, column: 41, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: unclosed parenthesis",
             yaml: base((baseExpression, "\"2*D0/(gamma*(1-m)*K + zeta2/(1-m)\"")),
             message: "expected ')' to close '(' at column 6, found end of expression",
             line: 27, column: 51, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: unknown function",
             yaml: base((baseExpression, "\"2*D0/K + sqr(zeta2)\"")),
             message: "unknown function 'sqr' (did you mean 'sqrt'?)", line: 27, column: 27, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: gamma called as a function",
             yaml: base((baseExpression, "\"gamma(1-m)\"")),
             message: "'gamma' is both a variable and a function here", line: 27, column: 18, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: a condition where a number is needed",
             yaml: base((baseExpression, "\"D0 <= 1\"")),
             message: "expected a number, but this is a condition (true or false)", line: 27, column: 18, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: Greek letter",
             yaml: base((baseExpression, "\"2*D0/(γ*(1-m)*K)\"")),
             message: "unexpected character 'γ': write 'gamma' instead", line: 27, column: 24, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression over the length limit",
             yaml: base((baseExpression, "\"" + Array(repeating: "L", count: 600).joined(separator: "+") + "\"")),
             message: "the expression is too long: 1199 characters, the limit is 1000",
             line: 27, column: 1018, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression over the nesting limit",
             yaml: base((baseExpression, "\"" + String(repeating: "(", count: 40) + "L" + String(repeating: ")", count: 40) + "\"")),
             message: "the expression nests too deeply at '(': more than 32 levels",
             line: 27, column: 50, keyPath: "user-bounds[0].expression"),
    BadInput(name: "requires: unknown variable",
             yaml: base((baseRequires, "\"gamma <= beta/(4*L*(M+1)) && gama > 0\"")),
             message: "unknown variable 'gama' (did you mean 'gamma'?)", line: 28, column: 46, keyPath: "user-bounds[0].requires[0]"),
    BadInput(name: "requires: a number, not a condition",
             yaml: base((baseRequires, "\"gamma\"")),
             message: "expected a condition such as 'gamma <= 1/L', but this is a number",
             line: 28, column: 17, keyPath: "user-bounds[0].requires[0]"),
    BadInput(name: "requires: K is not available",
             yaml: base((baseRequires, "\"gamma <= 1/L\", \"K >= 1\"")),
             message: "unknown variable 'K'; the variables here are: B2, D0, G2, L, M, beta,",
             line: 28, column: 33, keyPath: "user-bounds[0].requires[1]"),
    BadInput(name: "holds-if: unknown variable",
             yaml: base((baseHoldsIf, "\"bias2 <= m*grad + zeta2\"")),
             message: "unknown variable 'grad' (did you mean 'grad2'?)", line: 31, column: 27, keyPath: "assumptions[0].holds-if"),
    BadInput(name: "holds-if: '=' for a comparison",
             yaml: base((baseHoldsIf, "\"bias2 = m*grad2 + zeta2\"")),
             message: "'=' is not a comparison: write '==' (or '<=', '>=')", line: 31, column: 22, keyPath: "assumptions[0].holds-if"),
    BadInput(name: "expression in a block scalar",
             yaml: base((baseExpression, "|\n      2*D0/(gamma*(1-m)*K) + zeta/(1-m)")),
             message: "unknown variable 'zeta'", line: 28, column: 30, keyPath: "user-bounds[0].expression"),
    BadInput(name: "holds-if folded over two lines",
             yaml: base(("holds-if: \"bias2 <= m*grad2 + zeta2\"", "holds-if: >-\n      bias2 <= m*grad + zeta2")),
             message: "unknown variable 'grad'", line: 32, column: 18, keyPath: "assumptions[0].holds-if"),
    BadInput(name: "expression with an escape sequence before the error",
             yaml: base((baseExpression, "\"2*D0/(gamma*(1-m)*K)\\t+ zeta/(1-m)\"")),
             message: "unknown variable 'zeta'", line: 27, column: 42, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: a \\u escape before the error",
             yaml: base((baseExpression, "\"2*D0/K \\u002B zeta/(1-m)\"")),
             message: "unknown variable 'zeta'", line: 27, column: 32, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: '' in a single-quoted scalar before the error",
             yaml: base((baseExpression, "'2*D0/K + L'''' + zeta/(1-m)'")),
             message: "unexpected", line: 27, column: 28, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: double-quoted over two lines, the error on the second",
             yaml: base((baseExpression, "\"2*D0/(gamma*(1-m)*K)\n        + zeta/(1-m)\"")),
             message: "unknown variable 'zeta'", line: 28, column: 11, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: escaped line break in a double-quoted scalar",
             yaml: base((baseExpression, "\"2*D0/(gamma*(1-m)*K) + \\\n        zeta/(1-m)\"")),
             message: "unknown variable 'zeta'", line: 28, column: 9, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: plain scalar over three lines",
             yaml: base((baseExpression, "2*D0/(gamma*(1-m)*K)\n      +\n      zeta/(1-m)")),
             message: "unknown variable 'zeta'", line: 29, column: 7, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: literal block with an indentation indicator and a comment",
             yaml: base((baseExpression, "|2-  # the floor\n      2*D0/K\n      + zeta/(1-m)")),
             message: "unknown variable 'zeta'", line: 29, column: 9, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: end of expression in a block scalar",
             yaml: base((baseExpression, "|\n      2*D0/(gamma*(1-m)*K")),
             message: "expected ')' to close '(' at column 6, found end of expression", line: 28, column: 26, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: a constant this problem does not have",
             yaml: base((baseOracle, "  - gaussian-noise: {variance: 0.5}\n  - top-k: {k: 5}\n"), (baseExpression, "\"tau + 1/K\"")),
             message: "'tau' is not defined for this problem: the oracle has no clip stage", line: 26, column: 18, keyPath: "user-bounds[0].expression"),
    BadInput(name: "expression: a PL constant on a family that is not PL",
             yaml: base((baseExpression, "\"1/K + mu\"")),
             message: "'mu' is not defined for this problem: the family has no PL constant", line: 27, column: 24, keyPath: "user-bounds[0].expression"),

    // MARK: names sanitized
    BadInput(name: "unsafe name", yaml: base(("name: base-problem", "name: ../../etc/passwd")),
             message: "name '../../etc/passwd' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.'",
             line: 1, column: 7, keyPath: "name"),
    BadInput(name: "name too long", yaml: base(("name: base-problem", "name: " + String(repeating: "a", count: 81))),
             message: "must be 1–80 letters", line: 1, column: 7, keyPath: "name"),
    BadInput(name: "unsafe method id", yaml: base(("id: fast", "id: \"a/b\"")),
             message: "id 'a/b' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.'", line: 15, column: 24, keyPath: "methods[0].id"),
    BadInput(name: "unsafe user-bound id",
             yaml: base(("id: my-floor", "id: ../evil"), ("expect: {my-floor: holds, relative-bias: holds}", "expect: {relative-bias: holds}")),
             message: "id '../evil' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.'", line: 24, column: 9, keyPath: "user-bounds[0].id"),
    BadInput(name: "unsafe assumption id",
             yaml: base(("id: relative-bias", "id: ../evil"), ("expect: {my-floor: holds, relative-bias: holds}", "expect: {my-floor: holds}")),
             message: "id '../evil' must be 1–80 letters, digits, '-', '_' or '.', not starting with '.'", line: 30, column: 9, keyPath: "assumptions[0].id"),
    BadInput(name: "assumption id with a control character (escaped in the message)",
             yaml: base(("id: relative-bias", "id: \"bias\\e[2J\""), ("expect: {my-floor: holds, relative-bias: holds}", "expect: {my-floor: holds}")),
             message: "id 'bias\\u{1B}[2J' must be 1–80 letters", line: 30, column: 9, keyPath: "assumptions[0].id"),

    // MARK: limits
    BadInput(name: "billion laughs (alias amplification)", yaml: aliasAmplification,
             message: "the alias *m repeats 707 YAML nodes, taking the document over the limit of 200000 nodes once aliases are expanded (an alias bomb?); refusing to read it",
             line: 297, column: 5, keyPath: "methods[282]"),
]

// MARK: - Tests

@Suite("Bad problem files")
struct BadInputTests {
    @Test("a bad file is reported with position, key path and message", arguments: badInputCases)
    func badFile(_ c: BadInput) {
        if let issue = c.knownIssue {
            withKnownIssue(Comment(rawValue: issue)) { check(c) }
        } else {
            check(c)
        }
    }

    private func check(_ c: BadInput) {
        let diagnostics: [Diagnostic]
        do {
            _ = try SpecLoader(quick: c.quick).load(yaml: c.yaml, file: "bad.yaml")
            Issue.record("the file loaded; expected a diagnostic containing \"\(c.message)\"")
            return
        } catch let errors as SpecErrors {
            diagnostics = errors.diagnostics
        } catch {
            Issue.record("threw \(type(of: error)) instead of SpecErrors: \(error)")
            return
        }
        let report = SpecErrors(diagnostics).description
        guard let d = diagnostics.first(where: { $0.message.contains(c.message) }) else {
            Issue.record("no diagnostic contains \"\(c.message)\"; got:\n\(report)")
            return
        }
        #expect(d.file == "bad.yaml")
        #expect(d.line == c.line, "line; got:\n\(report)")
        #expect(d.column == c.column, "column; got:\n\(report)")
        #expect(d.keyPath == c.keyPath, "key path; got:\n\(report)")
        if let cascade = c.cascade {
            withKnownIssue(Comment(rawValue: "spurious follow-on diagnostics: \(cascade)")) {
                #expect(diagnostics.count == 1, "got:\n\(report)")
            }
        } else if c.alone {
            #expect(diagnostics.count == 1, "one mistake, one diagnostic; got:\n\(report)")
        }
    }

    @Test("the valid base file loads")
    func validFileLoads() throws {
        let spec = try SpecLoader().load(yaml: badInputBaseFile, file: "base.yaml")
        #expect(spec.name == "base-problem")
        #expect(spec.seed == 7)
        #expect(spec.sourcePath == "base.yaml")
        #expect(spec.problem == ProblemSpec(family: .rational, dimension: 10, workers: 4, heterogeneity: 1, start: .gaussian(scale: 2)))
        #expect(spec.oracle == [.clip(tau: 1, rule: .relative), .gaussianNoise(variance: 0.5), .topK(k: 5)])
        #expect(spec.methods.map(\.id) == ["fast", "sgd-1", "mdsgd-1"])
        #expect(spec.methods[0].step == .theory(factor: 1))
        #expect(spec.methods[1].step == .fixed(0.01))
        #expect(spec.methods[1].beta == 1)
        #expect((spec.methods[2].settings as? Mdsgd)?.sparsifier == .topK(k: 5))
        #expect(spec.methods[2].step == .theory(factor: 0.5))
        #expect(spec.run == RunSpec(iterations: 200, seeds: 8, checkpoints: 10))
        #expect(spec.quick == RunSpec(iterations: 50, seeds: 4, checkpoints: 10))
        #expect(spec.bounds == ["AS-2", "F1", "F2"])
        #expect(spec.confidence == 0.99)
        #expect(spec.declared.values == [.sigma2: 0.5])
        #expect(spec.userBounds.map(\.id) == ["my-floor"])
        #expect(spec.userBounds.first?.expressionPosition.line == 27)
        #expect(spec.userBounds.first?.expressionPosition.column == 18)
        #expect(spec.assumptions.map(\.id) == ["relative-bias"])
        #expect(spec.expect == ["my-floor": .holds, "relative-bias": .holds])
    }

    @Test("three independent mistakes are reported at once, in file order")
    func threeMistakesAtOnce() {
        let yaml = base(("dimension: 10", "dimension: 0"), ("{variance: 0.5}", "{variance: -1}"), ("step: 0.01", "step: -1"))
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "three.yaml")
            Issue.record("the file loaded")
        } catch let errors as SpecErrors {
            let found = errors.diagnostics.map { "\($0.line):\($0.column) \($0.keyPath)" }
            #expect(found == ["6:14 problem.dimension", "12:32 oracle[1].gaussian-noise.variance", "16:25 methods[1].step"],
                    "\(errors)")
            #expect(errors.diagnostics.allSatisfy { $0.file == "three.yaml" })
        } catch {
            Issue.record("threw \(type(of: error)): \(error)")
        }
    }

    /// Nine levels of nine aliases: 9⁹ ≈ 387 million leaves if expanded.
    static let laughs: String = {
        var bomb = "lols:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for level in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            bomb += "  \(level): &\(level) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = level
        }
        return bomb
    }()

    /// Loads `yaml`, expecting exactly one diagnostic; checks it and that loading took < 2 s.
    private func expectRefusedQuickly(_ yaml: String, message: String, line: Int, column: Int, keyPath: String,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "laughs.yaml")
            Issue.record("the bomb loaded", sourceLocation: sourceLocation)
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.count == 1, "\(errors)", sourceLocation: sourceLocation)
            let d = errors.diagnostics.first
            #expect(d?.message.contains(message) == true, "\(errors)", sourceLocation: sourceLocation)
            #expect(d?.line == line && d?.column == column && d?.keyPath == keyPath, "\(errors)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("threw \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(2), "took \(elapsed)", sourceLocation: sourceLocation)
    }

    @Test("a classic billion-laughs bomb is refused at the alias that goes over the limit, before anything reads it")
    func classicAliasBomb() {
        // Used where the loader reads (problem.start.at), but refused while the chain is
        // defined: level f's second *e (66 430 nodes each) takes the document over 200 000.
        let yaml = Self.laughs + base(("start: {scale: 2.0}", "start: {at: *i}"))
        expectRefusedQuickly(yaml, message: "the alias *e repeats 66430 YAML nodes, taking the document over the limit of 200000 nodes",
                             line: 7, column: 13, keyPath: "lols.f[1]")
    }

    @Test("an alias bomb used as a mapping key is refused quickly (Yams.compose hashed it, expanding it: a hang)")
    func aliasBombAsKey() {
        let message = "taking the document over the limit of 200000 nodes once aliases are expanded (an alias bomb?)"
        // Block mapping, explicit key.
        expectRefusedQuickly(Self.laughs + "keyed:\n  ? *i\n  : 1\n" + badInputBaseFile, message: message,
                             line: 7, column: 13, keyPath: "lols.f[1]")
        // An anchor chain that stays under the limit until a key expands it, in a flow mapping.
        expectRefusedQuickly("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                             + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                             + "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nkeyed: {? [*e, *e, *e] : 1}\n",
                             message: message, line: 6, column: 12, keyPath: "keyed.?[0]")
    }

    @Test("a duplicate key is one diagnostic, and the file's other problems are still reported")
    func duplicateKeyDoesNotHideOthers() {
        let yaml = base(("  workers: 4\n", "  workers: 4\n  workers: 5\n"), ("dimension: 10", "dimension: 0"), ("step: 0.01", "step: -1"))
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "dup.yaml")
            Issue.record("the file loaded")
        } catch let errors as SpecErrors {
            let found = errors.diagnostics.map { "\($0.line):\($0.column) \($0.keyPath)" }
            #expect(found == ["6:14 problem.dimension", "8:3 problem.workers", "17:25 methods[1].step"], "\(errors)")
        } catch {
            Issue.record("threw \(type(of: error)): \(error)")
        }
    }

    @Test("lists nested deeper than the limit are refused at the level that crosses it, without recursion trouble")
    func deepNesting() {
        let depth = SpecLoader.maximumNesting + 1
        let yaml = "name: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "deep.yaml")
            Issue.record("the file loaded")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.count == 1)
            #expect(errors.diagnostics.first?.message.contains("more than \(SpecLoader.maximumNesting) levels deep") == true, "\(errors)")
            #expect(errors.diagnostics.first?.line == 1 && errors.diagnostics.first?.column == 6 + SpecLoader.maximumNesting)   // the root mapping is level 1
        } catch {
            Issue.record("threw \(type(of: error)): \(error)")
        }
    }

    @Test("seeds use the full UInt64 range; past it the message says so")
    func seedRange() throws {
        let spec = try SpecLoader().load(yaml: base(("seed: 7", "seed: 18446744073709551615")), file: "seed.yaml")
        #expect(spec.seed == UInt64.max)
        #expect(try SpecLoader().load(yaml: base(("seed: 7", "seed: 0")), file: "seed.yaml").seed == 0)
        #expect(try SpecLoader().load(yaml: base(("seed: 7", "seed: 1_000")), file: "seed.yaml").seed == 1000)
        for (text, message) in [("18446744073709551616", "18446744073709551616 is out of range: expected a whole number from 0 to 18446744073709551615"),
                                ("-18446744073709551616", "is out of range: expected a whole number from 0 to 18446744073709551615"),
                                ("seven", "expected a whole number from 0 to 18446744073709551615, found 'seven'"),
                                ("7.5", "expected a whole number from 0 to 18446744073709551615, found '7.5'")] {
            do {
                _ = try SpecLoader().load(yaml: base(("seed: 7", "seed: \(text)")), file: "seed.yaml")
                Issue.record("seed \(text) loaded")
            } catch let errors as SpecErrors {
                #expect(errors.diagnostics.count == 1)
                let d = errors.diagnostics.first
                #expect(d?.message.contains(message) == true, "\(errors)")
                #expect(d?.line == 3 && d?.column == 7 && d?.keyPath == "seed")
            }
        }
    }

    @Test("F2-x (F2 on x) can be named in bounds, in a method's bounds and in expect; a near miss gets a did-you-mean")
    func f2xCanBeNamed() throws {
        let spec = try SpecLoader().load(yaml: base(("bounds: [AS-2, F1, F2]", "bounds: [AS-2, F2-x]"),
                                                    ("{method: sgd, step: 0.01}", "{method: sgd, step: 0.01, bounds: [F2-x]}"),
                                                    ("expect: {my-floor: holds", "expect: {F2-x: holds, sgd-1/F2-x: holds, my-floor: holds")),
                                         file: "f2x.yaml")
        #expect(spec.bounds == ["AS-2", "F2-x"])
        #expect(spec.methods[1].bounds == ["F2-x"])
        #expect(spec.expect["F2-x"] == .holds && spec.expect["sgd-1/F2-x"] == .holds)
        do {
            _ = try SpecLoader().load(yaml: base(("bounds: [AS-2, F1, F2]", "bounds: [F2_x]")), file: "f2x.yaml")
            Issue.record("F2_x loaded")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.first?.message.contains("unknown catalog bound 'F2_x' (did you mean 'F2-x'?)") == true, "\(errors)")
        }
    }

    @Test("the work cap judges the profile that runs: a large run loads with --quick when quick is small, and the reverse")
    func workCapJudgesTheRunningProfile() throws {
        let largeRun = base(("iterations: 200, seeds: 8", "iterations: 30000000, seeds: 8"))
        #expect(throws: SpecErrors.self) { try SpecLoader().load(yaml: largeRun, file: "w.yaml") }
        let spec = try SpecLoader(quick: true).load(yaml: largeRun, file: "w.yaml")
        #expect(spec.quick.iterations == 50)
        let largeQuick = base(("quick: {iterations: 50, seeds: 4}", "quick: {iterations: 50000000, seeds: 4}"))
        #expect(try SpecLoader().load(yaml: largeQuick, file: "w.yaml").run.iterations == 200)
        #expect(throws: SpecErrors.self) { try SpecLoader(quick: true).load(yaml: largeQuick, file: "w.yaml") }
        #expect(try SpecLoader(allowLarge: true, quick: true).load(yaml: largeQuick, file: "w.yaml").quick.iterations == 50_000_000)
    }

    @Test("checkpoints: up to iterations + 1 and 10 000 load; an inherited count is not held against quick")
    func checkpointLimits() throws {
        let most = try SpecLoader().load(yaml: base(("checkpoints: 10", "checkpoints: 201")), file: "c.yaml")
        #expect(most.run.checkpoints == 201)
        #expect(most.quick.checkpoints == 201)   // inherited; quick's 51 iterations then all get one
        let big = try SpecLoader().load(yaml: base(("iterations: 200, seeds: 8, checkpoints: 10", "iterations: 20000, seeds: 8, checkpoints: 10000")), file: "c.yaml")
        #expect(big.run.checkpoints == 10_000)
    }

    @Test("messages do not echo control characters from the file")
    func controlCharactersAreEscaped() {
        let yaml = base(("family: rational", "family: \"\\e[2Jrational\""))
        do {
            _ = try SpecLoader().load(yaml: yaml, file: "escape.yaml")
            Issue.record("the file loaded")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.first?.keyPath == "problem.family")
            #expect(!errors.description.unicodeScalars.contains { $0.properties.generalCategory == .control })
            #expect(errors.diagnostics.first?.message.contains("unknown family '\\u{1B}[2Jrational'") == true, "\(errors)")
        } catch {
            Issue.record("threw \(type(of: error)): \(error)")
        }
    }

    @Test("a file over the size limit is refused, unless allowLarge")
    func fileOverSizeLimit() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("boundcheck-badinput-\(ProcessInfo.processInfo.processIdentifier)-large.yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Valid YAML, padded with a comment past the limit.
        let padding = "# " + String(repeating: "x", count: SpecLoader.maximumFileBytes) + "\n"
        try (badInputBaseFile + padding).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try SpecLoader().load(path: path)
            Issue.record("the large file loaded")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.count == 1)
            let d = try #require(errors.diagnostics.first)
            #expect(d.file == path)
            #expect(d.message.contains("over the 1048576-byte limit for problem files; pass --allow-large if it is really meant"))
            #expect(d.line == 0)
            #expect(d.column == 0)
            #expect(d.keyPath == "")
        }
        let spec = try SpecLoader(allowLarge: true).load(path: path)
        #expect(spec.name == "base-problem")
    }

    @Test("a missing file is a diagnostic, not a crash")
    func missingFile() {
        do {
            _ = try SpecLoader().load(path: "/nonexistent/boundcheck/problem.yaml")
            Issue.record("loaded a missing file")
        } catch let errors as SpecErrors {
            #expect(errors.diagnostics.first?.message.contains("cannot read the file") == true)
        } catch {
            Issue.record("threw \(type(of: error)): \(error)")
        }
    }

    // MARK: fuzzing

    /// SplitMix64: small, fast and the same on every platform, so failures reproduce.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let syntaxCharacters = Array(":{}[]-#&*!|>'\"").map { $0.unicodeScalars.first! }

    static func randomScalar(_ rng: inout SplitMix64) -> Unicode.Scalar {
        while true {
            let value: UInt32 = Bool.random(using: &rng)
                ? UInt32.random(in: 0...0x7F, using: &rng)
                : UInt32.random(in: 0...0x10FFFF, using: &rng)
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    /// One random edit: delete a character, duplicate a line, swap two characters, insert a YAML
    /// syntax character or any Unicode scalar, or truncate.
    static func mutate(_ text: inout [Unicode.Scalar], _ rng: inout SplitMix64) {
        let count = text.count
        switch Int.random(in: 0..<6, using: &rng) {
        case 0 where count > 0:
            text.remove(at: Int.random(in: 0..<count, using: &rng))
        case 1:
            let lineStarts = [0] + text.indices.filter { text[$0] == "\n" }.map { $0 + 1 }.filter { $0 < count }
            let start = lineStarts.randomElement(using: &rng)!
            let end = text[start...].firstIndex(of: "\n").map { $0 + 1 } ?? count
            text.insert(contentsOf: Array(text[start..<end]) + (end == count ? ["\n"] : []), at: end)
        case 2 where count > 1:
            text.swapAt(Int.random(in: 0..<count, using: &rng), Int.random(in: 0..<count, using: &rng))
        case 3:
            text.insert(syntaxCharacters.randomElement(using: &rng)!, at: Int.random(in: 0...count, using: &rng))
        case 4:
            text.insert(randomScalar(&rng), at: Int.random(in: 0...count, using: &rng))
        case 5:
            text.removeSubrange(Int.random(in: 0...count, using: &rng)...)
        default:
            break
        }
    }

    @Test("mutated files load or fail with diagnostics, never crash")
    func fuzz() {
        let original = Array(badInputBaseFile.unicodeScalars)
        var rng = SplitMix64(state: 0x5EED_0006)
        let loader = SpecLoader()
        var loaded = 0, rejected = 0
        for round in 0..<4000 {
            var text = original
            // Mostly single edits (the loader's checks see one mistake); truncations and the
            // occasional pile-up of edits reach the YAML parser's error paths.
            for _ in 0..<(round % 10 == 0 ? Int.random(in: 2...6, using: &rng) : 1) {
                Self.mutate(&text, &rng)
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: text)
            let yaml = String(view)
            // An upper bound on the line count: YAML also breaks lines at CR, NEL, LS and PS.
            let lines = 1 + text.filter { ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }.count
            do {
                _ = try loader.load(yaml: yaml, file: "fuzz.yaml")
                loaded += 1
            } catch let errors as SpecErrors {
                rejected += 1
                if errors.diagnostics.isEmpty {
                    Issue.record("round \(round): SpecErrors without diagnostics for:\n\(yaml)")
                }
                for d in errors.diagnostics where d.file != "fuzz.yaml" || d.message.isEmpty || d.line < 0 || d.line > lines + 1 || d.column < 0 {
                    Issue.record("round \(round): malformed diagnostic \(d) for:\n\(yaml)")
                }
            } catch {
                Issue.record("round \(round): threw \(type(of: error)) instead of SpecErrors: \(error)\n\(yaml)")
            }
        }
        #expect(loaded + rejected == 4000)
        #expect(rejected > 1500, "most mutations should break something (loaded \(loaded), rejected \(rejected))")
    }
}
