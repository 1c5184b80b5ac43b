/* Reference implementation of benchmark (b) in C, seeds in lockstep: the roofline for the data
 * families.
 *
 * Problem (Benchmarks/problems/bench-logistic.yaml, the logistic-ncvx family of docs/theory.md):
 * fᵢ(x) = (1/r) Σ_{s ∈ i} log(1 + exp(−yₛ aₛᵀx)) + λ Σⱼ xⱼ²/(1 + xⱼ²), d = 10³, n = 16 workers
 * with r = 625 rows each (10⁴ in all), λ = 0.05. Data as BoundCheck draws them: worker means
 * mᵢ = 0.5 · N(0, I/d), rows aₛ ~ N(mᵢ, I/d), a planted x_true = 2 · N(0, I) and labels
 * yₛ = ±1 with P(yₛ = 1) = σ(aₛᵀx_true); start x⁰ ~ N(0, I). Iteration k: every worker takes
 * its exact gradient ∇fᵢ(xᵏ), keeps K = 100 coordinates chosen uniformly without replacement
 * (partial Fisher–Yates) scaled by d/K (unbiased Rand-K); the server averages and applies
 * momentum v ← (1 − β) v + β g, x ← x − γ v (β = 0.1, γ = 0.05); 500 iterations, 8 seeds.
 * Like BoundCheck it computes ‖∇f(xᵏ)‖² every iteration and f(xᵏ), f(zᵏ) at the 20 checkpoints.
 *
 * Seeds in lockstep: the 8 seeds advance together, their iterates the rows of an 8 × d matrix
 * X, so each worker's rows are read once per iteration for all seeds: for each block of 125 rows
 * (1 MB, kept in L2 between the two products) Z = A_blk Xᵀ (the 8 inner products per row), the
 * logistic weights C = −y σ(−y Z)/r, and Gᵢ += Cᵀ A_blk — two matrix–matrix products, by
 * OpenBLAS (single-threaded inside; set OPENBLAS_CORETYPE=SkylakeX on AVX-512 CPUs OpenBLAS
 * 0.3.21 does not recognise, or it runs its SSE3 kernels, 1.7× slower here) or, with
 * REFERENCE_B_BLAS=0, by our own AVX-512 kernels (measured ~20% slower than OpenBLAS here). The program's own threads split the workers;
 * setup (the data, 10⁷ normals) and the checkpoint values (f over all rows) use OpenBLAS.
 * What differs from BoundCheck: the random streams (this program's xoshiro256++ streams and its
 * own instance, drawn from the same distributions), so results agree in distribution, not bit
 * for bit; the final gap's mean over seeds agrees with BoundCheck's within seed-to-seed noise.
 *
 * Build: cc -O3 -march=native -fopenmp reference-b.c -o reference-b -lopenblas -lm
 *        (Debian: apt-get install libopenblas-dev; the include path is found by pkg-config or
 *        -I/usr/include/x86_64-linux-gnu)
 * Usage: reference-b [threads] [iterations] [instance seed] (8 seeds); prints seconds, throughput and the metrics.
 */
#include <cblas.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

enum { D = 1000, N = 16, R = 625, ROWS = N * R, KRAND = 100, BLOCK = 125, CHECKPOINTS = 20, SEEDS = 8, MAXSEEDS = SEEDS };
static const double LAMBDA = 0.05, BETA = 0.1, GAMMA = 0.05, HETEROGENEITY = 0.5, TRUTH = 2.0;

/* ---------- scalar xoshiro256++ and a polar-method normal (only the instance uses normals) ---------- */
typedef struct { uint64_t s[4]; } rng1;
static uint64_t splitmix(uint64_t *x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t next1(rng1 *r) {
    uint64_t *s = r->s, result = rotl(s[0] + s[3], 23) + s[0], t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return result;
}
static void seed1(rng1 *r, uint64_t seed) { for (int i = 0; i < 4; i++) r->s[i] = splitmix(&seed); }
static inline double uniform1(rng1 *r) { return (double)(next1(r) >> 11) * 0x1.0p-53; }
static double gaussian1(rng1 *r) {
    for (;;) {
        double u = 2 * uniform1(r) - 1, v = 2 * uniform1(r) - 1, s = u * u + v * v;
        if (s > 0 && s < 1) return u * sqrt(-2 * log(s) / s);
    }
}
/* Uniform in 0..<bound, Lemire's method (unbiased). */
static inline uint64_t below(rng1 *r, uint64_t bound) {
    __uint128_t m = (__uint128_t)next1(r) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t t = -bound % bound;
        while (low < t) { m = (__uint128_t)next1(r) * bound; low = (uint64_t)m; }
    }
    return (uint64_t)(m >> 64);
}

/* ---------- the instance ---------- */
static double *A, y[ROWS], x0[D];
static int checkpoints[CHECKPOINTS + 2], ncheck;

static uint64_t instance_seed = 12;
static void build_instance(void) {
    rng1 r; seed1(&r, instance_seed);
    A = aligned_alloc(64, (size_t)ROWS * D * sizeof(double));
    double sd = 1 / sqrt((double)D), shift[D], truth[D];
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < D; j++) shift[j] = HETEROGENEITY * sd * gaussian1(&r);
        for (int s = 0; s < R; s++) for (int j = 0; j < D; j++) A[((size_t)i * R + s) * D + j] = shift[j] + sd * gaussian1(&r);
    }
    for (int j = 0; j < D; j++) truth[j] = TRUTH * gaussian1(&r);
    for (int s = 0; s < ROWS; s++) {
        double z = 0;
        for (int j = 0; j < D; j++) z += A[(size_t)s * D + j] * truth[j];
        y[s] = uniform1(&r) < 1 / (1 + exp(-z)) ? 1 : -1;
    }
    for (int j = 0; j < D; j++) x0[j] = gaussian1(&r);
}

static void make_checkpoints(int K) {
    int list[CHECKPOINTS + 2], m = 0, n = CHECKPOINTS - 1;
    list[m++] = 0; list[m++] = K;
    for (int i = 0; i < n; i++) {
        double v = round(pow((double)K + 1, (double)i / (n - 1)) - 1);
        list[m++] = v >= K ? K : (v < 0 ? 0 : (int)v);
    }
    for (int i = 1; i < m; i++) for (int j = i; j > 0 && list[j - 1] > list[j]; j--) { int t = list[j]; list[j] = list[j - 1]; list[j - 1] = t; }
    ncheck = 0;
    for (int i = 0; i < m; i++) if (ncheck == 0 || checkpoints[ncheck - 1] != list[i]) checkpoints[ncheck++] = list[i];
}


/* ---------- the two block products (S = SEEDS seeds in lockstep), our own version ----------
 * Z[s][q] = aₛ · x_q for the BLOCK rows of Ab, and G[q] += Σₛ C[s][q] aₛ, a row loaded once for
 * all seeds. OpenBLAS (the default) packs the block on every call (a quarter of its time at these
 * shapes) and is still ~20% faster on this machine; these stay for machines without it. */
static void inner_products(const double *Ab, const double *X, double *Z) {
#ifdef __AVX512F__
    /* Two rows at a time: each load of x_q serves two FMAs (16 accumulators). BLOCK is odd, so
     * the last row goes alone. */
    int s = 0;
    for (; s + 2 <= BLOCK; s += 2) {
        const double *a = Ab + (size_t)s * D, *b = a + D;
        __m512d acc[SEEDS], bcc[SEEDS];
        for (int q = 0; q < SEEDS; q++) acc[q] = bcc[q] = _mm512_setzero_pd();
        for (int j = 0; j < D; j += 8) {
            __m512d v = _mm512_loadu_pd(a + j), w = _mm512_loadu_pd(b + j);
            for (int q = 0; q < SEEDS; q++) {
                __m512d xq = _mm512_loadu_pd(X + q * D + j);
                acc[q] = _mm512_fmadd_pd(v, xq, acc[q]);
                bcc[q] = _mm512_fmadd_pd(w, xq, bcc[q]);
            }
        }
        for (int q = 0; q < SEEDS; q++) { Z[s * SEEDS + q] = _mm512_reduce_add_pd(acc[q]); Z[(s + 1) * SEEDS + q] = _mm512_reduce_add_pd(bcc[q]); }
    }
    for (; s < BLOCK; s++) {
        const double *a = Ab + (size_t)s * D;
        __m512d acc[SEEDS];
        for (int q = 0; q < SEEDS; q++) acc[q] = _mm512_setzero_pd();
        for (int j = 0; j < D; j += 8) {
            __m512d v = _mm512_loadu_pd(a + j);
            for (int q = 0; q < SEEDS; q++) acc[q] = _mm512_fmadd_pd(v, _mm512_loadu_pd(X + q * D + j), acc[q]);
        }
        for (int q = 0; q < SEEDS; q++) Z[s * SEEDS + q] = _mm512_reduce_add_pd(acc[q]);
    }
#else
    for (int s = 0; s < BLOCK; s++)
        for (int q = 0; q < SEEDS; q++) {
            double acc = 0;
            #pragma omp simd reduction(+:acc)
            for (int j = 0; j < D; j++) acc += Ab[(size_t)s * D + j] * X[q * D + j];
            Z[s * SEEDS + q] = acc;
        }
#endif
}

static void add_weighted_rows(const double *Ab, const double *C, double *G) {
#ifdef __AVX512F__
    /* 16 columns (two vectors) at a time for all seeds: 16 accumulators, each broadcast weight
     * serves two FMAs. D is a multiple of 8 but not 16, so a last 8-column chunk may remain. */
    int j = 0;
    for (; j + 16 <= D; j += 16) {
        __m512d g[SEEDS], h[SEEDS];
        for (int q = 0; q < SEEDS; q++) { g[q] = _mm512_loadu_pd(G + q * D + j); h[q] = _mm512_loadu_pd(G + q * D + j + 8); }
        for (int s = 0; s < BLOCK; s++) {
            __m512d v = _mm512_loadu_pd(Ab + (size_t)s * D + j), w = _mm512_loadu_pd(Ab + (size_t)s * D + j + 8);
            for (int q = 0; q < SEEDS; q++) {
                __m512d c = _mm512_set1_pd(C[s * SEEDS + q]);
                g[q] = _mm512_fmadd_pd(c, v, g[q]);
                h[q] = _mm512_fmadd_pd(c, w, h[q]);
            }
        }
        for (int q = 0; q < SEEDS; q++) { _mm512_storeu_pd(G + q * D + j, g[q]); _mm512_storeu_pd(G + q * D + j + 8, h[q]); }
    }
    for (; j < D; j += 8) {
        __m512d g[SEEDS];
        for (int q = 0; q < SEEDS; q++) g[q] = _mm512_loadu_pd(G + q * D + j);
        for (int s = 0; s < BLOCK; s++) {
            __m512d v = _mm512_loadu_pd(Ab + (size_t)s * D + j);
            for (int q = 0; q < SEEDS; q++) g[q] = _mm512_fmadd_pd(_mm512_set1_pd(C[s * SEEDS + q]), v, g[q]);
        }
        for (int q = 0; q < SEEDS; q++) _mm512_storeu_pd(G + q * D + j, g[q]);
    }
#else
    for (int s = 0; s < BLOCK; s++)
        for (int q = 0; q < SEEDS; q++) {
            const double c = C[s * SEEDS + q];
            #pragma omp simd
            for (int j = 0; j < D; j++) G[q * D + j] += c * Ab[(size_t)s * D + j];
        }
#endif
}

static inline double softplus(double z) { return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)); }

/* f at the S points W (S × d, row-major): one pass over all rows, Z = A Wᵀ. */
static void values(int S, const double *W, double *out, double *Z) {
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, ROWS, S, D, 1, A, D, W, D, 0, Z, S);
    for (int q = 0; q < S; q++) {
        double loss = 0, reg = 0;
        for (int s = 0; s < ROWS; s++) loss += softplus(-y[s] * Z[(size_t)s * S + q]);
        for (int j = 0; j < D; j++) { double t = W[q * D + j]; reg += t * t / (1 + t * t); }
        out[q] = loss / ROWS + LAMBDA * reg;
    }
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    int K = argc > 2 ? atoi(argv[2]) : 500;
    if (argc > 3) instance_seed = strtoull(argv[3], 0, 10);
    const int S = SEEDS;   /* fixed at compile time: the kernels unroll over the seeds */
    const int use_blas = !(getenv("REFERENCE_B_BLAS") && atoi(getenv("REFERENCE_B_BLAS")) == 0);
    omp_set_num_threads(threads);
    openblas_set_num_threads(1);
    double start = omp_get_wtime();
    build_instance();
    double setup = omp_get_wtime() - start;
    make_checkpoints(K);
    const size_t SD = (size_t)S * D;
    double *X = malloc(SD * sizeof(double)), *V = calloc(SD, sizeof(double)), *W = malloc(SD * sizeof(double));
    double *reg = malloc(SD * sizeof(double)), *gsum = malloc(SD * sizeof(double)), *step = malloc(SD * sizeof(double));
    double *Zall = malloc((size_t)ROWS * S * sizeof(double));
    for (int q = 0; q < S; q++) memcpy(X + q * D, x0, sizeof x0);
    /* One Rand-K stream and permutation per (seed, worker). */
    rng1 *streams = malloc((size_t)S * N * sizeof(rng1));
    int *perm = malloc((size_t)S * N * D * sizeof(int));
    for (int q = 0; q < S; q++) for (int i = 0; i < N; i++) {
        seed1(&streams[q * N + i], 0x5eed0000ull * (q + 1) + 977 * (uint64_t)i + 12);
        for (int j = 0; j < D; j++) perm[((size_t)q * N + i) * D + j] = j;
    }
    double gap[MAXSEEDS], vgap[MAXSEEDS], grad2[MAXSEEDS], avg[MAXSEEDS], mn[MAXSEEDS];
    for (int q = 0; q < S; q++) { avg[q] = 0; mn[q] = INFINITY; }
    const double q_virtual = GAMMA * (1 - BETA) / BETA, scale = (double)D / KRAND;
    int c = 0;
    for (int k = 0; k <= K; k++) {
        for (size_t e = 0; e < SD; e++) { double t = X[e], p = 1 + t * t; reg[e] = LAMBDA * 2 * t / (p * p); }
        memset(gsum, 0, SD * sizeof(double));
        memset(step, 0, SD * sizeof(double));
        #pragma omp parallel
        {
            double *G = malloc(SD * sizeof(double)), *lg = calloc(SD, sizeof(double)), *ls = calloc(SD, sizeof(double));
            double Z[BLOCK * MAXSEEDS];
            #pragma omp for schedule(static)
            for (int i = 0; i < N; i++) {
                memcpy(G, reg, SD * sizeof(double));
                for (int b = 0; b < R; b += BLOCK) {
                    const double *Ab = A + ((size_t)i * R + b) * D;
                    const double *yb = y + i * R + b;
                    if (use_blas) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, BLOCK, S, D, 1, Ab, D, X, D, 0, Z, S);
                    else inner_products(Ab, X, Z);
                    for (int s = 0; s < BLOCK; s++)
                        for (int q = 0; q < S; q++) Z[s * S + q] = -yb[s] / (1 + exp(yb[s] * Z[s * S + q])) / R;
                    if (use_blas) cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, S, D, BLOCK, 1, Z, S, Ab, D, 1, G, D);
                    else add_weighted_rows(Ab, Z, G);
                }
                for (size_t e = 0; e < SD; e++) lg[e] += G[e];
                if (k < K)
                    for (int q = 0; q < S; q++) {
                        rng1 *r = &streams[q * N + i];
                        int *p = perm + ((size_t)q * N + i) * D;
                        for (int m = 0; m < KRAND; m++) {
                            int j = m + (int)below(r, D - m), t = p[m]; p[m] = p[j]; p[j] = t;
                            ls[q * D + p[m]] += scale * G[q * D + p[m]];
                        }
                    }
            }
            #pragma omp critical
            for (size_t e = 0; e < SD; e++) { gsum[e] += lg[e]; step[e] += ls[e]; }
            free(G); free(lg); free(ls);
        }
        for (int q = 0; q < S; q++) {
            double g2 = 0;
            for (int j = 0; j < D; j++) { double g = gsum[q * D + j] / N; g2 += g * g; }
            grad2[q] = g2;
        }
        if (c < ncheck && checkpoints[c] == k) {
            values(S, X, gap, Zall);
            for (size_t e = 0; e < SD; e++) W[e] = X[e] - q_virtual * V[e];
            values(S, W, vgap, Zall);
            c++;
        }
        if (k == K) break;
        for (int q = 0; q < S; q++) {
            avg[q] += (grad2[q] - avg[q]) / (k + 1);
            if (grad2[q] < mn[q]) mn[q] = grad2[q];
        }
        for (size_t e = 0; e < SD; e++) { V[e] = (1 - BETA) * V[e] + BETA / N * step[e]; X[e] -= GAMMA * V[e]; }
    }
    double seconds = omp_get_wtime() - start;
    double mg = 0, mv = 0, m2 = 0, ma = 0, mm = 0;
    for (int q = 0; q < S; q++) { mg += gap[q] / S; mv += vgap[q] / S; m2 += grad2[q] / S; ma += avg[q] / S; mm += mn[q] / S; }
    printf("seconds %.4f\nsetup_seconds %.4f\nthreads %d\nupdates_per_second %.6g\n", seconds, setup, threads,
           (double)D * N * K * S / seconds);
    printf("final_gap_mean %.6g\nfinal_virtual_gap_mean %.6g\nfinal_grad2_mean %.6g\navg_grad2_mean %.6g\nmin_grad2_mean %.6g\n",
           mg, mv, m2, ma, mm);
    for (int q = 0; q < S; q++) printf("seed %d final_gap %.6g\n", q, gap[q]);
    return 0;
}
