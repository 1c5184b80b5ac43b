// Bulk Gaussian noise: 8 xoshiro256++ lanes and the ziggurat's fast path 8 at a time; the stream
// is defined in include/bc_noise.h. One body (noise_kernel.h) is compiled for AVX-512, AVX2 and
// the baseline; they differ only in register width and in how the table lookups are gathered,
// so every level gives the same bits (integer generator, the same IEEE operations, no FMA).
#pragma clang fp contract(off)

#include "bc_noise.h"

#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef uint64_t u64x8 __attribute__((vector_size(64)));
typedef int64_t i64x8 __attribute__((vector_size(64)));
typedef double f64x8 __attribute__((vector_size(64)));
typedef double f64x8u __attribute__((vector_size(64), aligned(8)));  // unaligned access to u

static inline uint64_t splitmix(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// One xoshiro256++ output of a single lane.
static inline uint64_t next_lane(uint64_t s[4]) {
    uint64_t result = rotl(s[0] + s[3], 23) + s[0], t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static inline double signed_uniform(uint64_t bits) {
    union { uint64_t bits; double value; } one_two = {.bits = (bits >> 12) | 0x3FF0000000000000ull};
    return 2 * one_two.value - 3;
}

// The ziggurat's rare cases for a draw (layer, u, x) that missed the fast path, on one lane's
// generator: RandomStream.gaussianSlowPath, then fresh draws (fast path first) until one is
// accepted — the same operations in the same order as the Swift code.
__attribute__((noinline)) static double slow_path(uint64_t s[4], int layer, double u, double x,
                                                  const double *zx, const double *zf) {
    for (;;) {
        if (layer == 0) {
            const double r = zx[1];
            for (;;) {
                // Open (0, 1) uniforms, so that log never sees 0.
                double a = log(((double)(next_lane(s) >> 11) + 0.5) * 0x1.0p-53) / r;
                double b = log(((double)(next_lane(s) >> 11) + 0.5) * 0x1.0p-53);
                if (-2 * b >= a * a) return u < 0 ? a - r : r - a;
            }
        }
        double y = zf[layer + 1] + (zf[layer] - zf[layer + 1]) * ((double)(next_lane(s) >> 11) * 0x1.0p-53);
        if (y < exp(-0.5 * x * x)) return x;
        uint64_t bits = next_lane(s);
        layer = (int)(bits & 0xFF);
        u = signed_uniform(bits);
        x = u * zx[layer];
        if (fabs(x) < zx[layer + 1]) return x;
    }
}

// out[ℓ] = table[index[ℓ]]. Vectors by pointer: 64-byte vector arguments would change the ABI
// of functions compiled without AVX-512 (they are all inlined anyway).
static inline __attribute__((always_inline)) void gather_scalar(const double *table, const u64x8 *index, f64x8 *out) {
    for (int lane = 0; lane < 8; lane++) (*out)[lane] = table[(*index)[lane]];
}

#define NOISE_KERNEL gaussian_baseline
#define NOISE_TARGET
#define NOISE_GATHER gather_scalar
#include "noise_kernel.h"
#undef NOISE_KERNEL
#undef NOISE_TARGET
#undef NOISE_GATHER

#if defined(__x86_64__)
typedef uint64_t u64x4 __attribute__((vector_size(32)));
typedef double f64x4 __attribute__((vector_size(32)));

__attribute__((target("avx2,fma"), always_inline)) static inline void gather_avx2(const double *table, const u64x8 *index,
                                                                                   f64x8 *out) {
    u64x4 low = __builtin_shufflevector(*index, *index, 0, 1, 2, 3);
    u64x4 high = __builtin_shufflevector(*index, *index, 4, 5, 6, 7);
    f64x4 a = (f64x4)_mm256_i64gather_pd(table, (__m256i)low, 8);
    f64x4 b = (f64x4)_mm256_i64gather_pd(table, (__m256i)high, 8);
    *out = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7);
}

__attribute__((target("avx512f"), always_inline)) static inline void gather_avx512(const double *table, const u64x8 *index,
                                                                                    f64x8 *out) {
    *out = (f64x8)_mm512_i64gather_pd((__m512i)*index, table, 8);
}

#define NOISE_KERNEL gaussian_avx2
#define NOISE_TARGET __attribute__((target("avx2,fma")))
#define NOISE_GATHER gather_avx2
#include "noise_kernel.h"
#undef NOISE_KERNEL
#undef NOISE_TARGET
#undef NOISE_GATHER

#define NOISE_KERNEL gaussian_avx512
#define NOISE_TARGET __attribute__((target("avx512f")))
#define NOISE_GATHER gather_avx512
#include "noise_kernel.h"
#undef NOISE_KERNEL
#undef NOISE_TARGET
#undef NOISE_GATHER
#endif

void bc_gaussian_lanes_at(bc_level level, uint64_t seed, double scale, double *u, size_t count,
                          bc_noise_mode mode, const double *table_x, const double *table_f) {
    bc_level supported = bc_supported_level();
    if (level > supported) level = supported;
#if defined(__x86_64__)
    if (level == BC_LEVEL_AVX512) return gaussian_avx512(seed, scale, u, count, mode, table_x, table_f);
    if (level == BC_LEVEL_AVX2) return gaussian_avx2(seed, scale, u, count, mode, table_x, table_f);
#endif
    gaussian_baseline(seed, scale, u, count, mode, table_x, table_f);
}

void bc_gaussian_lanes(uint64_t seed, double scale, double *u, size_t count, bc_noise_mode mode,
                       const double *table_x, const double *table_f) {
    bc_level level = bc_current_level();
    (void)level;  // unused where only the baseline exists (arm64)
#if defined(__x86_64__)
    if (level == BC_LEVEL_AVX512) return gaussian_avx512(seed, scale, u, count, mode, table_x, table_f);
    if (level == BC_LEVEL_AVX2) return gaussian_avx2(seed, scale, u, count, mode, table_x, table_f);
#endif
    gaussian_baseline(seed, scale, u, count, mode, table_x, table_f);
}
