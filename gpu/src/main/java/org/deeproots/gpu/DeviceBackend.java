package org.deeproots.gpu;

import java.util.concurrent.atomic.AtomicLong;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * The op set of {@link Backend} expressed as launches of the single-source kernels in
 * {@code org/deeproots/gpu/kernels/*.c}; subclasses supply memory, copies and {@link #launch}. Every kernel is
 * 1-D over {@code items} work-items (rounded up to a multiple of {@link #WORK_GROUP}, the kernels check bounds).
 * Kernel arguments are {@link DeviceBuffer}s of this backend, {@link Integer}s and {@link Float}s.
 */
abstract class DeviceBackend implements Backend {
    /** Work-group (CUDA block) size of every launch; {@code DR_WG} in dr_gpu.h. */
    static final int WORK_GROUP = 128;
    /** Convolutions with at least this many output channels per group use the tiled forward kernel. */
    static final int TILED_MIN_OUT_PER_GROUP = 32;

    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong uploadBytes = new AtomicLong();
    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong downloadBytes = new AtomicLong();
    private final AtomicLong launches = new AtomicLong();
    private DeviceBuffer lossScratch; // (n) per-sample losses of softmaxCrossEntropyForward
    private DeviceBuffer scratch;     // partial sums of the tiled weight gradient, grown on demand

    /** Launches {@code kernel} over {@code items} work-items (rounded up to the work-group size). */
    protected abstract void launchKernel(String kernel, int items, Object... args);

    /** Host to device copy of {@code bytes} bytes from {@code src} (a float[] or int[]). */
    protected abstract void write(DeviceBuffer dst, Object src, long bytes);

    /** Device to host copy into {@code dst} (a float[] or int[]). */
    protected abstract void read(Object dst, DeviceBuffer src, long bytes);

    private void launch(String kernel, int items, Object... args) {
        launches.incrementAndGet();
        launchKernel(kernel, items, args);
    }

    @Override
    public final TransferStats transfers() {
        return new TransferStats(uploads.get(), uploadBytes.get(), downloads.get(), downloadBytes.get(),
                launches.get());
    }

    @Override
    public final void upload(DeviceBuffer dst, float[] src) {
        require("dst", dst, src.length);
        write(dst, src, 4L * src.length);
        count(uploads, uploadBytes, src.length);
    }

    @Override
    public final void upload(DeviceBuffer dst, int[] src) {
        require("dst", dst, src.length);
        write(dst, src, 4L * src.length);
        count(uploads, uploadBytes, src.length);
    }

    @Override
    public final void download(float[] dst, DeviceBuffer src) {
        require("src", src, dst.length);
        read(dst, src, 4L * dst.length);
        count(downloads, downloadBytes, dst.length);
    }

    @Override
    public final void download(int[] dst, DeviceBuffer src) {
        require("src", src, dst.length);
        read(dst, src, 4L * dst.length);
        count(downloads, downloadBytes, dst.length);
    }

    private static void count(AtomicLong copies, AtomicLong bytes, int elements) {
        copies.incrementAndGet();
        bytes.addAndGet(4L * elements);
    }

    /** Checks that {@code b} belongs to this backend, is open and holds exactly {@code elements} values. */
    final void require(String name, DeviceBuffer b, long elements) {
        if (b == null) {
            throw new IllegalArgumentException(name + " must not be null (expected " + elements + " elements)");
        }
        if (b.backend() != this) {
            throw new IllegalArgumentException(name + " belongs to backend " + b.backend().name()
                    + ", not to this " + name() + " backend");
        }
        if (b.elements() != elements) {
            throw new IllegalArgumentException(name + " has " + b.elements() + " elements, expected " + elements);
        }
    }

    private static int size(String name, int size) {
        if (size < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + size);
        }
        return size;
    }

    @Override
    public void copy(DeviceBuffer dst, DeviceBuffer src, int size) {
        requireAtLeast("dst", dst, size);
        requireAtLeast("src", src, size);
        launch("concat_fwd_part", size, dst, src, 1, size, size, 0, 1);
    }

    private void requireAtLeast(String name, DeviceBuffer b, int size) {
        size("size", size);
        require(name, b, b == null ? size : b.elements());
        if (b.elements() < size) {
            throw new IllegalArgumentException(name + " has " + b.elements() + " elements, fewer than size=" + size);
        }
    }

    @Override
    public void fill(DeviceBuffer dst, float value, int size) {
        requireAtLeast("dst", dst, size);
        launch("fill_f", size, dst, value, size);
    }

    @Override
    public void sgdUpdate(DeviceBuffer param, DeviceBuffer velocity, DeviceBuffer grad, float lr, float momentum,
                          float weightDecay, int size) {
        require("param", param, size("size", size));
        require("velocity", velocity, size);
        require("grad", grad, size);
        launch("sgd_update", size, param, velocity, grad, lr, momentum, weightDecay, size);
    }

    // ---- convolution -------------------------------------------------------------------------------

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private Object[] convArgs(ConvGeometry g) {
        return new Object[] {g.n(), g.inC(), g.outC(), g.groups(), g.h(), g.w(), g.kh(), g.kw(), g.stride(),
                g.pad(), g.outH(), g.outW()};
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] r = new Object[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Override
    public void conv2dForward(DeviceBuffer out, DeviceBuffer in, DeviceBuffer weight, DeviceBuffer bias,
                              ConvGeometry g) {
        require("out", out, g.outputSize());
        require("in", in, g.inputSize());
        require("weight", weight, g.weightSize());
        if (bias != null) {
            require("bias", bias, g.outC());
        }
        Object[] args = concat(new Object[] {out, in, weight, bias == null ? weight : bias, bias == null ? 0 : 1},
                convArgs(g));
        if (g.outPerGroup() >= TILED_MIN_OUT_PER_GROUP) {
            // implicit GEMM in 64 x 64 tiles, one work-group per tile
            long positions = (long) g.n() * g.outH() * g.outW();
            long tiles = g.groups() * ceilDiv(g.outPerGroup(), 64) * ceilDiv(positions, 64);
            launch("conv2d_fwd_tiled", Math.toIntExact(tiles * WORK_GROUP), args);
        } else {
            launch("conv2d_fwd", g.outputSize(), args);
        }
    }

    @Override
    public void conv2dBackwardInput(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer weight, ConvGeometry g) {
        require("dIn", dIn, g.inputSize());
        require("dOut", dOut, g.outputSize());
        require("weight", weight, g.weightSize());
        launch("conv2d_bwd_input", g.inputSize(), concat(new Object[] {dIn, dOut, weight}, convArgs(g)));
    }

    @Override
    public void conv2dBackwardWeight(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dOut, DeviceBuffer in,
                                     ConvGeometry g) {
        require("dWeight", dWeight, g.weightSize());
        require("dOut", dOut, g.outputSize());
        require("in", in, g.inputSize());
        if (dBias != null) {
            require("dBias", dBias, g.outC());
        }
        if (g.outPerGroup() >= TILED_MIN_OUT_PER_GROUP) {
            // 64 x 64 tiles of the weight gradient, the positions split into slices summed afterwards
            long positions = (long) g.n() * g.outH() * g.outW();
            int splits = (int) Math.min(64, ceilDiv(positions, 1024));
            int chunk = (int) ceilDiv(positions, splits);
            long tiles = g.groups() * ceilDiv(g.outPerGroup(), 64)
                    * ceilDiv((long) g.inPerGroup() * g.kh() * g.kw(), 64) * splits;
            DeviceBuffer target = splits == 1 ? dWeight : scratch((long) splits * g.weightSize());
            launch("conv2d_bwd_weight_tiled", Math.toIntExact(tiles * WORK_GROUP),
                    concat(new Object[] {target, dOut, in, splits, chunk}, convArgs(g)));
            if (splits > 1) {
                launch("sum_parts", g.weightSize(), dWeight, target, splits, g.weightSize());
            }
        } else {
            launch("conv2d_bwd_weight", g.weightSize(), concat(new Object[] {dWeight, dOut, in}, convArgs(g)));
        }
        if (dBias != null) {
            launch("channel_sum", g.outC(), dBias, dOut, g.n(), g.outC(), g.outH() * g.outW());
        }
    }

    // ---- linear ------------------------------------------------------------------------------------

    @Override
    public void linearForward(DeviceBuffer out, DeviceBuffer in, DeviceBuffer weight, DeviceBuffer bias,
                              LinearGeometry g) {
        require("out", out, (long) g.n() * g.out());
        require("in", in, (long) g.n() * g.in());
        require("weight", weight, (long) g.out() * g.in());
        if (bias != null) {
            require("bias", bias, g.out());
        }
        launch("linear_fwd", g.n() * g.out(), out, in, weight, bias == null ? weight : bias, bias == null ? 0 : 1,
                g.n(), g.in(), g.out());
    }

    @Override
    public void linearBackwardInput(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer weight, LinearGeometry g) {
        require("dIn", dIn, (long) g.n() * g.in());
        require("dOut", dOut, (long) g.n() * g.out());
        require("weight", weight, (long) g.out() * g.in());
        launch("linear_bwd_input", g.n() * g.in(), dIn, dOut, weight, g.n(), g.in(), g.out());
    }

    @Override
    public void linearBackwardWeight(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dOut, DeviceBuffer in,
                                     LinearGeometry g) {
        require("dWeight", dWeight, (long) g.out() * g.in());
        require("dOut", dOut, (long) g.n() * g.out());
        require("in", in, (long) g.n() * g.in());
        if (dBias != null) {
            require("dBias", dBias, g.out());
        }
        launch("linear_bwd_weight", g.out() * g.in(), dWeight, dOut, in, g.n(), g.in(), g.out());
        if (dBias != null) {
            launch("channel_sum", g.out(), dBias, dOut, g.n(), g.out(), 1);
        }
    }

    // ---- batch norm --------------------------------------------------------------------------------

    private static void checkBn(float momentum, float eps) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        }
    }

    @Override
    public void batchNormForwardTraining(DeviceBuffer out, DeviceBuffer mean, DeviceBuffer invStd,
                                         DeviceBuffer runningMean, DeviceBuffer runningVar, DeviceBuffer in,
                                         DeviceBuffer gamma, DeviceBuffer beta, float momentum, float eps,
                                         BatchNormGeometry g) {
        checkBn(momentum, eps);
        require("out", out, g.size());
        require("in", in, g.size());
        for (var e : new Object[][] {{"mean", mean}, {"invStd", invStd}, {"runningMean", runningMean},
                {"runningVar", runningVar}, {"gamma", gamma}, {"beta", beta}}) {
            require((String) e[0], (DeviceBuffer) e[1], g.c());
        }
        launch("bn_stats", g.c() * WORK_GROUP, mean, invStd, runningMean, runningVar, in, momentum, eps, g.n(),
                g.c(), g.hw());
        launch("bn_apply", g.size(), out, in, mean, invStd, gamma, beta, g.n(), g.c(), g.hw());
    }

    @Override
    public void batchNormForwardInference(DeviceBuffer out, DeviceBuffer in, DeviceBuffer gamma, DeviceBuffer beta,
                                          DeviceBuffer runningMean, DeviceBuffer runningVar, float eps,
                                          BatchNormGeometry g) {
        checkBn(0, eps);
        require("out", out, g.size());
        require("in", in, g.size());
        for (var e : new Object[][] {{"gamma", gamma}, {"beta", beta}, {"runningMean", runningMean},
                {"runningVar", runningVar}}) {
            require((String) e[0], (DeviceBuffer) e[1], g.c());
        }
        launch("bn_inference", g.size(), out, in, gamma, beta, runningMean, runningVar, eps, g.n(), g.c(), g.hw());
    }

    @Override
    public void batchNormBackward(DeviceBuffer dIn, DeviceBuffer dGamma, DeviceBuffer dBeta, DeviceBuffer dOut,
                                  DeviceBuffer in, DeviceBuffer mean, DeviceBuffer invStd, DeviceBuffer gamma,
                                  BatchNormGeometry g) {
        require("dIn", dIn, g.size());
        require("dOut", dOut, g.size());
        require("in", in, g.size());
        for (var e : new Object[][] {{"dGamma", dGamma}, {"dBeta", dBeta}, {"mean", mean}, {"invStd", invStd},
                {"gamma", gamma}}) {
            require((String) e[0], (DeviceBuffer) e[1], g.c());
        }
        launch("bn_bwd_reduce", g.c() * WORK_GROUP, dGamma, dBeta, dOut, in, mean, invStd, g.n(), g.c(), g.hw());
        launch("bn_bwd_input", g.size(), dIn, dOut, in, mean, invStd, gamma, dGamma, dBeta, g.n(), g.c(), g.hw());
    }

    // ---- pooling -----------------------------------------------------------------------------------

    private static Object[] poolArgs(PoolGeometry g) {
        return new Object[] {g.n(), g.c(), g.h(), g.w(), g.kernel(), g.stride(), g.pad(), g.outH(), g.outW()};
    }

    @Override
    public void maxPool2dForward(DeviceBuffer out, DeviceBuffer argmax, DeviceBuffer in, PoolGeometry g) {
        require("out", out, g.outputSize());
        require("argmax", argmax, g.outputSize());
        require("in", in, g.inputSize());
        launch("maxpool_fwd", g.outputSize(), concat(new Object[] {out, argmax, in}, poolArgs(g)));
    }

    @Override
    public void maxPool2dBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer argmax, PoolGeometry g) {
        require("dIn", dIn, g.inputSize());
        require("dOut", dOut, g.outputSize());
        require("argmax", argmax, g.outputSize());
        launch("maxpool_bwd", g.inputSize(), concat(new Object[] {dIn, dOut, argmax}, poolArgs(g)));
    }

    @Override
    public void avgPool2dForward(DeviceBuffer out, DeviceBuffer in, PoolGeometry g) {
        require("out", out, g.outputSize());
        require("in", in, g.inputSize());
        launch("avgpool_fwd", g.outputSize(), concat(new Object[] {out, in}, poolArgs(g)));
    }

    @Override
    public void avgPool2dBackward(DeviceBuffer dIn, DeviceBuffer dOut, PoolGeometry g) {
        require("dIn", dIn, g.inputSize());
        require("dOut", dOut, g.outputSize());
        launch("avgpool_bwd", g.inputSize(), concat(new Object[] {dIn, dOut}, poolArgs(g)));
    }

    @Override
    public void globalAvgPoolForward(DeviceBuffer out, DeviceBuffer in, int n, int c, int hw) {
        int nc = size("n", n) * size("c", c);
        require("out", out, nc);
        require("in", in, (long) nc * size("hw", hw));
        launch("gap_fwd", nc, out, in, nc, hw);
    }

    @Override
    public void globalAvgPoolBackward(DeviceBuffer dIn, DeviceBuffer dOut, int n, int c, int hw) {
        int nc = size("n", n) * size("c", c);
        require("dIn", dIn, (long) nc * size("hw", hw));
        require("dOut", dOut, nc);
        launch("gap_bwd", nc * hw, dIn, dOut, nc, hw);
    }

    // ---- elementwise and the rest -------------------------------------------------------------------

    @Override
    public void reluForward(DeviceBuffer out, DeviceBuffer in, int size) {
        require("out", out, size("size", size));
        require("in", in, size);
        launch("relu_fwd", size, out, in, size);
    }

    @Override
    public void reluBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer out, int size) {
        require("dIn", dIn, size("size", size));
        require("dOut", dOut, size);
        require("out", out, size);
        launch("relu_bwd", size, dIn, dOut, out, size);
    }

    @Override
    public float softmaxCrossEntropyForward(DeviceBuffer probs, DeviceBuffer logits, DeviceBuffer labels, int n,
                                            int classes) {
        int total = size("n", n) * size("classes", classes);
        require("probs", probs, total);
        require("logits", logits, total);
        require("labels", labels, n);
        if (lossScratch == null || lossScratch.elements() != n) {
            if (lossScratch != null) {
                lossScratch.close();
            }
            lossScratch = allocate(n);
        }
        launch("softmax_ce_fwd", n, probs, lossScratch, logits, labels, n, classes);
        float[] loss = new float[n]; // (n)
        download(loss, lossScratch);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (loss[i] < 0) {
                int[] l = new int[n];
                download(l, labels);
                throw new IllegalArgumentException("labels[" + i + "]=" + l[i] + " is out of range [0, " + classes
                        + ")");
            }
            sum += loss[i];
        }
        return (float) (sum / n);
    }

    @Override
    public void softmaxCrossEntropyBackward(DeviceBuffer dLogits, DeviceBuffer probs, DeviceBuffer labels, int n,
                                            int classes) {
        int total = size("n", n) * size("classes", classes);
        require("dLogits", dLogits, total);
        require("probs", probs, total);
        require("labels", labels, n);
        launch("softmax_ce_bwd", total, dLogits, probs, labels, n, classes);
    }

    @Override
    public void dropoutForward(DeviceBuffer out, DeviceBuffer mask, DeviceBuffer in, float p, long seed, int size) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
        }
        require("out", out, size("size", size));
        require("mask", mask, size);
        require("in", in, size);
        launch("dropout_fwd", size, out, mask, in, p, (int) seed, (int) (seed >>> 32), size);
    }

    @Override
    public void dropoutBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer mask, int size) {
        require("dIn", dIn, size("size", size));
        require("dOut", dOut, size);
        require("mask", mask, size);
        launch("mul_fwd", size, dIn, dOut, mask, size);
    }

    @Override
    public void concatForward(DeviceBuffer out, DeviceBuffer[] ins, int[] channels, int n, int hw) {
        int total = checkConcat(ins, channels, "ins");
        require("out", out, (long) size("n", n) * total * size("hw", hw));
        int off = 0;
        for (int k = 0; k < ins.length; k++) {
            require("ins[" + k + "]", ins[k], (long) n * channels[k] * hw);
            launch("concat_fwd_part", n * channels[k] * hw, out, ins[k], n, channels[k], total, off, hw);
            off += channels[k];
        }
    }

    @Override
    public void concatBackward(DeviceBuffer[] dIns, DeviceBuffer dOut, int[] channels, int n, int hw) {
        int total = checkConcat(dIns, channels, "dIns");
        require("dOut", dOut, (long) size("n", n) * total * size("hw", hw));
        int off = 0;
        for (int k = 0; k < dIns.length; k++) {
            require("dIns[" + k + "]", dIns[k], (long) n * channels[k] * hw);
            launch("concat_bwd_part", n * channels[k] * hw, dIns[k], dOut, n, channels[k], total, off, hw);
            off += channels[k];
        }
    }

    private static int checkConcat(DeviceBuffer[] parts, int[] channels, String name) {
        if (parts.length != channels.length || parts.length == 0) {
            throw new IllegalArgumentException(name + " has " + parts.length + " buffers but channels has "
                    + channels.length + " entries (need the same number, at least 1)");
        }
        int total = 0;
        for (int c : channels) {
            total += size("channels[k]", c);
        }
        return total;
    }

    @Override
    public void addForward(DeviceBuffer out, DeviceBuffer a, DeviceBuffer b, int size) {
        require("out", out, size("size", size));
        require("a", a, size);
        require("b", b, size);
        launch("add_fwd", size, out, a, b, size);
    }

    /** A device buffer of at least {@code elements} values for intermediate results (reused, grown on demand). */
    private DeviceBuffer scratch(long elements) {
        if (scratch == null || scratch.elements() < elements) {
            if (scratch != null) {
                scratch.close();
            }
            scratch = allocate(Math.toIntExact(elements));
        }
        return scratch;
    }

    @Override
    public void close() {
        if (scratch != null) {
            scratch.close();
            scratch = null;
        }
        if (lossScratch != null) {
            lossScratch.close();
            lossScratch = null;
        }
    }
}
