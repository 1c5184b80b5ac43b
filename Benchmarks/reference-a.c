/* Reference implementation of benchmark (a) in C: the roofline BoundCheck is measured against.
 *
 * Problem (Benchmarks/problems/bench-quadratic.yaml, the quadratic family of docs/theory.md):
 * fᵢ(x) = ½ (x − cᵢ)ᵀ A (x − cᵢ), A = diag(a), a linearly spaced 0.5 … 10, d = 10⁴, n = 16
 * workers, centres cᵢ ~ N(0, I/d) (heterogeneity 1), start x⁰ ~ N(0, I). Iteration k: every
 * worker takes ∇fᵢ(xᵏ) = a ⊙ (xᵏ − c̄) − a ⊙ (cᵢ − c̄), adds N(0, σ²/d · I) noise (σ² = 1), keeps
 * its K = 100 entries of largest magnitude (Top-K); the server averages and applies momentum
 * v ← (1 − β) v + β g, x ← x − γ v (β = 0.1, γ = 0.05), 200 iterations, 4 seeds. Like
 * BoundCheck it computes ‖∇f(xᵏ)‖² every iteration (for avg-grad / min-grad) and f(xᵏ), f(zᵏ)
 * (zᵏ = xᵏ − γ(1 − β)/β · vᵏ⁻¹) at BoundCheck's 20 checkpoints.
 *
 * The same mathematics as BoundCheck's run, computed the fastest way we know:
 *  - one 8-lane xoshiro256++ generator per (seed, worker) (8 independent streams interleaved in
 *    one AVX-512 register), normals by a 256-layer ziggurat (Marsaglia–Tsang tables, as
 *    BoundCheck's) evaluated 8 lanes at a time with gathers; the rare draws that miss the fast
 *    path (~1%) take the exact scalar slow path;
 *  - Top-K fused into the noise pass: the pass that forms gᵢ = ∇fᵢ + noise also compresses the
 *    indices of entries at or above a candidate threshold (a little below the worker's exact
 *    K-th magnitude of the previous iteration, the margin adapted to keep 1.5K–4K candidates)
 *    into a short list; the exact K-th largest magnitude is
 *    selected among those, and only the K kept entries are added to the server's sum. When the
 *    list holds fewer than K (the first iteration, or a jump), the exact threshold is selected
 *    over all d entries instead, so the result is always the exact Top-K;
 *  - OpenMP over seeds (each seed's run is independent).
 * What differs from BoundCheck: the random streams (BoundCheck runs one xoshiro256** stream per
 * (seed, worker), this one 8 xoshiro256++ lanes per (seed, worker), seeded differently), and the
 * instance (centres and start point are drawn from this program's own streams). So results agree
 * in distribution, not bit for bit: the final gap's mean over seeds agrees with BoundCheck's
 * within seed-to-seed noise (d = 10⁴ makes that noise small).
 *
 * Build: cc -O3 -march=native -fopenmp reference-a.c -o reference-a -lm
 * Usage: reference-a [threads] [iterations] [seeds] [instance seed]; prints seconds, throughput and the metrics.
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

enum { D = 10000, N = 16, KTOP = 100, CHECKPOINTS = 20 };
static const double VARIANCE = 1.0, BETA = 0.1, GAMMA = 0.05, HETEROGENEITY = 1.0, START_SCALE = 1.0;

/* ---------- ziggurat tables (the same construction as BoundCheck's GaussianZiggurat) ---------- */
static double ZX[257], ZF[257];
static const double ZR = 3.6541528853610088, ZV = 0.00492867323399;

static void ziggurat_tables(void) {
    ZX[0] = ZV / exp(-0.5 * ZR * ZR);
    ZX[1] = ZR;
    for (int i = 1; i < 255; i++) ZX[i + 1] = sqrt(-2 * log(ZV / ZX[i] + exp(-0.5 * ZX[i] * ZX[i])));
    ZX[256] = 0;
    for (int i = 0; i < 257; i++) ZF[i] = exp(-0.5 * ZX[i] * ZX[i]);
}

/* ---------- scalar xoshiro256++ (seeding, the instance, the ziggurat's slow path) ---------- */
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

/* The ziggurat's rare cases for a draw (layer, u, x) that missed the fast path: the tail beyond
 * r or the wedge; on rejection a fresh normal (any independent draw is correct). */
static double gaussian1(rng1 *r);
static double slow_path(rng1 *r, int layer, double u, double x) {
    for (;;) {
        if (layer == 0) {
            for (;;) {
                double a = log((double)(next1(r) >> 11) * 0x1.0p-53 + 0x1.0p-54) / ZR;
                double b = log((double)(next1(r) >> 11) * 0x1.0p-53 + 0x1.0p-54);
                if (-2 * b >= a * a) return u < 0 ? a - ZR : ZR - a;
            }
        }
        double y = ZF[layer + 1] + (ZF[layer] - ZF[layer + 1]) * uniform1(r);
        if (y < exp(-0.5 * x * x)) return x;
        uint64_t bits = next1(r);
        layer = (int)(bits & 0xFF);
        u = 2 * (double)(bits >> 11) * 0x1.0p-53 - 1;
        x = u * ZX[layer];
        if (fabs(x) < ZX[layer + 1]) return x;
    }
}
static double gaussian1(rng1 *r) {
    uint64_t bits = next1(r);
    int layer = (int)(bits & 0xFF);
    double u = 2 * (double)(bits >> 11) * 0x1.0p-53 - 1;
    double x = u * ZX[layer];
    return fabs(x) < ZX[layer + 1] ? x : slow_path(r, layer, u, x);
}

/* ---------- 8-lane xoshiro256++ and the vectorized ziggurat ---------- */
typedef struct { uint64_t s[4][8]; rng1 slow; } rng8;

static void seed8(rng8 *r, uint64_t key) {
    uint64_t sm = key;
    for (int lane = 0; lane < 8; lane++)
        for (int i = 0; i < 4; i++) r->s[i][lane] = splitmix(&sm);
    seed1(&r->slow, splitmix(&sm));
}

#ifdef __AVX512F__
/* out[0..7] ← 8 standard normals; the state stays in registers across calls via the struct
 * (the compiler keeps it there inside the inlined loop). */
typedef struct { __m512i s0, s1, s2, s3; } lanes;
static inline lanes load_lanes(const rng8 *r) {
    lanes l = {_mm512_loadu_si512(r->s[0]), _mm512_loadu_si512(r->s[1]), _mm512_loadu_si512(r->s[2]),
               _mm512_loadu_si512(r->s[3])};
    return l;
}
static inline void store_lanes(rng8 *r, lanes l) {
    _mm512_storeu_si512(r->s[0], l.s0); _mm512_storeu_si512(r->s[1], l.s1);
    _mm512_storeu_si512(r->s[2], l.s2); _mm512_storeu_si512(r->s[3], l.s3);
}
static inline __m512d normal8(lanes *l, rng1 *slow) {
    __m512i bits = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(l->s0, l->s3), 23), l->s0);
    __m512i t = _mm512_slli_epi64(l->s1, 17);
    l->s2 = _mm512_xor_si512(l->s2, l->s0); l->s3 = _mm512_xor_si512(l->s3, l->s1);
    l->s1 = _mm512_xor_si512(l->s1, l->s2); l->s0 = _mm512_xor_si512(l->s0, l->s3);
    l->s2 = _mm512_xor_si512(l->s2, t); l->s3 = _mm512_rol_epi64(l->s3, 45);
    __m512i layer = _mm512_and_si512(bits, _mm512_set1_epi64(0xFF));
    /* u ∈ [−1, 1) from the top 52 bits: 2·[1, 2) − 3 */
    __m512d one_two = _mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64(bits, 12), _mm512_set1_epi64(0x3FF0000000000000ll)));
    __m512d u = _mm512_fmsub_pd(_mm512_set1_pd(2), one_two, _mm512_set1_pd(3));
    __m512d x = _mm512_mul_pd(u, _mm512_i64gather_pd(layer, ZX, 8));
    __m512d edge = _mm512_i64gather_pd(layer, ZX + 1, 8);
    __mmask8 ok = _mm512_cmp_pd_mask(_mm512_abs_pd(x), edge, _CMP_LT_OQ);
    if (__builtin_expect(ok != 0xFF, 0)) {
        double xs[8], us[8]; int64_t ls[8];
        _mm512_storeu_pd(xs, x); _mm512_storeu_pd(us, u); _mm512_storeu_si512(ls, layer);
        for (int j = 0; j < 8; j++)
            if (!(ok >> j & 1)) xs[j] = slow_path(slow, (int)ls[j], us[j], xs[j]);
        x = _mm512_loadu_pd(xs);
    }
    return x;
}
#endif

/* ---------- selection ---------- */
/* The element of ascending rank `rank` of a[0..count), reordering a (quickselect, 3-way). */
static double select_rank(double *a, int count, int rank) {
    int lo = 0, hi = count - 1;
    while (lo < hi) {
        double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
        double pivot = fmax(fmin(x, y), fmin(fmax(x, y), z));
        int lt = lo, i = lo, gt = hi;
        while (i <= gt) {
            double v = a[i];
            if (v < pivot) { a[i] = a[lt]; a[lt++] = v; i++; }
            else if (v > pivot) { a[i] = a[gt]; a[gt--] = v; }
            else i++;
        }
        if (rank < lt) hi = lt - 1; else if (rank > gt) lo = gt + 1; else return pivot;
    }
    return a[lo];
}

/* ---------- the instance ---------- */
static double a_diag[D], cbar[D], shifts[N][D], x0[D], fstar;
static int checkpoints[CHECKPOINTS + 2], ncheck;

static uint64_t instance_seed = 11;
static void build_instance(void) {
    rng1 r; seed1(&r, instance_seed);
    for (int j = 0; j < D; j++) a_diag[j] = 0.5 + (10 - 0.5) * j / (double)(D - 1);
    static double c[N][D];
    double sd = HETEROGENEITY / sqrt((double)D);
    for (int i = 0; i < N; i++) for (int j = 0; j < D; j++) c[i][j] = sd * gaussian1(&r);
    for (int j = 0; j < D; j++) { double s = 0; for (int i = 0; i < N; i++) s += c[i][j]; cbar[j] = s / N; }
    double fs = 0;
    for (int i = 0; i < N; i++) for (int j = 0; j < D; j++) {
        double delta = c[i][j] - cbar[j];
        shifts[i][j] = a_diag[j] * delta;
        fs += 0.5 * delta * shifts[i][j];
    }
    fstar = fs / N;
    for (int j = 0; j < D; j++) x0[j] = START_SCALE * gaussian1(&r);
}

/* BoundCheck's checkpoint iterations: (K + 1)^(i/(n−1)) − 1 rounded, with 0 and K. */
static void make_checkpoints(int K) {
    int list[CHECKPOINTS + 2], m = 0;
    list[m++] = 0; list[m++] = K;
    int n = CHECKPOINTS - 1;
    for (int i = 0; i < n; i++) {
        double t = (double)i / (n - 1 > 0 ? n - 1 : 1);
        double v = round(pow((double)K + 1, t) - 1);
        list[m++] = v >= K ? K : (v < 0 ? 0 : (int)v);
    }
    /* sort and deduplicate */
    for (int i = 1; i < m; i++) for (int j = i; j > 0 && list[j - 1] > list[j]; j--) { int t = list[j]; list[j] = list[j - 1]; list[j - 1] = t; }
    ncheck = 0;
    for (int i = 0; i < m; i++) if (ncheck == 0 || checkpoints[ncheck - 1] != list[i]) checkpoints[ncheck++] = list[i];
}

static double value_at(const double *x) {
    double s = 0;
    for (int j = 0; j < D; j++) { double y = x[j] - cbar[j]; s += y * (a_diag[j] * y); }
    return 0.5 * s + fstar;
}

typedef struct { double gap, virtual_gap, grad2, avg_grad2, min_grad2; long fallbacks, candidates; } outcome;

/* One seed's run. */
static outcome run_seed(int seed, int K) {
    double *x = aligned_alloc(64, D * sizeof(double)), *v = aligned_alloc(64, D * sizeof(double));
    double *mg = aligned_alloc(64, D * sizeof(double)), *step = aligned_alloc(64, D * sizeof(double));
    double *g = aligned_alloc(64, D * sizeof(double)), *mags = aligned_alloc(64, D * sizeof(double));
    int64_t *cand = aligned_alloc(64, (D + 8) * sizeof(int64_t));
    rng8 *rng = aligned_alloc(64, N * sizeof(rng8));
    double threshold[N], margin[N];
    for (int i = 0; i < N; i++) { seed8(&rng[i], 0x5eed0000ull * (seed + 1) + 977 * (uint64_t)i + 11); threshold[i] = 0; margin[i] = 0.1; }
    memcpy(x, x0, sizeof x0);
    memset(v, 0, D * sizeof(double));
    const double sd = sqrt(VARIANCE / D), q = GAMMA * (1 - BETA) / BETA;
    outcome out = {0}; out.min_grad2 = INFINITY;
    double sum_grad2 = 0;
    int c = 0;
    for (int k = 0; k <= K; k++) {
        double grad2 = 0;
        #pragma omp simd reduction(+:grad2)
        for (int j = 0; j < D; j++) { double y = a_diag[j] * (x[j] - cbar[j]); mg[j] = y; grad2 += y * y; }
        if (c < ncheck && checkpoints[c] == k) {
            out.gap = value_at(x) - fstar;
            for (int j = 0; j < D; j++) g[j] = x[j] - q * v[j];
            out.virtual_gap = value_at(g) - fstar;
            out.grad2 = grad2;
            c++;
        }
        if (k == K) break;
        memset(step, 0, D * sizeof(double));
        for (int i = 0; i < N; i++) {
            const double *s = shifts[i];
            double t = (1 - margin[i]) * threshold[i];
            int count = 0;
#ifdef __AVX512F__
            lanes l = load_lanes(&rng[i]);
            __m512d vsd = _mm512_set1_pd(sd), vt = _mm512_set1_pd(t);
            __m512i iota = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
            for (int j = 0; j < D; j += 8) {
                __m512d z = normal8(&l, &rng[i].slow);
                __m512d gi = _mm512_fmadd_pd(vsd, z, _mm512_sub_pd(_mm512_load_pd(mg + j), _mm512_loadu_pd(s + j)));
                _mm512_store_pd(g + j, gi);
                __mmask8 m = _mm512_cmp_pd_mask(_mm512_abs_pd(gi), vt, _CMP_GE_OQ);
                if (m) {
                    _mm512_mask_compressstoreu_epi64(cand + count, m, _mm512_add_epi64(iota, _mm512_set1_epi64(j)));
                    count += __builtin_popcount(m);
                }
            }
            store_lanes(&rng[i], l);
#else
            for (int j = 0; j < D; j++) {
                double gi = mg[j] - s[j] + sd * gaussian1(&rng[i].slow);
                g[j] = gi;
                cand[count] = j;
                count += fabs(gi) >= t;
            }
#endif
            double T;
            if (count >= KTOP) {
                for (int m = 0; m < count; m++) mags[m] = fabs(g[cand[m]]);
                T = select_rank(mags, count, count - KTOP);
                out.candidates += count;
                int kept = 0;
                for (int m = 0; m < count; m++) {
                    int64_t j = cand[m];
                    if (fabs(g[j]) >= T && kept < KTOP) { step[j] += g[j]; kept++; }
                }
            } else {
                /* too few candidates: exact threshold over all d entries */
                for (int j = 0; j < D; j++) mags[j] = fabs(g[j]);
                T = select_rank(mags, D, D - KTOP);
                out.fallbacks++;
                int kept = 0;
                for (int j = 0; j < D; j++)
                    if (fabs(g[j]) >= T && kept < KTOP) { step[j] += g[j]; kept++; }
            }
            /* Next candidate threshold: aim at 1.5K–4K candidates. */
            if (count < KTOP) margin[i] = fmin(2 * margin[i], 0.5);
            else if (count > 4 * KTOP) margin[i] *= 0.7;
            else if (count < 3 * KTOP / 2) margin[i] *= 1.3;
            threshold[i] = T;
        }
        sum_grad2 += (grad2 - sum_grad2) / (k + 1);
        if (grad2 < out.min_grad2) out.min_grad2 = grad2;
        const double b = BETA / N;
        #pragma omp simd
        for (int j = 0; j < D; j++) { v[j] = (1 - BETA) * v[j] + b * step[j]; x[j] -= GAMMA * v[j]; }
    }
    out.avg_grad2 = sum_grad2;
    free(x); free(v); free(mg); free(step); free(g); free(mags); free(cand); free(rng);
    return out;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    int K = argc > 2 ? atoi(argv[2]) : 200;
    int seeds = argc > 3 ? atoi(argv[3]) : 4;
    if (argc > 4) instance_seed = strtoull(argv[4], 0, 10);
    omp_set_num_threads(threads);
    double start = omp_get_wtime();
    ziggurat_tables();
    build_instance();
    make_checkpoints(K);
    outcome *res = calloc(seeds, sizeof(outcome));
    #pragma omp parallel for schedule(dynamic, 1)
    for (int s = 0; s < seeds; s++) res[s] = run_seed(s, K);
    double seconds = omp_get_wtime() - start;
    double gap = 0, vgap = 0, g2 = 0, avg = 0, mn = 0; long fb = 0, cands = 0;
    for (int s = 0; s < seeds; s++) {
        gap += res[s].gap / seeds; vgap += res[s].virtual_gap / seeds; g2 += res[s].grad2 / seeds;
        avg += res[s].avg_grad2 / seeds; mn += res[s].min_grad2 / seeds;
        fb += res[s].fallbacks; cands += res[s].candidates;
    }
    printf("seconds %.4f\nthreads %d\nupdates_per_second %.6g\n", seconds, threads, (double)D * N * K * seeds / seconds);
    printf("final_gap_mean %.6g\nfinal_virtual_gap_mean %.6g\nfinal_grad2_mean %.6g\navg_grad2_mean %.6g\nmin_grad2_mean %.6g\n",
           gap, vgap, g2, avg, mn);
    printf("topk_full_selections %ld of %ld\ncandidates_per_selection %.1f\n", fb, (long)N * K * seeds,
           (double)cands / ((double)N * K * seeds - fb));
    for (int s = 0; s < seeds; s++) printf("seed %d final_gap %.6g\n", s, res[s].gap);
    free(res);
    return 0;
}
