package org.deeproots.ops.simd;

import static org.deeproots.ops.testing.Arrays2.assertClose;
import static org.deeproots.ops.testing.Arrays2.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.stream.Stream;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every VectorKernels op against the scalar reference over awkward geometries (channel counts that are not
 * multiples of the lane count, groups in {1, 2, 4, C}, odd sizes, stride 2, padding 0/1/2, batch 1 and more,
 * ceil mode), with a tolerance {@code atol + rtol * sqrt(K)} that grows with the reduction length K. The suite
 * runs at the JVM's vector width (a surefire execution per width); with {@code -Ddeeproots.vectorBitSize=0}
 * there are no vector kernels to test and it is skipped.
 */
class VectorKernelsTest {
    static final double ATOL = 1e-5;
    static final double RTOL = 2e-6;

    final Kernels ref = KernelProvider.scalar();
    Kernels vec;

    @BeforeEach
    void vectorKernels() {
        assumeFalse("0".equals(System.getProperty(KernelProvider.BIT_SIZE_PROPERTY)), "vectors are off");
        vec = KernelProvider.vector(KernelProvider.vectorBitSize());
        String prop = System.getProperty(KernelProvider.BIT_SIZE_PROPERTY);
        if (prop != null) {
            assertEquals("vector-" + prop, vec.name(), "the execution's width is the one tested");
        }
    }

    static double tol(long reduction) {
        return ATOL + RTOL * Math.sqrt(reduction) * 10;
    }

    // ---- convolution (whatever VectorConv does) ------------------------------------------------------

    static Stream<ConvGeometry> convs() {
        return Stream.of(
                ConvGeometry.of(1, 1, 1, 1, 5, 5, 3, 1, 1),
                ConvGeometry.of(2, 3, 13, 1, 7, 9, 5, 2, 2),
                ConvGeometry.of(1, 13, 13, 13, 9, 7, 3, 1, 1),   // depthwise
                ConvGeometry.of(2, 4, 8, 2, 6, 5, 1, 1, 0),      // 1x1
                ConvGeometry.of(1, 8, 4, 4, 11, 11, 7, 2, 3),
                ConvGeometry.of(3, 25, 25, 25, 13, 13, 3, 2, 0),
                ConvGeometry.of(2, 25, 25, 1, 5, 5, 3, 1, 2),
                ConvGeometry.of(1, 8, 16, 2, 19, 35, 3, 1, 1),  // wider than 2 vectors at 512 bits
                ConvGeometry.of(2, 16, 32, 4, 9, 18, 3, 1, 1),
                ConvGeometry.of(1, 6, 6, 2, 1, 1, 1, 1, 0),
                ConvGeometry.of(1, 12, 24, 4, 14, 14, 3, 2, 1));
    }

    @ParameterizedTest
    @MethodSource("convs")
    void conv2d(ConvGeometry g) {
        float[] in = random(g.inputSize(), 1), w = random(g.weightSize(), 2), b = random(g.outC(), 3);
        float[] dOut = random(g.outputSize(), 4);
        long kFwd = (long) g.inPerGroup() * g.kh() * g.kw();
        float[] e = new float[g.outputSize()], a = new float[g.outputSize()];
        ref.conv2dForward(e, in, w, b, g);
        vec.conv2dForward(a, in, w, b, g);
        assertClose("conv fwd " + g, e, a, tol(kFwd), tol(kFwd));
        ref.conv2dForward(e, in, w, null, g);
        vec.conv2dForward(a, in, w, null, g);
        assertClose("conv fwd no bias " + g, e, a, tol(kFwd), tol(kFwd));

        long kIn = (long) g.outPerGroup() * g.kh() * g.kw();
        float[] ei = new float[g.inputSize()], ai = new float[g.inputSize()];
        ref.conv2dBackwardInput(ei, dOut, w, g);
        vec.conv2dBackwardInput(ai, dOut, w, g);
        assertClose("conv dIn " + g, ei, ai, tol(kIn), tol(kIn));

        long kW = (long) g.n() * g.outH() * g.outW();
        float[] ew = new float[g.weightSize()], aw = new float[g.weightSize()];
        float[] eb = new float[g.outC()], ab = new float[g.outC()];
        ref.conv2dBackwardWeight(ew, eb, dOut, in, g);
        vec.conv2dBackwardWeight(aw, ab, dOut, in, g);
        assertClose("conv dWeight " + g, ew, aw, tol(kW), tol(kW));
        assertClose("conv dBias " + g, eb, ab, tol(kW), tol(kW));
        vec.conv2dBackwardWeight(aw, null, dOut, in, g);
        assertClose("conv dWeight without dBias " + g, ew, aw, tol(kW), tol(kW));
    }

    static Stream<LinearGeometry> linears() {
        return Stream.of(new LinearGeometry(1, 1, 1), new LinearGeometry(2, 13, 3), new LinearGeometry(3, 25, 10),
                new LinearGeometry(5, 100, 37), new LinearGeometry(1, 1024, 10), new LinearGeometry(10, 33, 65));
    }

    @ParameterizedTest
    @MethodSource("linears")
    void linear(LinearGeometry g) {
        float[] in = random(g.n() * g.in(), 1), w = random(g.out() * g.in(), 2), b = random(g.out(), 3);
        float[] dOut = random(g.n() * g.out(), 4);
        float[] e = new float[g.n() * g.out()], a = new float[g.n() * g.out()];
        ref.linearForward(e, in, w, b, g);
        vec.linearForward(a, in, w, b, g);
        assertClose("linear fwd " + g, e, a, tol(g.in()), tol(g.in()));
        float[] ei = new float[g.n() * g.in()], ai = new float[g.n() * g.in()];
        ref.linearBackwardInput(ei, dOut, w, g);
        vec.linearBackwardInput(ai, dOut, w, g);
        assertClose("linear dIn " + g, ei, ai, tol(g.out()), tol(g.out()));
        float[] ew = new float[g.out() * g.in()], aw = new float[g.out() * g.in()];
        float[] eb = new float[g.out()], ab = new float[g.out()];
        ref.linearBackwardWeight(ew, eb, dOut, in, g);
        vec.linearBackwardWeight(aw, ab, dOut, in, g);
        assertClose("linear dWeight " + g, ew, aw, tol(g.n()), tol(g.n()));
        assertClose("linear dBias " + g, eb, ab, tol(g.n()), tol(g.n()));
    }

    // ---- batch norm ----------------------------------------------------------------------------------

    static Stream<BatchNormGeometry> batchNorms() {
        return Stream.of(new BatchNormGeometry(1, 1, 1), new BatchNormGeometry(2, 3, 5),
                new BatchNormGeometry(1, 13, 49), new BatchNormGeometry(3, 25, 17), new BatchNormGeometry(2, 4, 100),
                new BatchNormGeometry(1, 2, 33));
    }

    @ParameterizedTest
    @MethodSource("batchNorms")
    void batchNorm(BatchNormGeometry g) {
        float[] in = random(g.size(), 1), gamma = random(g.c(), 2), beta = random(g.c(), 3);
        for (int i = 0; i < in.length; i++) {
            in[i] = 3 * in[i] + 0.5f; // a non-zero mean and a variance away from 1
        }
        float[] dOut = random(g.size(), 4);
        long k = (long) g.n() * g.hw();
        float[] e = new float[g.size()], a = new float[g.size()];
        float[] em = new float[g.c()], am = new float[g.c()], es = new float[g.c()], as = new float[g.c()];
        float[] erm = random(g.c(), 5), arm = erm.clone(), erv = random(g.c(), 6), arv = erv.clone();
        ref.batchNormForwardTraining(e, em, es, erm, erv, in, gamma, beta, 0.1f, 1e-5f, g);
        vec.batchNormForwardTraining(a, am, as, arm, arv, in, gamma, beta, 0.1f, 1e-5f, g);
        assertClose("bn fwd " + g, e, a, tol(k), tol(k));
        assertClose("bn mean " + g, em, am, tol(k), tol(k));
        assertClose("bn invStd " + g, es, as, tol(k), tol(k));
        assertClose("bn runningMean " + g, erm, arm, tol(k), tol(k));
        assertClose("bn runningVar " + g, erv, arv, tol(k), tol(k));

        float[] ei = new float[g.size()], ai = new float[g.size()];
        float[] eg = new float[g.c()], ag = new float[g.c()], eb = new float[g.c()], ab = new float[g.c()];
        ref.batchNormBackward(ei, eg, eb, dOut, in, em, es, gamma, g);
        vec.batchNormBackward(ai, ag, ab, dOut, in, em, es, gamma, g);
        assertClose("bn dIn " + g, ei, ai, tol(k), tol(k));
        assertClose("bn dGamma " + g, eg, ag, tol(k), tol(k));
        assertClose("bn dBeta " + g, eb, ab, tol(k), tol(k));

        float[] rv = new float[g.c()];
        for (int c = 0; c < g.c(); c++) {
            rv[c] = Math.abs(erv[c]) + 0.1f;
        }
        ref.batchNormForwardInference(e, in, gamma, beta, erm, rv, 1e-5f, g);
        vec.batchNormForwardInference(a, in, gamma, beta, erm, rv, 1e-5f, g);
        assertClose("bn inference " + g, e, a, tol(1), tol(1));
    }

    @Test
    void batchNormWithVarianceNearZero() {
        // constant channels plus 1e-3 noise: invStd ~ 300 amplifies the float rounding of the mean, so this
        // checks stability (finite, close), with a tolerance that says so
        BatchNormGeometry g = new BatchNormGeometry(2, 3, 49);
        float[] in = random(g.size(), 1);
        for (int i = 0; i < in.length; i++) {
            in[i] = 5 + 1e-3f * in[i];
        }
        java.util.Arrays.fill(in, 0, 49, 5f); // image 0, channel 0 exactly constant
        float[] gamma = {1, 2, 3}, beta = {0, 0.5f, -1};
        float[] e = new float[g.size()], a = new float[g.size()];
        float[] em = new float[3], am = new float[3], es = new float[3], as = new float[3];
        ref.batchNormForwardTraining(e, em, es, new float[3], new float[3], in, gamma, beta, 0.1f, 1e-5f, g);
        vec.batchNormForwardTraining(a, am, as, new float[3], new float[3], in, gamma, beta, 0.1f, 1e-5f, g);
        for (float v : a) {
            assertTrue(Float.isFinite(v), "finite output");
        }
        assertClose("bn near-zero variance", e, a, 2e-3, 1e-4);
        float[] dOut = random(g.size(), 2), ei = new float[g.size()], ai = new float[g.size()];
        ref.batchNormBackward(ei, new float[3], new float[3], dOut, in, em, es, gamma, g);
        vec.batchNormBackward(ai, new float[3], new float[3], dOut, in, am, as, gamma, g);
        assertClose("bn backward near-zero variance", ei, ai, 2e-2, 1e-3);
    }

    // ---- pooling -------------------------------------------------------------------------------------

    static Stream<PoolGeometry> pools() {
        return Stream.of(
                new PoolGeometry(1, 1, 5, 5, 2, 2, 0, false),
                new PoolGeometry(2, 3, 7, 9, 3, 2, 1, false),
                new PoolGeometry(1, 13, 9, 9, 3, 2, 0, true),      // NiN / GoogLeNet ceil mode
                new PoolGeometry(2, 25, 13, 11, 3, 1, 1, false),
                new PoolGeometry(1, 3, 35, 37, 3, 2, 1, true),     // > 16 output columns: vector body at 512
                new PoolGeometry(1, 2, 40, 40, 2, 2, 0, false),
                new PoolGeometry(1, 1, 6, 5, 5, 1, 2, true),
                new PoolGeometry(2, 4, 33, 41, 3, 1, 0, false),
                new PoolGeometry(1, 2, 14, 14, 7, 1, 0, false),
                new PoolGeometry(1, 3, 28, 28, 3, 1, 1, false),   // GoogLeNet's inception pools
                new PoolGeometry(2, 2, 7, 7, 3, 1, 1, false),
                new PoolGeometry(1, 2, 57, 57, 3, 2, 0, true),    // stride 2, ceil mode, wide rows
                new PoolGeometry(3, 2, 32, 32, 3, 2, 0, true),    // NiN's: 16 outputs a row, several planes
                new PoolGeometry(2, 3, 33, 34, 3, 2, 1, false),   // stride 2, padding 1, floor mode
                new PoolGeometry(2, 3, 11, 13, 3, 3, 1, true));   // stride 3 (not batched into rows)
    }

    @ParameterizedTest
    @MethodSource("pools")
    void pooling(PoolGeometry g) {
        float[] in = random(g.inputSize(), 1), dOut = random(g.outputSize(), 2);
        float[] e = new float[g.outputSize()], a = new float[g.outputSize()];
        int[] ei = new int[g.outputSize()], ai = new int[g.outputSize()];
        ref.maxPool2dForward(e, ei, in, g);
        vec.maxPool2dForward(a, ai, in, g);
        assertArrayEquals(e, a, "max pool " + g);
        assertArrayEquals(ei, ai, "max pool argmax " + g);
        float[] ed = new float[g.inputSize()], ad = new float[g.inputSize()];
        ref.maxPool2dBackward(ed, dOut, ei, g);
        vec.maxPool2dBackward(ad, dOut, ai, g);
        assertClose("max pool dIn " + g, ed, ad, tol(g.kernel() * g.kernel()), tol(g.kernel() * g.kernel()));

        // many ties (3 distinct values) and a few NaNs: winners and argmax must match the reference exactly
        float[] ties = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            ties[i] = i % 97 == 5 ? Float.NaN : (float) Math.floor((in[i] + 1) * 1.5);
        }
        ref.maxPool2dForward(e, ei, ties, g);
        vec.maxPool2dForward(a, ai, ties, g);
        assertArrayEquals(e, a, "max pool with ties " + g);
        assertArrayEquals(ei, ai, "max pool argmax with ties " + g);
        // inference: no argmax, the maxima only (NaN propagating), on both inputs
        for (float[] x : new float[][] {in, ties}) {
            ref.maxPool2dForward(e, null, x, g);
            java.util.Arrays.fill(a, 7f);
            vec.maxPool2dForward(a, null, x, g);
            assertArrayEquals(e, a, "max pool without argmax " + g);
        }

        long k = (long) g.kernel() * g.kernel();
        ref.avgPool2dForward(e, in, g);
        vec.avgPool2dForward(a, in, g);
        assertClose("avg pool " + g, e, a, tol(k), tol(k));
        ref.avgPool2dBackward(ed, dOut, g);
        vec.avgPool2dBackward(ad, dOut, g);
        assertClose("avg pool dIn " + g, ed, ad, tol(k), tol(k));
    }

    @Test
    void maxPoolTiesAndNaNFollowTheReference() {
        // a plateau of equal values: the first element of each window in row-major order wins, in both
        PoolGeometry g = new PoolGeometry(1, 2, 9, 70, 3, 2, 1, true);
        float[] in = new float[g.inputSize()];
        java.util.Arrays.fill(in, 1f);
        in[5 * 70 + 33] = Float.NaN;
        float[] e = new float[g.outputSize()], a = new float[g.outputSize()];
        int[] ei = new int[g.outputSize()], ai = new int[g.outputSize()];
        ref.maxPool2dForward(e, ei, in, g);
        vec.maxPool2dForward(a, ai, in, g);
        assertArrayEquals(ei, ai);
        assertArrayEquals(e, a);
        assertEquals(0, ai[0]);
    }

    @Test
    void globalAvgPool() {
        for (int[] s : new int[][] {{1, 1, 1}, {2, 13, 49}, {3, 25, 7}, {1, 3, 1000}}) {
            int n = s[0], c = s[1], hw = s[2];
            float[] in = random(n * c * hw, 1), dOut = random(n * c, 2);
            float[] e = new float[n * c], a = new float[n * c];
            ref.globalAvgPoolForward(e, in, n, c, hw);
            vec.globalAvgPoolForward(a, in, n, c, hw);
            assertClose("global avg " + hw, e, a, tol(hw), tol(hw));
            float[] ed = new float[n * c * hw], ad = new float[n * c * hw];
            ref.globalAvgPoolBackward(ed, dOut, n, c, hw);
            vec.globalAvgPoolBackward(ad, dOut, n, c, hw);
            assertClose("global avg dIn " + hw, ed, ad, tol(1), tol(1));
        }
    }

    // ---- elementwise and the rest -------------------------------------------------------------------

    static Stream<Integer> sizes() {
        return Stream.of(1, 3, 13, 25, 207, 4098, VectorKernels.CHUNK + 17);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void elementwise(int size) {
        float[] in = random(size, 1), b = random(size, 2), dOut = random(size, 3);
        in[0] = Float.NaN;
        float[] e = new float[size], a = new float[size];
        ref.reluForward(e, in, size);
        vec.reluForward(a, in, size);
        assertArrayEquals(e, a, "relu");
        float[] ed = new float[size], ad = new float[size];
        ref.reluBackward(ed, dOut, e, size);
        vec.reluBackward(ad, dOut, a, size);
        assertArrayEquals(ed, ad, "relu backward");
        ref.addForward(e, in, b, size);
        vec.addForward(a, in, b, size);
        assertArrayEquals(e, a, "add");
        // fused add + ReLU: the same values as the two passes, NaN kept, in place over either input
        ref.addReluForward(e, in, b, size);
        vec.addReluForward(a, in, b, size);
        assertArrayEquals(e, a, "add relu");
        assertTrue(Float.isNaN(a[0]), "add relu keeps NaN");
        for (int i = 1; i < size; i++) {
            assertEquals(Math.max(in[i] + b[i], 0f), a[i], "add relu at " + i);
        }
        float[] aliased = b.clone();
        vec.addReluForward(aliased, in, aliased, size);
        assertArrayEquals(e, aliased, "add relu in place");
        float[] em = new float[size], am = new float[size];
        ref.dropoutForward(e, em, in, 0.4f, 7, size);
        vec.dropoutForward(a, am, in, 0.4f, 7, size);
        assertArrayEquals(em, am, "dropout mask");
        assertArrayEquals(e, a, "dropout");
        ref.dropoutBackward(ed, dOut, em, size);
        vec.dropoutBackward(ad, dOut, am, size);
        assertArrayEquals(ed, ad, "dropout backward");
        // in place, as the SPI allows
        float[] inPlace = in.clone();
        vec.reluForward(inPlace, inPlace, size);
        ref.reluForward(e, in, size);
        assertArrayEquals(e, inPlace, "relu in place");
    }

    @Test
    void softmaxCrossEntropy() {
        for (int[] s : new int[][] {{1, 1}, {2, 3}, {3, 13}, {4, 25}, {2, 100}, {5, 1000}}) {
            int n = s[0], classes = s[1];
            float[] logits = random(n * classes, 1);
            for (int i = 0; i < logits.length; i++) {
                logits[i] *= 8;
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (i * 7) % classes;
            }
            float[] e = new float[n * classes], a = new float[n * classes];
            float le = ref.softmaxCrossEntropyForward(e, logits, labels, n, classes);
            float la = vec.softmaxCrossEntropyForward(a, logits, labels, n, classes);
            assertEquals(le, la, tol(classes) * (1 + Math.abs(le)), "loss " + n + "x" + classes);
            assertClose("softmax " + n + "x" + classes, e, a, tol(classes), tol(classes));
            float[] ed = new float[n * classes], ad = new float[n * classes];
            ref.softmaxCrossEntropyBackward(ed, e, labels, n, classes);
            vec.softmaxCrossEntropyBackward(ad, e, labels, n, classes);
            assertClose("softmax dLogits", ed, ad, tol(1), tol(1));
        }
    }

    @Test
    void concat() {
        int[] channels = {1, 3, 13};
        int n = 2, hw = 5;
        float[][] ins = {random(n * hw, 1), random(n * 3 * hw, 2), random(n * 13 * hw, 3)};
        float[] e = new float[n * 17 * hw], a = new float[n * 17 * hw];
        ref.concatForward(e, ins, channels, n, hw);
        vec.concatForward(a, ins, channels, n, hw);
        assertArrayEquals(e, a);
        float[][] back = {new float[n * hw], new float[n * 3 * hw], new float[n * 13 * hw]};
        vec.concatBackward(back, a, channels, n, hw);
        for (int k = 0; k < 3; k++) {
            assertArrayEquals(ins[k], back[k], "concat backward splits what forward joined, part " + k);
        }
    }

    // ---- thread-count independence ------------------------------------------------------------------

    int savedThreads;

    @BeforeEach
    void saveThreads() {
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Runs every op once with the current thread count and returns all outputs concatenated. */
    float[][] runAll() {
        ConvGeometry cg = ConvGeometry.of(2, 8, 12, 4, 11, 21, 3, 1, 1);
        PoolGeometry pg = new PoolGeometry(2, 5, 23, 37, 3, 2, 1, true);
        BatchNormGeometry bg = new BatchNormGeometry(3, 7, 45);
        LinearGeometry lg = new LinearGeometry(4, 50, 9);
        float[] conv = new float[cg.outputSize()], dIn = new float[cg.inputSize()], dW = new float[cg.weightSize()];
        float[] cin = random(cg.inputSize(), 1), cw = random(cg.weightSize(), 2), cdo = random(cg.outputSize(), 3);
        vec.conv2dForward(conv, cin, cw, null, cg);
        vec.conv2dBackwardInput(dIn, cdo, cw, cg);
        vec.conv2dBackwardWeight(dW, null, cdo, cin, cg);
        float[] lin = new float[lg.n() * lg.out()];
        vec.linearForward(lin, random(lg.n() * lg.in(), 4), random(lg.in() * lg.out(), 5), null, lg);
        float[] bn = new float[bg.size()], mean = new float[bg.c()], inv = new float[bg.c()];
        float[] bin = random(bg.size(), 6), bdi = new float[bg.size()], dg = new float[bg.c()], db = new float[bg.c()];
        vec.batchNormForwardTraining(bn, mean, inv, new float[bg.c()], new float[bg.c()], bin, random(bg.c(), 7),
                random(bg.c(), 8), 0.1f, 1e-5f, bg);
        vec.batchNormBackward(bdi, dg, db, random(bg.size(), 9), bin, mean, inv, random(bg.c(), 7), bg);
        float[] mp = new float[pg.outputSize()], ap = new float[pg.outputSize()], apd = new float[pg.inputSize()];
        float[] pin = random(pg.inputSize(), 10);
        vec.maxPool2dForward(mp, new int[pg.outputSize()], pin, pg);
        vec.avgPool2dForward(ap, pin, pg);
        vec.avgPool2dBackward(apd, random(pg.outputSize(), 11), pg);
        int size = 3 * VectorKernels.CHUNK + 5;
        float[] drop = new float[size], mask = new float[size];
        vec.dropoutForward(drop, mask, random(size, 12), 0.5f, 99, size);
        float[] probs = new float[6 * 11];
        float loss = vec.softmaxCrossEntropyForward(probs, random(6 * 11, 13), new int[] {0, 1, 2, 3, 4, 5}, 6, 11);
        return new float[][] {conv, dIn, dW, lin, bn, mean, inv, bdi, dg, db, mp, ap, apd, drop, mask, probs,
                {loss}};
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Parallel.setThreads(1);
        float[][] one = runAll();
        Parallel.setThreads(2);
        float[][] two = runAll();
        Parallel.setThreads(3);
        float[][] three = runAll();
        String[] names = {"conv", "conv dIn", "conv dW", "linear"};
        for (int i = 0; i < one.length; i++) {
            if (i < names.length) {
                // convolution may split reductions across threads: float rounding only
                assertClose(names[i] + " 1 vs 2 threads", one[i], two[i], 1e-5, 1e-5);
                assertClose(names[i] + " 1 vs 3 threads", one[i], three[i], 1e-5, 1e-5);
            } else {
                // the rest splits independent outputs only: bit-identical
                assertArrayEquals(one[i], two[i], "output " + i + ", 1 vs 2 threads");
                assertArrayEquals(one[i], three[i], "output " + i + ", 1 vs 3 threads");
            }
        }
    }
}
