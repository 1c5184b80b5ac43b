#include "bc_dispatch.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static _Atomic int current = -1;

bc_level bc_supported_level(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return BC_LEVEL_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return BC_LEVEL_AVX2;
#endif
    return BC_LEVEL_BASELINE;
}

static bc_level clamp(bc_level level) {
    bc_level best = bc_supported_level();
    return level > best ? best : level;
}

bc_level bc_current_level(void) {
    int level = atomic_load_explicit(&current, memory_order_relaxed);
    if (level >= 0) return (bc_level)level;
    bc_level chosen = bc_supported_level();
    const char *env = getenv("BOUNDCHECK_KERNELS");
    if (env != NULL) {
        if (strcmp(env, "baseline") == 0) chosen = BC_LEVEL_BASELINE;
        else if (strcmp(env, "avx2") == 0) chosen = clamp(BC_LEVEL_AVX2);
        else if (strcmp(env, "avx512") == 0) chosen = clamp(BC_LEVEL_AVX512);
    }
    atomic_store_explicit(&current, (int)chosen, memory_order_relaxed);
    return chosen;
}

bc_level bc_set_level(bc_level level) {
    bc_level chosen = clamp(level);
    atomic_store_explicit(&current, (int)chosen, memory_order_relaxed);
    return chosen;
}

const char *bc_level_name(bc_level level) {
    switch (level) {
    case BC_LEVEL_AVX512: return "avx512";
    case BC_LEVEL_AVX2: return "avx2";
    default: return "baseline";
    }
}
