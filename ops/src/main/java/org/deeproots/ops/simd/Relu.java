package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The ReLU that the convolutions apply to their own output when asked ({@code conv2dReluForward}): a[i] = max(a[i], 0)
 * over a range just written, while it is still in cache, with {@link VectorKernels#reluForward}'s semantics (NaN
 * stays NaN).
 */
final class Relu {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();

    private Relu() {
    }

    /** Floats per task of {@link #parallel}. */
    private static final int CHUNK = 1 << 15;

    /** a[i] = max(a[i], 0) for i < size, in chunks over the threads. */
    static void parallel(float[] a, int size) {
        org.deeproots.ops.Parallel.forRange((size + CHUNK - 1) / CHUNK,
                c -> inPlace(a, c * CHUNK, Math.min(size, (c + 1) * CHUNK)));
    }

    /**
     * dst[d + i] = max(src[s + i], 0) for i < len: a copy that rectifies (a copy, then {@link #inPlace} over what
     * it had just stored, was up to 13% slower for a whole layer at 56x56). The last vector of a row of a vector
     * or more ends at its end, over values done already.
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

    /**
     * a[i] = max(a[i], 0) for from <= i < to. A range of a vector or more ends with a vector ending at {@code to},
     * over values partly done already (the same again).
     */
    static void inPlace(float[] a, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
        }
        if (i < to && to - from >= L) {
            FloatVector.fromArray(S, a, to - L).max(0f).intoArray(a, to - L);
            return;
        }
        for (; i < to; i++) {
            a[i] = Math.max(a[i], 0f);
        }
    }
}
