package org.deeproots.ops.scalar;

import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * The scalar reference implementation of every kernel: this serves as an algorithmic reference and as the
 * test oracle of every faster implementation (Vector API, GPU). It is written for obviousness, not speed:
 * direct loops that follow the definitions, single-threaded, every reduction accumulated in {@code double}
 * so that the oracle is more accurate than what it checks. Faster kernels accumulate in float with FMA and
 * may therefore differ by float rounding (growing with the reduction length), never more.
 *
 * <p>Letters used inside the kernels: n batch, c channel, h/w input height/width, oh/ow output height/width,
 * kh/kw kernel height/width, g group. Every array is NCHW, flat, row-major (see {@link Kernels}).
 *
 * <p>Conventions fixed here, which every implementation must follow:
 * <ul>
 *   <li>Max pooling: ties go to the first element of the window in row-major order; a NaN wins (the first
 *       NaN of the window) so that NaN propagates; {@code argmax} holds flat indices into the whole input.</li>
 *   <li>Average pooling divides by the window clipped to the padded input (Caffe).</li>
 *   <li>Batch norm training normalises with the biased batch variance and updates {@code runningVar} with the
 *       unbiased one (PyTorch); with a single value per channel the unbiased variance is undefined and the
 *       biased one (0) is used instead.</li>
 *   <li>Dropout keeps element i when {@link #dropoutUniform(long, long)} of (seed, i) is {@code >= p}.</li>
 * </ul>
 *
 * <p>The public static {@code check*} methods are the argument checks shared by every implementation, so that
 * all of them reject the same bad input with the same message.
 */
public final class ScalarKernels implements Kernels {

    /** The single instance (the class is stateless). */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    public ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    // ---- argument checks ---------------------------------------------------------------------------

    /** Throws IllegalArgumentException naming the argument when {@code a} is null or its length differs. */
    public static void checkLength(String name, float[] a, long expected) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null (expected length " + expected + ")");
        }
        if (a.length != expected) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
        }
    }

    /** As {@link #checkLength(String, float[], long)}, but null is allowed (optional bias). */
    public static void checkOptional(String name, float[] a, long expected) {
        if (a != null) {
            checkLength(name, a, expected);
        }
    }

    /** As {@link #checkLength(String, float[], long)}, for int arrays (argmax, labels). */
    public static void checkLength(String name, int[] a, long expected) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null (expected length " + expected + ")");
        }
        if (a.length != expected) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", expected " + expected);
        }
    }

    /** Checks that an elementwise op's size is positive and fits every array. */
    public static void checkAtLeast(String name, float[] a, int size) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (size < 0 || a.length < size) {
            throw new IllegalArgumentException(name + " has length " + a.length + ", smaller than size=" + size);
        }
    }

    /** Throws IllegalArgumentException naming the parameter when {@code v < 1}. */
    public static void checkPositive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    /** Checks the output-side, input-side and weight arrays of a convolution against its geometry. */
    public static void checkConv(float[] out, float[] in, float[] weight, ConvGeometry g, String outName,
                                 String inName) {
        checkLength(outName, out, (long) g.n() * g.outC() * g.outH() * g.outW());
        checkLength(inName, in, (long) g.n() * g.inC() * g.h() * g.w());
        checkLength("weight", weight, (long) g.outC() * g.inPerGroup() * g.kh() * g.kw());
    }

    // ---- convolution -------------------------------------------------------------------------------

    @Override
    public void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        checkConv(out, in, weight, g, "out", "in");
        checkOptional("bias", bias, g.outC());
        int oh = g.outH(), ow = g.outW(), cig = g.inPerGroup(), cog = g.outPerGroup();
        for (int n = 0; n < g.n(); n++) {
            for (int oc = 0; oc < g.outC(); oc++) {
                int grp = oc / cog;
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double acc = bias == null ? 0 : bias[oc];
                        for (int ic = 0; ic < cig; ic++) {
                            int c = grp * cig + ic;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int iy = y * g.stride() - g.pad() + ky;
                                if (iy < 0 || iy >= g.h()) {
                                    continue;
                                }
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int ix = x * g.stride() - g.pad() + kx;
                                    if (ix < 0 || ix >= g.w()) {
                                        continue;
                                    }
                                    acc += (double) in[((n * g.inC() + c) * g.h() + iy) * g.w() + ix]
                                            * weight[((oc * cig + ic) * g.kh() + ky) * g.kw() + kx];
                                }
                            }
                        }
                        out[((n * g.outC() + oc) * oh + y) * ow + x] = (float) acc;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        checkConv(dOut, dIn, weight, g, "dOut", "dIn");
        int oh = g.outH(), ow = g.outW(), cig = g.inPerGroup(), cog = g.outPerGroup();
        // Gather form: dIn[n, c, iy, ix] = sum over the outputs (oc, y, x) whose window covers (iy, ix).
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.inC(); c++) {
                int grp = c / cig, ic = c % cig;
                for (int iy = 0; iy < g.h(); iy++) {
                    for (int ix = 0; ix < g.w(); ix++) {
                        double acc = 0;
                        for (int j = 0; j < cog; j++) {
                            int oc = grp * cog + j;
                            for (int ky = 0; ky < g.kh(); ky++) {
                                int ty = iy + g.pad() - ky;
                                if (ty < 0 || ty % g.stride() != 0 || ty / g.stride() >= oh) {
                                    continue;
                                }
                                int y = ty / g.stride();
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int tx = ix + g.pad() - kx;
                                    if (tx < 0 || tx % g.stride() != 0 || tx / g.stride() >= ow) {
                                        continue;
                                    }
                                    int x = tx / g.stride();
                                    acc += (double) dOut[((n * g.outC() + oc) * oh + y) * ow + x]
                                            * weight[((oc * cig + ic) * g.kh() + ky) * g.kw() + kx];
                                }
                            }
                        }
                        dIn[((n * g.inC() + c) * g.h() + iy) * g.w() + ix] = (float) acc;
                    }
                }
            }
        }
    }

    @Override
    public void conv2dBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        checkConv(dOut, in, dWeight, g, "dOut", "in");
        checkOptional("dBias", dBias, g.outC());
        int oh = g.outH(), ow = g.outW(), cig = g.inPerGroup(), cog = g.outPerGroup();
        for (int oc = 0; oc < g.outC(); oc++) {
            int grp = oc / cog;
            for (int ic = 0; ic < cig; ic++) {
                int c = grp * cig + ic;
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++) {
                        double acc = 0;
                        for (int n = 0; n < g.n(); n++) {
                            for (int y = 0; y < oh; y++) {
                                int iy = y * g.stride() - g.pad() + ky;
                                if (iy < 0 || iy >= g.h()) {
                                    continue;
                                }
                                for (int x = 0; x < ow; x++) {
                                    int ix = x * g.stride() - g.pad() + kx;
                                    if (ix < 0 || ix >= g.w()) {
                                        continue;
                                    }
                                    acc += (double) dOut[((n * g.outC() + oc) * oh + y) * ow + x]
                                            * in[((n * g.inC() + c) * g.h() + iy) * g.w() + ix];
                                }
                            }
                        }
                        dWeight[((oc * cig + ic) * g.kh() + ky) * g.kw() + kx] = (float) acc;
                    }
                }
            }
            if (dBias != null) {
                double acc = 0;
                for (int n = 0; n < g.n(); n++) {
                    for (int i = 0; i < oh * ow; i++) {
                        acc += dOut[(n * g.outC() + oc) * oh * ow + i];
                    }
                }
                dBias[oc] = (float) acc;
            }
        }
    }

    // ---- fully connected ---------------------------------------------------------------------------

    /** Checks the output-side, input-side and weight arrays of a linear layer against its geometry. */
    public static void checkLinear(float[] out, float[] in, float[] weight, LinearGeometry g, String outName,
                            String inName, String weightName) {
        checkLength(outName, out, (long) g.n() * g.out());
        checkLength(inName, in, (long) g.n() * g.in());
        checkLength(weightName, weight, (long) g.out() * g.in());
    }

    @Override
    public void linearForward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g) {
        checkLinear(out, in, weight, g, "out", "in", "weight");
        checkOptional("bias", bias, g.out());
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.out(); o++) {
                double acc = bias == null ? 0 : bias[o];
                for (int i = 0; i < g.in(); i++) {
                    acc += (double) in[n * g.in() + i] * weight[o * g.in() + i];
                }
                out[n * g.out() + o] = (float) acc;
            }
        }
    }

    @Override
    public void linearBackwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g) {
        checkLinear(dOut, dIn, weight, g, "dOut", "dIn", "weight");
        for (int n = 0; n < g.n(); n++) {
            for (int i = 0; i < g.in(); i++) {
                double acc = 0;
                for (int o = 0; o < g.out(); o++) {
                    acc += (double) dOut[n * g.out() + o] * weight[o * g.in() + i];
                }
                dIn[n * g.in() + i] = (float) acc;
            }
        }
    }

    @Override
    public void linearBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g) {
        checkLinear(dOut, in, dWeight, g, "dOut", "in", "dWeight");
        checkOptional("dBias", dBias, g.out());
        for (int o = 0; o < g.out(); o++) {
            for (int i = 0; i < g.in(); i++) {
                double acc = 0;
                for (int n = 0; n < g.n(); n++) {
                    acc += (double) dOut[n * g.out() + o] * in[n * g.in() + i];
                }
                dWeight[o * g.in() + i] = (float) acc;
            }
            if (dBias != null) {
                double acc = 0;
                for (int n = 0; n < g.n(); n++) {
                    acc += dOut[n * g.out() + o];
                }
                dBias[o] = (float) acc;
            }
        }
    }

    // ---- batch norm --------------------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(float[] out, float[] mean, float[] invStd, float[] runningMean,
                                         float[] runningVar, float[] in, float[] gamma, float[] beta,
                                         float momentum, float eps, BatchNormGeometry g) {
        checkBatchNormTraining(out, mean, invStd, runningMean, runningVar, in, gamma, beta, momentum, eps, g);
        long count = (long) g.n() * g.hw();
        for (int c = 0; c < g.c(); c++) {
            double sum = 0;
            for (int n = 0; n < g.n(); n++) {
                int base = (n * g.c() + c) * g.hw();
                for (int i = 0; i < g.hw(); i++) {
                    sum += in[base + i];
                }
            }
            double mu = sum / count;
            double sq = 0;
            for (int n = 0; n < g.n(); n++) {
                int base = (n * g.c() + c) * g.hw();
                for (int i = 0; i < g.hw(); i++) {
                    double d = in[base + i] - mu;
                    sq += d * d;
                }
            }
            double var = sq / count;
            double inv = 1.0 / Math.sqrt(var + eps);
            mean[c] = (float) mu;
            invStd[c] = (float) inv;
            double unbiased = count > 1 ? sq / (count - 1) : var;
            runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + momentum * mu);
            runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + momentum * unbiased);
            for (int n = 0; n < g.n(); n++) {
                int base = (n * g.c() + c) * g.hw();
                for (int i = 0; i < g.hw(); i++) {
                    out[base + i] = (float) (gamma[c] * (in[base + i] - mu) * inv + beta[c]);
                }
            }
        }
    }

    /** The argument checks of {@link #batchNormForwardTraining}, shared by every implementation. */
    public static void checkBatchNormTraining(float[] out, float[] mean, float[] invStd, float[] runningMean,
                                              float[] runningVar, float[] in, float[] gamma, float[] beta,
                                              float momentum, float eps, BatchNormGeometry g) {
        checkLength("out", out, g.size());
        checkLength("in", in, g.size());
        checkLength("mean", mean, g.c());
        checkLength("invStd", invStd, g.c());
        checkLength("runningMean", runningMean, g.c());
        checkLength("runningVar", runningVar, g.c());
        checkLength("gamma", gamma, g.c());
        checkLength("beta", beta, g.c());
        checkBatchNormScalars(momentum, eps);
    }

    /** The argument checks of {@link #batchNormForwardInference}, shared by every implementation. */
    public static void checkBatchNormInference(float[] out, float[] in, float[] gamma, float[] beta,
                                               float[] runningMean, float[] runningVar, float eps,
                                               BatchNormGeometry g) {
        checkLength("out", out, g.size());
        checkLength("in", in, g.size());
        checkLength("gamma", gamma, g.c());
        checkLength("beta", beta, g.c());
        checkLength("runningMean", runningMean, g.c());
        checkLength("runningVar", runningVar, g.c());
        checkBatchNormScalars(0, eps);
    }

    /** The argument checks of {@link #batchNormBackward}, shared by every implementation. */
    public static void checkBatchNormBackward(float[] dIn, float[] dGamma, float[] dBeta, float[] dOut, float[] in,
                                              float[] mean, float[] invStd, float[] gamma, BatchNormGeometry g) {
        checkLength("dIn", dIn, g.size());
        checkLength("dOut", dOut, g.size());
        checkLength("in", in, g.size());
        checkLength("dGamma", dGamma, g.c());
        checkLength("dBeta", dBeta, g.c());
        checkLength("mean", mean, g.c());
        checkLength("invStd", invStd, g.c());
        checkLength("gamma", gamma, g.c());
    }

    /** Rejects a momentum outside [0, 1] or a negative (or NaN) eps. */
    public static void checkBatchNormScalars(float momentum, float eps) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        }
    }

    @Override
    public void batchNormForwardInference(float[] out, float[] in, float[] gamma, float[] beta, float[] runningMean,
                                          float[] runningVar, float eps, BatchNormGeometry g) {
        checkBatchNormInference(out, in, gamma, beta, runningMean, runningVar, eps, g);
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.c(); c++) {
                double inv = 1.0 / Math.sqrt((double) runningVar[c] + eps);
                int base = (n * g.c() + c) * g.hw();
                for (int i = 0; i < g.hw(); i++) {
                    out[base + i] = (float) (gamma[c] * (in[base + i] - (double) runningMean[c]) * inv + beta[c]);
                }
            }
        }
    }

    @Override
    public void batchNormBackward(float[] dIn, float[] dGamma, float[] dBeta, float[] dOut, float[] in, float[] mean,
                                  float[] invStd, float[] gamma, BatchNormGeometry g) {
        checkBatchNormBackward(dIn, dGamma, dBeta, dOut, in, mean, invStd, gamma, g);
        long count = (long) g.n() * g.hw();
        for (int c = 0; c < g.c(); c++) {
            // xhat = (x - mean) * invStd; dGamma = sum(dOut * xhat); dBeta = sum(dOut)
            double sumDy = 0, sumDyXhat = 0;
            for (int n = 0; n < g.n(); n++) {
                int base = (n * g.c() + c) * g.hw();
                for (int i = 0; i < g.hw(); i++) {
                    double xhat = (in[base + i] - (double) mean[c]) * invStd[c];
                    sumDy += dOut[base + i];
                    sumDyXhat += dOut[base + i] * xhat;
                }
            }
            dGamma[c] = (float) sumDyXhat;
            dBeta[c] = (float) sumDy;
            // dIn = gamma * invStd * (dOut - mean(dOut) - xhat * mean(dOut * xhat))
            double scale = (double) gamma[c] * invStd[c];
            double meanDy = sumDy / count, meanDyXhat = sumDyXhat / count;
            for (int n = 0; n < g.n(); n++) {
                int base = (n * g.c() + c) * g.hw();
                for (int i = 0; i < g.hw(); i++) {
                    double xhat = (in[base + i] - (double) mean[c]) * invStd[c];
                    dIn[base + i] = (float) (scale * (dOut[base + i] - meanDy - xhat * meanDyXhat));
                }
            }
        }
    }

    // ---- pooling -----------------------------------------------------------------------------------

    /** Checks the output-side and input-side arrays of a pooling against its geometry. */
    public static void checkPool(float[] out, float[] in, PoolGeometry g, String outName, String inName) {
        checkLength(outName, out, (long) g.n() * g.c() * g.outH() * g.outW());
        checkLength(inName, in, (long) g.n() * g.c() * g.h() * g.w());
    }

    @Override
    public void maxPool2dForward(float[] out, int[] argmax, float[] in, PoolGeometry g) {
        checkPool(out, in, g, "out", "in");
        if (argmax != null) {
            checkLength("argmax", argmax, out.length);
        }
        int oh = g.outH(), ow = g.outW();
        for (int plane = 0; plane < g.n() * g.c(); plane++) {
            int inBase = plane * g.h() * g.w();
            for (int y = 0; y < oh; y++) {
                int y0 = Math.max(y * g.stride() - g.pad(), 0);
                int y1 = Math.min(y * g.stride() - g.pad() + g.kernel(), g.h());
                for (int x = 0; x < ow; x++) {
                    int x0 = Math.max(x * g.stride() - g.pad(), 0);
                    int x1 = Math.min(x * g.stride() - g.pad() + g.kernel(), g.w());
                    int best = inBase + y0 * g.w() + x0; // every window holds at least one input element
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            int idx = inBase + iy * g.w() + ix;
                            if (!Float.isNaN(in[best]) && (in[idx] > in[best] || Float.isNaN(in[idx]))) {
                                best = idx;
                            }
                        }
                    }
                    int o = (plane * oh + y) * ow + x;
                    out[o] = in[best];
                    if (argmax != null) {
                        argmax[o] = best;
                    }
                }
            }
        }
    }

    @Override
    public void maxPool2dBackward(float[] dIn, float[] dOut, int[] argmax, PoolGeometry g) {
        checkPool(dOut, dIn, g, "dOut", "dIn");
        checkArgmax(argmax, g);
        java.util.Arrays.fill(dIn, 0f);
        for (int o = 0; o < dOut.length; o++) {
            dIn[argmax[o]] += dOut[o];
        }
    }

    /** Checks that argmax has the output's length and that each entry points into its own (n, c) plane. */
    public static void checkArgmax(int[] argmax, PoolGeometry g) {
        int planeIn = g.h() * g.w(), planeOut = g.outH() * g.outW();
        checkLength("argmax", argmax, (long) g.n() * g.c() * planeOut);
        for (int plane = 0, o = 0; plane < g.n() * g.c(); plane++) {
            int lo = plane * planeIn, hi = lo + planeIn;
            for (int end = o + planeOut; o < end; o++) {
                if (argmax[o] < lo || argmax[o] >= hi) {
                    throw new IllegalArgumentException("argmax[" + o + "]=" + argmax[o] + " is outside its plane ["
                            + lo + ", " + hi + ") of dIn");
                }
            }
        }
    }

    /** Caffe's divisor: the window clipped to the padded input, before clipping to the input itself. */
    public static int avgPoolDivisor(PoolGeometry g, int y, int x) {
        int ys = y * g.stride() - g.pad(), xs = x * g.stride() - g.pad();
        int ye = Math.min(ys + g.kernel(), g.h() + g.pad());
        int xe = Math.min(xs + g.kernel(), g.w() + g.pad());
        return (ye - ys) * (xe - xs);
    }

    @Override
    public void avgPool2dForward(float[] out, float[] in, PoolGeometry g) {
        checkPool(out, in, g, "out", "in");
        int oh = g.outH(), ow = g.outW();
        for (int plane = 0; plane < g.n() * g.c(); plane++) {
            int inBase = plane * g.h() * g.w();
            for (int y = 0; y < oh; y++) {
                int y0 = Math.max(y * g.stride() - g.pad(), 0);
                int y1 = Math.min(y * g.stride() - g.pad() + g.kernel(), g.h());
                for (int x = 0; x < ow; x++) {
                    int x0 = Math.max(x * g.stride() - g.pad(), 0);
                    int x1 = Math.min(x * g.stride() - g.pad() + g.kernel(), g.w());
                    double sum = 0;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            sum += in[inBase + iy * g.w() + ix];
                        }
                    }
                    out[(plane * oh + y) * ow + x] = (float) (sum / avgPoolDivisor(g, y, x));
                }
            }
        }
    }

    @Override
    public void avgPool2dBackward(float[] dIn, float[] dOut, PoolGeometry g) {
        checkPool(dOut, dIn, g, "dOut", "dIn");
        int oh = g.outH(), ow = g.outW();
        // Gather form: each input element sums dOut / divisor over the windows that contain it.
        for (int plane = 0; plane < g.n() * g.c(); plane++) {
            for (int iy = 0; iy < g.h(); iy++) {
                for (int ix = 0; ix < g.w(); ix++) {
                    double acc = 0;
                    // only outputs y with y * stride - pad <= iy < y * stride - pad + kernel can contain iy
                    int yLo = Math.max(0, Math.floorDiv(iy + g.pad() - g.kernel(), g.stride()) + 1);
                    int yHi = Math.min(oh - 1, Math.floorDiv(iy + g.pad(), g.stride()));
                    int xLo = Math.max(0, Math.floorDiv(ix + g.pad() - g.kernel(), g.stride()) + 1);
                    int xHi = Math.min(ow - 1, Math.floorDiv(ix + g.pad(), g.stride()));
                    for (int y = yLo; y <= yHi; y++) {
                        int ys = y * g.stride() - g.pad();
                        if (iy < ys || iy >= ys + g.kernel()) {
                            continue;
                        }
                        for (int x = xLo; x <= xHi; x++) {
                            int xs = x * g.stride() - g.pad();
                            if (ix < xs || ix >= xs + g.kernel()) {
                                continue;
                            }
                            acc += (double) dOut[(plane * oh + y) * ow + x] / avgPoolDivisor(g, y, x);
                        }
                    }
                    dIn[(plane * g.h() + iy) * g.w() + ix] = (float) acc;
                }
            }
        }
    }

    @Override
    public void globalAvgPoolForward(float[] out, float[] in, int n, int c, int hw) {
        checkGlobal(out, in, n, c, hw, "out", "in");
        for (int p = 0; p < n * c; p++) {
            double sum = 0;
            for (int i = 0; i < hw; i++) {
                sum += in[p * hw + i];
            }
            out[p] = (float) (sum / hw);
        }
    }

    @Override
    public void globalAvgPoolBackward(float[] dIn, float[] dOut, int n, int c, int hw) {
        checkGlobal(dOut, dIn, n, c, hw, "dOut", "dIn");
        for (int p = 0; p < n * c; p++) {
            float v = (float) ((double) dOut[p] / hw);
            for (int i = 0; i < hw; i++) {
                dIn[p * hw + i] = v;
            }
        }
    }

    /** Checks global average pooling's sizes and arrays. */
    public static void checkGlobal(float[] out, float[] in, int n, int c, int hw, String outName, String inName) {
        checkPositive("n", n);
        checkPositive("c", c);
        checkPositive("hw", hw);
        checkLength(outName, out, (long) n * c);
        checkLength(inName, in, (long) n * c * hw);
    }

    // ---- elementwise and the rest ------------------------------------------------------------------

    /** Checks size &gt;= 0 and that every named array (a3 may be absent when n3 is null) holds size elements. */
    public static void checkElementwise(int size, String n1, float[] a1, String n2, float[] a2, String n3,
                                        float[] a3) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        checkAtLeast(n1, a1, size);
        checkAtLeast(n2, a2, size);
        if (a3 != null || n3 != null) {
            checkAtLeast(n3, a3, size);
        }
    }

    @Override
    public void reluForward(float[] out, float[] in, int size) {
        checkElementwise(size, "out", out, "in", in, null, null);
        for (int i = 0; i < size; i++) {
            // NaN > 0 is false, so write NaN explicitly: NaN must propagate.
            out[i] = in[i] > 0 || Float.isNaN(in[i]) ? in[i] : 0f;
        }
    }

    @Override
    public void reluBackward(float[] dIn, float[] dOut, float[] out, int size) {
        checkElementwise(size, "dIn", dIn, "dOut", dOut, "out", out);
        for (int i = 0; i < size; i++) {
            dIn[i] = out[i] > 0 ? dOut[i] : 0f;
        }
    }

    /** Checks softmax-cross-entropy's sizes, arrays and that every label lies in [0, classes). */
    public static void checkSoftmax(float[] probs, float[] logits, int[] labels, int n, int classes,
                                    String logitsName) {
        checkPositive("n", n);
        checkPositive("classes", classes);
        checkLength("probs", probs, (long) n * classes);
        checkLength(logitsName, logits, (long) n * classes);
        if (labels == null || labels.length < n) {
            throw new IllegalArgumentException("labels has length " + (labels == null ? "null" : labels.length)
                    + ", expected at least n=" + n);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "]=" + labels[i] + " is outside [0, classes="
                        + classes + ")");
            }
        }
    }

    @Override
    public float softmaxCrossEntropyForward(float[] probs, float[] logits, int[] labels, int n, int classes) {
        checkSoftmax(probs, logits, labels, n, classes, "logits");
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int base = i * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                max = Math.max(max, logits[base + k]); // Math.max propagates NaN
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[base + k] - max);
            }
            for (int k = 0; k < classes; k++) {
                probs[base + k] = (float) (Math.exp(logits[base + k] - max) / sum);
            }
            loss -= logits[base + labels[i]] - max - Math.log(sum);
        }
        return (float) (loss / n);
    }

    @Override
    public void softmaxCrossEntropyBackward(float[] dLogits, float[] probs, int[] labels, int n, int classes) {
        checkSoftmax(probs, dLogits, labels, n, classes, "dLogits");
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < classes; k++) {
                double onehot = k == labels[i] ? 1 : 0;
                dLogits[i * classes + k] = (float) ((probs[i * classes + k] - onehot) / n);
            }
        }
    }

    /**
     * The dropout random number of element i: a uniform float in [0, 1) that is a pure function of (seed, i),
     * SplitMix64's finaliser applied to {@code seed + (i + 1) * golden gamma}, top 24 bits.
     */
    public static float dropoutUniform(long seed, long i) {
        long z = seed + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 40) * 0x1.0p-24f;
    }

    /** Rejects a drop probability outside [0, 1). */
    public static void checkDropout(float p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
        }
    }

    @Override
    public void dropoutForward(float[] out, float[] mask, float[] in, float p, long seed, int size) {
        checkElementwise(size, "out", out, "mask", mask, "in", in);
        checkDropout(p);
        float keep = 1f / (1f - p);
        for (int i = 0; i < size; i++) {
            mask[i] = dropoutUniform(seed, i) < p ? 0f : keep;
            out[i] = in[i] * mask[i];
        }
    }

    @Override
    public void dropoutBackward(float[] dIn, float[] dOut, float[] mask, int size) {
        checkElementwise(size, "dIn", dIn, "dOut", dOut, "mask", mask);
        for (int i = 0; i < size; i++) {
            dIn[i] = dOut[i] * mask[i];
        }
    }

    /** Validates a channel concat and returns the total channel count. */
    public static int checkConcat(float[] out, float[][] ins, int[] channels, int n, int hw, String outName,
                                  String insName) {
        checkPositive("n", n);
        checkPositive("hw", hw);
        if (ins == null || channels == null || ins.length != channels.length || ins.length == 0) {
            throw new IllegalArgumentException(insName + " and channels must be non-empty and of equal length, got "
                    + (ins == null ? "null" : ins.length) + " and " + (channels == null ? "null" : channels.length));
        }
        int total = 0;
        for (int k = 0; k < ins.length; k++) {
            checkPositive("channels[" + k + "]", channels[k]);
            checkLength(insName + "[" + k + "]", ins[k], (long) n * channels[k] * hw);
            total += channels[k];
        }
        checkLength(outName, out, (long) n * total * hw);
        return total;
    }

    @Override
    public void concatForward(float[] out, float[][] ins, int[] channels, int n, int hw) {
        int total = checkConcat(out, ins, channels, n, hw, "out", "ins");
        for (int b = 0; b < n; b++) {
            int offset = 0;
            for (int k = 0; k < ins.length; k++) {
                for (int c = 0; c < channels[k]; c++) {
                    for (int i = 0; i < hw; i++) {
                        out[((b * total) + offset + c) * hw + i] = ins[k][(b * channels[k] + c) * hw + i];
                    }
                }
                offset += channels[k];
            }
        }
    }

    @Override
    public void concatBackward(float[][] dIns, float[] dOut, int[] channels, int n, int hw) {
        int total = checkConcat(dOut, dIns, channels, n, hw, "dOut", "dIns");
        for (int b = 0; b < n; b++) {
            int offset = 0;
            for (int k = 0; k < dIns.length; k++) {
                for (int c = 0; c < channels[k]; c++) {
                    for (int i = 0; i < hw; i++) {
                        dIns[k][(b * channels[k] + c) * hw + i] = dOut[((b * total) + offset + c) * hw + i];
                    }
                }
                offset += channels[k];
            }
        }
    }

    @Override
    public void addForward(float[] out, float[] a, float[] b, int size) {
        checkElementwise(size, "out", out, "a", a, "b", b);
        for (int i = 0; i < size; i++) {
            out[i] = a[i] + b[i];
        }
    }
}
