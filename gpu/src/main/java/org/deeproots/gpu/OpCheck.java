package org.deeproots.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * Runs every op of a {@link Backend} over awkward geometries (channels 1, 3, 13, 25; groups 1, 2, 4 and C; odd
 * sizes; stride 1 and 2; padding 0, 1, 2; batch 1 and more) and compares each output and gradient with
 * {@link ScalarKernels}, the reference. Used by the JUnit tests (OpenCL on PoCL, the CPU backend) and by
 * {@link SelfTest} (CUDA on a GPU machine without Maven). The tolerance grows with the reduction length K:
 * {@code |got - want| <= 2e-6 * (1 + sqrt(K)) * max(1, max|want|)}; argmax indices must match exactly.
 */
public final class OpCheck {

    /** One compared tensor: op, geometry, max abs difference, tolerance, and the first values on mismatch. */
    public record Result(String op, String geometry, double maxDiff, double tolerance, String detail) {
        public boolean pass() {
            return maxDiff <= tolerance;
        }

        @Override
        public String toString() {
            return (pass() ? "ok   " : "FAIL ") + op + " " + geometry + " maxDiff=" + String.format("%.3g", maxDiff)
                    + " tol=" + String.format("%.3g", tolerance) + (pass() ? "" : " " + detail);
        }
    }

    /** Convolutions: (n, inC, outC, groups, h, w, kh, kw, stride, pad). */
    public static final List<ConvGeometry> CONVS = List.of(
            new ConvGeometry(1, 1, 1, 1, 5, 5, 3, 3, 1, 1),
            new ConvGeometry(2, 3, 6, 1, 7, 5, 3, 3, 2, 1),
            new ConvGeometry(1, 13, 13, 13, 9, 9, 3, 3, 1, 1),
            new ConvGeometry(3, 4, 8, 2, 6, 7, 1, 1, 1, 0),
            new ConvGeometry(2, 25, 25, 1, 5, 5, 3, 3, 2, 2),
            new ConvGeometry(1, 8, 12, 4, 11, 11, 5, 5, 2, 2),
            new ConvGeometry(2, 12, 4, 4, 8, 8, 3, 3, 1, 0),
            new ConvGeometry(1, 3, 5, 1, 13, 13, 7, 7, 2, 3),
            new ConvGeometry(2, 25, 50, 25, 6, 6, 3, 3, 1, 1),
            new ConvGeometry(1, 2, 13, 1, 3, 3, 3, 3, 1, 0),
            new ConvGeometry(1, 4, 4, 2, 7, 9, 3, 1, 1, 1),
            // >= 32 outputs per group: the tiled forward kernel (tile edges, K not a multiple of 16, groups 2)
            new ConvGeometry(2, 8, 64, 1, 9, 9, 3, 3, 1, 1),
            new ConvGeometry(1, 64, 96, 2, 7, 7, 1, 1, 2, 0),
            new ConvGeometry(3, 13, 40, 1, 5, 5, 1, 1, 1, 0),
            new ConvGeometry(1, 50, 130, 1, 6, 5, 3, 3, 2, 2),
            // more than 1024 output positions: the weight gradient is split over position slices and summed
            new ConvGeometry(4, 16, 32, 1, 20, 20, 3, 3, 1, 1),
            new ConvGeometry(2, 32, 64, 2, 30, 30, 1, 1, 1, 0));

    /** Pooling: (n, c, h, w, kernel, stride, pad, ceilMode). */
    public static final List<PoolGeometry> POOLS = List.of(
            new PoolGeometry(1, 1, 5, 5, 2, 2, 0, false),
            new PoolGeometry(2, 3, 7, 7, 3, 2, 1, true),
            new PoolGeometry(1, 13, 9, 9, 3, 2, 0, true),
            new PoolGeometry(2, 25, 6, 5, 3, 1, 1, false),
            new PoolGeometry(3, 4, 11, 11, 3, 3, 1, true),
            new PoolGeometry(1, 3, 8, 8, 5, 2, 2, false));

    public static final List<BatchNormGeometry> BNS = List.of(
            new BatchNormGeometry(1, 1, 1), new BatchNormGeometry(2, 3, 25), new BatchNormGeometry(1, 13, 81),
            new BatchNormGeometry(4, 25, 7), new BatchNormGeometry(2, 8, 1000));

    public static final List<LinearGeometry> LINEARS = List.of(
            new LinearGeometry(1, 1, 1), new LinearGeometry(3, 13, 25), new LinearGeometry(2, 100, 10),
            new LinearGeometry(5, 7, 3));

    /** Elementwise sizes. */
    public static final int[] SIZES = {1, 13, 207, 4098};

    private final Backend b;
    private final Kernels ref = ScalarKernels.INSTANCE;
    private final SplittableRandom rnd;
    private final List<Result> results = new ArrayList<>();

    private OpCheck(Backend b, long seed) {
        this.b = b;
        this.rnd = new SplittableRandom(seed);
    }

    /** Runs every op and returns one result per compared tensor. */
    public static List<Result> run(Backend backend, long seed) {
        OpCheck c = new OpCheck(backend, seed);
        for (ConvGeometry g : CONVS) {
            c.conv(g);
        }
        for (LinearGeometry g : LINEARS) {
            c.linear(g);
        }
        for (BatchNormGeometry g : BNS) {
            c.batchNorm(g);
        }
        for (PoolGeometry g : POOLS) {
            c.maxPool(g, false);
            c.avgPool(g);
        }
        c.maxPool(POOLS.get(1), true);
        c.globalAvgPool(2, 13, 49);
        c.globalAvgPool(1, 1, 1);
        c.globalAvgPool(3, 25, 7);
        for (int size : SIZES) {
            c.elementwise(size);
        }
        c.softmax(1, 1);
        c.softmax(3, 10);
        c.softmax(4, 13);
        c.concat(2, 9, new int[] {1, 3, 13});
        c.concat(1, 1, new int[] {25});
        return c.results;
    }

    private float[] random(int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    private DeviceBuffer dev(float[] host) {
        return b.upload(host);
    }

    private void compare(String op, Object geometry, float[] want, DeviceBuffer got, long k) {
        float[] g = b.download(got);
        double max = 0;
        double scale = 1;
        int worst = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs((double) g[i] - want[i]);
            if (d > max || Double.isNaN(d)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worst = i;
            }
            scale = Math.max(scale, Math.abs(want[i]));
        }
        double tol = 2e-6 * (1 + Math.sqrt(k)) * scale;
        results.add(new Result(op, geometry.toString(), max, tol, "at " + worst + ": got " + g[worst] + " want "
                + want[worst] + "; first got " + first(g) + " want " + first(want)));
    }

    private void compareInts(String op, Object geometry, int[] want, DeviceBuffer got) {
        int[] g = new int[want.length];
        b.download(g, got);
        int bad = -1;
        for (int i = 0; i < want.length && bad < 0; i++) {
            if (g[i] != want[i]) {
                bad = i;
            }
        }
        results.add(new Result(op, geometry.toString(), bad < 0 ? 0 : 1, 0,
                bad < 0 ? "" : "at " + bad + ": got " + g[bad] + " want " + want[bad]));
    }

    private static String first(float[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(4, a.length)));
    }

    private void conv(ConvGeometry g) {
        float[] in = random(g.inputSize());
        float[] w = random(g.weightSize());
        float[] bias = random(g.outC());
        float[] dOut = random(g.outputSize());
        DeviceBuffer dIn = dev(in);
        DeviceBuffer dW = dev(w);
        DeviceBuffer dBias = dev(bias);
        DeviceBuffer dDOut = dev(dOut);
        long k = (long) g.inPerGroup() * g.kh() * g.kw();

        float[] out = new float[g.outputSize()];
        ref.conv2dForward(out, in, w, bias, g);
        DeviceBuffer o = b.allocate(g.outputSize());
        b.conv2dForward(o, dIn, dW, dBias, g);
        compare("conv2dForward", g, out, o, k);
        ref.conv2dForward(out, in, w, null, g);
        b.conv2dForward(o, dIn, dW, null, g);
        compare("conv2dForward(no bias)", g, out, o, k);

        float[] gIn = new float[g.inputSize()];
        ref.conv2dBackwardInput(gIn, dOut, w, g);
        DeviceBuffer gi = b.allocate(g.inputSize());
        b.conv2dBackwardInput(gi, dDOut, dW, g);
        compare("conv2dBackwardInput", g, gIn, gi, (long) g.outPerGroup() * g.kh() * g.kw());

        float[] gW = new float[g.weightSize()];
        float[] gB = new float[g.outC()];
        ref.conv2dBackwardWeight(gW, gB, dOut, in, g);
        DeviceBuffer gw = b.allocate(g.weightSize());
        DeviceBuffer gb = b.allocate(g.outC());
        b.conv2dBackwardWeight(gw, gb, dDOut, dIn, g);
        long pos = (long) g.n() * g.outH() * g.outW();
        compare("conv2dBackwardWeight", g, gW, gw, pos);
        compare("conv2dBackwardWeight(dBias)", g, gB, gb, pos);
        close(dIn, dW, dBias, dDOut, o, gi, gw, gb);
    }

    private void linear(LinearGeometry g) {
        float[] in = random(g.n() * g.in());
        float[] w = random(g.out() * g.in());
        float[] bias = random(g.out());
        float[] dOut = random(g.n() * g.out());
        DeviceBuffer dIn = dev(in);
        DeviceBuffer dW = dev(w);
        DeviceBuffer dBias = dev(bias);
        DeviceBuffer dDOut = dev(dOut);
        float[] out = new float[g.n() * g.out()];
        ref.linearForward(out, in, w, bias, g);
        DeviceBuffer o = b.allocate(out.length);
        b.linearForward(o, dIn, dW, dBias, g);
        compare("linearForward", g, out, o, g.in());
        float[] gIn = new float[g.n() * g.in()];
        ref.linearBackwardInput(gIn, dOut, w, g);
        DeviceBuffer gi = b.allocate(gIn.length);
        b.linearBackwardInput(gi, dDOut, dW, g);
        compare("linearBackwardInput", g, gIn, gi, g.out());
        float[] gW = new float[w.length];
        float[] gB = new float[g.out()];
        ref.linearBackwardWeight(gW, gB, dOut, in, g);
        DeviceBuffer gw = b.allocate(w.length);
        DeviceBuffer gb = b.allocate(g.out());
        b.linearBackwardWeight(gw, gb, dDOut, dIn, g);
        compare("linearBackwardWeight", g, gW, gw, g.n());
        compare("linearBackwardWeight(dBias)", g, gB, gb, g.n());
        close(dIn, dW, dBias, dDOut, o, gi, gw, gb);
    }

    private void batchNorm(BatchNormGeometry g) {
        int c = g.c();
        float[] in = random(g.size());
        for (int i = 0; i < in.length; i++) {
            in[i] = in[i] * 3 + 0.5f; // mean and variance away from 0 and 1
        }
        float[] gamma = random(c);
        float[] beta = random(c);
        float[] rm = random(c);
        float[] rv = new float[c];
        Arrays.fill(rv, 0.7f);
        float[] dOut = random(g.size());
        DeviceBuffer dIn = dev(in);
        DeviceBuffer dGamma = dev(gamma);
        DeviceBuffer dBeta = dev(beta);
        DeviceBuffer dRm = dev(rm);
        DeviceBuffer dRv = dev(rv);
        DeviceBuffer dDOut = dev(dOut);
        long m = (long) g.n() * g.hw();

        float[] out = new float[g.size()];
        ref.batchNormForwardInference(out, in, gamma, beta, rm, rv, 1e-5f, g);
        DeviceBuffer o = b.allocate(g.size());
        b.batchNormForwardInference(o, dIn, dGamma, dBeta, dRm, dRv, 1e-5f, g);
        compare("batchNormForwardInference", g, out, o, 1);

        float[] mean = new float[c];
        float[] invStd = new float[c];
        ref.batchNormForwardTraining(out, mean, invStd, rm, rv, in, gamma, beta, 0.1f, 1e-5f, g);
        DeviceBuffer dMean = b.allocate(c);
        DeviceBuffer dInv = b.allocate(c);
        b.batchNormForwardTraining(o, dMean, dInv, dRm, dRv, dIn, dGamma, dBeta, 0.1f, 1e-5f, g);
        compare("batchNormForwardTraining", g, out, o, m);
        compare("batchNormForwardTraining(mean)", g, mean, dMean, m);
        compare("batchNormForwardTraining(invStd)", g, invStd, dInv, m);
        compare("batchNormForwardTraining(runningMean)", g, rm, dRm, m);
        compare("batchNormForwardTraining(runningVar)", g, rv, dRv, m);

        float[] gIn = new float[g.size()];
        float[] gGamma = new float[c];
        float[] gBeta = new float[c];
        ref.batchNormBackward(gIn, gGamma, gBeta, dOut, in, mean, invStd, gamma, g);
        DeviceBuffer gi = b.allocate(g.size());
        DeviceBuffer gg = b.allocate(c);
        DeviceBuffer gb = b.allocate(c);
        b.batchNormBackward(gi, gg, gb, dDOut, dIn, dMean, dInv, dGamma, g);
        compare("batchNormBackward(dIn)", g, gIn, gi, m);
        compare("batchNormBackward(dGamma)", g, gGamma, gg, m);
        compare("batchNormBackward(dBeta)", g, gBeta, gb, m);
        close(dIn, dGamma, dBeta, dRm, dRv, dDOut, o, dMean, dInv, gi, gg, gb);
    }

    private void maxPool(PoolGeometry g, boolean ties) {
        float[] in = ties ? new float[g.inputSize()] : random(g.inputSize()); // all zeros: every window ties
        float[] dOut = random(g.outputSize());
        DeviceBuffer dIn = dev(in);
        DeviceBuffer dDOut = dev(dOut);
        String op = ties ? "maxPool2dForward(ties)" : "maxPool2dForward";
        float[] out = new float[g.outputSize()];
        int[] argmax = new int[g.outputSize()];
        ref.maxPool2dForward(out, argmax, in, g);
        DeviceBuffer o = b.allocate(out.length);
        DeviceBuffer am = b.allocate(out.length);
        b.maxPool2dForward(o, am, dIn, g);
        compare(op, g, out, o, 1);
        compareInts(op + "(argmax)", g, argmax, am);
        float[] gIn = new float[g.inputSize()];
        ref.maxPool2dBackward(gIn, dOut, argmax, g);
        DeviceBuffer gi = b.allocate(gIn.length);
        b.maxPool2dBackward(gi, dDOut, am, g);
        compare("maxPool2dBackward", g, gIn, gi, (long) g.kernel() * g.kernel());
        close(dIn, dDOut, o, am, gi);
    }

    private void avgPool(PoolGeometry g) {
        float[] in = random(g.inputSize());
        float[] dOut = random(g.outputSize());
        DeviceBuffer dIn = dev(in);
        DeviceBuffer dDOut = dev(dOut);
        float[] out = new float[g.outputSize()];
        ref.avgPool2dForward(out, in, g);
        DeviceBuffer o = b.allocate(out.length);
        b.avgPool2dForward(o, dIn, g);
        long k = (long) g.kernel() * g.kernel();
        compare("avgPool2dForward", g, out, o, k);
        float[] gIn = new float[g.inputSize()];
        ref.avgPool2dBackward(gIn, dOut, g);
        DeviceBuffer gi = b.allocate(gIn.length);
        b.avgPool2dBackward(gi, dDOut, g);
        compare("avgPool2dBackward", g, gIn, gi, k);
        close(dIn, dDOut, o, gi);
    }

    private void globalAvgPool(int n, int c, int hw) {
        String geo = "n=" + n + " c=" + c + " hw=" + hw;
        float[] in = random(n * c * hw);
        float[] dOut = random(n * c);
        DeviceBuffer dIn = dev(in);
        DeviceBuffer dDOut = dev(dOut);
        float[] out = new float[n * c];
        ref.globalAvgPoolForward(out, in, n, c, hw);
        DeviceBuffer o = b.allocate(out.length);
        b.globalAvgPoolForward(o, dIn, n, c, hw);
        compare("globalAvgPoolForward", geo, out, o, hw);
        float[] gIn = new float[in.length];
        ref.globalAvgPoolBackward(gIn, dOut, n, c, hw);
        DeviceBuffer gi = b.allocate(in.length);
        b.globalAvgPoolBackward(gi, dDOut, n, c, hw);
        compare("globalAvgPoolBackward", geo, gIn, gi, 1);
        close(dIn, dDOut, o, gi);
    }

    private void elementwise(int size) {
        String geo = "size=" + size;
        float[] x = random(size);
        float[] y = random(size);
        float[] d = random(size);
        DeviceBuffer dx = dev(x);
        DeviceBuffer dy = dev(y);
        DeviceBuffer dd = dev(d);
        DeviceBuffer o = b.allocate(size);
        DeviceBuffer g = b.allocate(size);
        float[] out = new float[size];
        float[] grad = new float[size];

        ref.reluForward(out, x, size);
        b.reluForward(o, dx, size);
        compare("reluForward", geo, out, o, 1);
        ref.reluBackward(grad, d, out, size);
        b.reluBackward(g, dd, o, size);
        compare("reluBackward", geo, grad, g, 1);

        ref.addForward(out, x, y, size);
        b.addForward(o, dx, dy, size);
        compare("addForward", geo, out, o, 1);

        float[] mask = new float[size];
        ref.dropoutForward(out, mask, x, 0.3f, 0x5DEECE66DL + size, size);
        DeviceBuffer m = b.allocate(size);
        b.dropoutForward(o, m, dx, 0.3f, 0x5DEECE66DL + size, size);
        compare("dropoutForward", geo, out, o, 1);
        compare("dropoutForward(mask)", geo, mask, m, 1);
        ref.dropoutBackward(grad, d, mask, size);
        b.dropoutBackward(g, dd, m, size);
        compare("dropoutBackward", geo, grad, g, 1);

        // SGD update against its definition (not in Kernels): v = 0.9 v + g + wd p; p -= lr v
        float[] p = x.clone();
        float[] v = y.clone();
        for (int i = 0; i < size; i++) {
            v[i] = 0.9f * v[i] + (d[i] + 5e-4f * p[i]);
            p[i] = p[i] - 0.1f * v[i];
        }
        b.sgdUpdate(dx, dy, dd, 0.1f, 0.9f, 5e-4f, size);
        compare("sgdUpdate(param)", geo, p, dx, 1);
        compare("sgdUpdate(velocity)", geo, v, dy, 1);
        b.copy(o, dd, size);
        compare("copy", geo, d, o, 1);
        b.fill(o, 2.5f, size);
        float[] filled = new float[size];
        Arrays.fill(filled, 2.5f);
        compare("fill", geo, filled, o, 1);
        close(dx, dy, dd, o, g, m);
    }

    private void softmax(int n, int classes) {
        String geo = "n=" + n + " classes=" + classes;
        float[] logits = random(n * classes);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 8;
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextInt(classes);
        }
        DeviceBuffer dl = dev(logits);
        DeviceBuffer lab = b.upload(labels);
        float[] probs = new float[logits.length];
        float loss = ref.softmaxCrossEntropyForward(probs, logits, labels, n, classes);
        DeviceBuffer p = b.allocate(logits.length);
        float got = b.softmaxCrossEntropyForward(p, dl, lab, n, classes);
        compare("softmaxCrossEntropyForward", geo, probs, p, classes);
        double diff = Math.abs(got - loss);
        results.add(new Result("softmaxCrossEntropyForward(loss)", geo, diff,
                2e-6 * (1 + Math.sqrt(classes)) * Math.max(1, Math.abs(loss)), "got " + got + " want " + loss));
        float[] dLogits = new float[logits.length];
        ref.softmaxCrossEntropyBackward(dLogits, probs, labels, n, classes);
        DeviceBuffer dd = b.allocate(logits.length);
        b.softmaxCrossEntropyBackward(dd, p, lab, n, classes);
        compare("softmaxCrossEntropyBackward", geo, dLogits, dd, classes);
        close(dl, lab, p, dd);
    }

    private void concat(int n, int hw, int[] channels) {
        String geo = "n=" + n + " hw=" + hw + " channels=" + Arrays.toString(channels);
        int total = Arrays.stream(channels).sum();
        float[][] ins = new float[channels.length][];
        DeviceBuffer[] dIns = new DeviceBuffer[channels.length];
        for (int k = 0; k < channels.length; k++) {
            ins[k] = random(n * channels[k] * hw);
            dIns[k] = dev(ins[k]);
        }
        float[] out = new float[n * total * hw];
        ref.concatForward(out, ins, channels, n, hw);
        DeviceBuffer o = b.allocate(out.length);
        b.concatForward(o, dIns, channels, n, hw);
        compare("concatForward", geo, out, o, 1);
        float[] dOut = random(out.length);
        float[][] gIns = new float[channels.length][];
        DeviceBuffer[] gi = new DeviceBuffer[channels.length];
        for (int k = 0; k < channels.length; k++) {
            gIns[k] = new float[ins[k].length];
            gi[k] = b.allocate(ins[k].length);
        }
        ref.concatBackward(gIns, dOut, channels, n, hw);
        DeviceBuffer dd = dev(dOut);
        b.concatBackward(gi, dd, channels, n, hw);
        for (int k = 0; k < channels.length; k++) {
            compare("concatBackward[" + k + "]", geo, gIns[k], gi[k], 1);
        }
        close(o, dd);
        close(dIns);
        close(gi);
    }

    private static void close(DeviceBuffer... buffers) {
        for (DeviceBuffer d : buffers) {
            d.close();
        }
    }
}
