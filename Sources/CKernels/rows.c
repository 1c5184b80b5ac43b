// Row kernels with several points at once (bc_rows.h). One body per kernel, compiled for
// AVX-512, AVX2 and the baseline; the 8-wide vector type below is lowered to one zmm, two ymm
// or four xmm registers, with the same lane-wise operations on every path.
#pragma clang fp contract(off)

#include "bc_rows.h"
#include "bc_dispatch.h"

typedef double v8 __attribute__((ext_vector_type(8)));

/// Unaligned loads and stores of 8 doubles (macros, not functions: a vector argument of a
/// function compiled without AVX-512 would change its ABI).
typedef double v8u __attribute__((ext_vector_type(8), aligned(8)));
#define LOAD8(p) (*(const v8u *)(p))
#define STORE8(p, v) (*(v8u *)(p) = (v))

/// Vec.dot's final combination of an 8-lane accumulator and the scalar tail: the lane-wise sum
/// of its two halves s, then ((s0 + s1) + (s2 + s3)) + tail.
#define FINISH(acc, tail) \
    ((((acc)[0] + (acc)[4]) + ((acc)[1] + (acc)[5])) + (((acc)[2] + (acc)[6]) + ((acc)[3] + (acc)[7]))) + (tail)

/// Dots of `count` rows with Q points (Q a constant after inlining), two rows at a time so each
/// load of a point's chunk serves two rows.
static inline __attribute__((always_inline)) void dots_group(const double *rows, size_t count, size_t d,
                                                             const double *const *x, size_t points, double *dots,
                                                             size_t first, int Q) {
    const size_t body = d & ~(size_t)7;
    size_t r = 0;
    for (; r + 2 <= count; r += 2) {
        const double *a = rows + r * d, *b = a + d;
        v8 acc[8], bcc[8];
        for (int q = 0; q < Q; q++) acc[q] = bcc[q] = (v8)0;
        for (size_t j = 0; j < body; j += 8) {
            v8 va = LOAD8(a + j), vb = LOAD8(b + j);
            for (int q = 0; q < Q; q++) {
                v8 xq = LOAD8(x[first + q] + j);
                acc[q] = acc[q] + va * xq;
                bcc[q] = bcc[q] + vb * xq;
            }
        }
        for (int q = 0; q < Q; q++) {
            const double *xq = x[first + q];
            double ta = 0, tb = 0;
            for (size_t j = body; j < d; j++) { ta += a[j] * xq[j]; tb += b[j] * xq[j]; }
            dots[r * points + first + q] = FINISH(acc[q], ta);
            dots[(r + 1) * points + first + q] = FINISH(bcc[q], tb);
        }
    }
    for (; r < count; r++) {
        const double *a = rows + r * d;
        v8 acc[8];
        for (int q = 0; q < Q; q++) acc[q] = (v8)0;
        for (size_t j = 0; j < body; j += 8) {
            v8 va = LOAD8(a + j);
            for (int q = 0; q < Q; q++) acc[q] = acc[q] + va * LOAD8(x[first + q] + j);
        }
        for (int q = 0; q < Q; q++) {
            const double *xq = x[first + q];
            double ta = 0;
            for (size_t j = body; j < d; j++) ta += a[j] * xq[j];
            dots[r * points + first + q] = FINISH(acc[q], ta);
        }
    }
}

/// Adds the weighted rows into Q gradients, C vectors of 8 columns at a time: the gradients'
/// chunks stay in registers over all rows.
static inline __attribute__((always_inline)) void add_group(const double *rows, size_t count, size_t d,
                                                            const double *weights, size_t points, double *const *g,
                                                            size_t first, int Q, int C) {
    const size_t wide = (size_t)C * 8;
    size_t j = 0;
    for (; j + wide <= d; j += wide) {
        v8 acc[8][2];
        for (int q = 0; q < Q; q++) for (int c = 0; c < C; c++) acc[q][c] = LOAD8(g[first + q] + j + 8 * c);
        for (size_t r = 0; r < count; r++) {
            const double *a = rows + r * d + j;
            v8 va[2];
            for (int c = 0; c < C; c++) va[c] = LOAD8(a + 8 * c);
            for (int q = 0; q < Q; q++) {
                v8 w = (v8)weights[r * points + first + q];
                for (int c = 0; c < C; c++) acc[q][c] = acc[q][c] + w * va[c];
            }
        }
        for (int q = 0; q < Q; q++) for (int c = 0; c < C; c++) STORE8(g[first + q] + j + 8 * c, acc[q][c]);
    }
    for (; j + 8 <= d; j += 8) {
        v8 acc[8];
        for (int q = 0; q < Q; q++) acc[q] = LOAD8(g[first + q] + j);
        for (size_t r = 0; r < count; r++) {
            v8 va = LOAD8(rows + r * d + j);
            for (int q = 0; q < Q; q++) acc[q] = acc[q] + (v8)weights[r * points + first + q] * va;
        }
        for (int q = 0; q < Q; q++) STORE8(g[first + q] + j, acc[q]);
    }
    for (; j < d; j++)
        for (int q = 0; q < Q; q++) {
            double s = g[first + q][j];
            for (size_t r = 0; r < count; r++) s = s + weights[r * points + first + q] * rows[r * d + j];
            g[first + q][j] = s;
        }
}

/// The points in groups of at most QMAX (then 4, 2, 1 for the rest), every group size a
/// constant so its accumulators live in registers.
#define BC_ROW_KERNELS(SUFFIX, ATTRIBUTE, QMAX, COLUMNS)                                                 \
    ATTRIBUTE static void dots_##SUFFIX(const double *rows, size_t count, size_t d,                    \
                                        const double *const *x, size_t points, double *dots) {          \
        size_t first = 0;                                                                                \
        for (; first + QMAX <= points; first += QMAX) dots_group(rows, count, d, x, points, dots, first, QMAX); \
        if (QMAX > 4 && first + 4 <= points) { dots_group(rows, count, d, x, points, dots, first, 4); first += 4; } \
        if (QMAX > 2 && first + 2 <= points) { dots_group(rows, count, d, x, points, dots, first, 2); first += 2; } \
        if (first < points) dots_group(rows, count, d, x, points, dots, first, 1);                      \
    }                                                                                                    \
    ATTRIBUTE static void add_##SUFFIX(const double *rows, size_t count, size_t d,                     \
                                       const double *weights, size_t points, double *const *g) {        \
        size_t first = 0;                                                                                \
        for (; first + QMAX <= points; first += QMAX) add_group(rows, count, d, weights, points, g, first, QMAX, COLUMNS); \
        if (QMAX > 4 && first + 4 <= points) { add_group(rows, count, d, weights, points, g, first, 4, COLUMNS); first += 4; } \
        if (QMAX > 2 && first + 2 <= points) { add_group(rows, count, d, weights, points, g, first, 2, COLUMNS); first += 2; } \
        if (first < points) add_group(rows, count, d, weights, points, g, first, 1, COLUMNS);          \
    }

BC_ROW_KERNELS(baseline, , 2, 1)
#if defined(__x86_64__)
BC_ROW_KERNELS(avx2, __attribute__((target("avx2,fma"))), 4, 1)
BC_ROW_KERNELS(avx512, __attribute__((target("avx512f"))), 8, 2)
#endif

void bc_row_dots(const double *rows, size_t count, size_t d, const double *const *x, size_t points, double *dots) {
#if defined(__x86_64__)
    switch (bc_current_level()) {
    case BC_LEVEL_AVX512: dots_avx512(rows, count, d, x, points, dots); return;
    case BC_LEVEL_AVX2: dots_avx2(rows, count, d, x, points, dots); return;
    default: break;
    }
#endif
    dots_baseline(rows, count, d, x, points, dots);
}

void bc_add_weighted_rows(const double *rows, size_t count, size_t d, const double *weights, size_t points,
                          double *const *g) {
#if defined(__x86_64__)
    switch (bc_current_level()) {
    case BC_LEVEL_AVX512: add_avx512(rows, count, d, weights, points, g); return;
    case BC_LEVEL_AVX2: add_avx2(rows, count, d, weights, points, g); return;
    default: break;
    }
#endif
    add_baseline(rows, count, d, weights, points, g);
}
