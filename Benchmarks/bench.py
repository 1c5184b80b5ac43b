#!/usr/bin/env python3
"""Runs the benchmarks of docs/performance.md and writes Benchmarks/results.md.

Every measurement is a whole process (start to exit, as a user sees it), timed with a
monotonic clock; peak memory is the child's getrusage max RSS (os.wait4). Runs of the things
compared with each other (the NumPy and C references, BoundCheck with and without the probe,
--jobs 1 vs 2, a baseline build vs this one) are interleaved round by round, so that load from
elsewhere hits all of them alike; the tables give medians over the rounds and every ratio comes
from the same rounds. The C references (reference-a.c, reference-b.c) are compiled into a
scratch folder with `cc -O3 -march=native -fopenmp` (reference-b needs OpenBLAS).

Usage: bench.py BOUNDCHECK [--rounds R] [--rounds-b R] [--baseline OTHER_BOUNDCHECK [--baseline-label L]]
                [--skip-suite] [--skip-full] [--skip-b] [--out FILE]
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROBLEMS = os.path.join(HERE, "problems")


def measure_rss(cmd, cwd=None, env=None):
    """(wall seconds, peak RSS in MiB, CPU seconds) of one process, RSS and CPU the child's own (wait4)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        cpu = usage.ru_utime + usage.ru_stime
        seconds = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if p.returncode not in (0, 1):
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{text}\n{errors}")
    return seconds, usage.ru_maxrss / 1024, cpu


def baseline_kernels_env():
    """The environment that makes BoundCheck's C kernels take their baseline (non-SIMD-dispatch) path."""
    env = dict(os.environ)
    env["BOUNDCHECK_KERNELS"] = "baseline"
    return env


def boundcheck(binary, paths, jobs, out, extra=()):
    """A check run without the resume cache, JSON reports only."""
    return [binary, "check", *paths, "--jobs", str(jobs), "--out", out, "--no-cache", "--format", "json", *extra]


def work_of_reports(folder):
    """Σ d × workers × iterations × seeds × methods over the JSON reports in a folder."""
    total = 0
    for name in os.listdir(folder):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(folder, name)) as f:
            r = json.load(f)
        total += r["dimension"] * r["workers"] * r["iterations"] * r["seeds"] * len(r["methods"])
    return total


def med(xs):
    return statistics.median(xs)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def build_references(scratch):
    """Compiles the C references into the scratch folder: {name: path}. (b) needs OpenBLAS
    (pkg-config openblas); without it that reference is skipped, with a note."""
    built, notes = {}, []
    cc = os.environ.get("CC", "cc")
    flags = ["-O3", "-march=native", "-fopenmp"]
    for name, extra_cflags, libs in [("reference-a", [], ["-lm"]), ("reference-b", None, None)]:
        if name == "reference-b":
            try:
                extra_cflags = subprocess.run(["pkg-config", "--cflags", "openblas"], capture_output=True, text=True,
                                              check=True).stdout.split()
                libs = subprocess.run(["pkg-config", "--libs", "openblas"], capture_output=True, text=True,
                                      check=True).stdout.split() + ["-lm"]
            except (OSError, subprocess.CalledProcessError):
                notes.append("reference-b skipped: OpenBLAS not found (apt-get install libopenblas-dev)")
                continue
        target = os.path.join(scratch, name)
        cmd = [cc, *flags, *extra_cflags, os.path.join(HERE, name + ".c"), "-o", target, *libs]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            notes.append(f"{name} did not build: {r.stderr.strip()[:300]}")
            continue
        built[name] = target
    return built, notes


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def output_of(cmd, env=None):
    """stdout of a command as {key: value} for its 'key value' lines (the references' metrics)."""
    text = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2:
            values[parts[0]] = parts[1]
    return values


def final_gap(folder, name):
    with open(os.path.join(folder, name + ".json")) as f:
        r = json.load(f)
    last = r["methods"][0]["checkpoints"][-1]["metrics"]["gap"]
    return last["mean"], last["sd"], last["n"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds of (a)")
    ap.add_argument("--rounds-b", type=int, default=3, help="interleaved rounds of the slow benchmark (b)")
    ap.add_argument("--baseline", help="another boundcheck build to compare with (e.g. an earlier commit's)")
    ap.add_argument("--baseline-label", default="baseline", help="how the tables name the baseline build")
    ap.add_argument("--skip-suite", action="store_true", help="skip the curated suite (c)")
    ap.add_argument("--skip-full", action="store_true", help="skip the full profile of the curated suite")
    ap.add_argument("--skip-b", action="store_true", help="skip benchmark (b)")
    ap.add_argument("--skip-memory", action="store_true", help="skip the peak-memory runs (2000 iterations, 16 seeds)")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    ap.add_argument("--keep-raw", action="store_true", help="write every measurement to Benchmarks/.bench-raw.json as it comes")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    scratch = tempfile.mkdtemp(prefix="boundcheck-bench-")
    out = os.path.join(scratch, "out")
    quad = os.path.join(PROBLEMS, "bench-quadratic.yaml")
    tiny = os.path.join(PROBLEMS, "bench-tiny.yaml")
    logi = os.path.join(PROBLEMS, "bench-logistic.yaml")
    suite = os.path.join(ROOT, "Problems")
    work_a = 10_000 * 16 * 200 * 4
    work_b = 1_000 * 16 * 500 * 8
    refs, notes = build_references(scratch)
    env = dict(os.environ)
    # OpenBLAS 0.3.21 falls back to its SSE3 kernels on AVX-512 CPUs it does not know.
    if "avx512f" in cpu_flags() and "OPENBLAS_CORETYPE" not in env:
        env["OPENBLAS_CORETYPE"] = "SkylakeX"
        notes.append("OPENBLAS_CORETYPE=SkylakeX set for reference-b (OpenBLAS 0.3.21 does not recognise this CPU)")
    load_before = os.getloadavg()
    loads = []
    base = os.path.abspath(args.baseline) if args.baseline else None

    def check(b, paths, jobs, extra=(), env=None):
        return lambda: measure_rss(boundcheck(b, paths, jobs, out, list(extra)), env=env)

    # Each round runs every variant of its group once, in the same order.
    groups = []
    a = {"a-numpy": lambda: measure_rss([sys.executable, os.path.join(HERE, "reference.py")])}
    if "reference-a" in refs:
        a["a-c1"] = lambda: measure_rss([refs["reference-a"], "1"])
        a["a-c2"] = lambda: measure_rss([refs["reference-a"], "2"])
    a["a-probe-j2"] = check(binary, [quad], 2)
    a["a-j1"] = check(binary, [quad], 1, ["--no-probe"])
    a["a-j2"] = check(binary, [quad], 2, ["--no-probe"])
    # The same build with its C kernels forced onto the baseline path: what runtime dispatch buys.
    a["a-j1-basek"] = check(binary, [quad], 1, ["--no-probe"], env=baseline_kernels_env())
    if base:
        a["a-base-probe-j2"] = check(base, [quad], 2)
        a["a-base-j1"] = check(base, [quad], 1, ["--no-probe"])
        a["a-base-j2"] = check(base, [quad], 2, ["--no-probe"])
    # (a) at 20 iterations: the probe's cost on a short run (it used to have a fixed floor).
    quad20 = os.path.join(scratch, "bench-quadratic-20.yaml")
    with open(quad) as f:
        short = f.read().replace("iterations: 200", "iterations: 20").replace("name: bench-quadratic", "name: bench-quadratic-20")
    with open(quad20, "w") as f:
        f.write(short)
    a["a20-probe-j2"] = check(binary, [quad20], 2)
    a["a20-j2"] = check(binary, [quad20], 2, ["--no-probe"])
    if base:
        a["a20-base-probe-j2"] = check(base, [quad20], 2)
        a["a20-base-j2"] = check(base, [quad20], 2, ["--no-probe"])
    groups.append((a, args.rounds))
    # Start-up: a near-empty problem's `check` against `bounds` of the same file.
    s0 = {"s-check": check(binary, [tiny], 1), "s-bounds": lambda: measure_rss([binary, "bounds", tiny])}
    if base:
        s0["s-base-check"] = check(base, [tiny], 1)
        s0["s-base-bounds"] = lambda: measure_rss([base, "bounds", tiny])
    groups.append((s0, 3 * args.rounds))
    if not args.skip_suite:
        c = {"c-quick-j1": check(binary, [suite], 1, ["--quick"]), "c-quick-j2": check(binary, [suite], 2, ["--quick"])}
        if not args.skip_full:
            c["c-full-j1"] = check(binary, [suite], 1)
            c["c-full-j2"] = check(binary, [suite], 2)
        groups.append((c, args.rounds))
    if not args.skip_b:
        # (b) is 5·10¹⁰ multiply-adds, over the default work limit: --allow-large.
        b = {"b-setup": lambda: measure_rss([binary, "bounds", logi, "--allow-large"])}
        if "reference-b" in refs:
            b["b-c1"] = lambda: measure_rss([refs["reference-b"], "1"], env=env)
            b["b-c2"] = lambda: measure_rss([refs["reference-b"], "2"], env=env)
        b["b-j1"] = check(binary, [logi], 1, ["--no-probe", "--allow-large"])
        b["b-j2"] = check(binary, [logi], 2, ["--no-probe", "--allow-large"])
        b["b-j1-basek"] = check(binary, [logi], 1, ["--no-probe", "--allow-large"], env=baseline_kernels_env())
        if base:
            b["b-base-j1"] = check(base, [logi], 1, ["--no-probe", "--allow-large"])
            b["b-base-j2"] = check(base, [logi], 2, ["--no-probe", "--allow-large"])
        groups.append((b, args.rounds_b))
    times, rss, cpu = {}, {}, {}
    for group, rounds in groups:
        for r in range(rounds):
            for k, run in group.items():
                s, m, c = run()
                times.setdefault(k, []).append(s)
                rss.setdefault(k, []).append(m)
                cpu.setdefault(k, []).append(c)
                loads.append(os.getloadavg()[0])
                with open(os.path.join(HERE, ".bench-raw.json") if args.keep_raw else os.devnull, "w") as f:
                    json.dump({"times": times, "cpu": cpu, "rss": rss, "loads": loads}, f)
                print(f"round {r + 1}/{rounds}  {k:16s} {s:8.2f} s  cpu {c:8.2f} s  {m:7.1f} MiB  load {loads[-1]:.1f}",
                      flush=True)
    # Work of the suite, from its reports.
    suite_work = {}
    if not args.skip_suite:
        for profile, extra in [("quick", ["--quick"]), ("full", [])]:
            if profile == "full" and args.skip_full:
                continue
            folder = os.path.join(scratch, f"suite-{profile}")
            measure_rss(boundcheck(binary, [suite], 2, folder, extra))
            suite_work[profile] = work_of_reports(folder)

    # Sanity: the references compute the same mathematics (own instance and streams): their
    # final gap against BoundCheck's, and the spread of the C reference's over instances.
    sanity = []
    folder = os.path.join(scratch, "sanity")
    measure_rss(boundcheck(binary, [quad], 2, folder, ["--no-probe"]))
    bc_gap = final_gap(folder, "bench-quadratic")
    if "reference-a" in refs:
        gaps = [float(output_of([refs["reference-a"], "2", "200", "4", str(seed)])["final_gap_mean"])
                for seed in range(11, 19)]
        sanity.append(("(a)", bc_gap, gaps))
    if not args.skip_b and "reference-b" in refs:
        measure_rss(boundcheck(binary, [logi], 2, folder, ["--no-probe", "--allow-large"]))
        bc_gap_b = final_gap(folder, "bench-logistic")
        gaps = [float(output_of([refs["reference-b"], "2", "500", str(seed)], env=env)["final_gap_mean"])
                for seed in range(12, 16)]
        sanity.append(("(b)", bc_gap_b, gaps))

    # Memory against iterations and seeds: (a) at 200/2000 iterations and 4/16 seeds.
    memory_rows = []
    with open(quad) as f:
        text = f.read()
    for label, b in ([] if args.skip_memory else [("this build", binary)] + ([(args.baseline_label, base)] if base else [])):
        for iterations, seeds in [(200, 4), (2000, 4), (200, 16)]:
            variant = text.replace("run: {iterations: 200, seeds: 4, checkpoints: 20}",
                                   f"run: {{iterations: {iterations}, seeds: {seeds}, checkpoints: 20}}")
            path = os.path.join(scratch, f"bench-quadratic-{iterations}-{seeds}.yaml")
            with open(path, "w") as f:
                f.write(variant.replace("name: bench-quadratic", f"name: bench-quadratic-{iterations}-{seeds}"))
            s, m, c = measure_rss(boundcheck(b, [path], 2, out, ["--allow-large", "--no-probe"]))
            memory_rows.append((label, iterations, seeds, s, c, m))
    load_after = os.getloadavg()

    def have(*keys):
        return all(k in times for k in keys)

    def row(label, key, work):
        t = med(times[key])
        rate = f"{work / t / 1e6:.1f} M/s" if work else "–"
        return (f"| {label} | {t:.2f} s | {rate} | {med(cpu[key]):.2f} s | {med(rss[key]):.0f} MiB | "
                f"{min(times[key]):.2f} – {max(times[key]):.2f} s ({len(times[key])}) |")

    ratio = lambda x, y: med(times[x]) / med(times[y])
    cratio = lambda x, y: med(cpu[x]) / med(cpu[y])
    paired = lambda x, y: med([p / q for p, q in zip(times[x], times[y])])
    spread = lambda x, y: f"{min(p / q for p, q in zip(times[x], times[y])):.2f}–{max(p / q for p, q in zip(times[x], times[y])):.2f}"

    def vs(label, slow, fast):
        """'label: ratio of medians (paired median, paired range)' with slow/fast > 1 meaning fast wins."""
        return (f"{label} **{ratio(slow, fast):.2f}×** (paired rounds: median {paired(slow, fast):.2f}×, "
                f"range {spread(slow, fast)}; CPU {cratio(slow, fast):.2f}×)")

    bl = args.baseline_label
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Load average (1 min) before/after: {load_before[0]:.2f} / {load_after[0]:.2f}; "
        f"during the rounds median {med(loads):.1f}, range {min(loads):.1f}–{max(loads):.1f} "
        "(other work was running on this shared machine).",
        f"Binary: `{os.path.relpath(binary, ROOT)}`" + (f"; baseline ({bl}): `{base}`" if base else "") +
        "; interleaved rounds; medians (range and number of runs in the last column).",
        "Throughput = coordinate-updates per second = d × workers × iterations × seeds (× methods) / wall time "
        "of the whole process (start to exit, including instance construction, bounds and reports). "
        "`--no-probe` runs are the simulation alone, as the NumPy and C references do it; a plain `check` "
        "includes the assumption probe. CPU = user + system time of the process (all threads). "
        "C references: built by this script with `cc -O3 -march=native -fopenmp`; the argument is the thread count.",
    ] + [f"Note: {n}." for n in notes] + [
        "",
        "| run | wall (median) | throughput | CPU | peak RSS | range (runs) |",
        "|---|---|---|---|---|---|",
        row("(a) NumPy reference (one core)", "a-numpy", work_a),
    ]
    if have("a-c1"):
        lines += [row("(a) C reference, 1 thread", "a-c1", work_a), row("(a) C reference, 2 threads", "a-c2", work_a)]
    lines += [
        row("(a) plain `check` (with the probe), --jobs 2", "a-probe-j2", work_a),
        row("(a) `check --no-probe`, --jobs 1", "a-j1", work_a),
        row("(a) `check --no-probe`, --jobs 2", "a-j2", work_a),
        row("(a) `check --no-probe`, --jobs 1, kernels forced to baseline", "a-j1-basek", work_a),
    ]
    if base:
        lines += [row(f"(a) {bl}: plain `check`, --jobs 2", "a-base-probe-j2", work_a),
                  row(f"(a) {bl}: `--no-probe`, --jobs 1", "a-base-j1", work_a),
                  row(f"(a) {bl}: `--no-probe`, --jobs 2", "a-base-j2", work_a)]
    lines += [row("(a) at 20 iterations: plain `check`, --jobs 2", "a20-probe-j2", work_a / 10),
              row("(a) at 20 iterations: `--no-probe`, --jobs 2", "a20-j2", work_a / 10)]
    if base:
        lines += [row(f"(a) at 20 iterations, {bl}: plain `check`, --jobs 2", "a20-base-probe-j2", work_a / 10),
                  row(f"(a) at 20 iterations, {bl}: `--no-probe`, --jobs 2", "a20-base-j2", work_a / 10)]
    lines += [row("start-up: near-empty problem, `check`", "s-check", 0),
              row("start-up: near-empty problem, `bounds`", "s-bounds", 0)]
    if base:
        lines += [row(f"start-up, {bl}: `check`", "s-base-check", 0),
                  row(f"start-up, {bl}: `bounds`", "s-base-bounds", 0)]
    if not args.skip_b:
        lines += [row("(b) logistic-ncvx setup only (`boundcheck bounds`)", "b-setup", 0)]
        if have("b-c1"):
            lines += [row("(b) C reference, seeds in lockstep, 1 thread", "b-c1", work_b),
                      row("(b) C reference, seeds in lockstep, 2 threads", "b-c2", work_b)]
        lines += [row("(b) `check --no-probe`, --jobs 1", "b-j1", work_b),
                  row("(b) `check --no-probe`, --jobs 2", "b-j2", work_b),
                  row("(b) `check --no-probe`, --jobs 1, kernels forced to baseline", "b-j1-basek", work_b)]
        if base:
            lines += [row(f"(b) {bl}: `--no-probe`, --jobs 1", "b-base-j1", work_b),
                      row(f"(b) {bl}: `--no-probe`, --jobs 2", "b-base-j2", work_b)]
    if not args.skip_suite:
        lines += [row("(c) Problems/ --quick, --jobs 1", "c-quick-j1", suite_work["quick"]),
                  row("(c) Problems/ --quick, --jobs 2", "c-quick-j2", suite_work["quick"])]
        if not args.skip_full:
            lines += [row("(c) Problems/ full, --jobs 1", "c-full-j1", suite_work["full"]),
                      row("(c) Problems/ full, --jobs 2", "c-full-j2", suite_work["full"])]
    lines += ["", "Ratios (all from the rounds above; \"paired\" = the ratio within each round):", ""]
    lines += [f"- (a) {vs('plain `check` --jobs 2 against NumPy:', 'a-numpy', 'a-probe-j2')} — target ≥ 6×",
              f"- (a) {vs('`--no-probe` --jobs 2 against NumPy:', 'a-numpy', 'a-j2')}"]
    if have("a-c1"):
        lines += [f"- (a) {vs('`--no-probe` --jobs 1 against C, 1 thread (slower by):', 'a-j1', 'a-c1')} — target ≤ 1.5×",
                  f"- (a) {vs('`--no-probe` --jobs 2 against C, 2 threads (slower by):', 'a-j2', 'a-c2')} — target ≤ 1.5×"]
    lines += [f"- (a) {vs('the probe: plain `check` against `--no-probe`, --jobs 2 (slower by):', 'a-probe-j2', 'a-j2')} — target CPU ≤ 1.15×",
              f"- (a) {vs('the probe at 20 iterations: plain `check` against `--no-probe`, --jobs 2 (slower by):', 'a20-probe-j2', 'a20-j2')}",
              f"- start-up: near-empty `check` {1000 * (med(times['s-check']) - med(times['s-bounds'])):.0f} ms slower than `bounds` "
              f"(medians {1000 * med(times['s-check']):.0f} / {1000 * med(times['s-bounds']):.0f} ms)" +
              (f"; {bl}: {1000 * (med(times['s-base-check']) - med(times['s-base-bounds'])):.0f} ms "
               f"({1000 * med(times['s-base-check']):.0f} / {1000 * med(times['s-base-bounds']):.0f} ms)" if base else ""),
              f"- (a) {vs('scaling 1 → 2 jobs (`--no-probe`):', 'a-j1', 'a-j2')}",
              f"- (a) {vs('runtime dispatch: kernels forced to baseline against the CPU best level, --jobs 1:', 'a-j1-basek', 'a-j1')}"]
    if have("a-c1"):
        lines += [f"- (a) {vs('C reference scaling 1 → 2 threads:', 'a-c1', 'a-c2')}"]
    if not args.skip_b:
        if have("b-c1"):
            lines += [f"- (b) {vs('`--no-probe` --jobs 1 against lockstep C, 1 thread (slower by):', 'b-j1', 'b-c1')} — target ≤ 2×",
                      f"- (b) {vs('`--no-probe` --jobs 2 against lockstep C, 2 threads (slower by):', 'b-j2', 'b-c2')} — target ≤ 2×",
                      f"- (b) {vs('C reference scaling 1 → 2 threads:', 'b-c1', 'b-c2')}"]
        lines += [f"- (b) {vs('runtime dispatch: kernels forced to baseline against the CPU best level, --jobs 1:', 'b-j1-basek', 'b-j1')}"]
        lines += [f"- (b) {vs('scaling 1 → 2 jobs:', 'b-j1', 'b-j2')}; the simulation without setup "
                  f"{(med(times['b-j1']) - med(times['b-setup'])) / (med(times['b-j2']) - med(times['b-setup'])):.2f}×"]
    if not args.skip_suite:
        lines += [f"- (c) {vs('quick, scaling 1 → 2 jobs:', 'c-quick-j1', 'c-quick-j2')}"]
        if not args.skip_full:
            lines += [f"- (c) {vs('full, scaling 1 → 2 jobs:', 'c-full-j1', 'c-full-j2')}"]
    if base:
        lines += ["", f"This build against {bl} (> 1: this build is faster; CPU and peak RSS ratios beside):", ""]
        pairs = [("(a) plain `check` --jobs 2", "a-base-probe-j2", "a-probe-j2"),
                 ("(a) at 20 iterations, plain `check` --jobs 2", "a20-base-probe-j2", "a20-probe-j2"),
                 ("start-up: near-empty `check`", "s-base-check", "s-check"),
                 ("(a) `--no-probe` --jobs 1", "a-base-j1", "a-j1"),
                 ("(a) `--no-probe` --jobs 2", "a-base-j2", "a-j2")]
        if not args.skip_b:
            pairs += [("(b) `--no-probe` --jobs 1", "b-base-j1", "b-j1"), ("(b) `--no-probe` --jobs 2", "b-base-j2", "b-j2")]
        for label, old, new in pairs:
            lines.append(f"- {vs(label + ':', old, new)}; peak RSS {med(rss[old]):.1f} → {med(rss[new]):.1f} MiB")
    if sanity:
        lines += ["", "Sanity check of the references (same mathematics, their own instance and random streams): "
                  "BoundCheck's final gap f(x²⁰⁰) − f* (mean over seeds ± sd over seeds) against the C "
                  "reference's mean over seeds for several instances (its instance seed varied):", ""]
        for label, (mean, sd, n), gaps in sanity:
            lines.append(f"- {label} BoundCheck {mean:.6g} ± {sd:.2g} ({n} seeds); C over {len(gaps)} instances: "
                         f"mean {statistics.mean(gaps):.6g}, sd {statistics.stdev(gaps):.2g}, "
                         f"range {min(gaps):.6g}–{max(gaps):.6g}")
    lines += [
        "",
        "Peak memory of (a) against iterations and seeds (`--no-probe`, --jobs 2, one run each):",
        "",
        "| build | iterations | seeds | wall | CPU | peak RSS |",
        "|---|---|---|---|---|---|",
    ] + [f"| {l} | {i} | {s} | {t:.2f} s | {c:.2f} s | {m:.1f} MiB |" for l, i, s, t, c, m in memory_rows] + [""]
    if not memory_rows:
        lines = lines[:-6] + [""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
