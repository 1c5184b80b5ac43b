// The dense passes of the top-k stage's candidate path (docs/performance.md, "Vector kernels"):
// collecting the magnitudes at or above a candidate threshold, and keeping what is at or above
// the exact threshold. Comparisons and copies only, so every level gives the same result.
#ifndef BC_TOPK_H
#define BC_TOPK_H

#include <stddef.h>
#include <stdint.h>

#include "bc_dispatch.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Writes |u[j]| for every j = 0..<count with !(|u[j]| < t) — at or above t, or NaN — to out,
/// in index order, and returns how many it wrote; it stops early, returning a number ≥ limit,
/// once at least `limit` are written. `out` must hold limit + 8 values.
size_t bc_magnitudes_at_least(const double *u, size_t count, double t, double *out, size_t limit);

/// bc_magnitudes_at_least, and also each written magnitude's index j into `index` (which must
/// hold limit + 8 values): the candidates' positions, for a sparse hand-over of the kept entries.
size_t bc_candidates_at_least(const double *u, size_t count, double t, double *out, int64_t *index, size_t limit);

/// u[j] = |u[j]| >= threshold ? u[j] : 0 for j = 0..<count.
void bc_keep_at_least(double *u, size_t count, double threshold);

/// The same at a given level (clamped to what the CPU supports): for tests of every path.
size_t bc_magnitudes_at_least_at(bc_level level, const double *u, size_t count, double t, double *out, size_t limit);
size_t bc_candidates_at_least_at(bc_level level, const double *u, size_t count, double t, double *out, int64_t *index,
                                 size_t limit);
void bc_keep_at_least_at(bc_level level, double *u, size_t count, double threshold);

#ifdef __cplusplus
}
#endif

#endif
