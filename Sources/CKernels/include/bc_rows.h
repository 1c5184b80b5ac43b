// Row kernels of the data families (logistic-ncvx, composite) with several points at once:
// each row is read once for all points ("seeds in lockstep", docs/performance.md).
//
// Both kernels give, for every point, exactly the bits of the one-point Swift code they replace
// (`Vec.dot`, and `gradient[j] += c * row[j]` row after row), whatever the number of points and
// whatever the CPU level (bc_dispatch.h): the order of every floating-point operation per point
// is fixed, and nothing is fused.
#ifndef BC_ROWS_H
#define BC_ROWS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma clang assume_nonnull begin

/// dots[r * points + p] = rows[r] · x_p for the `count` rows (row-major, `d` doubles each) and
/// the `points` points `x[p]` (length d), summed as `Vec.dot` sums: eight running sums (lanes
/// 0–3 and 4–7 of two four-wide accumulators), combined as ((s0 + s1) + (s2 + s3)) of their
/// lane-wise sum, plus the remaining d mod 8 products summed in order.
void bc_row_dots(const double *rows, size_t count, size_t d,
                 const double *_Nonnull const *_Nonnull x, size_t points, double *dots);

/// For every point p and coordinate j, in row order r = 0 ..< count:
/// g[p][j] ← g[p][j] + weights[r * points + p] · rows[r][j] (a multiply, then an add).
void bc_add_weighted_rows(const double *rows, size_t count, size_t d,
                          const double *weights, size_t points, double *_Nonnull const *_Nonnull g);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif

#endif
