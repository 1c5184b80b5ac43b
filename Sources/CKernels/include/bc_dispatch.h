// Runtime CPU dispatch for BoundCheck's vector kernels.
//
// Every kernel of this target is compiled for three instruction sets (AVX-512, AVX2 and the
// baseline of the build) and chooses one at run time. All paths compute the same bits: the
// kernels are written so that the order of every floating-point operation is fixed by the
// data, not by the vector width, and this target never fuses a multiply with an add
// (`#pragma clang fp contract(off)` in each file). Dispatch chooses speed, never results.
#ifndef BC_DISPATCH_H
#define BC_DISPATCH_H

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction-set levels a kernel can run at.
typedef enum {
    BC_LEVEL_BASELINE = 0,
    BC_LEVEL_AVX2 = 1,    // AVX2 + FMA present (the kernels still do not fuse)
    BC_LEVEL_AVX512 = 2,  // AVX-512 F
} bc_level;

/// The level the kernels run at: the best the CPU supports, unless lowered by
/// `bc_set_level` or by the environment variable BOUNDCHECK_KERNELS=baseline|avx2|avx512.
bc_level bc_current_level(void);

/// The best level this CPU supports (ignoring any override).
bc_level bc_supported_level(void);

/// Forces a level (clamped to what the CPU supports); returns the level now in use. For tests
/// that check every path gives the same bits, and for benchmarks.
bc_level bc_set_level(bc_level level);

/// "avx512", "avx2" or "baseline".
const char *bc_level_name(bc_level level);

#ifdef __cplusplus
}
#endif

#endif
