package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The ReLU of the vector kernels, max(x, 0) with Math.max's semantics (NaN stays NaN):
 * {@link VectorKernels#reluForward} over a whole array, and the convolutions' fused ReLU ({@code conv2dReluForward}) over a range they have just
 * written, while it is still in cache.
 */
final class Relu {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();

    private Relu() {
    }

    /** out[i] = max(in[i], 0) for i < size, in chunks over the threads; out may be in. */
    static void parallel(float[] out, float[] in, int size) {
        int chunk = VectorKernels.CHUNK;
        org.deeproots.ops.Parallel.forRange((size + chunk - 1) / chunk, c -> {
            int from = c * chunk;
            copy(in, from, out, from, Math.min(size, from + chunk) - from);
        });
    }

    /**
     * dst[d + i] = max(src[s + i], 0) for i < len; dst may be src at the same offset. A copy that rectifies (a copy,
     * then a pass over what it had just stored, was up to 13% slower for a whole layer at 56x56). The last vector of
     * a run of a vector or more ends at its end, over values done already (the same again).
     */
    static void copy(float[] src, int s, float[] dst, int d, int len) {
        if (len < L) {
            for (int i = 0; i < len; i++) {
                dst[d + i] = Math.max(src[s + i], 0f);
            }
            return;
        }
        for (int i = 0; i < len; i += L) {
            int at = Math.min(i, len - L);
            FloatVector.fromArray(S, src, s + at).max(0f).intoArray(dst, d + at);
        }
    }

    /** a[i] = max(a[i], 0) for from <= i < to. */
    static void inPlace(float[] a, int from, int to) {
        copy(a, from, a, from, to - from);
    }
}
