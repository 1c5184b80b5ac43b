// The body of the 8-lane Gaussian kernel (bc_noise.h), included by noise.c once per level with
// NOISE_KERNEL (the function's name), NOISE_TARGET (its attributes) and NOISE_GATHER (a gather
// of 8 table entries) defined. Private to noise.c: not in include/, not part of the module.

static NOISE_TARGET void NOISE_KERNEL(uint64_t seed, double scale, double *u, size_t count,
                                      bc_noise_mode mode, const double *zx, const double *zf) {
    u64x8 s0, s1, s2, s3;
    uint64_t sm = seed;
    for (int lane = 0; lane < 8; lane++) {
        s0[lane] = splitmix(&sm);
        s1[lane] = splitmix(&sm);
        s2[lane] = splitmix(&sm);
        s3[lane] = splitmix(&sm);
    }
    const u64x8 low8 = (u64x8){0, 0, 0, 0, 0, 0, 0, 0} + 0xFF;
    const u64x8 one = (u64x8){0, 0, 0, 0, 0, 0, 0, 0} + 0x3FF0000000000000ull;
    const u64x8 magnitude = (u64x8){0, 0, 0, 0, 0, 0, 0, 0} + 0x7FFFFFFFFFFFFFFFull;
    for (size_t j = 0; j < count; j += 8) {
        // One xoshiro256++ step of every lane.
        u64x8 sum = s0 + s3;
        u64x8 bits = ((sum << 23) | (sum >> 41)) + s0;
        u64x8 t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
        // The ziggurat's fast path, 8 lanes at a time.
        u64x8 layer = bits & low8;
        f64x8 uniform = 2 * (f64x8)((bits >> 12) | one) - 3;
        f64x8 width, edge;
        NOISE_GATHER(zx, &layer, &width);
        NOISE_GATHER(zx + 1, &layer, &edge);
        f64x8 x = uniform * width;
        i64x8 ok = (f64x8)((u64x8)x & magnitude) < edge;
        if (__builtin_expect(!__builtin_reduce_and(ok), 0)) {
            for (int lane = 0; lane < 8; lane++) {
                if (ok[lane]) continue;
                uint64_t s[4] = {s0[lane], s1[lane], s2[lane], s3[lane]};
                x[lane] = slow_path(s, (int)layer[lane], uniform[lane], x[lane], zx, zf);
                s0[lane] = s[0];
                s1[lane] = s[1];
                s2[lane] = s[2];
                s3[lane] = s[3];
            }
        }
        if (count - j >= 8) {
            f64x8u *v = (f64x8u *)(u + j);
            if (mode == BC_NOISE_ADD) *v = *v + scale * x;
            else *v = *v * (1 + scale * x);
        } else {
            for (size_t lane = 0; lane < count - j; lane++) {
                if (mode == BC_NOISE_ADD) u[j + lane] = u[j + lane] + scale * x[lane];
                else u[j + lane] = u[j + lane] * (1 + scale * x[lane]);
            }
        }
    }
}
