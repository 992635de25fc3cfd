package org.deeproots.ops;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad geometry and bad arrays throw IllegalArgumentException naming the argument and values; NaN propagates. */
class BadInputTest {

    static Stream<Kernels> kernels() {
        List<Kernels> all = new ArrayList<>(List.of(KernelProvider.scalar()));
        if (KernelProvider.vectorBitSize() != 0) {
            all.add(KernelProvider.vector(KernelProvider.vectorBitSize()));
        }
        return all.stream();
    }

    static void assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should name '" + f + "'");
        }
    }

    @Test
    void badGeometry() {
        assertRejected(() -> ConvGeometry.of(1, 4, 6, 3, 5, 5, 3, 1, 1), "groups=3", "inC=4", "outC=6");
        assertRejected(() -> ConvGeometry.of(1, 4, 6, 4, 5, 5, 3, 1, 1), "groups=4", "outC=6");
        assertRejected(() -> ConvGeometry.of(1, 4, 4, 1, 2, 2, 5, 1, 1), "output size below 1", "2x2");
        assertRejected(() -> ConvGeometry.of(1, 4, 4, 1, 5, 5, 3, 0, 1), "stride", "0");
        assertRejected(() -> ConvGeometry.of(1, 4, 4, 1, 5, 5, 3, 1, -1), "pad", "-1");
        assertRejected(() -> new PoolGeometry(1, 1, 5, 5, 3, 2, 3, false), "pad", "3");
        assertRejected(() -> new PoolGeometry(1, 1, 2, 2, 5, 1, 1, false), "output size below 1");
        assertRejected(() -> new BatchNormGeometry(1, 0, 5), "c", "0");
        assertRejected(() -> new LinearGeometry(1, 5, 0), "out", "0");
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void mismatchedArrays(Kernels k) {
        ConvGeometry g = ConvGeometry.of(2, 4, 6, 2, 5, 5, 3, 1, 1); // in 200, weight 108, out 300
        float[] in = new float[200], w = new float[108], out = new float[300];
        assertRejected(() -> k.conv2dForward(out, new float[199], w, null, g), "in has length 199", "200");
        assertRejected(() -> k.conv2dForward(new float[301], in, w, null, g), "out has length 301", "300");
        assertRejected(() -> k.conv2dForward(out, in, new float[72], null, g), "weight has length 72", "108");
        assertRejected(() -> k.conv2dForward(out, in, w, new float[5], g), "bias has length 5", "6");
        assertRejected(() -> k.conv2dBackwardInput(new float[10], out, w, g), "dIn has length 10", "200");
        assertRejected(() -> k.conv2dBackwardWeight(w, new float[4], out, in, g), "dBias has length 4", "6");
        LinearGeometry lg = new LinearGeometry(2, 3, 4);
        assertRejected(() -> k.linearForward(new float[8], new float[6], new float[11], null, lg), "weight", "11",
                "12");
        BatchNormGeometry bg = new BatchNormGeometry(2, 3, 4);
        float[] c3 = new float[3], x = new float[24];
        assertRejected(() -> k.batchNormForwardTraining(x, c3, c3, c3, c3, x, new float[2], c3, 0.1f, 1e-5f, bg),
                "gamma has length 2", "3");
        assertRejected(() -> k.batchNormForwardTraining(x, c3, c3, c3, c3, x, c3, c3, 1.5f, 1e-5f, bg),
                "momentum", "1.5");
        assertRejected(() -> k.batchNormForwardInference(x, new float[23], c3, c3, c3, c3, 1e-5f, bg),
                "in has length 23", "24");
        assertRejected(() -> k.batchNormBackward(x, c3, c3, x, x, c3, c3, new float[4], bg), "gamma", "4");
        PoolGeometry pg = new PoolGeometry(1, 2, 6, 6, 2, 2, 0, false); // in 72, out 18
        assertRejected(() -> k.maxPool2dForward(new float[18], new int[17], new float[72], pg), "argmax", "17",
                "18");
        assertRejected(() -> k.avgPool2dForward(new float[18], new float[70], pg), "in has length 70", "72");
        assertRejected(() -> k.avgPool2dBackward(new float[72], new float[19], pg), "dOut has length 19", "18");
        int[] badArgmax = new int[18];
        for (int o = 0; o < 18; o++) {
            badArgmax[o] = o / 9 * 36; // a valid index in each output's own plane
        }
        badArgmax[3] = 40; // in dIn, but in the next plane
        assertRejected(() -> k.maxPool2dBackward(new float[72], new float[18], badArgmax, pg), "argmax[3]=40",
                "[0, 36)");
        badArgmax[3] = 500;
        assertRejected(() -> k.maxPool2dBackward(new float[72], new float[18], badArgmax, pg), "argmax[3]=500");
        assertRejected(() -> k.globalAvgPoolForward(new float[5], new float[60], 2, 3, 10), "out has length 5",
                "6");
        assertRejected(() -> k.reluForward(new float[3], new float[4], 4), "out has length 3", "size=4");
        assertRejected(() -> k.addForward(new float[4], new float[4], new float[2], 4), "b has length 2");
        assertRejected(() -> k.dropoutForward(x, x.clone(), x, 1f, 1, 24), "p", "1.0");
        assertRejected(() -> k.softmaxCrossEntropyForward(new float[6], new float[6], new int[] {0, 3}, 2, 3),
                "labels[1]=3", "classes=3");
        assertRejected(() -> k.softmaxCrossEntropyForward(new float[6], new float[6], new int[] {0}, 2, 3),
                "labels", "n=2");
        assertRejected(() -> k.concatForward(new float[10], new float[][] {new float[4], new float[6]},
                new int[] {2, 2}, 1, 2), "ins[1] has length 6", "4");
        assertRejected(() -> k.concatForward(new float[10], new float[][] {new float[4]}, new int[] {2, 2}, 1, 2),
                "channels");
    }

    static boolean anyNaN(float[] a) {
        for (float v : a) {
            if (Float.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void nanPropagatesWithoutCrashing(Kernels k) {
        ConvGeometry g = ConvGeometry.of(1, 2, 2, 1, 6, 6, 3, 1, 1);
        float[] in = new float[g.inputSize()];
        in[7] = Float.NaN;
        float[] out = new float[g.outputSize()];
        assertDoesNotThrow(() -> k.conv2dForward(out, in, new float[g.weightSize()], null, g));
        assertTrue(anyNaN(out), "conv");
        assertFalse(Float.isNaN(out[35]), "conv: an output whose window misses the NaN stays a number");

        BatchNormGeometry bg = new BatchNormGeometry(1, 2, 36);
        float[] bn = new float[72], mean = new float[2], inv = new float[2];
        k.batchNormForwardTraining(bn, mean, inv, new float[2], new float[2], in, new float[] {1, 1},
                new float[2], 0.1f, 1e-5f, bg);
        assertTrue(Float.isNaN(mean[0]) && Float.isNaN(bn[0]), "bn: the NaN's channel");
        assertFalse(Float.isNaN(mean[1]) || Float.isNaN(bn[40]), "bn: the other channel");

        PoolGeometry pg = new PoolGeometry(1, 2, 6, 6, 2, 2, 0, false);
        float[] pool = new float[18];
        k.maxPool2dForward(pool, new int[18], in, pg);
        assertTrue(Float.isNaN(pool[0]) && !Float.isNaN(pool[1]), "max pool");
        k.avgPool2dForward(pool, in, pg);
        assertTrue(Float.isNaN(pool[0]) && !Float.isNaN(pool[1]), "avg pool");

        float[] relu = new float[72];
        k.reluForward(relu, in, 72);
        assertTrue(Float.isNaN(relu[7]), "relu");

        float[] logits = {1, Float.NaN, 2, 1, 2, 3}, probs = new float[6];
        float loss = k.softmaxCrossEntropyForward(probs, logits, new int[] {0, 2}, 2, 3);
        assertTrue(Float.isNaN(loss) && Float.isNaN(probs[0]), "softmax");
        assertEquals(0.66524096f, probs[5], 1e-6f, "softmax: the other row");
    }
}
