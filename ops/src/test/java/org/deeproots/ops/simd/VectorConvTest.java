package org.deeproots.ops.simd;

import static org.deeproots.ops.testing.Arrays2.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast convolution and GEMM kernels against the scalar reference (which accumulates in double), over
 * awkward geometries (channel counts 1, 3, 13, 25, groups 1, 2, 4 and depthwise, kernels 1, 3, 5, 7, stride 1 and
 * 2, padding 0, 1, 2, odd sizes, batch 1 and 3), at this JVM's species. Tolerance: atol + rtol * sqrt(K) with K
 * the reduction length.
 */
class VectorConvTest {
    private static final VectorConv CONV = new VectorConv();

    static Stream<ConvGeometry> geometries() {
        List<ConvGeometry> list = new ArrayList<>();
        // n, inC, outC, groups, h, w, k, stride, pad
        list.add(ConvGeometry.of(1, 1, 1, 1, 5, 5, 3, 1, 1));
        list.add(ConvGeometry.of(2, 3, 13, 1, 7, 9, 3, 1, 1));
        list.add(ConvGeometry.of(1, 13, 25, 1, 11, 6, 3, 2, 1));
        list.add(ConvGeometry.of(3, 4, 8, 2, 9, 9, 5, 1, 2));
        list.add(ConvGeometry.of(1, 8, 12, 4, 10, 7, 7, 1, 3));
        list.add(ConvGeometry.of(2, 25, 25, 25, 13, 13, 3, 1, 1));
        list.add(ConvGeometry.of(1, 13, 13, 13, 6, 11, 3, 2, 1));
        list.add(ConvGeometry.of(2, 16, 32, 1, 14, 14, 1, 1, 0));
        list.add(ConvGeometry.of(1, 12, 20, 4, 9, 9, 1, 2, 0));
        list.add(ConvGeometry.of(3, 20, 24, 2, 7, 7, 1, 1, 0)); // small images side by side (Gemm1x1's merged path)
        list.add(ConvGeometry.of(2, 8, 16, 1, 9, 9, 1, 2, 0));
        list.add(ConvGeometry.of(2, 6, 10, 2, 8, 5, 3, 1, 0));
        list.add(ConvGeometry.of(1, 3, 5, 1, 4, 4, 3, 1, 2));
        list.add(ConvGeometry.of(1, 2, 2, 1, 3, 3, 1, 1, 1));
        list.add(ConvGeometry.of(3, 64, 64, 32, 7, 7, 3, 1, 1));
        list.add(ConvGeometry.of(1, 40, 24, 2, 12, 10, 3, 1, 1));
        list.add(ConvGeometry.of(2, 18, 36, 3, 15, 15, 5, 2, 2));
        list.add(ConvGeometry.of(1, 96, 48, 8, 5, 5, 5, 1, 2));
        list.add(new ConvGeometry(2, 6, 9, 3, 9, 8, 3, 1, 2, 1));
        list.add(ConvGeometry.of(2, 16, 64, 1, 15, 15, 3, 1, 1));
        list.add(ConvGeometry.of(2, 24, 64, 2, 33, 33, 3, 2, 1));
        list.add(ConvGeometry.of(1, 8, 48, 2, 9, 11, 3, 1, 1));
        // channel tiles row by row: rows of 1, 2, 3, 4 and 20 (two tiles of 10) outputs
        list.add(ConvGeometry.of(1, 3, 64, 1, 1, 1, 3, 1, 1));
        list.add(ConvGeometry.of(2, 5, 32, 1, 2, 2, 3, 1, 1));
        list.add(ConvGeometry.of(1, 6, 32, 1, 6, 3, 3, 1, 1));
        list.add(ConvGeometry.of(1, 4, 32, 1, 4, 4, 3, 1, 1));
        list.add(ConvGeometry.of(2, 8, 64, 2, 3, 20, 3, 1, 1));
        // 16 or 48 output channels per group, 3-wide taps: one-vector channel tiles over rows of 3 taps at 512 bits
        // (forced channel mode), padding 0-2, a stride-2 layer whose input gradient runs on dilated rows
        list.add(ConvGeometry.of(2, 32, 32, 2, 9, 13, 3, 1, 1));
        list.add(ConvGeometry.of(1, 48, 48, 1, 6, 7, 3, 1, 0));
        list.add(ConvGeometry.of(1, 16, 16, 1, 5, 6, 3, 1, 2));
        list.add(ConvGeometry.of(2, 32, 32, 2, 9, 10, 3, 2, 1));
        list.add(ConvGeometry.of(2, 32, 32, 2, 18, 17, 3, 1, 1)); // rows of 17: transposed blocks, the last overlapping
        // depthwise 3x3: rows of one vector (its first and last at once), of a vector and a bit (the last
        // overlapping), several vectors, one-row images, batches
        list.add(ConvGeometry.of(1, 16, 16, 16, 5, 16, 3, 1, 1));
        list.add(ConvGeometry.of(2, 24, 24, 24, 17, 19, 3, 1, 1));
        list.add(ConvGeometry.of(3, 8, 8, 8, 40, 33, 3, 1, 1));
        list.add(ConvGeometry.of(1, 4, 4, 4, 1, 20, 3, 1, 1));
        // "same" stride-1 layers with few channels per group: the in-place masked tiles (planes crossing rows, tails
        // of 1-4 vectors, the last vector of a plane overlapping, 5x5 and 7x7 taps, batches spanning images)
        list.add(ConvGeometry.of(2, 16, 16, 16, 7, 7, 3, 1, 1));
        list.add(ConvGeometry.of(3, 12, 18, 6, 5, 9, 3, 1, 1));
        list.add(ConvGeometry.of(1, 8, 8, 2, 17, 3, 5, 1, 2));
        list.add(ConvGeometry.of(2, 6, 7, 1, 11, 10, 7, 1, 3));
        list.add(ConvGeometry.of(4, 32, 32, 8, 14, 14, 3, 1, 1));
        list.add(ConvGeometry.of(1, 64, 64, 16, 28, 28, 3, 1, 1));
        list.add(ConvGeometry.of(1, 40, 6, 1, 6, 6, 3, 1, 1)); // two blocks of input channels (32 + 8)
        // stride-2 stems with few channels: the polyphase path (odd and even kernels, sizes and padding)
        list.add(ConvGeometry.of(2, 3, 64, 1, 29, 31, 7, 2, 3));
        list.add(ConvGeometry.of(1, 3, 32, 1, 17, 17, 3, 2, 1));
        list.add(ConvGeometry.of(1, 1, 16, 1, 12, 9, 5, 2, 2));
        list.add(ConvGeometry.of(2, 4, 20, 1, 10, 11, 4, 2, 1));
        list.add(ConvGeometry.of(1, 2, 8, 1, 8, 8, 3, 2, 0));
        // more than 512 positions: the weight gradient's dot-product path (fewer take the transposed GEMM)
        list.add(ConvGeometry.of(2, 6, 10, 2, 30, 29, 3, 1, 1));
        list.add(ConvGeometry.of(3, 5, 4, 1, 40, 40, 3, 2, 1));
        return list.stream();
    }

    @BeforeEach
    void vectorsOn() {
        assumeFalse("0".equals(System.getProperty(KernelProvider.BIT_SIZE_PROPERTY)), "vectors are off");
    }

    @AfterEach
    void autoMode() {
        ConvDirect.mode = "auto";
        Winograd.mode = "auto";
        Gemm1x1GradT.mode = "auto";
    }

    /** The 1x1 geometries, and three more with more positions than a block of the transposed GEMM. */
    static Stream<ConvGeometry> oneByOneGeometries() {
        return Stream.concat(geometries().filter(Gemm1x1::applies), Stream.of(
                ConvGeometry.of(3, 20, 36, 1, 19, 19, 1, 1, 0), ConvGeometry.of(2, 40, 12, 2, 17, 17, 1, 1, 0),
                ConvGeometry.of(1, 7, 50, 1, 30, 30, 1, 2, 0)));
    }

    /**
     * 1x1 weight gradients by both paths, forced: the transposed GEMM ({@link Gemm1x1GradT}: padded rows and
     * columns, both orientations, blocks across images, groups, stride 2) and the dot products.
     */
    @ParameterizedTest
    @MethodSource("oneByOneGeometries")
    void bothWeightGradientsOf1x1MatchReference(ConvGeometry g) {
        for (String m : new String[] {"on", "off"}) {
            Gemm1x1GradT.mode = m;
            backwardWeightMatchesReference(g);
        }
    }

    /** Each geometry again with the tile choice forced both ways, so both kernel families see every shape. */
    @ParameterizedTest
    @MethodSource("geometries")
    void forcedTileFamiliesMatchReference(ConvGeometry g) {
        Winograd.mode = "off";
        for (String m : new String[] {"position", "channel"}) {
            ConvDirect.mode = m;
            forwardMatchesReference(g);
            backwardInputMatchesReference(g);
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void forwardMatchesReference(ConvGeometry g) {
        float[] in = random(g.inputSize(), 1);
        float[] w = random(g.weightSize(), 2);
        float[] bias = random(g.outC(), 3);
        float[] out = new float[g.outputSize()];
        java.util.Arrays.fill(out, Float.NaN);
        CONV.conv2dForward(out, in, w, bias, g);
        assertClose("conv2dForward " + g, Ref.forward(in, w, bias, g), out, g.inPerGroup() * g.kh() * g.kw());
        CONV.conv2dForward(out, in, w, null, g);
        assertClose("conv2dForward no bias " + g, Ref.forward(in, w, null, g), out,
                g.inPerGroup() * g.kh() * g.kw());
        // the fused ReLU, applied by every path to its own output (a NaN input stays NaN where it is read)
        java.util.Arrays.fill(out, Float.NaN);
        CONV.conv2dForward(out, in, w, bias, g, true);
        double[] relu = Ref.forward(in, w, bias, g);
        for (int i = 0; i < relu.length; i++) {
            relu[i] = Math.max(relu[i], 0);
        }
        assertClose("conv2dForward + relu " + g, relu, out, g.inPerGroup() * g.kh() * g.kw());
    }

    /**
     * 3x3 stride-1 geometries for Winograd F(4x4, 3x3), forced on: one input channel, sizes that leave partial 4x4
     * tiles at the right and bottom, a 1x1 image, padding 0 and 2, groups, tiles crossing images, fewer tiles than a
     * vector, several chunks with a short last one (tails of 1 and 2 vectors in the products). The tolerance is the
     * direct kernels' (a coefficient of the filter transform off by 1e-4 already fails it).
     */
    static Stream<ConvGeometry> winogradGeometries() {
        List<ConvGeometry> list = new ArrayList<>();
        // n, inC, outC, groups, h, w, k, stride, pad
        list.add(ConvGeometry.of(1, 1, 8, 1, 5, 5, 3, 1, 1));
        list.add(ConvGeometry.of(2, 3, 16, 1, 7, 9, 3, 1, 1));
        list.add(ConvGeometry.of(1, 13, 24, 1, 11, 6, 3, 1, 0));
        list.add(ConvGeometry.of(3, 16, 32, 2, 9, 9, 3, 1, 1));
        list.add(ConvGeometry.of(1, 8, 16, 1, 1, 1, 3, 1, 1));
        list.add(ConvGeometry.of(2, 5, 8, 1, 4, 4, 3, 1, 2));
        list.add(ConvGeometry.of(1, 40, 48, 1, 13, 17, 3, 1, 1));
        list.add(ConvGeometry.of(2, 64, 64, 4, 14, 14, 3, 1, 1));
        list.add(ConvGeometry.of(1, 32, 64, 1, 3, 20, 3, 1, 1));
        list.add(ConvGeometry.of(5, 16, 16, 1, 8, 8, 3, 1, 1));
        list.add(ConvGeometry.of(2, 24, 64, 1, 28, 28, 3, 1, 1));
        list.add(ConvGeometry.of(3, 16, 24, 1, 30, 26, 3, 1, 1));
        list.add(ConvGeometry.of(1, 256, 16, 1, 7, 7, 3, 1, 1));
        // 13-16 output columns (4 tiles a row: at 512 bits a vector of tiles is 4 whole tile rows): padding 0, 1 and
        // 2, a last vector with only 3 tile rows, 16 columns (no image columns 4 and 5 in the last tile)
        list.add(ConvGeometry.of(1, 16, 16, 1, 16, 16, 3, 1, 0));
        list.add(ConvGeometry.of(2, 8, 16, 1, 12, 12, 3, 1, 2));
        list.add(ConvGeometry.of(1, 16, 16, 1, 9, 14, 3, 1, 1));
        list.add(ConvGeometry.of(2, 16, 32, 2, 11, 16, 3, 1, 1));
        list.add(ConvGeometry.of(3, 24, 16, 1, 6, 15, 3, 1, 0));
        geometries().filter(g -> g.kh() == 3 && g.kw() == 3 && g.stride() == 1 && g.outPerGroup() % 8 == 0)
                .forEach(list::add);
        return list.stream();
    }

    /**
     * F(2x2, 3x3) ({@link Winograd2x2}), forced: the F(4x4) geometries (partial 2x2 tiles at odd sizes, padding 0 and
     * 2, groups, tiles across images, 1, 2 and 3 vectors of tiles and a partial last one) and 7x7 at batch 1 with
     * groups, as ResNet's last stage has it.
     */
    static Stream<ConvGeometry> winograd2x2Geometries() {
        return Stream.concat(winogradGeometries(), Stream.of(ConvGeometry.of(1, 64, 64, 1, 7, 7, 3, 1, 1),
                ConvGeometry.of(1, 128, 64, 2, 7, 7, 3, 1, 1), ConvGeometry.of(3, 32, 48, 1, 7, 7, 3, 1, 1)));
    }

    @ParameterizedTest
    @MethodSource("winograd2x2Geometries")
    void winograd2x2MatchesReference(ConvGeometry g) {
        Winograd.mode = "small";
        assertTrue(Winograd2x2.applies(g), g::toString);
        assertFalse(Winograd.applies(g), g::toString);
        forwardMatchesReference(g);
    }

    @Test
    void winogradAutoRuleStartsAt16ChannelsPerGroupForward32Backward() {
        ConvGeometry g16 = ConvGeometry.of(10, 256, 256, 16, 14, 14, 3, 1, 1); // 160 tiles
        assertTrue(Winograd.applies(g16));
        assertFalse(Winograd.appliesUncached(g16)); // the input gradient's transposed filters
        assertFalse(Winograd.applies(ConvGeometry.of(10, 256, 256, 32, 14, 14, 3, 1, 1))); // 8 per group
        assertFalse(Winograd.applies(ConvGeometry.of(10, 256, 240, 16, 14, 14, 3, 1, 1))); // 15 outputs per group
        ConvGeometry g8 = ConvGeometry.of(10, 256, 256, 8, 14, 14, 3, 1, 1);
        assertTrue(Winograd.applies(g8));
        assertTrue(Winograd.appliesUncached(g8));
    }

    @Test
    void winograd2x2TakesOnlyCallsWithTooFewTilesForF4x4() {
        ConvGeometry res5 = ConvGeometry.of(1, 512, 512, 1, 7, 7, 3, 1, 1); // 4 tiles of 4x4: a vector at 128 bits
        assertEquals(!Winograd.applies(res5), Winograd2x2.applies(res5));
        assertEquals(ConvTiles.L > 4, Winograd2x2.applies(res5));
        assertFalse(Winograd2x2.applies(ConvGeometry.of(10, 512, 512, 1, 7, 7, 3, 1, 1))); // F(4x4) there
        // from 128 channels per group and 192 x 192 multiply-adds per position (at 128 bits F(4x4) takes them: 4
        // tiles fill a vector)
        assertEquals(ConvTiles.L > 4, Winograd2x2.applies(ConvGeometry.of(1, 512, 512, 4, 7, 7, 3, 1, 1)));
        assertEquals(ConvTiles.L > 4, Winograd2x2.applies(ConvGeometry.of(1, 192, 384, 1, 7, 7, 3, 1, 1)));
        assertEquals(ConvTiles.L > 4, Winograd2x2.applies(ConvGeometry.of(1, 160, 320, 1, 7, 7, 3, 1, 1)));
        assertFalse(Winograd2x2.applies(ConvGeometry.of(1, 160, 160, 1, 7, 7, 3, 1, 1)));
        assertFalse(Winograd2x2.applies(ConvGeometry.of(1, 256, 256, 2, 7, 7, 3, 1, 1)));
        assertFalse(Winograd2x2.applies(ConvGeometry.of(1, 128, 128, 1, 7, 7, 3, 1, 1)));
        assertFalse(Winograd2x2.applies(ConvGeometry.of(1, 512, 512, 8, 7, 7, 3, 1, 1))); // 64 channels per group
        Winograd.mode = "off";
        assertFalse(Winograd2x2.applies(ConvGeometry.of(1, 512, 512, 1, 7, 7, 3, 1, 1)));
    }

    @ParameterizedTest
    @MethodSource("winogradGeometries")
    void winogradMatchesReference(ConvGeometry g) {
        Winograd.mode = "on";
        assertTrue(Winograd.applies(g), g::toString);
        forwardMatchesReference(g);
        if (g.inPerGroup() % 8 == 0) { // the backward pass convolves with inC / groups output channels
            backwardInputMatchesReference(g);
        }
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardInputMatchesReference(ConvGeometry g) {
        float[] dOut = random(g.outputSize(), 4);
        float[] w = random(g.weightSize(), 5);
        float[] dIn = new float[g.inputSize()];
        java.util.Arrays.fill(dIn, Float.NaN);
        CONV.conv2dBackwardInput(dIn, dOut, w, g);
        assertClose("conv2dBackwardInput " + g, Ref.backwardInput(dOut, w, g), dIn,
                g.outPerGroup() * g.kh() * g.kw());
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void backwardWeightMatchesReference(ConvGeometry g) {
        float[] dOut = random(g.outputSize(), 6);
        float[] in = random(g.inputSize(), 7);
        float[] dW = random(g.weightSize(), 8);
        float[] dB = new float[g.outC()];
        CONV.conv2dBackwardWeight(dW, dB, dOut, in, g);
        double[][] ref = Ref.backwardWeight(dOut, in, g);
        int k = g.n() * g.outH() * g.outW();
        assertClose("conv2dBackwardWeight " + g, ref[0], dW, k);
        assertClose("conv2d dBias " + g, ref[1], dB, k);
    }

    @Test
    void linearMatchesReference() {
        int[][] shapes = {{1, 1, 1}, {3, 13, 5}, {10, 2048, 1000}, {7, 37, 29}, {2, 16, 64}};
        for (int[] s : shapes) {
            LinearGeometry g = new LinearGeometry(s[0], s[1], s[2]);
            float[] in = random(g.n() * g.in(), 11);
            float[] w = random(g.out() * g.in(), 12);
            float[] b = random(g.out(), 13);
            float[] dOut = random(g.n() * g.out(), 14);
            float[] out = new float[g.n() * g.out()];
            CONV.linearForward(out, in, w, b, g);
            double[] ref = new double[out.length];
            double[] dInRef = new double[in.length];
            double[] dWRef = new double[w.length];
            double[] dBRef = new double[g.out()];
            for (int n = 0; n < g.n(); n++) {
                for (int o = 0; o < g.out(); o++) {
                    double acc = b[o];
                    for (int i = 0; i < g.in(); i++) {
                        acc += (double) in[n * g.in() + i] * w[o * g.in() + i];
                        dInRef[n * g.in() + i] += (double) dOut[n * g.out() + o] * w[o * g.in() + i];
                        dWRef[o * g.in() + i] += (double) dOut[n * g.out() + o] * in[n * g.in() + i];
                    }
                    ref[n * g.out() + o] = acc;
                    dBRef[o] += dOut[n * g.out() + o];
                }
            }
            String label = "linear " + g;
            assertClose(label + " forward", ref, out, g.in());
            float[] dIn = new float[in.length];
            CONV.linearBackwardInput(dIn, dOut, w, g);
            assertClose(label + " dIn", dInRef, dIn, g.out());
            float[] dW = new float[w.length];
            float[] dB = new float[g.out()];
            CONV.linearBackwardWeight(dW, dB, dOut, in, g);
            assertClose(label + " dW", dWRef, dW, g.n());
            assertClose(label + " dB", dBRef, dB, g.n());
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        resultsDoNotDependOnTheThreadCount(ConvGeometry.of(2, 32, 64, 2, 15, 13, 3, 1, 1));
        // few channels per group: in place, tiles overlapping at the ends of planes and bands
        resultsDoNotDependOnTheThreadCount(ConvGeometry.of(3, 24, 24, 8, 9, 11, 3, 1, 1));
        // Winograd: one item on 1 thread; on 3 (at 512 bits) too few chunks, so the steps are split over the threads
        ConvGeometry winograd = ConvGeometry.of(2, 32, 32, 1, 12, 12, 3, 1, 1);
        assertTrue(Winograd.applies(winograd));
        resultsDoNotDependOnTheThreadCount(winograd);
        Winograd.mode = "small";
        ConvGeometry small = ConvGeometry.of(1, 32, 32, 1, 7, 7, 3, 1, 1);
        assertTrue(Winograd2x2.applies(small));
        resultsDoNotDependOnTheThreadCount(small);
    }

    private void resultsDoNotDependOnTheThreadCount(ConvGeometry g) {
        float[] in = random(g.inputSize(), 21);
        float[] w = random(g.weightSize(), 22);
        float[] dOut = random(g.outputSize(), 23);
        int before = Parallel.threads();
        float[][] results = new float[3][];
        try {
            for (int threads : new int[] {1, 3}) {
                Parallel.setThreads(threads);
                float[] out = new float[g.outputSize()];
                float[] dIn = new float[g.inputSize()];
                float[] dW = new float[g.weightSize()];
                CONV.conv2dForward(out, in, w, null, g);
                CONV.conv2dBackwardInput(dIn, dOut, w, g);
                CONV.conv2dBackwardWeight(dW, null, dOut, in, g);
                if (results[0] == null) {
                    results = new float[][] {out, dIn, dW};
                } else {
                    assertArrayEquals(results[0], out, "forward, threads " + threads);
                    assertArrayEquals(results[1], dIn, "backward input, threads " + threads);
                    assertArrayEquals(results[2], dW, "backward weight, threads " + threads);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /**
     * Channel tiles and Winograd keep packed (transformed) weights between calls: weights changed in place must
     * never be served stale.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"channel", "winograd", "winograd2x2"})
    void packedWeightsFollowChangesToTheWeightArray(String kernel) {
        ConvDirect.mode = "channel";
        Winograd.mode = switch (kernel) {
            case "winograd" -> "on";
            case "winograd2x2" -> "small";
            default -> "off";
        };
        ConvGeometry dense = ConvGeometry.of(2, 16, 64, 1, 15, 15, 3, 1, 1);
        ConvGeometry grouped = ConvGeometry.of(2, 32, 64, 2, 15, 15, 3, 1, 1); // same weight length, other layout
        assertEquals(dense.weightSize(), grouped.weightSize());
        float[] in = random(dense.inputSize(), 31);
        float[] in2 = random(grouped.inputSize(), 32);
        float[] w = random(dense.weightSize(), 33);
        float[] out = new float[dense.outputSize()];
        for (int step = 0; step < 3; step++) {
            CONV.conv2dForward(out, in, w, null, dense);
            assertClose("dense, step " + step, Ref.forward(in, w, null, dense), out, 16 * 9);
            CONV.conv2dForward(out, in2, w, null, grouped);
            assertClose("grouped, step " + step, Ref.forward(in2, w, null, grouped), out, 16 * 9);
            w[step * 1000 % w.length] += 0.5f; // one weight changed in place, as an optimiser step would
            w[w.length - 1 - step] -= 0.25f;
        }
    }

    @Test
    void fusedReluTakesInfiniteBiases() {
        // the channel tiles' transposing stores rectify as max(x, -b) + b, exact only for a finite b: infinite
        // biases take the plain ReLU after the stores (channel 0: -inf -> 0, channel 1: +inf)
        ConvGeometry g = ConvGeometry.of(1, 8, 32, 1, 20, 20, 3, 1, 1);
        ConvDirect.mode = "channel";
        float[] in = random(g.inputSize(), 1);
        float[] bias = random(g.outC(), 3);
        bias[0] = Float.NEGATIVE_INFINITY;
        bias[1] = Float.POSITIVE_INFINITY;
        float[] out = new float[g.outputSize()];
        CONV.conv2dForward(out, in, random(g.weightSize(), 2), bias, g, true);
        int plane = g.outH() * g.outW();
        for (int i = 0; i < plane; i++) {
            assertEquals(0f, out[i], "channel 0 at " + i);
            assertEquals(Float.POSITIVE_INFINITY, out[plane + i], "channel 1 at " + i);
        }
        for (int i = 2 * plane; i < out.length; i++) {
            assertTrue(out[i] >= 0 && Float.isFinite(out[i]), "channel " + i / plane + " at " + i % plane);
        }
    }

    @Test
    void nanPropagatesAndBadLengthsAreRejected() {
        ConvGeometry g = ConvGeometry.of(1, 4, 4, 2, 6, 6, 3, 1, 1);
        float[] in = random(g.inputSize(), 1);
        in[7] = Float.NaN;
        float[] out = new float[g.outputSize()];
        CONV.conv2dForward(out, in, random(g.weightSize(), 2), null, g);
        assertTrue(Float.isNaN(out[0]) || Float.isNaN(out[1]) || Float.isNaN(out[7]), "NaN must propagate");
        ConvGeometry wg = ConvGeometry.of(1, 4, 8, 1, 6, 6, 3, 1, 1);
        Winograd.mode = "on";
        float[] wout = new float[wg.outputSize()];
        CONV.conv2dForward(wout, in, random(wg.weightSize(), 2), null, wg);
        assertTrue(Float.isNaN(wout[0]) && Float.isNaN(wout[1]), "NaN must propagate through Winograd's transforms");
        Winograd.mode = "small";
        java.util.Arrays.fill(wout, 0f);
        CONV.conv2dForward(wout, in, random(wg.weightSize(), 2), null, wg);
        assertTrue(Float.isNaN(wout[0]) && Float.isNaN(wout[1]), "NaN must propagate through F(2x2, 3x3)");
        Winograd.mode = "on";
        java.util.Arrays.fill(wout, 0f);
        CONV.conv2dForward(wout, in, random(wg.weightSize(), 2), null, wg, true);
        assertTrue(Float.isNaN(wout[0]) && Float.isNaN(wout[1]), "NaN must propagate through the fused ReLU");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CONV.conv2dForward(new float[3], in, new float[g.weightSize()], null, g));
        assertTrue(e.getMessage().contains("out"), e.getMessage());
    }

    static void assertClose(String label, double[] expected, float[] actual, int reduction) {
        assertEquals(expected.length, actual.length, label + ": length");
        double tol = 1e-5 + 2e-6 * Math.sqrt(reduction) * 4;
        double maxDiff = 0;
        int worst = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            double allowed = tol * (1 + Math.abs(expected[i]));
            if (!(d <= allowed)) {
                if (worst < 0 || d > maxDiff || Double.isNaN(d)) {
                    maxDiff = d;
                    worst = i;
                }
            }
        }
        if (worst >= 0) {
            StringBuilder sb = new StringBuilder(label + ": max diff " + maxDiff + " at " + worst + " (expected "
                    + expected[worst] + ", got " + actual[worst] + "); first values expected/actual:");
            for (int i = 0; i < Math.min(6, expected.length); i++) {
                sb.append(' ').append((float) expected[i]).append('/').append(actual[i]);
            }
            fail(sb.toString());
        }
    }

    /** The scalar reference (accumulates in double), widened to double for the comparison. */
    static final class Ref {
        private static final ScalarKernels REF = ScalarKernels.INSTANCE;

        static double[] forward(float[] in, float[] w, float[] bias, ConvGeometry g) {
            float[] out = new float[g.outputSize()];
            REF.conv2dForward(out, in, w, bias, g);
            return widen(out);
        }

        static double[] backwardInput(float[] dOut, float[] w, ConvGeometry g) {
            float[] dIn = new float[g.inputSize()];
            REF.conv2dBackwardInput(dIn, dOut, w, g);
            return widen(dIn);
        }

        static double[][] backwardWeight(float[] dOut, float[] in, ConvGeometry g) {
            float[] dW = new float[g.weightSize()];
            float[] dB = new float[g.outC()];
            REF.conv2dBackwardWeight(dW, dB, dOut, in, g);
            return new double[][] {widen(dW), widen(dB)};
        }

        static double[] widen(float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return d;
        }
    }
}
