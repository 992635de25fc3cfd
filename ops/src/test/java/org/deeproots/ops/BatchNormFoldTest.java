package org.deeproots.ops;

import static org.deeproots.ops.testing.Arrays2.assertClose;
import static org.deeproots.ops.testing.Arrays2.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.junit.jupiter.api.Test;

class BatchNormFoldTest {
    private final Kernels k = KernelProvider.kernels();

    @Test
    void foldedConvEqualsConvThenBatchNorm() {
        for (boolean withBias : new boolean[] {true, false}) {
            ConvGeometry g = ConvGeometry.of(2, 6, 9, 3, 7, 5, 3, 2, 1);
            float[] in = random(g.inputSize(), 1), w = random(g.weightSize(), 2);
            float[] bias = withBias ? random(g.outC(), 3) : null;
            float[] gamma = random(9, 4), beta = random(9, 5), mean = random(9, 6), var = random(9, 7);
            for (int i = 0; i < 9; i++) {
                var[i] = Math.abs(var[i]) + 0.05f;
            }
            float[] wCopy = w.clone();
            float[] conv = new float[g.outputSize()], expected = new float[g.outputSize()];
            k.conv2dForward(conv, in, w, bias, g);
            k.batchNormForwardInference(expected, conv, gamma, beta, mean, var, 1e-5f,
                    new BatchNormGeometry(g.n(), g.outC(), g.outH() * g.outW()));
            BatchNormFold.Folded f = BatchNormFold.fold(w, bias, gamma, beta, mean, var, 1e-5f);
            float[] actual = new float[g.outputSize()];
            k.conv2dForward(actual, in, f.weight(), f.bias(), g);
            assertClose("folded conv, bias " + withBias, expected, actual, 1e-4, 1e-4);
            assertArrayEquals(wCopy, w, "the conv's weight is not modified");
        }
    }

    @Test
    void mismatchedLengthsAreRejected() {
        float[] four = new float[4];
        var e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormFold.fold(new float[10], null, four, four, four, four, 1e-5f));
        assertTrue(e.getMessage().contains("weight has length 10") && e.getMessage().contains("outC=4"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormFold.fold(new float[8], null, four, new float[3], four, four, 1e-5f));
        assertTrue(e.getMessage().contains("beta has length 3"), e.getMessage());
    }
}
