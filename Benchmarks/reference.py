#!/usr/bin/env python3
"""NumPy reference for benchmark (a): the same algorithm as BoundCheck's SGDM run of
Benchmarks/problems/bench-quadratic.yaml, written the straightforward NumPy way.

fᵢ(x) = ½ (x − cᵢ)ᵀ A (x − cᵢ) with A diagonal (eigenvalues 0.5 … 10 linearly spaced).
Iteration k: every worker i takes its exact gradient ∇fᵢ(xᵏ) = A(xᵏ − c̄) − A(cᵢ − c̄), adds
Gaussian noise ξ ~ N(0, (σ²/d) I), keeps its Top-K entries (by magnitude); the server averages
the n sparse vectors and applies momentum v ← (1 − β) v + β g, x ← x − γ v. Like BoundCheck it
also computes ‖∇f(xᵏ)‖² every iteration (for avg-grad / min-grad) and f(xᵏ), f(zᵏ) at the
checkpoints. Vectorized over workers (an (n, d) array per step), which is the fast way to write
it in NumPy; the random generator is NumPy's default (PCG64 with ziggurat normals).

Usage: reference.py [--iterations K] [--seeds S]; prints coordinate-updates/s and seconds.
"""
import argparse
import time

import numpy as np

D, N, K_TOP, VARIANCE, BETA, GAMMA = 10_000, 16, 100, 1.0, 0.1, 0.05
CHECKPOINTS = 20


def checkpoint_iterations(iterations, count):
    ks = np.unique(np.round(np.geomspace(1, iterations, count - 1)).astype(int))
    return set([0] + ks.tolist())


def run(iterations, seeds):
    rng0 = np.random.default_rng(11)
    a = np.linspace(0.5, 10, D)
    centres = rng0.standard_normal((N, D)) / np.sqrt(D)
    cbar = centres.mean(axis=0)
    shifts = (centres - cbar) * a            # A(cᵢ − c̄), one row per worker
    x0 = rng0.standard_normal(D)
    checkpoints = checkpoint_iterations(iterations, CHECKPOINTS)
    sd = np.sqrt(VARIANCE / D)
    q = GAMMA * (1 - BETA) / BETA
    rows = np.arange(N)[:, None]
    results = []
    for seed in range(seeds):
        rng = np.random.default_rng([11, seed])
        x = x0.copy()
        v = np.zeros(D)
        sum_grad2, min_grad2, gaps = 0.0, np.inf, []
        for k in range(iterations + 1):
            mean_grad = a * (x - cbar)                          # ∇f(x)
            grad2 = float(mean_grad @ mean_grad)
            if k in checkpoints:
                y = x - cbar
                z = x - q * v - cbar
                gaps.append((0.5 * y @ (a * y), 0.5 * z @ (a * z)))
            if k == iterations:
                break
            g = mean_grad[None, :] - shifts                      # ∇fᵢ(x), (n, d)
            g += sd * rng.standard_normal((N, D))                # Gaussian noise
            idx = np.argpartition(np.abs(g), D - K_TOP, axis=1)[:, D - K_TOP:]
            sparse = np.zeros_like(g)
            sparse[rows, idx] = g[rows, idx]                     # Top-K per worker
            step = sparse.mean(axis=0)                           # server average
            sum_grad2 += grad2
            min_grad2 = min(min_grad2, grad2)
            v = (1 - BETA) * v + BETA * step                     # server momentum
            x = x - GAMMA * v
        results.append((gaps[-1][0], sum_grad2 / iterations, min_grad2))
    return results


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iterations", type=int, default=200)
    p.add_argument("--seeds", type=int, default=4)
    args = p.parse_args()
    start = time.perf_counter()
    results = run(args.iterations, args.seeds)
    seconds = time.perf_counter() - start
    work = D * N * args.iterations * args.seeds
    print(f"seconds {seconds:.4f}")
    print(f"updates_per_second {work / seconds:.6g}")
    print(f"final_gap_seed0 {results[0][0]:.6g}")


if __name__ == "__main__":
    main()
