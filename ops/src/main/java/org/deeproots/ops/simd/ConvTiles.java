package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled micro-kernels of the convolution and GEMM code, hand-unrolled so that C2 keeps every
 * accumulator in a vector register (arrays of vectors would not be scalar-replaced).
 *
 * <p>{@code fwdOxP}: O output channels x P vectors of consecutive output positions; for each input channel
 * {@code ic} and tap {@code t} it loads P input vectors at {@code x[xBase + ic * xPlane + taps[t] + v * L]},
 * broadcasts O weights {@code w[wBase + j * wStride + ic * nTaps + t]} and accumulates with FMA; the result goes
 * to {@code os[oBase + j * oStride + v * L]} (overwritten). The caller guarantees that every read is in bounds
 * (buffers carry slack for the last tile).
 *
 * <p>{@code ocVxP}: V vectors of output channels x P consecutive positions; per input channel and tap it loads
 * V weight vectors {@code wp[wBase + (ic * nTaps + t) * V * L + j * L]} (packed channel-last) and broadcasts P
 * inputs {@code x[xBase + ic * xPlane + taps[t] + p]}; the result goes to {@code os[oBase + (p * V + j) * L]},
 * position-major (overwritten). Broadcasts are scalar loads, so unlike the position-vectorised tiles these
 * never split a cache line.
 *
 * <p>{@code bwOxK}: O rows of {@code d} against K shifted windows of {@code x}: {@code dw[dwBase + j * dwOc +
 * i * dwK] += sum_q d[dBase + j * dStride + q] * x[xo_i + q]} (vector body, then scalar tail).
 *
 * <p>Generated: keep the tiles in sync by regenerating rather than editing one by hand.
 */
final class ConvTiles {
    static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    static final int L = S.length();

    private ConvTiles() {
    }

    /** See {@link SimdConstants#sumLanes(FloatVector)}. */
    static float sumLanes(FloatVector v) {
        return SimdConstants.sumLanes(v);
    }

    /** Channel-vectorised forward tile: 2 vectors of output channels x 10 positions (20 accumulators). */
    static void oc2x10(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] wp, int wBase, float[] os, int oBase) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a0_6 = FloatVector.zero(S);
        FloatVector a0_7 = FloatVector.zero(S);
        FloatVector a0_8 = FloatVector.zero(S);
        FloatVector a0_9 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a1_4 = FloatVector.zero(S);
        FloatVector a1_5 = FloatVector.zero(S);
        FloatVector a1_6 = FloatVector.zero(S);
        FloatVector a1_7 = FloatVector.zero(S);
        FloatVector a1_8 = FloatVector.zero(S);
        FloatVector a1_9 = FloatVector.zero(S);
        int xb = xBase;
        int wi = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                FloatVector w0 = FloatVector.fromArray(S, wp, wi);
                FloatVector w1 = FloatVector.fromArray(S, wp, wi + 1 * L);
                wi += 2 * L;
                FloatVector b0 = FloatVector.broadcast(S, x[xo]);
                a0_0 = w0.fma(b0, a0_0);
                a1_0 = w1.fma(b0, a1_0);
                FloatVector b1 = FloatVector.broadcast(S, x[xo + 1]);
                a0_1 = w0.fma(b1, a0_1);
                a1_1 = w1.fma(b1, a1_1);
                FloatVector b2 = FloatVector.broadcast(S, x[xo + 2]);
                a0_2 = w0.fma(b2, a0_2);
                a1_2 = w1.fma(b2, a1_2);
                FloatVector b3 = FloatVector.broadcast(S, x[xo + 3]);
                a0_3 = w0.fma(b3, a0_3);
                a1_3 = w1.fma(b3, a1_3);
                FloatVector b4 = FloatVector.broadcast(S, x[xo + 4]);
                a0_4 = w0.fma(b4, a0_4);
                a1_4 = w1.fma(b4, a1_4);
                FloatVector b5 = FloatVector.broadcast(S, x[xo + 5]);
                a0_5 = w0.fma(b5, a0_5);
                a1_5 = w1.fma(b5, a1_5);
                FloatVector b6 = FloatVector.broadcast(S, x[xo + 6]);
                a0_6 = w0.fma(b6, a0_6);
                a1_6 = w1.fma(b6, a1_6);
                FloatVector b7 = FloatVector.broadcast(S, x[xo + 7]);
                a0_7 = w0.fma(b7, a0_7);
                a1_7 = w1.fma(b7, a1_7);
                FloatVector b8 = FloatVector.broadcast(S, x[xo + 8]);
                a0_8 = w0.fma(b8, a0_8);
                a1_8 = w1.fma(b8, a1_8);
                FloatVector b9 = FloatVector.broadcast(S, x[xo + 9]);
                a0_9 = w0.fma(b9, a0_9);
                a1_9 = w1.fma(b9, a1_9);
            }
            xb += xPlane;
        }
        a0_0.intoArray(os, oBase);
        a1_0.intoArray(os, oBase + 1 * L);
        a0_1.intoArray(os, oBase + 2 * L);
        a1_1.intoArray(os, oBase + 2 * L + 1 * L);
        a0_2.intoArray(os, oBase + 4 * L);
        a1_2.intoArray(os, oBase + 4 * L + 1 * L);
        a0_3.intoArray(os, oBase + 6 * L);
        a1_3.intoArray(os, oBase + 6 * L + 1 * L);
        a0_4.intoArray(os, oBase + 8 * L);
        a1_4.intoArray(os, oBase + 8 * L + 1 * L);
        a0_5.intoArray(os, oBase + 10 * L);
        a1_5.intoArray(os, oBase + 10 * L + 1 * L);
        a0_6.intoArray(os, oBase + 12 * L);
        a1_6.intoArray(os, oBase + 12 * L + 1 * L);
        a0_7.intoArray(os, oBase + 14 * L);
        a1_7.intoArray(os, oBase + 14 * L + 1 * L);
        a0_8.intoArray(os, oBase + 16 * L);
        a1_8.intoArray(os, oBase + 16 * L + 1 * L);
        a0_9.intoArray(os, oBase + 18 * L);
        a1_9.intoArray(os, oBase + 18 * L + 1 * L);
    }

    /** Channel-vectorised forward tile: 1 vectors of output channels x 20 positions (20 accumulators). */
    static void oc1x20(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] wp, int wBase, float[] os, int oBase) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a0_6 = FloatVector.zero(S);
        FloatVector a0_7 = FloatVector.zero(S);
        FloatVector a0_8 = FloatVector.zero(S);
        FloatVector a0_9 = FloatVector.zero(S);
        FloatVector a0_10 = FloatVector.zero(S);
        FloatVector a0_11 = FloatVector.zero(S);
        FloatVector a0_12 = FloatVector.zero(S);
        FloatVector a0_13 = FloatVector.zero(S);
        FloatVector a0_14 = FloatVector.zero(S);
        FloatVector a0_15 = FloatVector.zero(S);
        FloatVector a0_16 = FloatVector.zero(S);
        FloatVector a0_17 = FloatVector.zero(S);
        FloatVector a0_18 = FloatVector.zero(S);
        FloatVector a0_19 = FloatVector.zero(S);
        int xb = xBase;
        int wi = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                FloatVector w0 = FloatVector.fromArray(S, wp, wi);
                wi += 1 * L;
                FloatVector b0 = FloatVector.broadcast(S, x[xo]);
                a0_0 = w0.fma(b0, a0_0);
                FloatVector b1 = FloatVector.broadcast(S, x[xo + 1]);
                a0_1 = w0.fma(b1, a0_1);
                FloatVector b2 = FloatVector.broadcast(S, x[xo + 2]);
                a0_2 = w0.fma(b2, a0_2);
                FloatVector b3 = FloatVector.broadcast(S, x[xo + 3]);
                a0_3 = w0.fma(b3, a0_3);
                FloatVector b4 = FloatVector.broadcast(S, x[xo + 4]);
                a0_4 = w0.fma(b4, a0_4);
                FloatVector b5 = FloatVector.broadcast(S, x[xo + 5]);
                a0_5 = w0.fma(b5, a0_5);
                FloatVector b6 = FloatVector.broadcast(S, x[xo + 6]);
                a0_6 = w0.fma(b6, a0_6);
                FloatVector b7 = FloatVector.broadcast(S, x[xo + 7]);
                a0_7 = w0.fma(b7, a0_7);
                FloatVector b8 = FloatVector.broadcast(S, x[xo + 8]);
                a0_8 = w0.fma(b8, a0_8);
                FloatVector b9 = FloatVector.broadcast(S, x[xo + 9]);
                a0_9 = w0.fma(b9, a0_9);
                FloatVector b10 = FloatVector.broadcast(S, x[xo + 10]);
                a0_10 = w0.fma(b10, a0_10);
                FloatVector b11 = FloatVector.broadcast(S, x[xo + 11]);
                a0_11 = w0.fma(b11, a0_11);
                FloatVector b12 = FloatVector.broadcast(S, x[xo + 12]);
                a0_12 = w0.fma(b12, a0_12);
                FloatVector b13 = FloatVector.broadcast(S, x[xo + 13]);
                a0_13 = w0.fma(b13, a0_13);
                FloatVector b14 = FloatVector.broadcast(S, x[xo + 14]);
                a0_14 = w0.fma(b14, a0_14);
                FloatVector b15 = FloatVector.broadcast(S, x[xo + 15]);
                a0_15 = w0.fma(b15, a0_15);
                FloatVector b16 = FloatVector.broadcast(S, x[xo + 16]);
                a0_16 = w0.fma(b16, a0_16);
                FloatVector b17 = FloatVector.broadcast(S, x[xo + 17]);
                a0_17 = w0.fma(b17, a0_17);
                FloatVector b18 = FloatVector.broadcast(S, x[xo + 18]);
                a0_18 = w0.fma(b18, a0_18);
                FloatVector b19 = FloatVector.broadcast(S, x[xo + 19]);
                a0_19 = w0.fma(b19, a0_19);
            }
            xb += xPlane;
        }
        a0_0.intoArray(os, oBase);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a0_4.intoArray(os, oBase + 4 * L);
        a0_5.intoArray(os, oBase + 5 * L);
        a0_6.intoArray(os, oBase + 6 * L);
        a0_7.intoArray(os, oBase + 7 * L);
        a0_8.intoArray(os, oBase + 8 * L);
        a0_9.intoArray(os, oBase + 9 * L);
        a0_10.intoArray(os, oBase + 10 * L);
        a0_11.intoArray(os, oBase + 11 * L);
        a0_12.intoArray(os, oBase + 12 * L);
        a0_13.intoArray(os, oBase + 13 * L);
        a0_14.intoArray(os, oBase + 14 * L);
        a0_15.intoArray(os, oBase + 15 * L);
        a0_16.intoArray(os, oBase + 16 * L);
        a0_17.intoArray(os, oBase + 17 * L);
        a0_18.intoArray(os, oBase + 18 * L);
        a0_19.intoArray(os, oBase + 19 * L);
    }

    /** Channel-vectorised forward tile: 1 vectors of output channels x 12 positions (12 accumulators). */
    static void oc1x12(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] wp, int wBase, float[] os, int oBase) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a0_6 = FloatVector.zero(S);
        FloatVector a0_7 = FloatVector.zero(S);
        FloatVector a0_8 = FloatVector.zero(S);
        FloatVector a0_9 = FloatVector.zero(S);
        FloatVector a0_10 = FloatVector.zero(S);
        FloatVector a0_11 = FloatVector.zero(S);
        int xb = xBase;
        int wi = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                FloatVector w0 = FloatVector.fromArray(S, wp, wi);
                wi += 1 * L;
                FloatVector b0 = FloatVector.broadcast(S, x[xo]);
                a0_0 = w0.fma(b0, a0_0);
                FloatVector b1 = FloatVector.broadcast(S, x[xo + 1]);
                a0_1 = w0.fma(b1, a0_1);
                FloatVector b2 = FloatVector.broadcast(S, x[xo + 2]);
                a0_2 = w0.fma(b2, a0_2);
                FloatVector b3 = FloatVector.broadcast(S, x[xo + 3]);
                a0_3 = w0.fma(b3, a0_3);
                FloatVector b4 = FloatVector.broadcast(S, x[xo + 4]);
                a0_4 = w0.fma(b4, a0_4);
                FloatVector b5 = FloatVector.broadcast(S, x[xo + 5]);
                a0_5 = w0.fma(b5, a0_5);
                FloatVector b6 = FloatVector.broadcast(S, x[xo + 6]);
                a0_6 = w0.fma(b6, a0_6);
                FloatVector b7 = FloatVector.broadcast(S, x[xo + 7]);
                a0_7 = w0.fma(b7, a0_7);
                FloatVector b8 = FloatVector.broadcast(S, x[xo + 8]);
                a0_8 = w0.fma(b8, a0_8);
                FloatVector b9 = FloatVector.broadcast(S, x[xo + 9]);
                a0_9 = w0.fma(b9, a0_9);
                FloatVector b10 = FloatVector.broadcast(S, x[xo + 10]);
                a0_10 = w0.fma(b10, a0_10);
                FloatVector b11 = FloatVector.broadcast(S, x[xo + 11]);
                a0_11 = w0.fma(b11, a0_11);
            }
            xb += xPlane;
        }
        a0_0.intoArray(os, oBase);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a0_4.intoArray(os, oBase + 4 * L);
        a0_5.intoArray(os, oBase + 5 * L);
        a0_6.intoArray(os, oBase + 6 * L);
        a0_7.intoArray(os, oBase + 7 * L);
        a0_8.intoArray(os, oBase + 8 * L);
        a0_9.intoArray(os, oBase + 9 * L);
        a0_10.intoArray(os, oBase + 10 * L);
        a0_11.intoArray(os, oBase + 11 * L);
    }

    /** Forward tile: 4 output channels x 5 vectors of positions (20 accumulators). */
    static void fwd4x5(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a1_4 = FloatVector.zero(S);
        FloatVector a2_0 = FloatVector.zero(S);
        FloatVector a2_1 = FloatVector.zero(S);
        FloatVector a2_2 = FloatVector.zero(S);
        FloatVector a2_3 = FloatVector.zero(S);
        FloatVector a2_4 = FloatVector.zero(S);
        FloatVector a3_0 = FloatVector.zero(S);
        FloatVector a3_1 = FloatVector.zero(S);
        FloatVector a3_2 = FloatVector.zero(S);
        FloatVector a3_3 = FloatVector.zero(S);
        FloatVector a3_4 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + 1 * L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector x4 = FloatVector.fromArray(S, x, xo + 4 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                a0_2 = x2.fma(w0, a0_2);
                a0_3 = x3.fma(w0, a0_3);
                a0_4 = x4.fma(w0, a0_4);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1 * wStride]);
                a1_0 = x0.fma(w1, a1_0);
                a1_1 = x1.fma(w1, a1_1);
                a1_2 = x2.fma(w1, a1_2);
                a1_3 = x3.fma(w1, a1_3);
                a1_4 = x4.fma(w1, a1_4);
                FloatVector w2 = FloatVector.broadcast(S, w[wi + 2 * wStride]);
                a2_0 = x0.fma(w2, a2_0);
                a2_1 = x1.fma(w2, a2_1);
                a2_2 = x2.fma(w2, a2_2);
                a2_3 = x3.fma(w2, a2_3);
                a2_4 = x4.fma(w2, a2_4);
                FloatVector w3 = FloatVector.broadcast(S, w[wi + 3 * wStride]);
                a3_0 = x0.fma(w3, a3_0);
                a3_1 = x1.fma(w3, a3_1);
                a3_2 = x2.fma(w3, a3_2);
                a3_3 = x3.fma(w3, a3_3);
                a3_4 = x4.fma(w3, a3_4);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a0_4.intoArray(os, oBase + 4 * L);
        a1_0.intoArray(os, oBase + 1 * oStride + 0 * L);
        a1_1.intoArray(os, oBase + 1 * oStride + 1 * L);
        a1_2.intoArray(os, oBase + 1 * oStride + 2 * L);
        a1_3.intoArray(os, oBase + 1 * oStride + 3 * L);
        a1_4.intoArray(os, oBase + 1 * oStride + 4 * L);
        a2_0.intoArray(os, oBase + 2 * oStride + 0 * L);
        a2_1.intoArray(os, oBase + 2 * oStride + 1 * L);
        a2_2.intoArray(os, oBase + 2 * oStride + 2 * L);
        a2_3.intoArray(os, oBase + 2 * oStride + 3 * L);
        a2_4.intoArray(os, oBase + 2 * oStride + 4 * L);
        a3_0.intoArray(os, oBase + 3 * oStride + 0 * L);
        a3_1.intoArray(os, oBase + 3 * oStride + 1 * L);
        a3_2.intoArray(os, oBase + 3 * oStride + 2 * L);
        a3_3.intoArray(os, oBase + 3 * oStride + 3 * L);
        a3_4.intoArray(os, oBase + 3 * oStride + 4 * L);
    }

    /** Forward tile: 4 output channels x 4 vectors of positions (16 accumulators). */
    static void fwd4x4(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a2_0 = FloatVector.zero(S);
        FloatVector a2_1 = FloatVector.zero(S);
        FloatVector a2_2 = FloatVector.zero(S);
        FloatVector a2_3 = FloatVector.zero(S);
        FloatVector a3_0 = FloatVector.zero(S);
        FloatVector a3_1 = FloatVector.zero(S);
        FloatVector a3_2 = FloatVector.zero(S);
        FloatVector a3_3 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + 1 * L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                a0_2 = x2.fma(w0, a0_2);
                a0_3 = x3.fma(w0, a0_3);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1 * wStride]);
                a1_0 = x0.fma(w1, a1_0);
                a1_1 = x1.fma(w1, a1_1);
                a1_2 = x2.fma(w1, a1_2);
                a1_3 = x3.fma(w1, a1_3);
                FloatVector w2 = FloatVector.broadcast(S, w[wi + 2 * wStride]);
                a2_0 = x0.fma(w2, a2_0);
                a2_1 = x1.fma(w2, a2_1);
                a2_2 = x2.fma(w2, a2_2);
                a2_3 = x3.fma(w2, a2_3);
                FloatVector w3 = FloatVector.broadcast(S, w[wi + 3 * wStride]);
                a3_0 = x0.fma(w3, a3_0);
                a3_1 = x1.fma(w3, a3_1);
                a3_2 = x2.fma(w3, a3_2);
                a3_3 = x3.fma(w3, a3_3);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a1_0.intoArray(os, oBase + 1 * oStride + 0 * L);
        a1_1.intoArray(os, oBase + 1 * oStride + 1 * L);
        a1_2.intoArray(os, oBase + 1 * oStride + 2 * L);
        a1_3.intoArray(os, oBase + 1 * oStride + 3 * L);
        a2_0.intoArray(os, oBase + 2 * oStride + 0 * L);
        a2_1.intoArray(os, oBase + 2 * oStride + 1 * L);
        a2_2.intoArray(os, oBase + 2 * oStride + 2 * L);
        a2_3.intoArray(os, oBase + 2 * oStride + 3 * L);
        a3_0.intoArray(os, oBase + 3 * oStride + 0 * L);
        a3_1.intoArray(os, oBase + 3 * oStride + 1 * L);
        a3_2.intoArray(os, oBase + 3 * oStride + 2 * L);
        a3_3.intoArray(os, oBase + 3 * oStride + 3 * L);
    }

    /** Forward tile: 2 output channels x 8 vectors of positions (16 accumulators). */
    static void fwd2x8(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a0_6 = FloatVector.zero(S);
        FloatVector a0_7 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a1_4 = FloatVector.zero(S);
        FloatVector a1_5 = FloatVector.zero(S);
        FloatVector a1_6 = FloatVector.zero(S);
        FloatVector a1_7 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + 1 * L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector x4 = FloatVector.fromArray(S, x, xo + 4 * L);
                FloatVector x5 = FloatVector.fromArray(S, x, xo + 5 * L);
                FloatVector x6 = FloatVector.fromArray(S, x, xo + 6 * L);
                FloatVector x7 = FloatVector.fromArray(S, x, xo + 7 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                a0_2 = x2.fma(w0, a0_2);
                a0_3 = x3.fma(w0, a0_3);
                a0_4 = x4.fma(w0, a0_4);
                a0_5 = x5.fma(w0, a0_5);
                a0_6 = x6.fma(w0, a0_6);
                a0_7 = x7.fma(w0, a0_7);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1 * wStride]);
                a1_0 = x0.fma(w1, a1_0);
                a1_1 = x1.fma(w1, a1_1);
                a1_2 = x2.fma(w1, a1_2);
                a1_3 = x3.fma(w1, a1_3);
                a1_4 = x4.fma(w1, a1_4);
                a1_5 = x5.fma(w1, a1_5);
                a1_6 = x6.fma(w1, a1_6);
                a1_7 = x7.fma(w1, a1_7);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a0_4.intoArray(os, oBase + 4 * L);
        a0_5.intoArray(os, oBase + 5 * L);
        a0_6.intoArray(os, oBase + 6 * L);
        a0_7.intoArray(os, oBase + 7 * L);
        a1_0.intoArray(os, oBase + 1 * oStride + 0 * L);
        a1_1.intoArray(os, oBase + 1 * oStride + 1 * L);
        a1_2.intoArray(os, oBase + 1 * oStride + 2 * L);
        a1_3.intoArray(os, oBase + 1 * oStride + 3 * L);
        a1_4.intoArray(os, oBase + 1 * oStride + 4 * L);
        a1_5.intoArray(os, oBase + 1 * oStride + 5 * L);
        a1_6.intoArray(os, oBase + 1 * oStride + 6 * L);
        a1_7.intoArray(os, oBase + 1 * oStride + 7 * L);
    }

    /** Forward tile: 1 output channels x 16 vectors of positions (16 accumulators). */
    static void fwd1x16(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a0_6 = FloatVector.zero(S);
        FloatVector a0_7 = FloatVector.zero(S);
        FloatVector a0_8 = FloatVector.zero(S);
        FloatVector a0_9 = FloatVector.zero(S);
        FloatVector a0_10 = FloatVector.zero(S);
        FloatVector a0_11 = FloatVector.zero(S);
        FloatVector a0_12 = FloatVector.zero(S);
        FloatVector a0_13 = FloatVector.zero(S);
        FloatVector a0_14 = FloatVector.zero(S);
        FloatVector a0_15 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + 1 * L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector x4 = FloatVector.fromArray(S, x, xo + 4 * L);
                FloatVector x5 = FloatVector.fromArray(S, x, xo + 5 * L);
                FloatVector x6 = FloatVector.fromArray(S, x, xo + 6 * L);
                FloatVector x7 = FloatVector.fromArray(S, x, xo + 7 * L);
                FloatVector x8 = FloatVector.fromArray(S, x, xo + 8 * L);
                FloatVector x9 = FloatVector.fromArray(S, x, xo + 9 * L);
                FloatVector x10 = FloatVector.fromArray(S, x, xo + 10 * L);
                FloatVector x11 = FloatVector.fromArray(S, x, xo + 11 * L);
                FloatVector x12 = FloatVector.fromArray(S, x, xo + 12 * L);
                FloatVector x13 = FloatVector.fromArray(S, x, xo + 13 * L);
                FloatVector x14 = FloatVector.fromArray(S, x, xo + 14 * L);
                FloatVector x15 = FloatVector.fromArray(S, x, xo + 15 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                a0_2 = x2.fma(w0, a0_2);
                a0_3 = x3.fma(w0, a0_3);
                a0_4 = x4.fma(w0, a0_4);
                a0_5 = x5.fma(w0, a0_5);
                a0_6 = x6.fma(w0, a0_6);
                a0_7 = x7.fma(w0, a0_7);
                a0_8 = x8.fma(w0, a0_8);
                a0_9 = x9.fma(w0, a0_9);
                a0_10 = x10.fma(w0, a0_10);
                a0_11 = x11.fma(w0, a0_11);
                a0_12 = x12.fma(w0, a0_12);
                a0_13 = x13.fma(w0, a0_13);
                a0_14 = x14.fma(w0, a0_14);
                a0_15 = x15.fma(w0, a0_15);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a0_4.intoArray(os, oBase + 4 * L);
        a0_5.intoArray(os, oBase + 5 * L);
        a0_6.intoArray(os, oBase + 6 * L);
        a0_7.intoArray(os, oBase + 7 * L);
        a0_8.intoArray(os, oBase + 8 * L);
        a0_9.intoArray(os, oBase + 9 * L);
        a0_10.intoArray(os, oBase + 10 * L);
        a0_11.intoArray(os, oBase + 11 * L);
        a0_12.intoArray(os, oBase + 12 * L);
        a0_13.intoArray(os, oBase + 13 * L);
        a0_14.intoArray(os, oBase + 14 * L);
        a0_15.intoArray(os, oBase + 15 * L);
    }

    /** Forward tile: 2 output channels x 4 vectors of positions (8 accumulators). */
    static void fwd2x4(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + 1 * L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                a0_2 = x2.fma(w0, a0_2);
                a0_3 = x3.fma(w0, a0_3);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1 * wStride]);
                a1_0 = x0.fma(w1, a1_0);
                a1_1 = x1.fma(w1, a1_1);
                a1_2 = x2.fma(w1, a1_2);
                a1_3 = x3.fma(w1, a1_3);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
        a1_0.intoArray(os, oBase + 1 * oStride + 0 * L);
        a1_1.intoArray(os, oBase + 1 * oStride + 1 * L);
        a1_2.intoArray(os, oBase + 1 * oStride + 2 * L);
        a1_3.intoArray(os, oBase + 1 * oStride + 3 * L);
    }

    /** Forward tile: 1 output channels x 4 vectors of positions (4 accumulators). */
    static void fwd1x4(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector x1 = FloatVector.fromArray(S, x, xo + 1 * L);
                FloatVector x2 = FloatVector.fromArray(S, x, xo + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + 3 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                a0_1 = x1.fma(w0, a0_1);
                a0_2 = x2.fma(w0, a0_2);
                a0_3 = x3.fma(w0, a0_3);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a0_1.intoArray(os, oBase + 1 * L);
        a0_2.intoArray(os, oBase + 2 * L);
        a0_3.intoArray(os, oBase + 3 * L);
    }

    /** Forward tile: 4 output channels x 1 vectors of positions (4 accumulators). */
    static void fwd4x1(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a2_0 = FloatVector.zero(S);
        FloatVector a3_0 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1 * wStride]);
                a1_0 = x0.fma(w1, a1_0);
                FloatVector w2 = FloatVector.broadcast(S, w[wi + 2 * wStride]);
                a2_0 = x0.fma(w2, a2_0);
                FloatVector w3 = FloatVector.broadcast(S, w[wi + 3 * wStride]);
                a3_0 = x0.fma(w3, a3_0);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a1_0.intoArray(os, oBase + 1 * oStride + 0 * L);
        a2_0.intoArray(os, oBase + 2 * oStride + 0 * L);
        a3_0.intoArray(os, oBase + 3 * oStride + 0 * L);
    }

    /** Forward tile: 2 output channels x 1 vectors of positions (2 accumulators). */
    static void fwd2x1(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1 * wStride]);
                a1_0 = x0.fma(w1, a1_0);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
        a1_0.intoArray(os, oBase + 1 * oStride + 0 * L);
    }

    /** Forward tile: 1 output channels x 1 vectors of positions (1 accumulators). */
    static void fwd1x1(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg,
            float[] w, int wBase, int wStride, float[] os, int oBase, int oStride) {
        FloatVector a0_0 = FloatVector.zero(S);
        int xb = xBase;
        int wb = wBase;
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                int xo = xb + taps[t];
                int wi = wb + t;
                FloatVector x0 = FloatVector.fromArray(S, x, xo);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                a0_0 = x0.fma(w0, a0_0);
            }
            xb += xPlane;
            wb += nTaps;
        }
        a0_0.intoArray(os, oBase + 0 * L);
    }

    /** Weight-gradient tile: 4 output channels x 6 reduction columns, dot products over len positions. */
    static void bw4x6(float[] d, int dBase, int dStride, float[] x, int xo0, int xo1, int xo2, int xo3, int xo4, int xo5, int len,
            float[] dw, int dwBase, int dwOc, int dwK) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a1_4 = FloatVector.zero(S);
        FloatVector a1_5 = FloatVector.zero(S);
        FloatVector a2_0 = FloatVector.zero(S);
        FloatVector a2_1 = FloatVector.zero(S);
        FloatVector a2_2 = FloatVector.zero(S);
        FloatVector a2_3 = FloatVector.zero(S);
        FloatVector a2_4 = FloatVector.zero(S);
        FloatVector a2_5 = FloatVector.zero(S);
        FloatVector a3_0 = FloatVector.zero(S);
        FloatVector a3_1 = FloatVector.zero(S);
        FloatVector a3_2 = FloatVector.zero(S);
        FloatVector a3_3 = FloatVector.zero(S);
        FloatVector a3_4 = FloatVector.zero(S);
        FloatVector a3_5 = FloatVector.zero(S);
        int bound = S.loopBound(len);
        int q = 0;
        // vector body
        for (; q < bound; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, dBase + q);
            FloatVector d1 = FloatVector.fromArray(S, d, dBase + 1 * dStride + q);
            FloatVector d2 = FloatVector.fromArray(S, d, dBase + 2 * dStride + q);
            FloatVector d3 = FloatVector.fromArray(S, d, dBase + 3 * dStride + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xo0 + q);
            a0_0 = d0.fma(x0, a0_0);
            a1_0 = d1.fma(x0, a1_0);
            a2_0 = d2.fma(x0, a2_0);
            a3_0 = d3.fma(x0, a3_0);
            FloatVector x1 = FloatVector.fromArray(S, x, xo1 + q);
            a0_1 = d0.fma(x1, a0_1);
            a1_1 = d1.fma(x1, a1_1);
            a2_1 = d2.fma(x1, a2_1);
            a3_1 = d3.fma(x1, a3_1);
            FloatVector x2 = FloatVector.fromArray(S, x, xo2 + q);
            a0_2 = d0.fma(x2, a0_2);
            a1_2 = d1.fma(x2, a1_2);
            a2_2 = d2.fma(x2, a2_2);
            a3_2 = d3.fma(x2, a3_2);
            FloatVector x3 = FloatVector.fromArray(S, x, xo3 + q);
            a0_3 = d0.fma(x3, a0_3);
            a1_3 = d1.fma(x3, a1_3);
            a2_3 = d2.fma(x3, a2_3);
            a3_3 = d3.fma(x3, a3_3);
            FloatVector x4 = FloatVector.fromArray(S, x, xo4 + q);
            a0_4 = d0.fma(x4, a0_4);
            a1_4 = d1.fma(x4, a1_4);
            a2_4 = d2.fma(x4, a2_4);
            a3_4 = d3.fma(x4, a3_4);
            FloatVector x5 = FloatVector.fromArray(S, x, xo5 + q);
            a0_5 = d0.fma(x5, a0_5);
            a1_5 = d1.fma(x5, a1_5);
            a2_5 = d2.fma(x5, a2_5);
            a3_5 = d3.fma(x5, a3_5);
        }
        float s0_0 = sumLanes(a0_0);
        float s0_1 = sumLanes(a0_1);
        float s0_2 = sumLanes(a0_2);
        float s0_3 = sumLanes(a0_3);
        float s0_4 = sumLanes(a0_4);
        float s0_5 = sumLanes(a0_5);
        float s1_0 = sumLanes(a1_0);
        float s1_1 = sumLanes(a1_1);
        float s1_2 = sumLanes(a1_2);
        float s1_3 = sumLanes(a1_3);
        float s1_4 = sumLanes(a1_4);
        float s1_5 = sumLanes(a1_5);
        float s2_0 = sumLanes(a2_0);
        float s2_1 = sumLanes(a2_1);
        float s2_2 = sumLanes(a2_2);
        float s2_3 = sumLanes(a2_3);
        float s2_4 = sumLanes(a2_4);
        float s2_5 = sumLanes(a2_5);
        float s3_0 = sumLanes(a3_0);
        float s3_1 = sumLanes(a3_1);
        float s3_2 = sumLanes(a3_2);
        float s3_3 = sumLanes(a3_3);
        float s3_4 = sumLanes(a3_4);
        float s3_5 = sumLanes(a3_5);
        // scalar tail
        for (; q < len; q++) {
            float e0 = d[dBase + q];
            float e1 = d[dBase + 1 * dStride + q];
            float e2 = d[dBase + 2 * dStride + q];
            float e3 = d[dBase + 3 * dStride + q];
            float y0 = x[xo0 + q];
            s0_0 = Math.fma(e0, y0, s0_0);
            s1_0 = Math.fma(e1, y0, s1_0);
            s2_0 = Math.fma(e2, y0, s2_0);
            s3_0 = Math.fma(e3, y0, s3_0);
            float y1 = x[xo1 + q];
            s0_1 = Math.fma(e0, y1, s0_1);
            s1_1 = Math.fma(e1, y1, s1_1);
            s2_1 = Math.fma(e2, y1, s2_1);
            s3_1 = Math.fma(e3, y1, s3_1);
            float y2 = x[xo2 + q];
            s0_2 = Math.fma(e0, y2, s0_2);
            s1_2 = Math.fma(e1, y2, s1_2);
            s2_2 = Math.fma(e2, y2, s2_2);
            s3_2 = Math.fma(e3, y2, s3_2);
            float y3 = x[xo3 + q];
            s0_3 = Math.fma(e0, y3, s0_3);
            s1_3 = Math.fma(e1, y3, s1_3);
            s2_3 = Math.fma(e2, y3, s2_3);
            s3_3 = Math.fma(e3, y3, s3_3);
            float y4 = x[xo4 + q];
            s0_4 = Math.fma(e0, y4, s0_4);
            s1_4 = Math.fma(e1, y4, s1_4);
            s2_4 = Math.fma(e2, y4, s2_4);
            s3_4 = Math.fma(e3, y4, s3_4);
            float y5 = x[xo5 + q];
            s0_5 = Math.fma(e0, y5, s0_5);
            s1_5 = Math.fma(e1, y5, s1_5);
            s2_5 = Math.fma(e2, y5, s2_5);
            s3_5 = Math.fma(e3, y5, s3_5);
        }
        dw[dwBase] += s0_0;
        dw[dwBase + 1 * dwK] += s0_1;
        dw[dwBase + 2 * dwK] += s0_2;
        dw[dwBase + 3 * dwK] += s0_3;
        dw[dwBase + 4 * dwK] += s0_4;
        dw[dwBase + 5 * dwK] += s0_5;
        dw[dwBase + 1 * dwOc] += s1_0;
        dw[dwBase + 1 * dwOc + 1 * dwK] += s1_1;
        dw[dwBase + 1 * dwOc + 2 * dwK] += s1_2;
        dw[dwBase + 1 * dwOc + 3 * dwK] += s1_3;
        dw[dwBase + 1 * dwOc + 4 * dwK] += s1_4;
        dw[dwBase + 1 * dwOc + 5 * dwK] += s1_5;
        dw[dwBase + 2 * dwOc] += s2_0;
        dw[dwBase + 2 * dwOc + 1 * dwK] += s2_1;
        dw[dwBase + 2 * dwOc + 2 * dwK] += s2_2;
        dw[dwBase + 2 * dwOc + 3 * dwK] += s2_3;
        dw[dwBase + 2 * dwOc + 4 * dwK] += s2_4;
        dw[dwBase + 2 * dwOc + 5 * dwK] += s2_5;
        dw[dwBase + 3 * dwOc] += s3_0;
        dw[dwBase + 3 * dwOc + 1 * dwK] += s3_1;
        dw[dwBase + 3 * dwOc + 2 * dwK] += s3_2;
        dw[dwBase + 3 * dwOc + 3 * dwK] += s3_3;
        dw[dwBase + 3 * dwOc + 4 * dwK] += s3_4;
        dw[dwBase + 3 * dwOc + 5 * dwK] += s3_5;
    }

    /** Weight-gradient tile: 4 output channels x 4 reduction columns, dot products over len positions. */
    static void bw4x4(float[] d, int dBase, int dStride, float[] x, int xo0, int xo1, int xo2, int xo3, int len,
            float[] dw, int dwBase, int dwOc, int dwK) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a2_0 = FloatVector.zero(S);
        FloatVector a2_1 = FloatVector.zero(S);
        FloatVector a2_2 = FloatVector.zero(S);
        FloatVector a2_3 = FloatVector.zero(S);
        FloatVector a3_0 = FloatVector.zero(S);
        FloatVector a3_1 = FloatVector.zero(S);
        FloatVector a3_2 = FloatVector.zero(S);
        FloatVector a3_3 = FloatVector.zero(S);
        int bound = S.loopBound(len);
        int q = 0;
        // vector body
        for (; q < bound; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, dBase + q);
            FloatVector d1 = FloatVector.fromArray(S, d, dBase + 1 * dStride + q);
            FloatVector d2 = FloatVector.fromArray(S, d, dBase + 2 * dStride + q);
            FloatVector d3 = FloatVector.fromArray(S, d, dBase + 3 * dStride + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xo0 + q);
            a0_0 = d0.fma(x0, a0_0);
            a1_0 = d1.fma(x0, a1_0);
            a2_0 = d2.fma(x0, a2_0);
            a3_0 = d3.fma(x0, a3_0);
            FloatVector x1 = FloatVector.fromArray(S, x, xo1 + q);
            a0_1 = d0.fma(x1, a0_1);
            a1_1 = d1.fma(x1, a1_1);
            a2_1 = d2.fma(x1, a2_1);
            a3_1 = d3.fma(x1, a3_1);
            FloatVector x2 = FloatVector.fromArray(S, x, xo2 + q);
            a0_2 = d0.fma(x2, a0_2);
            a1_2 = d1.fma(x2, a1_2);
            a2_2 = d2.fma(x2, a2_2);
            a3_2 = d3.fma(x2, a3_2);
            FloatVector x3 = FloatVector.fromArray(S, x, xo3 + q);
            a0_3 = d0.fma(x3, a0_3);
            a1_3 = d1.fma(x3, a1_3);
            a2_3 = d2.fma(x3, a2_3);
            a3_3 = d3.fma(x3, a3_3);
        }
        float s0_0 = sumLanes(a0_0);
        float s0_1 = sumLanes(a0_1);
        float s0_2 = sumLanes(a0_2);
        float s0_3 = sumLanes(a0_3);
        float s1_0 = sumLanes(a1_0);
        float s1_1 = sumLanes(a1_1);
        float s1_2 = sumLanes(a1_2);
        float s1_3 = sumLanes(a1_3);
        float s2_0 = sumLanes(a2_0);
        float s2_1 = sumLanes(a2_1);
        float s2_2 = sumLanes(a2_2);
        float s2_3 = sumLanes(a2_3);
        float s3_0 = sumLanes(a3_0);
        float s3_1 = sumLanes(a3_1);
        float s3_2 = sumLanes(a3_2);
        float s3_3 = sumLanes(a3_3);
        // scalar tail
        for (; q < len; q++) {
            float e0 = d[dBase + q];
            float e1 = d[dBase + 1 * dStride + q];
            float e2 = d[dBase + 2 * dStride + q];
            float e3 = d[dBase + 3 * dStride + q];
            float y0 = x[xo0 + q];
            s0_0 = Math.fma(e0, y0, s0_0);
            s1_0 = Math.fma(e1, y0, s1_0);
            s2_0 = Math.fma(e2, y0, s2_0);
            s3_0 = Math.fma(e3, y0, s3_0);
            float y1 = x[xo1 + q];
            s0_1 = Math.fma(e0, y1, s0_1);
            s1_1 = Math.fma(e1, y1, s1_1);
            s2_1 = Math.fma(e2, y1, s2_1);
            s3_1 = Math.fma(e3, y1, s3_1);
            float y2 = x[xo2 + q];
            s0_2 = Math.fma(e0, y2, s0_2);
            s1_2 = Math.fma(e1, y2, s1_2);
            s2_2 = Math.fma(e2, y2, s2_2);
            s3_2 = Math.fma(e3, y2, s3_2);
            float y3 = x[xo3 + q];
            s0_3 = Math.fma(e0, y3, s0_3);
            s1_3 = Math.fma(e1, y3, s1_3);
            s2_3 = Math.fma(e2, y3, s2_3);
            s3_3 = Math.fma(e3, y3, s3_3);
        }
        dw[dwBase] += s0_0;
        dw[dwBase + 1 * dwK] += s0_1;
        dw[dwBase + 2 * dwK] += s0_2;
        dw[dwBase + 3 * dwK] += s0_3;
        dw[dwBase + 1 * dwOc] += s1_0;
        dw[dwBase + 1 * dwOc + 1 * dwK] += s1_1;
        dw[dwBase + 1 * dwOc + 2 * dwK] += s1_2;
        dw[dwBase + 1 * dwOc + 3 * dwK] += s1_3;
        dw[dwBase + 2 * dwOc] += s2_0;
        dw[dwBase + 2 * dwOc + 1 * dwK] += s2_1;
        dw[dwBase + 2 * dwOc + 2 * dwK] += s2_2;
        dw[dwBase + 2 * dwOc + 3 * dwK] += s2_3;
        dw[dwBase + 3 * dwOc] += s3_0;
        dw[dwBase + 3 * dwOc + 1 * dwK] += s3_1;
        dw[dwBase + 3 * dwOc + 2 * dwK] += s3_2;
        dw[dwBase + 3 * dwOc + 3 * dwK] += s3_3;
    }

    /** Weight-gradient tile: 2 output channels x 8 reduction columns, dot products over len positions. */
    static void bw2x8(float[] d, int dBase, int dStride, float[] x, int xo0, int xo1, int xo2, int xo3, int xo4, int xo5, int xo6, int xo7, int len,
            float[] dw, int dwBase, int dwOc, int dwK) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        FloatVector a0_6 = FloatVector.zero(S);
        FloatVector a0_7 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a1_1 = FloatVector.zero(S);
        FloatVector a1_2 = FloatVector.zero(S);
        FloatVector a1_3 = FloatVector.zero(S);
        FloatVector a1_4 = FloatVector.zero(S);
        FloatVector a1_5 = FloatVector.zero(S);
        FloatVector a1_6 = FloatVector.zero(S);
        FloatVector a1_7 = FloatVector.zero(S);
        int bound = S.loopBound(len);
        int q = 0;
        // vector body
        for (; q < bound; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, dBase + q);
            FloatVector d1 = FloatVector.fromArray(S, d, dBase + 1 * dStride + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xo0 + q);
            a0_0 = d0.fma(x0, a0_0);
            a1_0 = d1.fma(x0, a1_0);
            FloatVector x1 = FloatVector.fromArray(S, x, xo1 + q);
            a0_1 = d0.fma(x1, a0_1);
            a1_1 = d1.fma(x1, a1_1);
            FloatVector x2 = FloatVector.fromArray(S, x, xo2 + q);
            a0_2 = d0.fma(x2, a0_2);
            a1_2 = d1.fma(x2, a1_2);
            FloatVector x3 = FloatVector.fromArray(S, x, xo3 + q);
            a0_3 = d0.fma(x3, a0_3);
            a1_3 = d1.fma(x3, a1_3);
            FloatVector x4 = FloatVector.fromArray(S, x, xo4 + q);
            a0_4 = d0.fma(x4, a0_4);
            a1_4 = d1.fma(x4, a1_4);
            FloatVector x5 = FloatVector.fromArray(S, x, xo5 + q);
            a0_5 = d0.fma(x5, a0_5);
            a1_5 = d1.fma(x5, a1_5);
            FloatVector x6 = FloatVector.fromArray(S, x, xo6 + q);
            a0_6 = d0.fma(x6, a0_6);
            a1_6 = d1.fma(x6, a1_6);
            FloatVector x7 = FloatVector.fromArray(S, x, xo7 + q);
            a0_7 = d0.fma(x7, a0_7);
            a1_7 = d1.fma(x7, a1_7);
        }
        float s0_0 = sumLanes(a0_0);
        float s0_1 = sumLanes(a0_1);
        float s0_2 = sumLanes(a0_2);
        float s0_3 = sumLanes(a0_3);
        float s0_4 = sumLanes(a0_4);
        float s0_5 = sumLanes(a0_5);
        float s0_6 = sumLanes(a0_6);
        float s0_7 = sumLanes(a0_7);
        float s1_0 = sumLanes(a1_0);
        float s1_1 = sumLanes(a1_1);
        float s1_2 = sumLanes(a1_2);
        float s1_3 = sumLanes(a1_3);
        float s1_4 = sumLanes(a1_4);
        float s1_5 = sumLanes(a1_5);
        float s1_6 = sumLanes(a1_6);
        float s1_7 = sumLanes(a1_7);
        // scalar tail
        for (; q < len; q++) {
            float e0 = d[dBase + q];
            float e1 = d[dBase + 1 * dStride + q];
            float y0 = x[xo0 + q];
            s0_0 = Math.fma(e0, y0, s0_0);
            s1_0 = Math.fma(e1, y0, s1_0);
            float y1 = x[xo1 + q];
            s0_1 = Math.fma(e0, y1, s0_1);
            s1_1 = Math.fma(e1, y1, s1_1);
            float y2 = x[xo2 + q];
            s0_2 = Math.fma(e0, y2, s0_2);
            s1_2 = Math.fma(e1, y2, s1_2);
            float y3 = x[xo3 + q];
            s0_3 = Math.fma(e0, y3, s0_3);
            s1_3 = Math.fma(e1, y3, s1_3);
            float y4 = x[xo4 + q];
            s0_4 = Math.fma(e0, y4, s0_4);
            s1_4 = Math.fma(e1, y4, s1_4);
            float y5 = x[xo5 + q];
            s0_5 = Math.fma(e0, y5, s0_5);
            s1_5 = Math.fma(e1, y5, s1_5);
            float y6 = x[xo6 + q];
            s0_6 = Math.fma(e0, y6, s0_6);
            s1_6 = Math.fma(e1, y6, s1_6);
            float y7 = x[xo7 + q];
            s0_7 = Math.fma(e0, y7, s0_7);
            s1_7 = Math.fma(e1, y7, s1_7);
        }
        dw[dwBase] += s0_0;
        dw[dwBase + 1 * dwK] += s0_1;
        dw[dwBase + 2 * dwK] += s0_2;
        dw[dwBase + 3 * dwK] += s0_3;
        dw[dwBase + 4 * dwK] += s0_4;
        dw[dwBase + 5 * dwK] += s0_5;
        dw[dwBase + 6 * dwK] += s0_6;
        dw[dwBase + 7 * dwK] += s0_7;
        dw[dwBase + 1 * dwOc] += s1_0;
        dw[dwBase + 1 * dwOc + 1 * dwK] += s1_1;
        dw[dwBase + 1 * dwOc + 2 * dwK] += s1_2;
        dw[dwBase + 1 * dwOc + 3 * dwK] += s1_3;
        dw[dwBase + 1 * dwOc + 4 * dwK] += s1_4;
        dw[dwBase + 1 * dwOc + 5 * dwK] += s1_5;
        dw[dwBase + 1 * dwOc + 6 * dwK] += s1_6;
        dw[dwBase + 1 * dwOc + 7 * dwK] += s1_7;
    }

    /** Weight-gradient tile: 4 output channels x 1 reduction columns, dot products over len positions. */
    static void bw4x1(float[] d, int dBase, int dStride, float[] x, int xo0, int len,
            float[] dw, int dwBase, int dwOc, int dwK) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a1_0 = FloatVector.zero(S);
        FloatVector a2_0 = FloatVector.zero(S);
        FloatVector a3_0 = FloatVector.zero(S);
        int bound = S.loopBound(len);
        int q = 0;
        // vector body
        for (; q < bound; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, dBase + q);
            FloatVector d1 = FloatVector.fromArray(S, d, dBase + 1 * dStride + q);
            FloatVector d2 = FloatVector.fromArray(S, d, dBase + 2 * dStride + q);
            FloatVector d3 = FloatVector.fromArray(S, d, dBase + 3 * dStride + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xo0 + q);
            a0_0 = d0.fma(x0, a0_0);
            a1_0 = d1.fma(x0, a1_0);
            a2_0 = d2.fma(x0, a2_0);
            a3_0 = d3.fma(x0, a3_0);
        }
        float s0_0 = sumLanes(a0_0);
        float s1_0 = sumLanes(a1_0);
        float s2_0 = sumLanes(a2_0);
        float s3_0 = sumLanes(a3_0);
        // scalar tail
        for (; q < len; q++) {
            float e0 = d[dBase + q];
            float e1 = d[dBase + 1 * dStride + q];
            float e2 = d[dBase + 2 * dStride + q];
            float e3 = d[dBase + 3 * dStride + q];
            float y0 = x[xo0 + q];
            s0_0 = Math.fma(e0, y0, s0_0);
            s1_0 = Math.fma(e1, y0, s1_0);
            s2_0 = Math.fma(e2, y0, s2_0);
            s3_0 = Math.fma(e3, y0, s3_0);
        }
        dw[dwBase] += s0_0;
        dw[dwBase + 1 * dwOc] += s1_0;
        dw[dwBase + 2 * dwOc] += s2_0;
        dw[dwBase + 3 * dwOc] += s3_0;
    }

    /** Weight-gradient tile: 1 output channels x 6 reduction columns, dot products over len positions. */
    static void bw1x6(float[] d, int dBase, int dStride, float[] x, int xo0, int xo1, int xo2, int xo3, int xo4, int xo5, int len,
            float[] dw, int dwBase, int dwOc, int dwK) {
        FloatVector a0_0 = FloatVector.zero(S);
        FloatVector a0_1 = FloatVector.zero(S);
        FloatVector a0_2 = FloatVector.zero(S);
        FloatVector a0_3 = FloatVector.zero(S);
        FloatVector a0_4 = FloatVector.zero(S);
        FloatVector a0_5 = FloatVector.zero(S);
        int bound = S.loopBound(len);
        int q = 0;
        // vector body
        for (; q < bound; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, dBase + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xo0 + q);
            a0_0 = d0.fma(x0, a0_0);
            FloatVector x1 = FloatVector.fromArray(S, x, xo1 + q);
            a0_1 = d0.fma(x1, a0_1);
            FloatVector x2 = FloatVector.fromArray(S, x, xo2 + q);
            a0_2 = d0.fma(x2, a0_2);
            FloatVector x3 = FloatVector.fromArray(S, x, xo3 + q);
            a0_3 = d0.fma(x3, a0_3);
            FloatVector x4 = FloatVector.fromArray(S, x, xo4 + q);
            a0_4 = d0.fma(x4, a0_4);
            FloatVector x5 = FloatVector.fromArray(S, x, xo5 + q);
            a0_5 = d0.fma(x5, a0_5);
        }
        float s0_0 = sumLanes(a0_0);
        float s0_1 = sumLanes(a0_1);
        float s0_2 = sumLanes(a0_2);
        float s0_3 = sumLanes(a0_3);
        float s0_4 = sumLanes(a0_4);
        float s0_5 = sumLanes(a0_5);
        // scalar tail
        for (; q < len; q++) {
            float e0 = d[dBase + q];
            float y0 = x[xo0 + q];
            s0_0 = Math.fma(e0, y0, s0_0);
            float y1 = x[xo1 + q];
            s0_1 = Math.fma(e0, y1, s0_1);
            float y2 = x[xo2 + q];
            s0_2 = Math.fma(e0, y2, s0_2);
            float y3 = x[xo3 + q];
            s0_3 = Math.fma(e0, y3, s0_3);
            float y4 = x[xo4 + q];
            s0_4 = Math.fma(e0, y4, s0_4);
            float y5 = x[xo5 + q];
            s0_5 = Math.fma(e0, y5, s0_5);
        }
        dw[dwBase] += s0_0;
        dw[dwBase + 1 * dwK] += s0_1;
        dw[dwBase + 2 * dwK] += s0_2;
        dw[dwBase + 3 * dwK] += s0_3;
        dw[dwBase + 4 * dwK] += s0_4;
        dw[dwBase + 5 * dwK] += s0_5;
    }

    /** Weight-gradient tile: 1 output channels x 1 reduction columns, dot products over len positions. */
    static void bw1x1(float[] d, int dBase, int dStride, float[] x, int xo0, int len,
            float[] dw, int dwBase, int dwOc, int dwK) {
        FloatVector a0_0 = FloatVector.zero(S);
        int bound = S.loopBound(len);
        int q = 0;
        // vector body
        for (; q < bound; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, dBase + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xo0 + q);
            a0_0 = d0.fma(x0, a0_0);
        }
        float s0_0 = sumLanes(a0_0);
        // scalar tail
        for (; q < len; q++) {
            float e0 = d[dBase + q];
            float y0 = x[xo0 + q];
            s0_0 = Math.fma(e0, y0, s0_0);
        }
        dw[dwBase] += s0_0;
    }
}
