package org.deeproots.ops.scalar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.PoolGeometry;
import org.junit.jupiter.api.Test;

/** Hand-computed values and conventions of the scalar reference. */
class ScalarKernelsTest {
    private final ScalarKernels k = ScalarKernels.INSTANCE;

    @Test
    void convOfHandComputedExample() {
        // 1 image, 1 channel 3x3, 2x2 kernel, pad 0, stride 1 -> 2x2
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 0, 0, -1};
        float[] out = new float[4];
        k.conv2dForward(out, in, w, new float[] {10}, ConvGeometry.of(1, 1, 1, 1, 3, 3, 2, 1, 0));
        assertArrayEquals(new float[] {10 - 4, 10 - 4, 10 - 4, 10 - 4}, out);
    }

    @Test
    void groupedConvSeesOnlyItsGroup() {
        // 2 groups, 1x1 kernel: out channel 0 = in0 * 2, out channel 1 = in1 * 3
        float[] in = {1, 1, 5, 5};
        float[] out = new float[4];
        k.conv2dForward(out, in, new float[] {2, 3}, null, ConvGeometry.of(1, 2, 2, 2, 1, 2, 1, 1, 0));
        assertArrayEquals(new float[] {2, 2, 15, 15}, out);
    }

    @Test
    void maxPoolTiesGoToTheFirstAndNaNWins() {
        PoolGeometry g = new PoolGeometry(1, 1, 2, 2, 2, 2, 0, false);
        float[] out = new float[1];
        int[] argmax = new int[1];
        k.maxPool2dForward(out, argmax, new float[] {1, 3, 3, 2}, g);
        assertEquals(3f, out[0]);
        assertEquals(1, argmax[0], "tie: first in row-major order wins");
        k.maxPool2dForward(out, argmax, new float[] {1, Float.NaN, 3, Float.NaN}, g);
        assertTrue(Float.isNaN(out[0]));
        assertEquals(1, argmax[0]);
    }

    @Test
    void avgPoolDividesByTheWindowClippedToThePaddedInput() {
        // 2x2 input, kernel 2, stride 2, pad 1: each window has 1 input element and 3 padding cells -> / 4
        PoolGeometry g = new PoolGeometry(1, 1, 2, 2, 2, 2, 1, false);
        float[] out = new float[4];
        k.avgPool2dForward(out, new float[] {4, 8, 12, 16}, g);
        assertArrayEquals(new float[] {1, 2, 3, 4}, out);
        // ceil mode, 3x3 input, kernel 2, stride 2, pad 0 -> 2x2; the last windows stick out beyond the input
        PoolGeometry c = new PoolGeometry(1, 1, 3, 3, 2, 2, 0, true);
        assertEquals(2, c.outH());
        float[] o2 = new float[4];
        k.avgPool2dForward(o2, new float[] {1, 1, 4, 1, 1, 4, 8, 8, 8}, c);
        assertArrayEquals(new float[] {1, 4, 8, 8}, o2);
    }

    @Test
    void batchNormWithZeroVarianceStaysFinite() {
        BatchNormGeometry g = new BatchNormGeometry(2, 1, 3);
        float[] in = {5, 5, 5, 5, 5, 5};
        float[] out = new float[6], mean = new float[1], invStd = new float[1];
        float[] rm = {0}, rv = {1};
        k.batchNormForwardTraining(out, mean, invStd, rm, rv, in, new float[] {2}, new float[] {0.5f}, 0.1f, 1e-5f, g);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}, out);
        assertEquals(5f, mean[0]);
        assertEquals(0.5f, rm[0], 1e-6);
        assertEquals(0.9f, rv[0], 1e-6);
        float[] dIn = new float[6], dG = new float[1], dB = new float[1];
        k.batchNormBackward(dIn, dG, dB, new float[] {1, 2, 3, 4, 5, 6}, in, mean, invStd, new float[] {2}, g);
        for (float v : dIn) {
            assertTrue(Float.isFinite(v));
        }
        assertEquals(21f, dB[0]);
    }

    @Test
    void dropoutMaskIsAPureFunctionOfSeedAndIndex() {
        int size = 10_000;
        float[] in = new float[size], out = new float[size], mask = new float[size], mask2 = new float[size];
        java.util.Arrays.fill(in, 1f);
        k.dropoutForward(out, mask, in, 0.3f, 42, size);
        k.dropoutForward(out, mask2, in, 0.3f, 42, size);
        assertArrayEquals(mask, mask2);
        int dropped = 0;
        for (float m : mask) {
            dropped += m == 0 ? 1 : 0;
            assertTrue(m == 0 || Math.abs(m - 1 / 0.7f) < 1e-6);
        }
        assertEquals(0.3, dropped / (double) size, 0.02);
        k.dropoutForward(out, mask2, in, 0.3f, 43, size);
        assertTrue(!java.util.Arrays.equals(mask, mask2), "another seed, another mask");
    }

    @Test
    void softmaxCrossEntropyOfUniformLogitsIsLogClasses() {
        float[] probs = new float[8];
        float loss = k.softmaxCrossEntropyForward(probs, new float[8], new int[] {1, 3}, 2, 4);
        assertEquals(Math.log(4), loss, 1e-6);
        assertEquals(0.25f, probs[5], 1e-7);
        var e = assertThrows(IllegalArgumentException.class,
                () -> k.softmaxCrossEntropyForward(probs, new float[8], new int[] {1, 4}, 2, 4));
        assertTrue(e.getMessage().contains("labels[1]=4"), e.getMessage());
    }
}
