package org.deeproots.ops.simd;

import static org.deeproots.ops.scalar.ScalarKernels.checkBatchNormBackward;
import static org.deeproots.ops.scalar.ScalarKernels.checkBatchNormInference;
import static org.deeproots.ops.scalar.ScalarKernels.checkBatchNormTraining;
import static org.deeproots.ops.scalar.ScalarKernels.checkConcat;
import static org.deeproots.ops.scalar.ScalarKernels.checkDropout;
import static org.deeproots.ops.scalar.ScalarKernels.checkElementwise;
import static org.deeproots.ops.scalar.ScalarKernels.checkGlobal;
import static org.deeproots.ops.scalar.ScalarKernels.checkLength;
import static org.deeproots.ops.scalar.ScalarKernels.checkPool;
import static org.deeproots.ops.scalar.ScalarKernels.checkSoftmax;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * The Vector API kernels ({@link SimdConstants#F_SPECIES}, fixed per JVM). Convolution and linear layers are
 * delegated to {@link VectorConv}; this class holds the memory-bound rest.
 *
 * <p>Shape of every kernel (Lucene, llama3.java): a vector body over {@code loopBound} with independent
 * accumulators (FMA where there is a multiply-add), an optional vector tail, then a scalar tail. Reductions
 * accumulate in float vectors per (image, channel) plane and sum the planes in double; the scalar reference
 * accumulates everything in double, so the two differ only by float rounding that grows with the reduction
 * length.
 *
 * <p>Parallelism ({@link Parallel#forRange}) is over independent outputs only: channels for batch norm
 * statistics, (image, channel) planes for pooling and inference batch norm, rows for softmax, fixed
 * {@value #CHUNK}-element chunks for elementwise ops. Every reduction runs on one thread in a fixed order,
 * so results are bit-identical for every thread count.
 *
 * <p>Layout and vectorisation axis: NCHW, vectors run along the contiguous axis. Batch norm and global pooling
 * vectorise over the spatial positions of a plane. Pooling is separable. For each output row, a vertical pass
 * over the window's input rows runs along the contiguous input width into a row buffer (the column max and
 * the winning row, tracked as a float vector blended with the same mask; or the column sum). Then a
 * horizontal pass reads k buffer entries per output, vectorised over the output columns whose window lies
 * inside the input (a strided gather from the L1-resident buffer at stride 2). In both passes the last vector
 * ends at the row's end and overlaps the one before (recomputing the same values) instead of a scalar tail;
 * border columns, and rows narrower than a vector (ResNet's 7x7 and 14x14 stages at 512 bits), take a
 * branchless scalar loop. The lanes are independent outputs, which hides the latency of the compare-select
 * chain; a branchy scalar loop mispredicts on random data and was the bottleneck before.
 *
 * <p>Max pooling keeps the reference's rule exactly: the first maximum in row-major window order is the one
 * with the smallest flat index; the vertical pass keeps the upper row on ties, so the horizontal pass picks
 * the smallest index among equal column maxima (a NaN beats any number, the first NaN wins). Average pooling
 * backward spreads each output row horizontally into a buffer and adds it to the window's rows with vectors;
 * max pooling backward is a per-plane scalar scatter (argmax is checked to stay in its plane). Dropout's mask
 * is the scalar reference's hash of (seed, i), computed per chunk in parallel.
 *
 * <p>Letters: n batch, c channel, h/w input height/width, oh/ow output height/width, k window, s stride.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    /** Ints of the same shape and lane count, for max pooling's argmax in the horizontal pass. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final int L = S.length();

    /** Elements per parallel work item of the elementwise ops (a multiple of every lane count). */
    static final int CHUNK = 1 << 14;

    private final VectorConv conv = new VectorConv();

    VectorKernels() {
    }

    @Override
    public String name() {
        return "vector-" + SimdConstants.BIT_SIZE;
    }

    @Override
    public void freeze(float[] weights) {
        ConvDirect.PACKED.freeze(java.util.Objects.requireNonNull(weights, "weights"));
    }

    // ---- convolution and linear: VectorConv ---------------------------------------------------------

    @Override
    public void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        conv.conv2dForward(out, in, weight, bias, g, false);
    }

    @Override
    public void conv2dReluForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        conv.conv2dForward(out, in, weight, bias, g, true);
    }

    @Override
    public void conv2dBackwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        conv.conv2dBackwardInput(dIn, dOut, weight, g);
    }

    @Override
    public void conv2dBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        conv.conv2dBackwardWeight(dWeight, dBias, dOut, in, g);
    }

    @Override
    public void linearForward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g) {
        conv.linearForward(out, in, weight, bias, g);
    }

    @Override
    public void linearBackwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g) {
        conv.linearBackwardInput(dIn, dOut, weight, g);
    }

    @Override
    public void linearBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g) {
        conv.linearBackwardWeight(dWeight, dBias, dOut, in, g);
    }

    // ---- reductions ---------------------------------------------------------------------------------

    /** Sum of a[off, off + len). */
    static float sum(float[] a, int off, int len) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        // vector body: two independent accumulators
        for (int bound = len - len % (2 * L); i < bound; i += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + i));
            acc1 = acc1.add(FloatVector.fromArray(S, a, off + i + L));
        }
        // vector tail
        for (int bound = S.loopBound(len); i < bound; i += L) {
            acc0 = acc0.add(FloatVector.fromArray(S, a, off + i));
        }
        float s = SimdConstants.sumLanes(acc0.add(acc1));
        // scalar tail
        for (; i < len; i++) {
            s += a[off + i];
        }
        return s;
    }

    /** Sum of (a[i] - mean)^2 over a[off, off + len). */
    static float sumSquaredDeviations(float[] a, int off, int len, float mean) {
        FloatVector m = FloatVector.broadcast(S, mean);
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = len - len % (2 * L); i < bound; i += 2 * L) {
            FloatVector d0 = FloatVector.fromArray(S, a, off + i).sub(m);
            FloatVector d1 = FloatVector.fromArray(S, a, off + i + L).sub(m);
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, a, off + i).sub(m);
            acc0 = d.fma(d, acc0);
        }
        float s = SimdConstants.sumLanes(acc0.add(acc1));
        for (; i < len; i++) {
            float d = a[off + i] - mean;
            s = Math.fma(d, d, s);
        }
        return s;
    }

    /** out[off + i] = a[off + i] * scale + shift, i in [0, len). */
    static void scaleShift(float[] out, float[] a, int off, int len, float scale, float shift) {
        FloatVector sc = FloatVector.broadcast(S, scale), sh = FloatVector.broadcast(S, shift);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector.fromArray(S, a, off + i).fma(sc, sh).intoArray(out, off + i);
        }
        for (; i < len; i++) {
            out[off + i] = Math.fma(a[off + i], scale, shift);
        }
    }

    // ---- batch norm ---------------------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(float[] out, float[] mean, float[] invStd, float[] runningMean,
                                         float[] runningVar, float[] in, float[] gamma, float[] beta,
                                         float momentum, float eps, BatchNormGeometry g) {
        checkBatchNormTraining(out, mean, invStd, runningMean, runningVar, in, gamma, beta, momentum, eps, g);
        int hw = g.hw(), cs = g.c();
        long count = (long) g.n() * hw;
        Parallel.forRange(cs, c -> {
            double total = 0;
            for (int n = 0; n < g.n(); n++) {
                total += sum(in, (n * cs + c) * hw, hw);
            }
            float mu = (float) (total / count);
            double sq = 0;
            for (int n = 0; n < g.n(); n++) {
                sq += sumSquaredDeviations(in, (n * cs + c) * hw, hw, mu);
            }
            double var = sq / count;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            mean[c] = mu;
            invStd[c] = inv;
            double unbiased = count > 1 ? sq / (count - 1) : var;
            runningMean[c] = (float) ((1.0 - momentum) * runningMean[c] + momentum * (double) mu);
            runningVar[c] = (float) ((1.0 - momentum) * runningVar[c] + momentum * unbiased);
            // out = gamma * (x - mu) * inv + beta = x * scale + (beta - mu * scale)
            float scale = gamma[c] * inv, shift = beta[c] - mu * scale;
            for (int n = 0; n < g.n(); n++) {
                scaleShift(out, in, (n * cs + c) * hw, hw, scale, shift);
            }
        });
    }

    @Override
    public void batchNormForwardInference(float[] out, float[] in, float[] gamma, float[] beta, float[] runningMean,
                                          float[] runningVar, float eps, BatchNormGeometry g) {
        checkBatchNormInference(out, in, gamma, beta, runningMean, runningVar, eps, g);
        int hw = g.hw(), cs = g.c();
        Parallel.forRange(g.n() * cs, plane -> {
            int c = plane % cs;
            float scale = (float) (gamma[c] / Math.sqrt((double) runningVar[c] + eps));
            float shift = (float) (beta[c] - (double) runningMean[c] * scale);
            scaleShift(out, in, plane * hw, hw, scale, shift);
        });
    }

    @Override
    public void batchNormBackward(float[] dIn, float[] dGamma, float[] dBeta, float[] dOut, float[] in, float[] mean,
                                  float[] invStd, float[] gamma, BatchNormGeometry g) {
        checkBatchNormBackward(dIn, dGamma, dBeta, dOut, in, mean, invStd, gamma, g);
        int hw = g.hw(), cs = g.c();
        long count = (long) g.n() * hw;
        Parallel.forRange(cs, c -> {
            float mu = mean[c], inv = invStd[c];
            double sumDy = 0, sumDyXc = 0; // xc = x - mean
            for (int n = 0; n < g.n(); n++) {
                int off = (n * cs + c) * hw;
                FloatVector m = FloatVector.broadcast(S, mu);
                FloatVector accDy = FloatVector.zero(S), accDyXc = FloatVector.zero(S);
                int i = 0;
                for (int bound = S.loopBound(hw); i < bound; i += L) {
                    FloatVector dy = FloatVector.fromArray(S, dOut, off + i);
                    FloatVector xc = FloatVector.fromArray(S, in, off + i).sub(m);
                    accDy = accDy.add(dy);
                    accDyXc = dy.fma(xc, accDyXc);
                }
                float sDy = SimdConstants.sumLanes(accDy);
                float sDyXc = SimdConstants.sumLanes(accDyXc);
                for (; i < hw; i++) {
                    sDy += dOut[off + i];
                    sDyXc = Math.fma(dOut[off + i], in[off + i] - mu, sDyXc);
                }
                sumDy += sDy;
                sumDyXc += sDyXc;
            }
            double sumDyXhat = sumDyXc * inv;
            dGamma[c] = (float) sumDyXhat;
            dBeta[c] = (float) sumDy;
            // dIn = scale * (dy - mean(dy) - xhat * mean(dy * xhat)) = k1 * dy + k2 * (x - mean) + k3
            double scale = (double) gamma[c] * inv;
            float k1 = (float) scale;
            float k2 = (float) (-scale * inv * (sumDyXhat / count));
            float k3 = (float) (-scale * (sumDy / count));
            FloatVector vk1 = FloatVector.broadcast(S, k1), vk2 = FloatVector.broadcast(S, k2);
            FloatVector vk3 = FloatVector.broadcast(S, k3), m = FloatVector.broadcast(S, mu);
            for (int n = 0; n < g.n(); n++) {
                int off = (n * cs + c) * hw;
                int i = 0;
                for (int bound = S.loopBound(hw); i < bound; i += L) {
                    FloatVector xc = FloatVector.fromArray(S, in, off + i).sub(m);
                    FloatVector.fromArray(S, dOut, off + i).fma(vk1, xc.fma(vk2, vk3)).intoArray(dIn, off + i);
                }
                for (; i < hw; i++) {
                    dIn[off + i] = Math.fma(dOut[off + i], k1, Math.fma(in[off + i] - mu, k2, k3));
                }
            }
        });
    }

    // ---- pooling ------------------------------------------------------------------------------------
    // Separable: for each output row, a vertical pass over the window's input rows, vectorised along the
    // contiguous width, into a row buffer (w); then a horizontal pass over that buffer, k reads per output.

    /**
     * (v, i) beats (b, j) in max pooling: a NaN beats a number, then the larger value wins, then the smaller
     * flat index, which is the first element in row-major window order (the reference's rule).
     */
    private static boolean beats(float v, int i, float b, int j) {
        boolean vNaN = Float.isNaN(v), bNaN = Float.isNaN(b);
        if (vNaN || bNaN) {
            return vNaN && (!bNaN || i < j);
        }
        return v > b || (v == b && i < j);
    }

    /**
     * colMax[x], colRow[x] = max over rows [0, rows) of in[start + r * w + x] and the row r it came from (the
     * upper row wins ties; a NaN beats a number). The row is a float vector (exact for small ints), blended with
     * the same mask as the values.
     */
    private static void verticalMax(float[] in, int start, int rows, int w, float[] colMax, float[] colRow) {
        int x = 0;
        // vector body
        for (int bound = S.loopBound(w); x < bound; x += L) {
            maxRows(in, start, rows, w, x, colMax, colRow);
        }
        if (x < w && w >= L) {
            // vector tail: one more vector ending at w, overlapping columns already done (same results)
            maxRows(in, start, rows, w, w - L, colMax, colRow);
            return;
        }
        // scalar tail (rows narrower than a vector), without branches: random data mispredicts them
        for (; x < w; x++) {
            float best = in[start + x];
            int br = 0;
            for (int r = 1; r < rows; r++) {
                float v = in[start + r * w + x];
                boolean take = v > best | (v != v & best == best);
                best = take ? v : best;
                br = take ? r : br;
            }
            colMax[x] = best;
            colRow[x] = br;
        }
    }

    /** Columns [x, x + L) of verticalMax. */
    private static void maxRows(float[] in, int start, int rows, int w, int x, float[] colMax, float[] colRow) {
        FloatVector best = FloatVector.fromArray(S, in, start + x);
        FloatVector row = FloatVector.zero(S);
        for (int r = 1; r < rows; r++) {
            FloatVector v = FloatVector.fromArray(S, in, start + r * w + x);
            // take v where best is not NaN and (v > best or v is NaN): ties keep the upper row
            VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                    .or(v.test(VectorOperators.IS_NAN))
                    .andNot(best.test(VectorOperators.IS_NAN));
            best = best.blend(v, take);
            row = row.blend(r, take);
        }
        best.intoArray(colMax, x);
        row.intoArray(colRow, x);
    }

    /** colSum[x] = sum over rows [0, rows) of in[start + r * w + x]. */
    private static void verticalSum(float[] in, int start, int rows, int w, float[] colSum) {
        int x = 0;
        for (int bound = S.loopBound(w); x < bound; x += L) {
            FloatVector acc = FloatVector.fromArray(S, in, start + x);
            for (int r = 1; r < rows; r++) {
                acc = acc.add(FloatVector.fromArray(S, in, start + r * w + x));
            }
            acc.intoArray(colSum, x);
        }
        for (; x < w; x++) {
            float acc = in[start + x];
            for (int r = 1; r < rows; r++) {
                acc += in[start + r * w + x];
            }
            colSum[x] = acc;
        }
    }

    /** dst[off + x] += src[x] for x in [0, w). */
    private static void addInto(float[] dst, int off, float[] src, int w) {
        int x = 0;
        for (int bound = S.loopBound(w); x < bound; x += L) {
            FloatVector.fromArray(S, dst, off + x).add(FloatVector.fromArray(S, src, x)).intoArray(dst, off + x);
        }
        for (; x < w; x++) {
            dst[off + x] += src[x];
        }
    }

    @Override
    public void maxPool2dForward(float[] out, int[] argmax, float[] in, PoolGeometry g) {
        checkPool(out, in, g, "out", "in");
        if (argmax == null) {
            if (maxPoolRowsApply(g)) {
                maxPoolValuesRows(out, in, g);
            } else {
                maxPoolValuesFlat(out, in, g);
            }
            return;
        }
        checkLength("argmax", argmax, out.length);
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        int[] map = laneOffsets(s);
        Parallel.forRange(g.n() * g.c(), plane -> {
            float[] colMax = new float[w]; // (w) max over the window's rows per input column
            float[] colRow = new float[w]; // (w) the window row it came from
            int inBase = plane * h * w;
            for (int y = 0; y < oh; y++) {
                int iy0 = Math.max(y * s - pad, 0), iy1 = Math.min(y * s - pad + k, h);
                int start = inBase + iy0 * w;
                verticalMax(in, start, iy1 - iy0, w, colMax, colRow);
                horizontalMax(out, argmax, (plane * oh + y) * ow, start, colMax, colRow, g, map);
            }
        });
    }

    /**
     * True where {@link #maxPoolValuesRows} runs: stride 2, output rows of a vector or more, and a vector of input
     * columns that the windows read. (Stride 1 measured slower there than the flat path: GoogLeNet's 256 channels
     * 28x28 at batch 32, 2.8 -> 3.4 ms.)
     */
    static boolean maxPoolRowsApply(PoolGeometry g) {
        int pw = (g.outW() - 1) * g.stride() + g.kernel();
        return g.stride() == 2 && g.outW() >= L && Math.min(g.w(), pw - g.pad()) >= L
                && !"flat".equals(poolMode);
    }

    /** "flat" forces {@link #maxPoolValuesFlat} for every inference max pool (-Ddeeproots.pool.mode, comparisons). */
    static volatile String poolMode = System.getProperty("deeproots.pool.mode", "auto");

    /**
     * Max pooling without argmax, row by row straight from the input, for the planes of {@link #maxPoolRowsApply}
     * (GoogLeNet's and ResNet's 112x112 and 56x56 stride-2 pools, NiN's 32x32 one): per output row,
     * the vertical maxima of its window rows into a row buffer padded with -infinity, then the horizontal maxima, a
     * vector of outputs at a time; for stride 2 the window's even columns are taken from two vectors by one
     * permute. The last vector of a row ends at its end, over outputs done already (the same again). The flat path
     * ({@link #maxPoolValuesFlat}) copied every plane into a padded buffer first and, for stride 2, computed 4x the
     * outputs and kept every second row and column one value at a time. Best of 2 s, batch 32, ms, flat -> rows:
     * 64 channels 112x112 11.2 -> 5.4, 192 channels 56x56 7.4 -> 3.5; ResNet-50's pool at batch 10 3.7 -> 1.5; NiN's
     * 96 channels 32x32 at batch 64 2.5 -> 1.3.
     */
    private static void maxPoolValuesRows(float[] out, float[] in, PoolGeometry g) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        int pw = (ow - 1) * s + k; // padded columns the windows read (s = 2)
        int colsIn = Math.min(w, pw - pad);
        Parallel.forRange(g.n() * g.c(), plane -> {
            float[] v = ConvDirect.grow(POOL_ROWS.get(), 0, pw + 2 * L);
            // -infinity where no input column lands (the padding); the columns [pad, pad + colsIn) are rewritten
            // for every output row
            java.util.Arrays.fill(v, 0, pw + 2 * L, Float.NEGATIVE_INFINITY);
            int inBase = plane * h * w;
            int outBase = plane * oh * ow;
            for (int y = 0; y < oh; y++) {
                int iy0 = Math.max(y * s - pad, 0);
                int rows = Math.min(y * s - pad + k, h) - iy0;
                int r0 = inBase + iy0 * w;
                for (int x = 0; x < colsIn; x += L) {
                    int xs = Math.min(x, colsIn - L);
                    FloatVector m = FloatVector.fromArray(S, in, r0 + xs);
                    for (int r = 1; r < rows; r++) {
                        m = m.max(FloatVector.fromArray(S, in, r0 + r * w + xs));
                    }
                    m.intoArray(v, pad + xs);
                }
                int o = outBase + y * ow;
                for (int x = 0; x < ow; x += L) {
                    int xs = Math.min(x, ow - L);
                    int at = 2 * xs;
                    FloatVector m = SimdConstants.EVEN.selectFrom(FloatVector.fromArray(S, v, at),
                            FloatVector.fromArray(S, v, at + L));
                    for (int kx = 1; kx < k; kx++) {
                        m = m.max(SimdConstants.EVEN.selectFrom(FloatVector.fromArray(S, v, at + kx),
                                FloatVector.fromArray(S, v, at + kx + L)));
                    }
                    m.intoArray(out, o + xs);
                }
            }
        });
    }

    /** Per-thread buffers of {@link #maxPoolValuesFlat}. */
    private static final ThreadLocal<float[][]> POOL_ROWS = ThreadLocal.withInitial(() -> new float[2][]);

    /**
     * Max pooling without argmax (inference; GoogLeNet's pools were scalar on 14x14 and 7x7 planes, too narrow for
     * vectors along one row): planes are copied one after the other into a buffer padded with -infinity to the rows
     * and columns the windows read, and the stride-1 vertical, then horizontal, maxima run over that whole flat
     * buffer, vectors crossing rows and planes (what they mix across rows and planes lands in padding, thrown away);
     * every s-th row and column is kept. For stride 2 that computes 4x the outputs, still faster than the row-by-row
     * path (measured: 832ch 14x14 9.5 -> 3.7 ms, 480ch 28x28 11.2 -> 8.4 ms at batch 32; equal on 56x56 and
     * 112x112). Planes of up to 128 padded floats (7x7) go many to a buffer, so that the loops' ends do not come
     * once per plane; the loops run whole vectors into slack (no scalar tails). GoogLeNet root-16 at batch 32,
     * alternating JVMs: 832ch 7x7 5.9-6.1 -> 3.2-3.3 ms, 192ch 56x56 stride 2 8.4-8.5 -> 7.2-7.4, 480ch 28x28 stride
     * 2 5.5-5.6 -> 4.9-5.1; stacking the 14x14 planes too made them slower. Math.max semantics, so a NaN propagates
     * and the values equal the reference's.
     */
    private static void maxPoolValuesFlat(float[] out, float[] in, PoolGeometry g) {
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        int ph = (oh - 1) * s + k; // padded rows read
        int pw = (ow - 1) * s + k; // padded pitch
        int slot = ph * pw; // padded floats per plane
        int rowsIn = Math.min(h, ph - pad);
        int colsIn = Math.min(w, pw - pad);
        int planes = g.n() * g.c();
        // planes per work item (about POOL_FLOATS padded floats), and per buffer: small planes (7x7) many to a
        // buffer; larger ones (14x14 and up) one by one, which measured faster for them
        int per = Math.max(1, POOL_FLOATS / slot);
        int stack = slot <= 128 ? per : 1;
        Parallel.forRange((planes + per - 1) / per, item -> {
            for (int first = item * per; first < Math.min(planes, (item + 1) * per); first += stack) {
                maxPoolPlanesFlat(out, in, first, Math.min(stack, planes - first), oh, ow, h, w, k, s, pad, ph, pw,
                        rowsIn, colsIn);
            }
        });
    }

    /** Planes [first, first + np) of {@link #maxPoolValuesFlat}, one after the other in one padded buffer. */
    private static void maxPoolPlanesFlat(float[] out, float[] in, int first, int np, int oh, int ow, int h, int w,
                                          int k, int s, int pad, int ph, int pw, int rowsIn, int colsIn) {
        int slot = ph * pw;
        // positions whose stride-1 maxima are computed: all rows of the planes but the last plane's last k - 1
        int flat = (np - 1) * slot + ((oh - 1) * s + 1) * pw;
        int end = (flat + L - 1) / L * L; // whole vectors: the last reads and writes run into slack
        float[][] bufs = POOL_ROWS.get();
        float[] p = ConvDirect.grow(bufs, 0, np * slot + 2 * L); // planes + slack for the vectors past flat
        float[] v = ConvDirect.grow(bufs, 1, end + L + k);       // vertical maxima + slack for shifted loads
        java.util.Arrays.fill(p, 0, np * slot + 2 * L, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < np; j++) {
            int src = (first + j) * h * w;
            int dst = j * slot + pad * pw + pad;
            for (int iy = 0; iy < rowsIn; iy++, src += w, dst += pw) {
                System.arraycopy(in, src, p, dst, colsIn);
            }
        }
        for (int i = 0; i < end; i += L) {
            FloatVector m = FloatVector.fromArray(S, p, i);
            for (int ky = 1; ky < k; ky++) {
                m = m.max(FloatVector.fromArray(S, p, i + ky * pw));
            }
            m.intoArray(v, i);
        }
        // horizontal maxima, written over p (no longer needed), then the kept rows and columns copied out
        for (int i = 0; i < end; i += L) {
            FloatVector m = FloatVector.fromArray(S, v, i);
            for (int kx = 1; kx < k; kx++) {
                m = m.max(FloatVector.fromArray(S, v, i + kx));
            }
            m.intoArray(p, i);
        }
        for (int j = 0; j < np; j++) {
            int outBase = (first + j) * oh * ow;
            for (int y = 0; y < oh; y++) {
                int src = j * slot + y * s * pw;
                if (s == 1) {
                    System.arraycopy(p, src, out, outBase + y * ow, ow);
                } else {
                    for (int x = 0; x < ow; x++) {
                        out[outBase + y * ow + x] = p[src + x * s];
                    }
                }
            }
        }
    }

    /** Padded floats of the planes one item of {@link #maxPoolValuesFlat} handles (its two buffers stay in L1). */
    private static final int POOL_FLOATS = 4096;

    /** First output column whose window starts inside the input (x * s - pad >= 0). */
    private static int interiorStart(PoolGeometry g) {
        return (g.pad() + g.stride() - 1) / g.stride();
    }

    /** One past the last output column whose window ends inside the input (x * s - pad + k <= w). */
    private static int interiorEnd(PoolGeometry g) {
        int span = g.w() + g.pad() - g.kernel();
        return span < 0 ? 0 : Math.min(g.outW(), span / g.stride() + 1);
    }

    /** Lane offsets 0, s, 2s, ... of a strided gather. */
    private static int[] laneOffsets(int stride) {
        int[] map = new int[L];
        for (int j = 0; j < L; j++) {
            map[j] = j * stride;
        }
        return map;
    }

    /**
     * out/argmax of one output row from the column maxima: the beats() winner over each window's columns, where
     * the flat index of column ix's maximum is start + colRow[ix] * w + ix. Vectors over the interior columns
     * (a strided gather from the row buffers, which are in L1) when there are at least L of them, the last
     * vector overlapping the one before; scalar for the border columns and for narrower rows.
     */
    private static void horizontalMax(float[] out, int[] argmax, int outRow, int start, float[] colMax,
                                      float[] colRow, PoolGeometry g, int[] map) {
        int ow = g.outW(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        int x0 = interiorStart(g), x1 = interiorEnd(g);
        boolean vectors = x1 - x0 >= L;
        if (vectors) {
            // vector body
            int x = x0;
            for (; x + L <= x1; x += L) {
                maxColumns(out, argmax, outRow + x, start, colMax, colRow, x * s - pad, g, map);
            }
            // vector tail: a full vector ending at x1, recomputing some columns (same values)
            if (x < x1) {
                maxColumns(out, argmax, outRow + x1 - L, start, colMax, colRow, (x1 - L) * s - pad, g, map);
            }
        }
        // scalar: the border columns (all columns when the row is narrow), without branches on the data
        for (int x = 0; x < ow; x++) {
            if (vectors && x == x0) {
                x = x1 - 1; // [x0, x1) done with vectors
                continue;
            }
            int ix0 = Math.max(x * s - pad, 0), ix1 = Math.min(x * s - pad + k, w);
            float bv = colMax[ix0];
            float br = colRow[ix0];
            int bx = ix0;
            for (int ix = ix0 + 1; ix < ix1; ix++) {
                float v = colMax[ix];
                float r = colRow[ix];
                // beats(), with the flat indexes' order taken from the rows: a later column has the smaller flat
                // index exactly when its row is smaller (no index computed per candidate: 12.4-13.3 -> 10.7 ms for
                // NiN's first pool at batch 64, all of whose 14 output columns take this path)
                boolean earlier = r < br;
                boolean take = v > bv | (v == bv & earlier) | (v != v & (bv == bv | earlier));
                bv = take ? v : bv;
                br = take ? r : br;
                bx = take ? ix : bx;
            }
            out[outRow + x] = bv;
            argmax[outRow + x] = start + (int) br * w + bx;
        }
    }

    /**
     * L outputs of max pooling from the column buffers, lane j's window starting at column col + j * s. Column
     * kx of a window lies right of the columns before it, so its flat index is smaller only if its row is
     * smaller: the tie rule compares rows.
     */
    private static void maxColumns(float[] out, int[] argmax, int at, int start, float[] colMax, float[] colRow,
                                   int col, PoolGeometry g, int[] map) {
        int k = g.kernel(), s = g.stride();
        FloatVector best = s == 1 ? FloatVector.fromArray(S, colMax, col)
                : FloatVector.fromArray(S, colMax, col, map, 0);
        FloatVector bestRow = s == 1 ? FloatVector.fromArray(S, colRow, col)
                : FloatVector.fromArray(S, colRow, col, map, 0);
        FloatVector bestKx = FloatVector.zero(S);
        for (int kx = 1; kx < k; kx++) {
            FloatVector v = s == 1 ? FloatVector.fromArray(S, colMax, col + kx)
                    : FloatVector.fromArray(S, colMax, col + kx, map, 0);
            FloatVector vRow = s == 1 ? FloatVector.fromArray(S, colRow, col + kx)
                    : FloatVector.fromArray(S, colRow, col + kx, map, 0);
            // beats(v, index, best, bestIndex) lanewise
            VectorMask<Float> smaller = vRow.compare(VectorOperators.LT, bestRow);
            VectorMask<Float> vNaN = v.test(VectorOperators.IS_NAN);
            VectorMask<Float> take = v.compare(VectorOperators.GT, best)
                    .or(v.compare(VectorOperators.EQ, best).and(smaller))
                    .or(vNaN.and(best.test(VectorOperators.IS_NAN).not().or(smaller)));
            best = best.blend(v, take);
            bestRow = bestRow.blend(vRow, take);
            bestKx = bestKx.blend(kx, take);
        }
        best.intoArray(out, at);
        // flat index = start + row * w + col + j * s + kx, the offset exact in float (below 2^24 for any sane w)
        FloatVector offset = bestRow.mul(g.w()).add(bestKx).add(FloatVector.broadcast(S, col).addIndex(s));
        ((IntVector) offset.convert(VectorOperators.F2I, 0)).add(start).intoArray(argmax, at);
    }

    /** One output row of average pooling from the column sums, vectorised like {@link #horizontalMax}. */
    private static void horizontalAvg(float[] out, int outRow, float[] colSum, PoolGeometry g, int y, int[] map) {
        int ow = g.outW(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        int x0 = interiorStart(g), x1 = interiorEnd(g);
        boolean vectors = x1 - x0 >= L;
        if (vectors) {
            // interior columns share the divisor: k times the padded-clipped window height
            float div = ScalarKernels.avgPoolDivisor(g, y, x0);
            // vector body, then a full vector ending at x1 (overlap recomputes the same values)
            for (int x = x0; x < x1; x += L) {
                int xv = Math.min(x, x1 - L), col = xv * s - pad;
                FloatVector acc = s == 1 ? FloatVector.fromArray(S, colSum, col)
                        : FloatVector.fromArray(S, colSum, col, map, 0);
                for (int kx = 1; kx < k; kx++) {
                    acc = acc.add(s == 1 ? FloatVector.fromArray(S, colSum, col + kx)
                            : FloatVector.fromArray(S, colSum, col + kx, map, 0));
                }
                acc.div(div).intoArray(out, outRow + xv);
            }
        }
        // scalar: the border columns (all columns when the row is narrow)
        for (int x = 0; x < ow; x++) {
            if (vectors && x == x0) {
                x = x1 - 1;
                continue;
            }
            int ix0 = Math.max(x * s - pad, 0), ix1 = Math.min(x * s - pad + k, w);
            float acc = 0;
            for (int ix = ix0; ix < ix1; ix++) {
                acc += colSum[ix];
            }
            out[outRow + x] = acc / ScalarKernels.avgPoolDivisor(g, y, x);
        }
    }

    @Override
    public void maxPool2dBackward(float[] dIn, float[] dOut, int[] argmax, PoolGeometry g) {
        checkPool(dOut, dIn, g, "dOut", "dIn");
        ScalarKernels.checkArgmax(argmax, g);
        int planeIn = g.h() * g.w(), planeOut = g.outH() * g.outW();
        // argmax of a plane points into the same plane (checked), so planes are independent: scatter per plane
        Parallel.forRange(g.n() * g.c(), plane -> {
            java.util.Arrays.fill(dIn, plane * planeIn, (plane + 1) * planeIn, 0f);
            for (int o = plane * planeOut; o < (plane + 1) * planeOut; o++) {
                dIn[argmax[o]] += dOut[o];
            }
        });
    }

    @Override
    public void avgPool2dForward(float[] out, float[] in, PoolGeometry g) {
        checkPool(out, in, g, "out", "in");
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        int[] map = laneOffsets(s);
        Parallel.forRange(g.n() * g.c(), plane -> {
            float[] colSum = new float[w]; // (w) sum over the window's rows per input column
            int inBase = plane * h * w;
            for (int y = 0; y < oh; y++) {
                int iy0 = Math.max(y * s - pad, 0), iy1 = Math.min(y * s - pad + k, h);
                verticalSum(in, inBase + iy0 * w, iy1 - iy0, w, colSum);
                horizontalAvg(out, (plane * oh + y) * ow, colSum, g, y, map);
            }
        });
    }

    @Override
    public void avgPool2dBackward(float[] dIn, float[] dOut, PoolGeometry g) {
        checkPool(dOut, dIn, g, "dOut", "dIn");
        int oh = g.outH(), ow = g.outW(), h = g.h(), w = g.w(), k = g.kernel(), s = g.stride(), pad = g.pad();
        // per output row: spread dOut / divisor horizontally into a row buffer, then add it to the window's rows
        Parallel.forRange(g.n() * g.c(), plane -> {
            float[] rowGrad = new float[w]; // (w)
            int inBase = plane * h * w;
            java.util.Arrays.fill(dIn, inBase, inBase + h * w, 0f);
            for (int y = 0; y < oh; y++) {
                int iy0 = Math.max(y * s - pad, 0), iy1 = Math.min(y * s - pad + k, h);
                java.util.Arrays.fill(rowGrad, 0f);
                for (int x = 0; x < ow; x++) {
                    int ix0 = Math.max(x * s - pad, 0), ix1 = Math.min(x * s - pad + k, w);
                    float v = dOut[(plane * oh + y) * ow + x] / ScalarKernels.avgPoolDivisor(g, y, x);
                    for (int ix = ix0; ix < ix1; ix++) {
                        rowGrad[ix] += v;
                    }
                }
                for (int iy = iy0; iy < iy1; iy++) {
                    addInto(dIn, inBase + iy * w, rowGrad, w);
                }
            }
        });
    }

    @Override
    public void globalAvgPoolForward(float[] out, float[] in, int n, int c, int hw) {
        checkGlobal(out, in, n, c, hw, "out", "in");
        Parallel.forRange(n * c, p -> out[p] = (float) ((double) sum(in, p * hw, hw) / hw));
    }

    @Override
    public void globalAvgPoolBackward(float[] dIn, float[] dOut, int n, int c, int hw) {
        checkGlobal(dOut, dIn, n, c, hw, "dOut", "dIn");
        Parallel.forRange(n * c, p -> java.util.Arrays.fill(dIn, p * hw, (p + 1) * hw,
                (float) ((double) dOut[p] / hw)));
    }

    // ---- elementwise --------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /** Runs body over [0, size) in fixed chunks of {@link #CHUNK}, in parallel. */
    private static void chunks(int size, Range body) {
        Parallel.forRange((size + CHUNK - 1) / CHUNK, i -> body.run(i * CHUNK, Math.min(size, (i + 1) * CHUNK)));
    }

    @Override
    public void reluForward(float[] out, float[] in, int size) {
        checkElementwise(size, "out", out, "in", in, null, null);
        Relu.parallel(out, in, size); // lanewise MAX follows Math.max, so NaN propagates
    }

    @Override
    public void reluBackward(float[] dIn, float[] dOut, float[] out, int size) {
        checkElementwise(size, "dIn", dIn, "dOut", dOut, "out", out);
        chunks(size, (from, to) -> {
            int i = from;
            FloatVector zero = FloatVector.zero(S);
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                VectorMask<Float> on = FloatVector.fromArray(S, out, i).compare(VectorOperators.GT, 0f);
                zero.blend(FloatVector.fromArray(S, dOut, i), on).intoArray(dIn, i);
            }
            for (; i < to; i++) {
                dIn[i] = out[i] > 0 ? dOut[i] : 0f;
            }
        });
    }

    @Override
    public void addForward(float[] out, float[] a, float[] b, int size) {
        add(out, a, b, size, false);
    }

    @Override
    public void addReluForward(float[] out, float[] a, float[] b, int size) {
        add(out, a, b, size, true);
    }

    /** out = a + b, then max(0, .) when relu (lanewise MAX follows Math.max, so NaN propagates). */
    private void add(float[] out, float[] a, float[] b, int size, boolean relu) {
        checkElementwise(size, "out", out, "a", a, "b", b);
        chunks(size, (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i));
                (relu ? v.max(0f) : v).intoArray(out, i);
            }
            for (; i < to; i++) {
                float v = a[i] + b[i];
                out[i] = relu ? Math.max(v, 0f) : v;
            }
        });
    }

    private static void multiply(float[] out, float[] a, float[] b, int from, int to) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(out, i);
        }
        for (; i < to; i++) {
            out[i] = a[i] * b[i];
        }
    }

    @Override
    public void dropoutForward(float[] out, float[] mask, float[] in, float p, long seed, int size) {
        checkElementwise(size, "out", out, "mask", mask, "in", in);
        checkDropout(p);
        float keep = 1f / (1f - p);
        chunks(size, (from, to) -> {
            // the mask is the reference's hash of (seed, i): identical for every implementation and thread count
            for (int i = from; i < to; i++) {
                mask[i] = ScalarKernels.dropoutUniform(seed, i) < p ? 0f : keep;
            }
            multiply(out, in, mask, from, to);
        });
    }

    @Override
    public void dropoutBackward(float[] dIn, float[] dOut, float[] mask, int size) {
        checkElementwise(size, "dIn", dIn, "dOut", dOut, "mask", mask);
        chunks(size, (from, to) -> multiply(dIn, dOut, mask, from, to));
    }

    // ---- softmax with cross-entropy -----------------------------------------------------------------

    @Override
    public float softmaxCrossEntropyForward(float[] probs, float[] logits, int[] labels, int n, int classes) {
        checkSoftmax(probs, logits, labels, n, classes, "logits");
        double[] rowLoss = new double[n]; // (n)
        Parallel.forRange(n, r -> {
            int off = r * classes;
            // row max (lanewise MAX propagates NaN)
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int i = 0;
            for (int bound = S.loopBound(classes); i < bound; i += L) {
                vmax = vmax.max(FloatVector.fromArray(S, logits, off + i));
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; i < classes; i++) {
                max = Math.max(max, logits[off + i]);
            }
            // exp(x - max) into probs, and its sum
            FloatVector vm = FloatVector.broadcast(S, max), acc = FloatVector.zero(S);
            i = 0;
            for (int bound = S.loopBound(classes); i < bound; i += L) {
                FloatVector e = FloatVector.fromArray(S, logits, off + i).sub(vm).lanewise(VectorOperators.EXP);
                e.intoArray(probs, off + i);
                acc = acc.add(e);
            }
            double total = SimdConstants.sumLanes(acc);
            for (; i < classes; i++) {
                float e = (float) Math.exp(logits[off + i] - max);
                probs[off + i] = e;
                total += e;
            }
            float invTotal = (float) (1.0 / total);
            i = 0;
            for (int bound = S.loopBound(classes); i < bound; i += L) {
                FloatVector.fromArray(S, probs, off + i).mul(invTotal).intoArray(probs, off + i);
            }
            for (; i < classes; i++) {
                probs[off + i] *= invTotal;
            }
            rowLoss[r] = -((double) logits[off + labels[r]] - max - Math.log(total));
        });
        double loss = 0;
        for (double l : rowLoss) {
            loss += l;
        }
        return (float) (loss / n);
    }

    @Override
    public void softmaxCrossEntropyBackward(float[] dLogits, float[] probs, int[] labels, int n, int classes) {
        checkSoftmax(probs, dLogits, labels, n, classes, "dLogits");
        float invN = 1f / n;
        Parallel.forRange(n, r -> {
            int off = r * classes;
            int i = 0;
            for (int bound = S.loopBound(classes); i < bound; i += L) {
                FloatVector.fromArray(S, probs, off + i).mul(invN).intoArray(dLogits, off + i);
            }
            for (; i < classes; i++) {
                dLogits[off + i] = probs[off + i] * invN;
            }
            dLogits[off + labels[r]] = (probs[off + labels[r]] - 1f) * invN;
        });
    }

    // ---- concat -------------------------------------------------------------------------------------

    @Override
    public void concatForward(float[] out, float[][] ins, int[] channels, int n, int hw) {
        int total = checkConcat(out, ins, channels, n, hw, "out", "ins");
        Parallel.forRange(n, b -> {
            int offset = 0;
            for (int k = 0; k < ins.length; k++) {
                int len = channels[k] * hw;
                System.arraycopy(ins[k], b * len, out, (b * total + offset) * hw, len);
                offset += channels[k];
            }
        });
    }

    @Override
    public void concatBackward(float[][] dIns, float[] dOut, int[] channels, int n, int hw) {
        int total = checkConcat(dOut, dIns, channels, n, hw, "dOut", "dIns");
        Parallel.forRange(n, b -> {
            int offset = 0;
            for (int k = 0; k < dIns.length; k++) {
                int len = channels[k] * hw;
                System.arraycopy(dOut, (b * total + offset) * hw, dIns[k], b * len, len);
                offset += channels[k];
            }
        });
    }
}
