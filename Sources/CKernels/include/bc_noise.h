// Bulk Gaussian noise for BoundCheck's noise stages: 8 interleaved xoshiro256++ lanes and the
// 256-layer ziggurat, evaluated 8 lanes at a time (docs/performance.md, "Vector kernels").
//
// The stream, whatever the CPU and whatever the level the kernel runs at:
//  - the caller passes a 64-bit `seed` (BoundCheck takes one draw of the worker's keyed stream
//    per call);
//  - lane ℓ = 0…7 is a xoshiro256++ generator whose four state words are the next four outputs
//    of one SplitMix64 sequence started at `seed` (lane 0 takes outputs 1–4, lane 1 outputs 5–8,
//    …, lane 7 outputs 29–32);
//  - coordinate j takes the next standard normal of lane j mod 8, so lane ℓ serves coordinates
//    ℓ, ℓ + 8, ℓ + 16, …; a lane's normal is the ziggurat of RandomStream.nextGaussian() with
//    xoshiro256++ outputs in place of xoshiro256** ones: one 64-bit output gives the layer
//    (low 8 bits) and u = 2·[1, 2) − 3 (high 52 bits); x = u·X[layer] is returned when
//    |x| < X[layer + 1]; otherwise the exact slow path (the tail beyond r for layer 0, the wedge
//    against exp(−x²/2) otherwise, then a fresh draw) continues on the same lane's generator.
// The lanes are discarded at the end of the call. The tables X (257 edges) and F (257 values
// exp(−X²/2)) are the caller's (BoundCheck's GaussianZiggurat), so both sides use the same
// numbers; the slow path calls the C library's exp and log, as the Swift side does.
#ifndef BC_NOISE_H
#define BC_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "bc_dispatch.h"

#ifdef __cplusplus
extern "C" {
#endif

/// What the normals z_j do to u.
typedef enum {
    BC_NOISE_ADD = 0,       // u[j] = u[j] + scale · z_j
    BC_NOISE_MULTIPLY = 1,  // u[j] = u[j] · (1 + scale · z_j)
} bc_noise_mode;

/// Applies `count` normals of the stream defined above (started at `seed`) to u, at the level of
/// `bc_current_level()`. Every level gives the same bits.
void bc_gaussian_lanes(uint64_t seed, double scale, double *u, size_t count, bc_noise_mode mode,
                       const double *table_x, const double *table_f);

/// The same at a given level (clamped to what the CPU supports): for tests of every path.
void bc_gaussian_lanes_at(bc_level level, uint64_t seed, double scale, double *u, size_t count,
                          bc_noise_mode mode, const double *table_x, const double *table_f);

#ifdef __cplusplus
}
#endif

#endif
