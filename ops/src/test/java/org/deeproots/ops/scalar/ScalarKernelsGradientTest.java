package org.deeproots.ops.scalar;

import static org.deeproots.ops.testing.Arrays2.random;
import static org.deeproots.ops.testing.Arrays2.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import java.util.stream.Stream;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backward of the scalar reference against central finite differences, in double precision, of an
 * independent double forward ({@link DoubleReference}) on tiny shapes. The scalar loss is {@code sum(r * f(x))}
 * for a random r, so the analytic gradient is the backward with {@code dOut = r}. Each test also checks that
 * ScalarKernels' forward equals the double forward, so the two are the same function.
 */
class ScalarKernelsGradientTest {
    static final double H = 1e-6;
    static final double ATOL = 2e-5;
    static final double RTOL = 1e-4;

    private final ScalarKernels k = ScalarKernels.INSTANCE;

    /** Compares analytic with the central difference of x -> sum(r * f(x)) for every element of x. */
    static void checkGradient(String label, float[] x, Function<double[], double[]> f, float[] r, float[] analytic) {
        double[] xd = toDouble(x), rd = toDouble(r);
        assertEquals(x.length, analytic.length, label + ": gradient length");
        for (int i = 0; i < x.length; i++) {
            double keep = xd[i];
            xd[i] = keep + H;
            double plus = dot(rd, f.apply(xd));
            xd[i] = keep - H;
            double minus = dot(rd, f.apply(xd));
            xd[i] = keep;
            double numeric = (plus - minus) / (2 * H);
            if (!(Math.abs(numeric - analytic[i]) <= ATOL + RTOL * Math.abs(numeric))) {
                fail(label + ": element " + i + ": analytic " + analytic[i] + ", finite difference " + numeric);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static void assertForward(String label, double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(expected[i] - actual[i]) > 1e-6 * (1 + Math.abs(expected[i]))) {
                fail(label + " forward: element " + i + ": double " + expected[i] + ", scalar " + actual[i]);
            }
        }
    }

    static Stream<ConvGeometry> convs() {
        return Stream.of(ConvGeometry.of(2, 4, 6, 2, 5, 4, 3, 2, 1), ConvGeometry.of(1, 3, 3, 3, 4, 5, 3, 1, 2),
                ConvGeometry.of(1, 2, 4, 1, 3, 3, 1, 1, 0), ConvGeometry.of(1, 2, 2, 2, 6, 5, 5, 1, 2),
                new ConvGeometry(2, 2, 4, 2, 5, 6, 3, 1, 2, 1));
    }

    @ParameterizedTest
    @MethodSource("convs")
    void conv2d(ConvGeometry g) {
        float[] in = random(g.inputSize(), 1), w = random(g.weightSize(), 2), b = random(g.outC(), 3);
        float[] r = random(g.outputSize(), 4);
        double[] dIn0 = toDouble(in), dW0 = toDouble(w), dB0 = toDouble(b);
        float[] out = new float[g.outputSize()];
        k.conv2dForward(out, in, w, b, g);
        assertForward("conv " + g, DoubleReference.conv(dIn0, dW0, dB0, g), out);

        float[] dIn = new float[g.inputSize()], dW = new float[g.weightSize()], dB = new float[g.outC()];
        k.conv2dBackwardInput(dIn, r, w, g);
        k.conv2dBackwardWeight(dW, dB, r, in, g);
        checkGradient("conv dIn " + g, in, x -> DoubleReference.conv(x, dW0, dB0, g), r, dIn);
        checkGradient("conv dWeight " + g, w, x -> DoubleReference.conv(dIn0, x, dB0, g), r, dW);
        checkGradient("conv dBias " + g, b, x -> DoubleReference.conv(dIn0, dW0, x, g), r, dB);
    }

    @Test
    void linear() {
        LinearGeometry g = new LinearGeometry(3, 5, 4);
        float[] in = random(15, 1), w = random(20, 2), b = random(4, 3), r = random(12, 4);
        float[] out = new float[12];
        k.linearForward(out, in, w, b, g);
        assertForward("linear", DoubleReference.linear(toDouble(in), toDouble(w), toDouble(b), g), out);
        float[] dIn = new float[15], dW = new float[20], dB = new float[4];
        k.linearBackwardInput(dIn, r, w, g);
        k.linearBackwardWeight(dW, dB, r, in, g);
        checkGradient("linear dIn", in, x -> DoubleReference.linear(x, toDouble(w), toDouble(b), g), r, dIn);
        checkGradient("linear dWeight", w, x -> DoubleReference.linear(toDouble(in), x, toDouble(b), g), r, dW);
        checkGradient("linear dBias", b, x -> DoubleReference.linear(toDouble(in), toDouble(w), x, g), r, dB);
    }

    static Stream<BatchNormGeometry> batchNorms() {
        return Stream.of(new BatchNormGeometry(2, 3, 4), new BatchNormGeometry(1, 2, 5),
                new BatchNormGeometry(3, 1, 1));
    }

    @ParameterizedTest
    @MethodSource("batchNorms")
    void batchNorm(BatchNormGeometry g) {
        float eps = 1e-5f;
        float[] in = random(g.size(), 1), gamma = random(g.c(), 2), beta = random(g.c(), 3);
        float[] r = random(g.size(), 4);
        float[] out = new float[g.size()], mean = new float[g.c()], invStd = new float[g.c()];
        k.batchNormForwardTraining(out, mean, invStd, new float[g.c()], new float[g.c()], in, gamma, beta, 0.1f,
                eps, g);
        assertForward("bn", DoubleReference.batchNormTraining(toDouble(in), toDouble(gamma), toDouble(beta), eps, g),
                out);
        float[] dIn = new float[g.size()], dGamma = new float[g.c()], dBeta = new float[g.c()];
        k.batchNormBackward(dIn, dGamma, dBeta, r, in, mean, invStd, gamma, g);
        checkGradient("bn dIn " + g, in,
                x -> DoubleReference.batchNormTraining(x, toDouble(gamma), toDouble(beta), eps, g), r, dIn);
        checkGradient("bn dGamma " + g, gamma,
                x -> DoubleReference.batchNormTraining(toDouble(in), x, toDouble(beta), eps, g), r, dGamma);
        checkGradient("bn dBeta " + g, beta,
                x -> DoubleReference.batchNormTraining(toDouble(in), toDouble(gamma), x, eps, g), r, dBeta);
    }

    static Stream<PoolGeometry> pools() {
        return Stream.of(new PoolGeometry(1, 2, 5, 5, 3, 2, 1, true), new PoolGeometry(2, 1, 4, 6, 2, 2, 0, false),
                new PoolGeometry(1, 1, 7, 6, 3, 2, 0, true), new PoolGeometry(1, 2, 5, 4, 3, 1, 1, false));
    }

    @ParameterizedTest
    @MethodSource("pools")
    void pooling(PoolGeometry g) {
        float[] in = random(g.inputSize(), 1), r = random(g.outputSize(), 2); // distinct values: no ties
        float[] out = new float[g.outputSize()];
        int[] argmax = new int[g.outputSize()];
        k.maxPool2dForward(out, argmax, in, g);
        assertForward("max pool " + g, DoubleReference.pool(toDouble(in), g, true), out);
        float[] dIn = new float[g.inputSize()];
        k.maxPool2dBackward(dIn, r, argmax, g);
        checkGradient("max pool dIn " + g, in, x -> DoubleReference.pool(x, g, true), r, dIn);

        k.avgPool2dForward(out, in, g);
        assertForward("avg pool " + g, DoubleReference.pool(toDouble(in), g, false), out);
        k.avgPool2dBackward(dIn, r, g);
        checkGradient("avg pool dIn " + g, in, x -> DoubleReference.pool(x, g, false), r, dIn);
    }

    @Test
    void globalAvgPool() {
        int n = 2, c = 3, hw = 5;
        float[] in = random(n * c * hw, 1), r = random(n * c, 2), out = new float[n * c];
        k.globalAvgPoolForward(out, in, n, c, hw);
        assertForward("global avg", DoubleReference.globalAvg(toDouble(in), n, c, hw), out);
        float[] dIn = new float[n * c * hw];
        k.globalAvgPoolBackward(dIn, r, n, c, hw);
        checkGradient("global avg dIn", in, x -> DoubleReference.globalAvg(x, n, c, hw), r, dIn);
    }

    @Test
    void softmaxCrossEntropy() {
        int n = 3, classes = 5;
        float[] logits = random(n * classes, 1);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 4;
        }
        int[] labels = {2, 0, 4};
        float[] probs = new float[n * classes];
        float loss = k.softmaxCrossEntropyForward(probs, logits, labels, n, classes);
        assertForward("softmax ce", DoubleReference.softmaxCrossEntropy(toDouble(logits), labels, n, classes),
                new float[] {loss});
        float[] dLogits = new float[n * classes];
        k.softmaxCrossEntropyBackward(dLogits, probs, labels, n, classes);
        checkGradient("softmax ce dLogits", logits, x -> DoubleReference.softmaxCrossEntropy(x, labels, n, classes),
                new float[] {1}, dLogits);
    }

    @Test
    void relu() {
        float[] in = random(40, 1), r = random(40, 2), out = new float[40], dIn = new float[40];
        for (int i = 0; i < in.length; i++) {
            in[i] += Math.signum(in[i]) * 1e-3f; // away from the kink
        }
        k.reluForward(out, in, 40);
        assertForward("relu", DoubleReference.relu(toDouble(in)), out);
        k.reluBackward(dIn, r, out, 40);
        checkGradient("relu dIn", in, DoubleReference::relu, r, dIn);
    }

    @Test
    void dropout() {
        int size = 50;
        float[] in = random(size, 1), r = random(size, 2), out = new float[size], mask = new float[size];
        k.dropoutForward(out, mask, in, 0.5f, 3, size);
        float[] dIn = new float[size];
        k.dropoutBackward(dIn, r, mask, size);
        Function<double[], double[]> f = x -> {
            double[] y = new double[size];
            for (int i = 0; i < size; i++) {
                y[i] = x[i] * mask[i];
            }
            return y;
        };
        assertForward("dropout", f.apply(toDouble(in)), out);
        checkGradient("dropout dIn", in, f, r, dIn);
    }

    @Test
    void concat() {
        int n = 2, hw = 3;
        int[] channels = {1, 3, 2};
        float[][] ins = {random(n * hw, 1), random(n * 3 * hw, 2), random(n * 2 * hw, 3)};
        float[] r = random(n * 6 * hw, 4), out = new float[n * 6 * hw];
        k.concatForward(out, ins, channels, n, hw);
        float[][] dIns = {new float[n * hw], new float[n * 3 * hw], new float[n * 2 * hw]};
        k.concatBackward(dIns, r, channels, n, hw);
        for (int part = 0; part < 3; part++) {
            int p = part;
            // out as a function of ins[p] with the other parts fixed: the channel-block layout by definition
            Function<double[], double[]> f = x -> {
                double[] y = new double[n * 6 * hw];
                for (int b = 0; b < n; b++) {
                    int offset = 0;
                    for (int q = 0; q < 3; q++) {
                        for (int i = 0; i < channels[q] * hw; i++) {
                            y[(b * 6 + offset) * hw + i] = q == p ? x[b * channels[q] * hw + i]
                                    : ins[q][b * channels[q] * hw + i];
                        }
                        offset += channels[q];
                    }
                }
                return y;
            };
            if (p == 0) {
                assertForward("concat", f.apply(toDouble(ins[0])), out);
            }
            checkGradient("concat dIns[" + p + "]", ins[p], f, r, dIns[p]);
        }
    }
}
