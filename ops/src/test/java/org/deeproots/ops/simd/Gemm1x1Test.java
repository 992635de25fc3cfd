package org.deeproots.ops.simd;

import static org.deeproots.ops.testing.Arrays2.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.testing.Arrays2;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Gemm1x1} (1x1 convolutions without padding, forward and backward input) against {@link ScalarKernels},
 * over awkward shapes: channels 1, 3, 13, 25, 64, 256 (full and partial 8-row panels, single-row tiles),
 * positions 1, 7x7, 13x11, 56x56 (the 3-vector tile, the masked last vector, images merged side by side, several K
 * blocks), batch 1 and 3, groups 1, 2, 4, stride 1 and 2. Tolerance atol + rtol * sqrt(K), K the reduction length.
 */
class Gemm1x1Test {
    private static final ScalarKernels REF = new ScalarKernels();

    static Stream<ConvGeometry> geometries() {
        List<ConvGeometry> list = new ArrayList<>();
        // n, inC, outC, groups, h, w, k, stride, pad
        list.add(ConvGeometry.of(1, 1, 1, 1, 1, 1, 1, 1, 0));
        list.add(ConvGeometry.of(3, 3, 13, 1, 7, 7, 1, 1, 0));
        list.add(ConvGeometry.of(1, 13, 25, 1, 13, 11, 1, 1, 0));
        list.add(ConvGeometry.of(3, 25, 3, 1, 13, 11, 1, 2, 0));
        list.add(ConvGeometry.of(1, 256, 64, 1, 56, 56, 1, 1, 0));
        list.add(ConvGeometry.of(3, 64, 13, 1, 56, 56, 1, 1, 0));
        list.add(ConvGeometry.of(1, 64, 256, 4, 13, 11, 1, 1, 0));
        list.add(ConvGeometry.of(3, 256, 26, 2, 7, 7, 1, 2, 0));
        list.add(ConvGeometry.of(1, 26, 50, 2, 7, 7, 1, 1, 0));
        list.add(ConvGeometry.of(3, 52, 12, 4, 14, 14, 1, 2, 0));
        list.add(ConvGeometry.of(1, 300, 7, 1, 5, 9, 1, 1, 0));
        // packed 8-row panels with several K blocks: images merged side by side (small), or not (225 positions,
        // a tail of 33 positions in masked tiles)
        list.add(ConvGeometry.of(2, 272, 40, 1, 9, 9, 1, 1, 0));
        list.add(ConvGeometry.of(1, 200, 24, 1, 15, 15, 1, 1, 0));
        list.add(ConvGeometry.of(2, 136, 48, 2, 15, 15, 1, 2, 0));
        return list.stream();
    }

    @BeforeEach
    void vectorsOn() {
        assumeFalse("0".equals(System.getProperty(KernelProvider.BIT_SIZE_PROPERTY)), "vectors are off");
    }

    @Test
    void appliesOnlyToUnpadded1x1() {
        assertTrue(Gemm1x1.applies(ConvGeometry.of(1, 4, 4, 1, 5, 5, 1, 2, 0)));
        assertTrue(!Gemm1x1.applies(ConvGeometry.of(1, 4, 4, 1, 5, 5, 1, 1, 1)));
        assertTrue(!Gemm1x1.applies(ConvGeometry.of(1, 4, 4, 1, 5, 5, 3, 1, 0)));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesReference(ConvGeometry g) {
        float[] in = random(g.inputSize(), 1);
        float[] w = random(g.weightSize(), 2);
        float[] bias = random(g.outC(), 3);
        for (float[] b : new float[][] {bias, null}) {
            float[] expected = new float[g.outputSize()];
            REF.conv2dForward(expected, in, w, b, g);
            float[] out = new float[g.outputSize()];
            Arrays.fill(out, Float.NaN);
            Gemm1x1.forward(out, in, w, b, g);
            assertClose("forward " + g + (b == null ? " no bias" : ""), expected, out, g.inPerGroup());
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardInputMatchesReference(ConvGeometry g) {
        float[] dOut = random(g.outputSize(), 4);
        float[] w = random(g.weightSize(), 5);
        float[] expected = new float[g.inputSize()];
        REF.conv2dBackwardInput(expected, dOut, w, g);
        float[] dIn = new float[g.inputSize()];
        Arrays.fill(dIn, Float.NaN);
        Gemm1x1.backwardInput(dIn, dOut, w, g);
        assertClose("backwardInput " + g, expected, dIn, g.outPerGroup());
    }

    /**
     * The weight and bias gradients (dot products along positions: vector partial sums, a scalar tail for the last
     * P % L positions of each image, channel counts that leave 1-3 rows and columns outside the 4x4 tiles).
     */
    @ParameterizedTest
    @MethodSource("geometries")
    void weightGradientMatchesReference(ConvGeometry g) {
        float[] dOut = random(g.outputSize(), 14);
        float[] in = random(g.inputSize(), 15);
        float[] expectedW = new float[g.weightSize()];
        float[] expectedB = new float[g.outC()];
        REF.conv2dBackwardWeight(expectedW, expectedB, dOut, in, g);
        float[] dW = random(g.weightSize(), 16); // overwritten
        float[] dB = new float[g.outC()];
        Gemm1x1Grad.backwardWeight(dW, dB, dOut, in, g);
        int k = g.n() * g.outH() * g.outW();
        assertClose("dWeight " + g, expectedW, dW, k);
        assertClose("dBias " + g, expectedB, dB, k);
    }

    /**
     * Each geometry again with K cut into blocks of 64 (partial sums through C), which the default leaves to depths
     * above 2048.
     */
    @ParameterizedTest
    @MethodSource("geometries")
    void smallKBlocksMatchReference(ConvGeometry g) {
        Gemm1x1.kBlock = 64;
        try {
            forwardMatchesReference(g);
            backwardInputMatchesReference(g);
        } finally {
            Gemm1x1.kBlock = Gemm1x1.KB;
        }
    }

    /** The forward keeps packed weight panels between calls: weights changed in place must never be served stale. */
    @Test
    void packedPanelsFollowChangesToTheWeightArray() {
        ConvGeometry g = ConvGeometry.of(2, 40, 24, 1, 9, 9, 1, 1, 0);
        ConvGeometry big = ConvGeometry.of(1, 40, 24, 1, 15, 15, 1, 1, 0); // same weights, not merged
        float[] in = random(g.inputSize(), 11);
        float[] inBig = random(big.inputSize(), 12);
        float[] w = random(g.weightSize(), 13);
        for (int step = 0; step < 3; step++) {
            for (ConvGeometry geo : new ConvGeometry[] {g, big}) {
                float[] x = geo == g ? in : inBig;
                float[] out = new float[geo.outputSize()];
                float[] expected = new float[geo.outputSize()];
                Gemm1x1.forward(out, x, w, null, geo);
                REF.conv2dForward(expected, x, w, null, geo);
                assertClose("step " + step + " " + geo, expected, out, 40);
            }
            w[step * 7] += 0.5f; // as an optimiser step would, in place
        }
    }

    /** The same bits with 1 and 3 threads (the work split changes, the per-element summation order must not). */
    @Test
    void resultsDoNotDependOnThreadCount() {
        ConvGeometry g = ConvGeometry.of(3, 256, 20, 2, 13, 11, 1, 1, 0);
        float[] in = random(g.inputSize(), 6);
        float[] w = random(g.weightSize(), 7);
        float[] bias = random(g.outC(), 8);
        int before = Parallel.threads();
        try {
            float[][] out = new float[2][g.outputSize()];
            float[][] dIn = new float[2][g.inputSize()];
            float[][] dW = new float[2][g.weightSize()];
            int[] threads = {1, 3};
            for (int i = 0; i < 2; i++) {
                Parallel.setThreads(threads[i]);
                Gemm1x1.forward(out[i], in, w, bias, g);
                Gemm1x1.backwardInput(dIn[i], out[i], w, g);
                Gemm1x1Grad.backwardWeight(dW[i], null, out[i], in, g);
            }
            assertArrayEquals(out[0], out[1]);
            assertArrayEquals(dIn[0], dIn[1]);
            assertArrayEquals(dW[0], dW[1]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Arrays2.assertClose with atol = rtol = 1e-5 (1 + sqrt(K)), K the reduction length. */
    private static void assertClose(String label, float[] expected, float[] actual, int reduction) {
        double tol = 1e-5 + 1e-5 * Math.sqrt(reduction);
        Arrays2.assertClose(label, expected, actual, tol, tol);
    }
}
