package org.deeproots.gpu;

import java.util.Arrays;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * The {@link Backend} on the host: "device" buffers are Java arrays and every op is the given {@link Kernels}
 * (scalar or vector). It makes the device code paths (e.g. {@link GpuNetwork}) testable against the CPU reference
 * and is the fallback when no GPU is there. Copies are still counted, as for a real device.
 */
public final class CpuBackend implements Backend {
    private final Kernels kernels;
    private long uploads;
    private long uploadBytes;
    private long downloads;
    private long downloadBytes;

    public CpuBackend(Kernels kernels) {
        this.kernels = kernels;
    }

    /** A host buffer: a float[] and, for argmax and labels, an int[] of the same length. */
    private final class HostBuffer implements DeviceBuffer {
        final float[] f; // (elements)
        int[] i;         // (elements), made on first int use

        HostBuffer(int elements) {
            f = new float[elements];
        }

        int[] ints() {
            if (i == null) {
                i = new int[f.length];
            }
            return i;
        }

        @Override
        public int elements() {
            return f.length;
        }

        @Override
        public Backend backend() {
            return CpuBackend.this;
        }

        @Override
        public void close() {
            // garbage collected
        }
    }

    private HostBuffer h(String name, DeviceBuffer b) {
        if (b == null) {
            return null;
        }
        if (b.backend() != this) {
            throw new IllegalArgumentException(name + " belongs to backend " + b.backend().name()
                    + ", not to this cpu backend");
        }
        return (HostBuffer) b;
    }

    private float[] f(String name, DeviceBuffer b) {
        HostBuffer hb = h(name, b);
        return hb == null ? null : hb.f;
    }

    private int[] i(String name, DeviceBuffer b) {
        return h(name, b).ints();
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return "host CPU, " + Runtime.getRuntime().availableProcessors() + " threads, kernels " + kernels.name();
    }

    @Override
    public DeviceBuffer allocate(int elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("elements must be >= 1, got " + elements);
        }
        return new HostBuffer(elements);
    }

    private static void sameLength(String name, int have, int want) {
        if (have != want) {
            throw new IllegalArgumentException(name + " has " + have + " elements, expected " + want);
        }
    }

    @Override
    public void upload(DeviceBuffer dst, float[] src) {
        float[] d = f("dst", dst);
        sameLength("dst", d.length, src.length);
        System.arraycopy(src, 0, d, 0, src.length);
        uploads++;
        uploadBytes += 4L * src.length;
    }

    @Override
    public void upload(DeviceBuffer dst, int[] src) {
        int[] d = i("dst", dst);
        sameLength("dst", d.length, src.length);
        System.arraycopy(src, 0, d, 0, src.length);
        uploads++;
        uploadBytes += 4L * src.length;
    }

    @Override
    public void download(float[] dst, DeviceBuffer src) {
        float[] s = f("src", src);
        sameLength("src", s.length, dst.length);
        System.arraycopy(s, 0, dst, 0, dst.length);
        downloads++;
        downloadBytes += 4L * dst.length;
    }

    @Override
    public void download(int[] dst, DeviceBuffer src) {
        int[] s = i("src", src);
        sameLength("src", s.length, dst.length);
        System.arraycopy(s, 0, dst, 0, dst.length);
        downloads++;
        downloadBytes += 4L * dst.length;
    }

    @Override
    public TransferStats transfers() {
        return new TransferStats(uploads, uploadBytes, downloads, downloadBytes, 0);
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
    }

    @Override
    public void copy(DeviceBuffer dst, DeviceBuffer src, int size) {
        System.arraycopy(f("src", src), 0, f("dst", dst), 0, size);
    }

    @Override
    public void fill(DeviceBuffer dst, float value, int size) {
        Arrays.fill(f("dst", dst), 0, size, value);
    }

    @Override
    public void sgdUpdate(DeviceBuffer param, DeviceBuffer velocity, DeviceBuffer grad, float lr, float momentum,
                          float weightDecay, int size) {
        float[] p = f("param", param);
        float[] v = f("velocity", velocity);
        float[] g = f("grad", grad);
        for (int k = 0; k < size; k++) {
            float gk = g[k] + weightDecay * p[k];
            v[k] = momentum * v[k] + gk;
            p[k] = p[k] - lr * v[k];
        }
    }

    @Override
    public void conv2dForward(DeviceBuffer out, DeviceBuffer in, DeviceBuffer weight, DeviceBuffer bias,
                              ConvGeometry g) {
        kernels.conv2dForward(f("out", out), f("in", in), f("weight", weight), f("bias", bias), g);
    }

    @Override
    public void conv2dBackwardInput(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer weight, ConvGeometry g) {
        kernels.conv2dBackwardInput(f("dIn", dIn), f("dOut", dOut), f("weight", weight), g);
    }

    @Override
    public void conv2dBackwardWeight(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dOut, DeviceBuffer in,
                                     ConvGeometry g) {
        kernels.conv2dBackwardWeight(f("dWeight", dWeight), f("dBias", dBias), f("dOut", dOut), f("in", in), g);
    }

    @Override
    public void linearForward(DeviceBuffer out, DeviceBuffer in, DeviceBuffer weight, DeviceBuffer bias,
                              LinearGeometry g) {
        kernels.linearForward(f("out", out), f("in", in), f("weight", weight), f("bias", bias), g);
    }

    @Override
    public void linearBackwardInput(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer weight, LinearGeometry g) {
        kernels.linearBackwardInput(f("dIn", dIn), f("dOut", dOut), f("weight", weight), g);
    }

    @Override
    public void linearBackwardWeight(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dOut, DeviceBuffer in,
                                     LinearGeometry g) {
        kernels.linearBackwardWeight(f("dWeight", dWeight), f("dBias", dBias), f("dOut", dOut), f("in", in), g);
    }

    @Override
    public void batchNormForwardTraining(DeviceBuffer out, DeviceBuffer mean, DeviceBuffer invStd,
                                         DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer in,
                                         DeviceBuffer gamma, DeviceBuffer beta, float momentum, float eps,
                                         BatchNormGeometry g) {
        kernels.batchNormForwardTraining(f("out", out), f("mean", mean), f("invStd", invStd),
                f("runningMean", runningMean), f("runningVar", runningVar), f("in", in), f("gamma", gamma),
                f("beta", beta), momentum, eps, g);
    }

    @Override
    public void batchNormForwardInference(DeviceBuffer out, DeviceBuffer in, DeviceBuffer gamma, DeviceBuffer beta,
                                          DeviceBuffer runningMean, DeviceBuffer runningVar, float eps,
                                          BatchNormGeometry g) {
        kernels.batchNormForwardInference(f("out", out), f("in", in), f("gamma", gamma), f("beta", beta),
                f("runningMean", runningMean), f("runningVar", runningVar), eps, g);
    }

    @Override
    public void batchNormBackward(DeviceBuffer dIn, DeviceBuffer dGamma, DeviceBuffer dBeta, DeviceBuffer dOut,
                                  DeviceBuffer in, DeviceBuffer mean, DeviceBuffer invStd, DeviceBuffer gamma,
                                  BatchNormGeometry g) {
        kernels.batchNormBackward(f("dIn", dIn), f("dGamma", dGamma), f("dBeta", dBeta), f("dOut", dOut),
                f("in", in), f("mean", mean), f("invStd", invStd), f("gamma", gamma), g);
    }

    @Override
    public void maxPool2dForward(DeviceBuffer out, DeviceBuffer argmax, DeviceBuffer in, PoolGeometry g) {
        kernels.maxPool2dForward(f("out", out), i("argmax", argmax), f("in", in), g);
    }

    @Override
    public void maxPool2dBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer argmax, PoolGeometry g) {
        kernels.maxPool2dBackward(f("dIn", dIn), f("dOut", dOut), i("argmax", argmax), g);
    }

    @Override
    public void avgPool2dForward(DeviceBuffer out, DeviceBuffer in, PoolGeometry g) {
        kernels.avgPool2dForward(f("out", out), f("in", in), g);
    }

    @Override
    public void avgPool2dBackward(DeviceBuffer dIn, DeviceBuffer dOut, PoolGeometry g) {
        kernels.avgPool2dBackward(f("dIn", dIn), f("dOut", dOut), g);
    }

    @Override
    public void globalAvgPoolForward(DeviceBuffer out, DeviceBuffer in, int n, int c, int hw) {
        kernels.globalAvgPoolForward(f("out", out), f("in", in), n, c, hw);
    }

    @Override
    public void globalAvgPoolBackward(DeviceBuffer dIn, DeviceBuffer dOut, int n, int c, int hw) {
        kernels.globalAvgPoolBackward(f("dIn", dIn), f("dOut", dOut), n, c, hw);
    }

    @Override
    public void reluForward(DeviceBuffer out, DeviceBuffer in, int size) {
        kernels.reluForward(f("out", out), f("in", in), size);
    }

    @Override
    public void reluBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer out, int size) {
        kernels.reluBackward(f("dIn", dIn), f("dOut", dOut), f("out", out), size);
    }

    @Override
    public float softmaxCrossEntropyForward(DeviceBuffer probs, DeviceBuffer logits, DeviceBuffer labels, int n,
                                            int classes) {
        return kernels.softmaxCrossEntropyForward(f("probs", probs), f("logits", logits), i("labels", labels), n,
                classes);
    }

    @Override
    public void softmaxCrossEntropyBackward(DeviceBuffer dLogits, DeviceBuffer probs, DeviceBuffer labels, int n,
                                            int classes) {
        kernels.softmaxCrossEntropyBackward(f("dLogits", dLogits), f("probs", probs), i("labels", labels), n,
                classes);
    }

    @Override
    public void dropoutForward(DeviceBuffer out, DeviceBuffer mask, DeviceBuffer in, float p, long seed, int size) {
        kernels.dropoutForward(f("out", out), f("mask", mask), f("in", in), p, seed, size);
    }

    @Override
    public void dropoutBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer mask, int size) {
        kernels.dropoutBackward(f("dIn", dIn), f("dOut", dOut), f("mask", mask), size);
    }

    @Override
    public void concatForward(DeviceBuffer out, DeviceBuffer[] ins, int[] channels, int n, int hw) {
        float[][] a = new float[ins.length][];
        for (int k = 0; k < ins.length; k++) {
            a[k] = f("ins[" + k + "]", ins[k]);
        }
        kernels.concatForward(f("out", out), a, channels, n, hw);
    }

    @Override
    public void concatBackward(DeviceBuffer[] dIns, DeviceBuffer dOut, int[] channels, int n, int hw) {
        float[][] a = new float[dIns.length][];
        for (int k = 0; k < dIns.length; k++) {
            a[k] = f("dIns[" + k + "]", dIns[k]);
        }
        kernels.concatBackward(a, f("dOut", dOut), channels, n, hw);
    }

    @Override
    public void addForward(DeviceBuffer out, DeviceBuffer a, DeviceBuffer b, int size) {
        kernels.addForward(f("out", out), f("a", a), f("b", b), size);
    }

    @Override
    public String toString() {
        return "cpu(" + kernels.name() + ")";
    }
}
