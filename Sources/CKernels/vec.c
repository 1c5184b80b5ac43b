// Dense vector kernels (bc_vec.h). Each body is written once as an always-inlined function and
// compiled into three wrappers (AVX-512, AVX2, baseline) that the compiler vectorizes at their
// width; the operations are element-wise, or (the dot product) lane-wise in a fixed order, and
// never fused, so every level computes the same bits.
#pragma clang fp contract(off)

#include "bc_vec.h"

typedef double f64x8u __attribute__((vector_size(64), aligned(8)));

#define BODY static inline __attribute__((always_inline))

BODY void axpy_body(double alpha, const double *restrict x, double *restrict y, size_t count) {
    for (size_t j = 0; j < count; j++) y[j] = y[j] + alpha * x[j];
}

BODY void scale_body(double alpha, double *y, size_t count) {
    for (size_t j = 0; j < count; j++) y[j] = y[j] * alpha;
}

BODY double dot_body(const double *a, const double *b, size_t count) {
    f64x8u sums = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t j = 0;
    for (; j + 8 <= count; j += 8) sums = sums + *(const f64x8u *)(a + j) * *(const f64x8u *)(b + j);
    double tail = 0;
    for (; j < count; j++) tail = tail + a[j] * b[j];
    double s0 = sums[0] + sums[4], s1 = sums[1] + sums[5], s2 = sums[2] + sums[6], s3 = sums[3] + sums[7];
    return ((s0 + s1) + (s2 + s3)) + tail;
}

BODY void gradient_body(const double *restrict a, const double *restrict x, const double *restrict c,
                        const double *restrict s, double *restrict out, size_t count) {
    for (size_t j = 0; j < count; j++) out[j] = a[j] * (x[j] - c[j]) - s[j];
}

#if defined(__x86_64__)
#define DISPATCH(NAME, level, ARGS)                                         \
    do {                                                                    \
        if ((level) == BC_LEVEL_AVX512) return NAME##_avx512 ARGS;          \
        if ((level) == BC_LEVEL_AVX2) return NAME##_avx2 ARGS;              \
        return NAME##_baseline ARGS;                                        \
    } while (0)
#define DEFINE(NAME, RET, PARAMS, ARGS)                                                              \
    __attribute__((target("avx512f"))) static RET NAME##_avx512 PARAMS { return NAME##_body ARGS; } \
    __attribute__((target("avx2,fma"))) static RET NAME##_avx2 PARAMS { return NAME##_body ARGS; }  \
    static RET NAME##_baseline PARAMS { return NAME##_body ARGS; }
#else
#define DISPATCH(NAME, level, ARGS) \
    do {                            \
        (void)(level);              \
        return NAME##_baseline ARGS; \
    } while (0)
#define DEFINE(NAME, RET, PARAMS, ARGS) \
    static RET NAME##_baseline PARAMS { return NAME##_body ARGS; }
#endif

DEFINE(axpy, void, (double alpha, const double *x, double *y, size_t count), (alpha, x, y, count))
DEFINE(scale, void, (double alpha, double *y, size_t count), (alpha, y, count))
DEFINE(dot, double, (const double *a, const double *b, size_t count), (a, b, count))
DEFINE(gradient, void, (const double *a, const double *x, const double *c, const double *s, double *out, size_t count),
       (a, x, c, s, out, count))

static bc_level clamped(bc_level level) {
    bc_level supported = bc_supported_level();
    return level > supported ? supported : level;
}

void bc_axpy(double alpha, const double *x, double *y, size_t count) {
    DISPATCH(axpy, bc_current_level(), (alpha, x, y, count));
}
void bc_scale(double alpha, double *y, size_t count) { DISPATCH(scale, bc_current_level(), (alpha, y, count)); }
double bc_dot(const double *a, const double *b, size_t count) { DISPATCH(dot, bc_current_level(), (a, b, count)); }
void bc_diagonal_gradient(const double *a, const double *x, const double *c, const double *s, double *out,
                          size_t count) {
    DISPATCH(gradient, bc_current_level(), (a, x, c, s, out, count));
}

void bc_axpy_at(bc_level level, double alpha, const double *x, double *y, size_t count) {
    DISPATCH(axpy, clamped(level), (alpha, x, y, count));
}
void bc_scale_at(bc_level level, double alpha, double *y, size_t count) {
    DISPATCH(scale, clamped(level), (alpha, y, count));
}
double bc_dot_at(bc_level level, const double *a, const double *b, size_t count) {
    DISPATCH(dot, clamped(level), (a, b, count));
}
void bc_diagonal_gradient_at(bc_level level, const double *a, const double *x, const double *c, const double *s,
                             double *out, size_t count) {
    DISPATCH(gradient, clamped(level), (a, x, c, s, out, count));
}
