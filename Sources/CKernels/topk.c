// Top-K's dense passes (bc_topk.h): the candidate scan with a register compress on AVX-512, a
// movemask and a short loop on AVX2, a scalar loop on the baseline; the keep pass as a
// branch-free select. Nothing is computed but |u| (a sign-bit clear), so every level gives the
// same values, in index order.
#pragma clang fp contract(off)

#include "bc_topk.h"

#include <math.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

// `index`, if not NULL, receives each written magnitude's index (plus `offset`).
static size_t magnitudes_baseline(const double *u, size_t count, double t, double *out, int64_t *index, size_t offset,
                                  size_t limit) {
    size_t written = 0;
    for (size_t j = 0; j < count; j++) {
        double a = fabs(u[j]);
        if (!(a < t)) {
            if (index != NULL) index[written] = (int64_t)(j + offset);
            out[written++] = a;
            if (written >= limit) return written;
        }
    }
    return written;
}

static void keep_baseline(double *u, size_t count, double threshold) {
    for (size_t j = 0; j < count; j++) u[j] = fabs(u[j]) >= threshold ? u[j] : 0;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static size_t magnitudes_avx2(const double *u, size_t count, double t, double *out,
                                                                  int64_t *index, size_t limit) {
    const __m256d sign = _mm256_set1_pd(-0.0), vt = _mm256_set1_pd(t);
    size_t written = 0, j = 0;
    for (; j + 8 <= count; j += 8) {
        __m256d a = _mm256_andnot_pd(sign, _mm256_loadu_pd(u + j));
        __m256d b = _mm256_andnot_pd(sign, _mm256_loadu_pd(u + j + 4));
        // !(a < t): not-less-than, unordered (NaN) included.
        int mask = _mm256_movemask_pd(_mm256_cmp_pd(a, vt, _CMP_NLT_UQ)) |
                   _mm256_movemask_pd(_mm256_cmp_pd(b, vt, _CMP_NLT_UQ)) << 4;
        if (__builtin_expect(mask != 0, 0)) {
            while (mask) {
                int lane = __builtin_ctz(mask);
                if (index != NULL) index[written] = (int64_t)(j + lane);
                out[written++] = fabs(u[j + lane]);
                mask &= mask - 1;
            }
            if (written >= limit) return written;
        }
    }
    return written + magnitudes_baseline(u + j, count - j, t, out + written, index == NULL ? NULL : index + written, j,
                                         limit - written);
}

__attribute__((target("avx2,fma"))) static void keep_avx2(double *u, size_t count, double threshold) {
    const __m256d sign = _mm256_set1_pd(-0.0), vt = _mm256_set1_pd(threshold);
    size_t j = 0;
    for (; j + 4 <= count; j += 4) {
        __m256d v = _mm256_loadu_pd(u + j);
        __m256d keep = _mm256_cmp_pd(_mm256_andnot_pd(sign, v), vt, _CMP_GE_OQ);
        _mm256_storeu_pd(u + j, _mm256_and_pd(v, keep));
    }
    keep_baseline(u + j, count - j, threshold);
}

__attribute__((target("avx512f"))) static size_t magnitudes_avx512(const double *u, size_t count, double t, double *out,
                                                                   int64_t *index, size_t limit) {
    // Branch-free: every group of 8 is compressed in a register and stored whole (the lanes past
    // the candidates are overwritten by the next store, or lie in the 8 spare entries of `out`),
    // so the ~25% of groups holding a candidate cost no mispredicted branch.
    const __m512d vt = _mm512_set1_pd(t);
    const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    size_t written = 0, j = 0;
    for (; j + 8 <= count; j += 8) {
        __m512d a = _mm512_abs_pd(_mm512_loadu_pd(u + j));
        __mmask8 mask = _mm512_cmp_pd_mask(a, vt, _CMP_NLT_UQ);
        _mm512_storeu_pd(out + written, _mm512_maskz_compress_pd(mask, a));
        if (index != NULL) {
            __m512i at = _mm512_add_epi64(lanes, _mm512_set1_epi64((long long)j));
            _mm512_storeu_si512((void *)(index + written), _mm512_maskz_compress_epi64(mask, at));
        }
        written += (size_t)__builtin_popcount(mask);
        if (written >= limit) return written;
    }
    return written + magnitudes_baseline(u + j, count - j, t, out + written, index == NULL ? NULL : index + written, j,
                                         limit - written);
}

__attribute__((target("avx512f"))) static void keep_avx512(double *u, size_t count, double threshold) {
    const __m512d vt = _mm512_set1_pd(threshold);
    size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        __m512d v = _mm512_loadu_pd(u + j);
        __mmask8 keep = _mm512_cmp_pd_mask(_mm512_abs_pd(v), vt, _CMP_GE_OQ);
        _mm512_storeu_pd(u + j, _mm512_maskz_mov_pd(keep, v));
    }
    keep_baseline(u + j, count - j, threshold);
}
#endif

static bc_level clamped(bc_level level) {
    bc_level supported = bc_supported_level();
    return level > supported ? supported : level;
}

static size_t magnitudes(bc_level level, const double *u, size_t count, double t, double *out, int64_t *index,
                         size_t limit) {
    (void)level;  // unused where only the baseline exists (arm64)
#if defined(__x86_64__)
    if (level == BC_LEVEL_AVX512) return magnitudes_avx512(u, count, t, out, index, limit);
    if (level == BC_LEVEL_AVX2) return magnitudes_avx2(u, count, t, out, index, limit);
#endif
    return magnitudes_baseline(u, count, t, out, index, 0, limit);
}

size_t bc_magnitudes_at_least_at(bc_level level, const double *u, size_t count, double t, double *out, size_t limit) {
    return magnitudes(clamped(level), u, count, t, out, NULL, limit);
}

size_t bc_candidates_at_least_at(bc_level level, const double *u, size_t count, double t, double *out, int64_t *index,
                                 size_t limit) {
    return magnitudes(clamped(level), u, count, t, out, index, limit);
}

void bc_keep_at_least_at(bc_level level, double *u, size_t count, double threshold) {
    level = clamped(level);
#if defined(__x86_64__)
    if (level == BC_LEVEL_AVX512) { keep_avx512(u, count, threshold); return; }
    if (level == BC_LEVEL_AVX2) { keep_avx2(u, count, threshold); return; }
#endif
    keep_baseline(u, count, threshold);
}

size_t bc_magnitudes_at_least(const double *u, size_t count, double t, double *out, size_t limit) {
    return magnitudes(bc_current_level(), u, count, t, out, NULL, limit);
}

size_t bc_candidates_at_least(const double *u, size_t count, double t, double *out, int64_t *index, size_t limit) {
    return magnitudes(bc_current_level(), u, count, t, out, index, limit);
}

void bc_keep_at_least(double *u, size_t count, double threshold) {
    bc_level level = bc_current_level();
    (void)level;  // unused where only the baseline exists (arm64)
#if defined(__x86_64__)
    if (level == BC_LEVEL_AVX512) { keep_avx512(u, count, threshold); return; }
    if (level == BC_LEVEL_AVX2) { keep_avx2(u, count, threshold); return; }
#endif
    keep_baseline(u, count, threshold);
}
