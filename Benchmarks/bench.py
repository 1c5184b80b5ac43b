#!/usr/bin/env python3
"""Runs the benchmarks of Benchmarks/README.md and writes Benchmarks/results.md.

Every measurement is a whole process (start to exit, as a user sees it), timed with a
monotonic clock; peak memory is the child's getrusage max RSS (os.wait4). Runs of the things
compared with each other (NumPy vs BoundCheck, --jobs 1 vs 2, baseline vs current) are
interleaved round by round, so that load from elsewhere hits all of them alike; the tables give
medians over the rounds.

Usage: bench.py BOUNDCHECK [--rounds R] [--baseline OTHER_BOUNDCHECK] [--skip-full] [--out FILE]
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


def measure_rss(cmd, cwd=None):
    """(wall seconds, peak RSS in MiB, CPU seconds) of one process, RSS and CPU the child's own (wait4)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
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


def boundcheck(binary, paths, jobs, out, extra=(), cache_flag=True):
    """A check run without the resume cache (the baseline build predates it: cache_flag=False)."""
    return [binary, "check", *paths, "--jobs", str(jobs), "--out", out, *(["--no-cache"] if cache_flag else []),
            "--format", "json", *extra]


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--rounds-b", type=int, default=3, help="rounds of the slow benchmark (b)")
    ap.add_argument("--baseline", help="another boundcheck build to compare with (e.g. main's)")
    ap.add_argument("--skip-full", action="store_true", help="skip the full curated suite")
    ap.add_argument("--out", default=os.path.join(HERE, "results.md"))
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    scratch = tempfile.mkdtemp(prefix="boundcheck-bench-")
    out = os.path.join(scratch, "out")
    quad = os.path.join(PROBLEMS, "bench-quadratic.yaml")
    logi = os.path.join(PROBLEMS, "bench-logistic.yaml")
    suite = os.path.join(ROOT, "Problems")
    work_a = 10_000 * 16 * 200 * 4
    work_b = 1_000 * 16 * 500 * 8
    load_before = os.getloadavg()

    # Each round runs every variant of its group once, in the same order.
    fast = {
        "a-numpy": lambda: measure_rss([sys.executable, os.path.join(HERE, "reference.py")]),
        "a-j1": lambda: measure_rss(boundcheck(binary, [quad], 1, out, ["--no-probe"])),
        "a-j2": lambda: measure_rss(boundcheck(binary, [quad], 2, out, ["--no-probe"])),
        "a-probe-j2": lambda: measure_rss(boundcheck(binary, [quad], 2, out)),
        "c-quick-j1": lambda: measure_rss(boundcheck(binary, [suite], 1, out, ["--quick"])),
        "c-quick-j2": lambda: measure_rss(boundcheck(binary, [suite], 2, out, ["--quick"])),
    }
    if not args.skip_full:
        fast["c-full-j1"] = lambda: measure_rss(boundcheck(binary, [suite], 1, out))
        fast["c-full-j2"] = lambda: measure_rss(boundcheck(binary, [suite], 2, out))
    slow = {
        "b-setup": lambda: measure_rss([binary, "bounds", logi]),
        "b-j1": lambda: measure_rss(boundcheck(binary, [logi], 1, out, ["--no-probe"])),
        "b-j2": lambda: measure_rss(boundcheck(binary, [logi], 2, out, ["--no-probe"])),
    }
    once = {}
    if args.baseline:
        base = os.path.abspath(args.baseline)
        fast["a-base-j1"] = lambda: measure_rss(boundcheck(base, [quad], 1, out, cache_flag=False))
        fast["a-base-j2"] = lambda: measure_rss(boundcheck(base, [quad], 2, out, cache_flag=False))
        once["b-base-setup"] = lambda: measure_rss([base, "bounds", logi])
        once["b-base-j2"] = lambda: measure_rss(boundcheck(base, [logi], 2, out, cache_flag=False))
    times, rss, cpu = {}, {}, {}
    for group, rounds in [(fast, args.rounds), (slow, args.rounds_b), (once, 1)]:
        for r in range(rounds):
            for k, run in group.items():
                s, m, c = run()
                times.setdefault(k, []).append(s)
                rss.setdefault(k, []).append(m)
                cpu.setdefault(k, []).append(c)
                print(f"round {r + 1}/{rounds}  {k:12s} {s:8.2f} s  cpu {c:8.2f} s  {m:7.1f} MiB", flush=True)
    # Work of the suite, from its reports.
    suite_work = {}
    for profile, extra in [("quick", ["--quick"]), ("full", [])]:
        if profile == "full" and args.skip_full:
            continue
        folder = os.path.join(scratch, f"suite-{profile}")
        measure_rss(boundcheck(binary, [suite], 2, folder, extra))
        suite_work[profile] = work_of_reports(folder)

    # Memory against iterations and seeds: (a) at 200/2000 iterations and 4/16 seeds.
    memory_rows = []
    with open(quad) as f:
        text = f.read()
    for iterations, seeds in [(200, 4), (2000, 4), (200, 16)]:
        variant = text.replace("run: {iterations: 200, seeds: 4, checkpoints: 20}",
                               f"run: {{iterations: {iterations}, seeds: {seeds}, checkpoints: 20}}")
        path = os.path.join(scratch, f"bench-quadratic-{iterations}-{seeds}.yaml")
        with open(path, "w") as f:
            f.write(variant.replace("name: bench-quadratic", f"name: bench-quadratic-{iterations}-{seeds}"))
        s, m, _ = measure_rss(boundcheck(binary, [path], 2, out, ["--allow-large", "--no-probe"]))
        memory_rows.append((iterations, seeds, s, m))
    load_after = os.getloadavg()

    def row(label, key, work):
        t = med(times[key])
        rate = f"{work / t / 1e6:.1f} M/s" if work else "–"
        return (f"| {label} | {t:.2f} s | {rate} | {med(cpu[key]):.2f} s | {med(rss[key]):.0f} MiB | "
                f"{min(times[key]):.2f} – {max(times[key]):.2f} s ({len(times[key])}) |")

    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Load average before/after: "
        f"{load_before[0]:.2f} / {load_after[0]:.2f} (other work was running on this shared machine).",
        f"Binary: `{os.path.relpath(binary, ROOT)}`; interleaved rounds; medians (range and number of runs in the last column).",
        "Throughput = coordinate-updates per second = d × workers × iterations × seeds (× methods) / wall time "
        "of the whole process (start to exit, including instance construction, bounds and reports). "
        "(a) and (b) run with `--no-probe` (the simulation, as the NumPy reference does it; the assumption "
        "probe's extra oracle draws are timed in their own row); (c) runs plain `check`, probe included. "
        "CPU = user + system time of the process (all threads).",
        "",
        "| run | wall (median) | throughput | CPU | peak RSS | range (runs) |",
        "|---|---|---|---|---|---|",
        row("(a) NumPy reference (one core, as NumPy runs it)", "a-numpy", work_a),
        row("(a) quadratic d=10⁴, --jobs 1", "a-j1", work_a),
        row("(a) quadratic d=10⁴, --jobs 2", "a-j2", work_a),
        row("(a) the same with the assumption probe (a plain `check`), --jobs 2", "a-probe-j2", work_a),
        row("(b) logistic-ncvx setup only (`boundcheck bounds`)", "b-setup", 0),
        row("(b) logistic-ncvx d=10³, --jobs 1", "b-j1", work_b),
        row("(b) logistic-ncvx d=10³, --jobs 2", "b-j2", work_b),
        row("(c) Problems/ --quick, --jobs 1", "c-quick-j1", suite_work["quick"]),
        row("(c) Problems/ --quick, --jobs 2", "c-quick-j2", suite_work["quick"]),
    ]
    if not args.skip_full:
        lines += [row("(c) Problems/ full, --jobs 1", "c-full-j1", suite_work["full"]),
                  row("(c) Problems/ full, --jobs 2", "c-full-j2", suite_work["full"])]
    if args.baseline:
        lines += [row("(a) baseline build, --jobs 1", "a-base-j1", work_a),
                  row("(a) baseline build, --jobs 2", "a-base-j2", work_a),
                  row("(b) baseline build, setup only", "b-base-setup", 0),
                  row("(b) baseline build, --jobs 2", "b-base-j2", work_b)]
    ratio = lambda a, b: med(times[a]) / med(times[b])
    paired = lambda a, b: med([x / y for x, y in zip(times[a], times[b])])
    lines += [
        "",
        "Ratios (medians of the same rounds):",
        "",
        f"- (a) BoundCheck --jobs 2 vs NumPy: **{ratio('a-numpy', 'a-j2'):.1f}×** faster (ratio of medians); "
        f"median of the per-round ratios {paired('a-numpy', 'a-j2'):.1f}× "
        f"(rounds: {', '.join(f'{x / y:.1f}' for x, y in zip(times['a-numpy'], times['a-j2']))}); "
        f"--jobs 1 vs NumPy: {ratio('a-numpy', 'a-j1'):.1f}× (per-round median {paired('a-numpy', 'a-j1'):.1f}×)",
        f"- scaling 1 → 2 jobs: (a) {ratio('a-j1', 'a-j2'):.2f}×, (b) {ratio('b-j1', 'b-j2'):.2f}×, "
        f"(c) quick {ratio('c-quick-j1', 'c-quick-j2'):.2f}×"
        + ("" if args.skip_full else f", full {ratio('c-full-j1', 'c-full-j2'):.2f}×"),
    ]
    lines += [
        f"- per core (CPU time) against NumPy: (a) {med(cpu['a-numpy']) / med(cpu['a-j1']):.1f}×; "
        f"simulation of (b) without setup, --jobs 1 vs 2: {(med(times['b-j1']) - med(times['b-setup'])) / (med(times['b-j2']) - med(times['b-setup'])):.2f}×",
    ]
    if args.baseline:
        lines += [f"- against the baseline build: (a) --jobs 1 {ratio('a-base-j1', 'a-j1'):.1f}×, "
                  f"--jobs 2 {ratio('a-base-j2', 'a-j2'):.1f}×; (b) setup {ratio('b-base-setup', 'b-setup'):.1f}×, "
                  f"whole run --jobs 2 {ratio('b-base-j2', 'b-j2'):.1f}×"]
    lines += [
        "",
        "Peak memory of (a) against iterations and seeds (--jobs 2, one run each):",
        "",
        "| iterations | seeds | time | peak RSS |",
        "|---|---|---|---|",
    ] + [f"| {i} | {s} | {t:.2f} s | {m:.0f} MiB |" for i, s, t, m in memory_rows] + [""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
