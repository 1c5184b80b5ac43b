// Dense vector kernels for BoundCheck's Vec (Support/VectorKernels.swift) and the quadratic
// family's worker gradient: element-wise operations, and a dot product whose summation order is
// fixed (8 running sums, combined in a fixed order), so every level gives the same bits as each
// other and as the Swift loops they replace.
#ifndef BC_VEC_H
#define BC_VEC_H

#include <stddef.h>

#include "bc_dispatch.h"

#ifdef __cplusplus
extern "C" {
#endif

/// y[j] = y[j] + alpha · x[j].
void bc_axpy(double alpha, const double *x, double *y, size_t count);
/// y[j] = y[j] · alpha.
void bc_scale(double alpha, double *y, size_t count);
/// Σ a[j]·b[j] as 8 running sums r_ℓ over j ≡ ℓ (mod 8) for the whole groups of 8, then
/// s_m = r_m + r_{m+4} (m < 4), ((s_0 + s_1) + (s_2 + s_3)) + t, t the plain sum of the rest.
double bc_dot(const double *a, const double *b, size_t count);
/// out[j] = a[j] · (x[j] − c[j]) − s[j] (the quadratic family's worker gradient).
void bc_diagonal_gradient(const double *a, const double *x, const double *c, const double *s, double *out,
                          size_t count);

/// The same at a given level (clamped to what the CPU supports): for tests of every path.
void bc_axpy_at(bc_level level, double alpha, const double *x, double *y, size_t count);
void bc_scale_at(bc_level level, double alpha, double *y, size_t count);
double bc_dot_at(bc_level level, const double *a, const double *b, size_t count);
void bc_diagonal_gradient_at(bc_level level, const double *a, const double *x, const double *c, const double *s,
                             double *out, size_t count);

#ifdef __cplusplus
}
#endif

#endif
