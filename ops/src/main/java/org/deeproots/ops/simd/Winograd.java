package org.deeproots.ops.simd;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * 3x3 stride-1 convolutions by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016): every 4x4 block of outputs ("tile") of one channel is
 * A<sup>T</sup> [sum over input channels of U ⊙ V] A, with V = B<sup>T</sup> d B the transform of the tile's 6x6 input
 * window d and U = G g G<sup>T</sup> the transform of the 3x3 filter g. The 36 points of the 6x6 domain are
 * independent, so the sum over input channels becomes 36 matrix products (output channels x input channels) x
 * (input channels x tiles), 4 multiply-adds per output and input channel instead of 9: a dense 3x3 layer needs
 * 2.25x fewer multiply-adds than the direct convolution, which is what lets it run above the machine's FMA peak in
 * "direct" GFLOP/s. The transforms mix values with weights up to 8 and 1/24, so rounding is larger than the direct
 * sum's; it stays within the tolerance the tests apply to the direct kernels (a filter-transform coefficient off
 * by 1e-4 already fails it).
 *
 * <p>Work items are (chunk of whole tile rows, about {@link #CHUNK_TILES} tiles across rows and images; group). An
 * item copies each input channel's rows for its tiles into a small zero-padded staging buffer in tile order, takes
 * the 6x6 windows of L tiles per vector from it with permutes and transforms them (V: point, input channel, tile),
 * multiplies with the GEMM tiles of {@link Gemm1x1} (filters transformed once and cached in {@link PackCache}, 8-row
 * panels per point), transforms the products back into a staging buffer in tile order and copies the valid rows into
 * the NCHW output.
 * With fewer items than threads (small images at batch 1, few groups) the three steps run one after the other,
 * each split over the threads (input channels; points; output channels). Each output is computed by one item, from
 * sums in a fixed order, so results do not depend on the thread count.
 *
 * <p>Used where it pays ({@link #applies}). Forced with {@code -Ddeeproots.conv.winograd=on|off} (default auto;
 * {@code small} forces {@link Winograd2x2}'s F(2x2, 3x3) instead).
 */
final class Winograd {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();
    private static final int R = GemmTiles.R;
    /** Points of the Winograd domain (6 x 6) per tile of 4 x 4 outputs. */
    private static final int P = 36;
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f);
    private static final FloatVector FOUR = FloatVector.broadcast(S, 4f);
    private static final FloatVector EIGHT = FloatVector.broadcast(S, 8f);
    private static final FloatVector NEG2 = FloatVector.broadcast(S, -2f);
    private static final FloatVector NEG4 = FloatVector.broadcast(S, -4f);
    private static final FloatVector NEG5 = FloatVector.broadcast(S, -5f);
    /** Filter pairs transformed per block before their 36 points are copied out. */
    private static final int BLOCK_FLATS = 256;
    /** Floats (a cache line) added to the stride between points in the transformed buffers. */
    private static final int SKEW = 16;
    /** Lane indexes of {@code selectFrom(a, b)} that keep the even (odd) lanes of a then b. */
    private static final FloatVector EVEN = SimdConstants.EVEN;
    private static final FloatVector ODD = SimdConstants.ODD;
    private static final FloatVector ZIP_LO = SimdConstants.ZIP_LO;
    private static final FloatVector ZIP_HI = SimdConstants.ZIP_HI;
    /** Zero bias for the GEMM tiles (the products start from zero; the bias is added after the output transform). */
    private static final float[] ZEROS = new float[R];

    /** auto, on (wherever the shape allows), off. */
    static volatile String mode = System.getProperty("deeproots.conv.winograd", "auto");
    /** Tiles per chunk, about (32 to 192 tried at 512 bits, batch 1 and 10: 3 vectors was best or close). */
    private static final int CHUNK_TILES = 3 * L;

    /** Per worker: transformed input, products, transform scratch, input and output staging. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][]);
    /**
     * Per calling thread, shared with the workers during a call: transformed scratch weights, transformed input and
     * products of the split steps.
     */
    private static final ThreadLocal<float[][]> CALLER = ThreadLocal.withInitial(() -> new float[3][]);

    private Winograd() {
    }

    /**
     * True where {@link #forward} is used: 3x3, stride 1, output channels per group a multiple of 8; in auto mode
     * also at least 16 input and output channels per group and a vector of tiles. Measured with
     * {@code roots bench ops} (512 bits, 2 threads) on every ResNet-50 3x3 layer and group count, batch 1 and 10:
     * faster than the direct kernels by 1.2-2.7x from 32 channels per group. At 16 (the transforms cost the same per
     * channel whatever the group count) it is level with them at batch 1 and up to 1.2x faster at batch 10, and
     * steadier from run to run (since the columns 4 and 5 are permuted out of the staged rows; before, 5-40% slower).
     * Three alternations of JVMs, ms, direct against Winograd: 256 channels 14x14, 16 groups, batch 10, 0.69-0.81
     * against 0.67-0.69; 64 channels 56x56, 4 groups, batch 10, 2.00-2.43 against 1.94-2.04. With 4 tiles (7x7 at
     * batch 1) 3/4 of every vector is padding, and it is 1.2-3x slower.
     */
    static boolean applies(ConvGeometry g) {
        String m = mode;
        if ("off".equals(m) || "small".equals(m) || g.kh() != 3 || g.kw() != 3 || g.stride() != 1
                || g.outPerGroup() % R != 0) {
            return false;
        }
        if ("on".equals(m)) {
            return true;
        }
        return g.inPerGroup() >= 16 && g.outPerGroup() >= 16 && tiles(g) >= L;
    }

    /**
     * As {@link #applies}, for weights made for one call (the input gradient's transposed filters), which are
     * transformed on every call: in auto mode also at least 2 vectors of tiles and 32 channels per group (the rule
     * before the forward's went down to 16; not measured below it). (At 256 channels 14x14, batch 1, 16 tiles,
     * transforming the filters took longer than the direct kernels' whole input gradient.)
     */
    static boolean appliesUncached(ConvGeometry g) {
        return applies(g) && ("on".equals(mode)
                || tiles(g) >= 2L * L && g.inPerGroup() >= 32 && g.outPerGroup() >= 32);
    }

    /** 4x4 output tiles of a call. */
    private static long tiles(ConvGeometry g) {
        return (long) g.n() * ceilDiv(g.outH(), 4) * ceilDiv(g.outW(), 4);
    }

    /**
     * out (n, outC, outH, outW) = conv(in, weight) + bias for a geometry where the shape conditions of
     * {@link #applies} hold; bias nullable; {@code cacheWeights} false for weights made for this call only.
     */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean cacheWeights) {
        forward(out, in, weight, bias, g, cacheWeights, false);
    }

    /** As above, then max(out, 0) where {@code relu}, row by row as the output is written. */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean cacheWeights,
                        boolean relu) {
        int groups = g.groups();
        int icg = g.inPerGroup();
        int opg = g.outPerGroup();
        int tw = ceilDiv(g.outW(), 4);
        int tileRows = g.n() * ceilDiv(g.outH(), 4);
        // chunks of whole tile rows (of every image), about CHUNK_TILES tiles each; fewer rows per chunk if that
        // gives every thread an item without adding more than a quarter of padding lanes
        int threads = Parallel.threads();
        int rowsPerChunk = Math.max(1, Math.min(tileRows, Math.round((float) CHUNK_TILES / tw)));
        if (ceilDiv(tileRows, rowsPerChunk) * groups < threads) {
            int split = ceilDiv(tileRows, Math.min(tileRows, ceilDiv(threads, groups)));
            if (lanes(tileRows, split, tw) <= 1.25 * lanes(tileRows, rowsPerChunk, tw)) {
                rowsPerChunk = split;
            }
        }
        int chunks = ceilDiv(tileRows, rowsPerChunk);
        int tc = roundUp(rowsPerChunk * tw, L);

        int panels = opg / R;
        int uSize = groups * P * opg * icg;
        float[] u;
        float[][] caller = CALLER.get();
        if (cacheWeights) {
            u = ConvDirect.PACKED.get(weight, List.of("winograd", groups, icg, opg), uSize,
                    dst -> transformWeights(dst, weight, groups, icg, opg));
        } else {
            u = ConvDirect.grow(caller, 0, uSize);
            transformWeights(u, weight, groups, icg, opg);
        }

        Call call = new Call(g, out, in, u, bias, relu, rowsPerChunk, tc, tw, ceilDiv(g.outH(), 4));
        int base = chunks * groups;
        if (base >= threads) {
            // an item per thread or more: each runs its three steps on thread-local buffers, in cache (at batch 1
            // with 2 groups on 2 threads 1.5x faster than splitting the steps, which share their buffers)
            Parallel.forRange(base, item -> {
                float[][] s = SCRATCH.get();
                float[] v = ConvDirect.grow(s, 0, call.vItem());
                float[] m = ConvDirect.grow(s, 1, call.mItem());
                call.input(v, 0, item, 0, icg);
                call.multiply(v, 0, m, 0, item, 0, P);
                call.output(m, 0, item, 0, opg);
            });
            return;
        }
        // few chunks (small images, batch 1): each step split over the threads, with buffers shared between steps
        float[] v = ConvDirect.grow(caller, 1, base * call.vItem());
        float[] m = ConvDirect.grow(caller, 2, base * call.mItem());
        int wanted = 4 * threads;
        int inParts = Math.min(icg, ceilDiv(wanted, base));
        Parallel.forRange(base * inParts, it -> {
            int item = it / inParts;
            int part = it % inParts;
            call.input(v, item * call.vItem(), item, icg * part / inParts, icg * (part + 1) / inParts);
        });
        Parallel.forRange(base * P, it -> { // one point per task: its V and U are read once
            int item = it / P;
            int xi = it % P;
            call.multiply(v, item * call.vItem(), m, item * call.mItem(), item, xi, xi + 1);
        });
        int outParts = Math.min(opg, ceilDiv(wanted, base));
        Parallel.forRange(base * outParts, it -> {
            int item = it / outParts;
            int part = it % outParts;
            call.output(m, item * call.mItem(), item, opg * part / outParts, opg * (part + 1) / outParts);
        });
    }

    /**
     * The state of one forward call and its three steps, each on one item = (chunk of tile rows, group): the item's
     * transformed input in v from vb, (point, input channel, tile), and products in m from mb, (point, output
     * channel, tile), rows of tc tiles. The input and output of one channel pass through small staging buffers
     * in tile order (the rows of each tile's 6x6 input window, its 4x4 output), read and written a vector at a
     * time, which stay in L1. tw x th tiles per image.
     */
    private record Call(ConvGeometry g, float[] out, float[] in, float[] u, float[] bias, boolean relu,
                        int rowsPerChunk, int tc, int tw, int th) {

        /**
         * Floats per point of an item's transformed input: icg rows of tc tiles and one cache line more, so that the
         * 36 points of a tile do not all fall into the same L1 set (a multiple of 4 KiB apart, they did, and the
         * input transform ran at half speed).
         */
        int vPoint() {
            return g.inPerGroup() * tc + SKEW;
        }

        /** Floats per point of an item's products (skewed as {@link #vPoint}). */
        int mPoint() {
            return g.outPerGroup() * tc + SKEW;
        }

        int vItem() {
            return P * vPoint();
        }

        int mItem() {
            return P * mPoint();
        }

        /** Tiles of a chunk, rounded up to whole vectors. */
        int count(int chunk) {
            return roundUp(rows(chunk) * tw, L);
        }

        int rows(int chunk) {
            return Math.min(rowsPerChunk, g.n() * th - chunk * rowsPerChunk);
        }

        /** V for input channels [c0, c1). */
        void input(float[] v, int vb, int item, int c0, int c1) {
            int icg = g.inPerGroup();
            int grp = item % g.groups();
            int chunk = item / g.groups();
            int rows = rows(chunk);
            int count = count(chunk);
            float[][] s = SCRATCH.get();
            float[] tmp = ConvDirect.grow(s, 2, 2 * P * L);
            // staging in tile order, per window row r: columns 0-3 of tile k at x[r * 4 tc + 4 k + j]; columns 4 and 5
            // are the next tile's first two, read from there, except for the last tile of a tile row, whose two (the
            // row's last two, or padding) are at x[24 tc + r * tc + k] and x[30 tc + r * tc + k]
            float[] x = ConvDirect.grow(s, 3, 36 * tc);
            // the padding is in the same places for every channel: zero once, then write only the image's values
            Arrays.fill(x, 0, 36 * tc, 0f);
            int h = g.h();
            int iw = g.w();
            int pad = g.pad();
            int len = Math.max(0, Math.min(iw, 4 * tw - pad));
            int col = 4 * tw - pad; // the first column after the last tile's first 4
            VectorMask<Float> rowMask = S.indexInRange(0, Math.min(len, L));
            for (int ci = c0; ci < c1; ci++) {
                int ch = grp * icg + ci;
                for (int r = 0; r < rows; r++) {
                    int tr = chunk * rowsPerChunk + r;
                    int plane = (tr / th * g.inC() + ch) * h;
                    int y0 = tr % th * 4 - pad;
                    for (int dy = Math.max(0, -y0); dy < 6 && y0 + dy < h; dy++) {
                        int src = (plane + y0 + dy) * iw;
                        int dst = dy * 4 * tc + r * tw * 4 + pad;
                        if (len <= L && src + L <= in.length && dst + L <= x.length) {
                            // one masked vector (7x7, 14x14: 6-10% faster layers at 14x14 than the element loop);
                            // never past an array's end (see Gemm1x1.stagedTail)
                            FloatVector.fromArray(S, in, src, rowMask).intoArray(x, dst, rowMask);
                        } else if (len <= 16) { // a call per short row costs more than the copy
                            for (int k = 0; k < len; k++) {
                                x[dst + k] = in[src + k];
                            }
                        } else {
                            System.arraycopy(in, src, x, dst, len);
                        }
                        int e = 24 * tc + dy * tc + r * tw + tw - 1;
                        x[e] = col >= 0 && col < iw ? in[src + col] : 0f;
                        x[e + 6 * tc] = col + 1 >= 0 && col + 1 < iw ? in[src + col + 1] : 0f;
                    }
                }
                for (int tv = 0; tv < count; tv += L) {
                    inputTile(v, vb + ci * tc + tv, vPoint(), x, tc, tv, rowEnds(tv, tw), tmp);
                }
            }
        }

        /** M = U V at the points [x0, x1). */
        void multiply(float[] v, int vb, float[] m, int mb, int item, int x0, int x1) {
            int icg = g.inPerGroup();
            int opg = g.outPerGroup();
            int grp = item % g.groups();
            int count = count(item / g.groups());
            int panels = opg / R;
            for (int xi = x0; xi < x1; xi++) {
                int vx = vb + xi * vPoint();
                for (int pn = 0; pn < panels; pn++) {
                    int ub = ((grp * P + xi) * panels + pn) * icg * R;
                    panelProducts(u, ub, v, vx, tc, icg, m, mb + xi * mPoint() + pn * R * tc, count);
                }
            }
        }

        /** Y = A^T M A + bias into the output, for the group's output channels [k0, k1). */
        void output(float[] m, int mb, int item, int k0, int k1) {
            int opg = g.outPerGroup();
            int grp = item % g.groups();
            int chunk = item / g.groups();
            int count = count(chunk);
            int oh = g.outH();
            int ow = g.outW();
            int mPoint = mPoint();
            float[][] s = SCRATCH.get();
            float[] tmp = ConvDirect.grow(s, 2, 2 * P * L);
            float[] y = ConvDirect.grow(s, 4, 16 * tc); // output row a of tile k at y[a * 4 tc + 4 k, + 4)
            VectorMask<Float> rowMask = S.indexInRange(0, Math.min(ow, L));
            for (int k = k0; k < k1; k++) {
                int oc = grp * opg + k;
                float b = bias == null ? 0f : bias[oc];
                for (int tv = 0; tv < count; tv += L) {
                    outputTile(y, 4 * tc, tv, m, mb + k * tc + tv, mPoint, b, tmp);
                }
                // a tile row's tiles are consecutive, so each output row is one run of the staging
                for (int r = 0; r < rows(chunk); r++) {
                    int tr = chunk * rowsPerChunk + r;
                    int y0 = tr % th * 4;
                    for (int a = 0; a < 4 && y0 + a < oh; a++) {
                        int src = a * 4 * tc + r * tw * 4;
                        int dst = ((tr / th * g.outC() + oc) * oh + y0 + a) * ow;
                        if (ow <= L && src + L <= y.length && dst + L <= out.length) { // as the input rows
                            if (relu) { // (a conditional expression of two vectors was boxed: 10% slower)
                                FloatVector.fromArray(S, y, src, rowMask).max(0f).intoArray(out, dst, rowMask);
                            } else {
                                FloatVector.fromArray(S, y, src, rowMask).intoArray(out, dst, rowMask);
                            }
                        } else {
                            if (relu) {
                                Relu.copy(y, src, out, dst, ow);
                            } else {
                                System.arraycopy(y, src, out, dst, ow);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The 8 rows of one panel of a point's products: m[mx + r * stride + t] = sum over ci of
     * u[ub + ci * 8 + r] * v[vx + ci * stride + t], for the tiles t < count (a multiple of L), overwritten.
     */
    static void panelProducts(float[] u, int ub, float[] v, int vx, int stride, int icg, float[] m, int mx,
                              int count) {
        int t = 0;
        for (; t + 3 * L <= count; t += 3 * L) {
            GemmTiles.p8x3z(u, ub, v, vx + t, stride, icg, m, mx + t, stride, ZEROS, 0);
        }
        if (count - t == 2 * L) {
            GemmTiles.p8x2z(u, ub, v, vx + t, stride, icg, m, mx + t, stride, ZEROS, 0);
        } else if (count - t == L) {
            GemmTiles.p8x1z(u, ub, v, vx + t, stride, icg, m, mx + t, stride, ZEROS, 0);
        }
    }

    /**
     * V = B^T d B for the L tiles [k, k + L): each window row of L tiles read as 4 vectors (columns 0-3 of each
     * tile, in tile order) and split into one vector per column by two rounds of two-vector permutes; columns 4 and 5
     * the same way from 4 floats on (the next tile's columns 0 and 1), except in the lanes of {@code rowEnds}, whose
     * tile ends a tile row, which take the staged columns after the row's last tile; d B into tmp, then B^T (d B)
     * with point p = i * 6 + j of the result to v[vOff + p * vPoint]. The two passes repeat the arithmetic of B^T rather than share a method with vector
     * arguments: C2 boxes vectors passed to a call it does not inline, and it stops inlining after a few copies.
     */
    private static void inputTile(float[] v, int vOff, int vPoint, float[] x, int tc, int k, long rowEnds,
                                  float[] tmp) {
        VectorMask<Float> ends = VectorMask.fromLong(S, rowEnds);
        for (int r = 0; r < 6; r++) { // rows: d B
            int o = r * 4 * tc + 4 * k;
            FloatVector q0 = FloatVector.fromArray(S, x, o);
            FloatVector q1 = FloatVector.fromArray(S, x, o + L);
            FloatVector q2 = FloatVector.fromArray(S, x, o + 2 * L);
            FloatVector q3 = FloatVector.fromArray(S, x, o + 3 * L);
            FloatVector e0 = EVEN.selectFrom(q0, q1); // columns 0, 2 of tiles 0 .. L/2 - 1
            FloatVector e1 = EVEN.selectFrom(q2, q3);
            FloatVector o0 = ODD.selectFrom(q0, q1); // columns 1, 3
            FloatVector o1 = ODD.selectFrom(q2, q3);
            FloatVector x0 = EVEN.selectFrom(e0, e1);
            FloatVector x1 = EVEN.selectFrom(o0, o1);
            FloatVector x2 = ODD.selectFrom(e0, e1);
            FloatVector x3 = ODD.selectFrom(o0, o1);
            // columns 4 and 5: columns 0 and 1 of the next tiles, as the same permutes give them from 4 floats on
            FloatVector n0 = FloatVector.fromArray(S, x, o + 4);
            FloatVector n1 = FloatVector.fromArray(S, x, o + 4 + L);
            FloatVector n2 = FloatVector.fromArray(S, x, o + 4 + 2 * L);
            FloatVector n3 = FloatVector.fromArray(S, x, o + 4 + 3 * L);
            FloatVector x4 = EVEN.selectFrom(EVEN.selectFrom(n0, n1), EVEN.selectFrom(n2, n3))
                    .blend(FloatVector.fromArray(S, x, 24 * tc + r * tc + k), ends);
            FloatVector x5 = EVEN.selectFrom(ODD.selectFrom(n0, n1), ODD.selectFrom(n2, n3))
                    .blend(FloatVector.fromArray(S, x, 30 * tc + r * tc + k), ends);
            FloatVector a = x2.fma(NEG4, x4); // x4 - 4 x2
            FloatVector b = x1.fma(NEG4, x3); // x3 - 4 x1
            FloatVector e = x4.sub(x2);
            FloatVector f = x3.sub(x1);
            int d = r * 6 * L;
            x0.fma(FOUR, x2.fma(NEG5, x4)).intoArray(tmp, d);
            a.add(b).intoArray(tmp, d + L);
            a.sub(b).intoArray(tmp, d + 2 * L);
            f.fma(TWO, e).intoArray(tmp, d + 3 * L);
            f.fma(NEG2, e).intoArray(tmp, d + 4 * L);
            x1.fma(FOUR, x3.fma(NEG5, x5)).intoArray(tmp, d + 5 * L);
        }
        for (int j = 0; j < 6; j++) { // columns: B^T (d B)
            int o = j * L;
            FloatVector x0 = FloatVector.fromArray(S, tmp, o);
            FloatVector x1 = FloatVector.fromArray(S, tmp, o + 6 * L);
            FloatVector x2 = FloatVector.fromArray(S, tmp, o + 12 * L);
            FloatVector x3 = FloatVector.fromArray(S, tmp, o + 18 * L);
            FloatVector x4 = FloatVector.fromArray(S, tmp, o + 24 * L);
            FloatVector x5 = FloatVector.fromArray(S, tmp, o + 30 * L);
            FloatVector a = x2.fma(NEG4, x4);
            FloatVector b = x1.fma(NEG4, x3);
            FloatVector e = x4.sub(x2);
            FloatVector f = x3.sub(x1);
            int d = vOff + j * vPoint;
            int ds = 6 * vPoint;
            x0.fma(FOUR, x2.fma(NEG5, x4)).intoArray(v, d);
            a.add(b).intoArray(v, d + ds);
            a.sub(b).intoArray(v, d + 2 * ds);
            f.fma(TWO, e).intoArray(v, d + 3 * ds);
            f.fma(NEG2, e).intoArray(v, d + 4 * ds);
            x1.fma(FOUR, x3.fma(NEG5, x5)).intoArray(v, d + 5 * ds);
        }
    }

    /**
     * Y = A^T M A + bias for the L tiles [k, k + L) of one output channel, M's point p at m[mOff + p * mPoint]; output
     * (a, e) of tile k + i to y[a * aStride + 4 (k + i) + e]: the 4 vectors of a row a (lanes = tiles) interleaved
     * by two rounds of two-vector permutes into 4 contiguous vectors (16 scatters before).
     */
    private static void outputTile(float[] y, int aStride, int k, float[] m, int mOff, int mPoint, float bias,
            float[] tmp) {
        for (int i = 0; i < 6; i++) { // rows: M A, 6 x 4
            at(m, mOff + i * 6 * mPoint, mPoint, tmp, i * 4 * L, L);
        }
        for (int e = 0; e < 4; e++) { // columns: A^T (M A), 4 x 4
            at(tmp, e * L, 4 * L, tmp, (24 + e) * L, 4 * L);
        }
        FloatVector bv = FloatVector.broadcast(S, bias);
        for (int a = 0; a < 4; a++) {
            int t = (24 + a * 4) * L;
            FloatVector y0 = FloatVector.fromArray(S, tmp, t).add(bv);
            FloatVector y1 = FloatVector.fromArray(S, tmp, t + L).add(bv);
            FloatVector y2 = FloatVector.fromArray(S, tmp, t + 2 * L).add(bv);
            FloatVector y3 = FloatVector.fromArray(S, tmp, t + 3 * L).add(bv);
            FloatVector p0 = ZIP_LO.selectFrom(y0, y2); // e = 0, 2 of tiles 0 .. L/2 - 1
            FloatVector p1 = ZIP_HI.selectFrom(y0, y2);
            FloatVector p2 = ZIP_LO.selectFrom(y1, y3); // e = 1, 3
            FloatVector p3 = ZIP_HI.selectFrom(y1, y3);
            int o = a * aStride + 4 * k;
            ZIP_LO.selectFrom(p0, p2).intoArray(y, o); // e = 0, 1, 2, 3 of tiles 0 .. L/4 - 1
            ZIP_HI.selectFrom(p0, p2).intoArray(y, o + L);
            ZIP_LO.selectFrom(p1, p3).intoArray(y, o + 2 * L);
            ZIP_HI.selectFrom(p1, p3).intoArray(y, o + 3 * L);
        }
    }

    /** Bits of the lanes l < L whose tile k + l is the last of a row of tw tiles. */
    private static long rowEnds(int k, int tw) {
        long bits = 0;
        for (int l = tw - 1 - k % tw; l < L; l += tw) {
            bits |= 1L << l;
        }
        return bits;
    }

    /** The 1-D output transform A^T x of 6 vectors x_k = src[so + k * ss]; result e to dst[d0 + e * ds]. */
    private static void at(float[] src, int so, int ss, float[] dst, int d0, int ds) {
        FloatVector x0 = FloatVector.fromArray(S, src, so);
        FloatVector x1 = FloatVector.fromArray(S, src, so + ss);
        FloatVector x2 = FloatVector.fromArray(S, src, so + 2 * ss);
        FloatVector x3 = FloatVector.fromArray(S, src, so + 3 * ss);
        FloatVector x4 = FloatVector.fromArray(S, src, so + 4 * ss);
        FloatVector x5 = FloatVector.fromArray(S, src, so + 5 * ss);
        FloatVector s12 = x1.add(x2);
        FloatVector d12 = x1.sub(x2);
        FloatVector s34 = x3.add(x4);
        FloatVector d34 = x3.sub(x4);
        x0.add(s12).add(s34).intoArray(dst, d0);
        d34.fma(TWO, d12).intoArray(dst, d0 + ds);
        s34.fma(FOUR, s12).intoArray(dst, d0 + 2 * ds);
        d34.fma(EIGHT, d12).add(x5).intoArray(dst, d0 + 3 * ds);
    }

    /**
     * U = G g G^T for every filter, in 8-row panels per group and point:
     * u[((grp * 36 + p) * panels + pnl) * icg * 8 + ci * 8 + j] for output channel grp * opg + pnl * 8 + j.
     * Vectors run along the panel's (ci, j) pairs, so that each point's results are stored contiguously; the 9 taps
     * of L filters are gathered.
     */
    static void transformWeights(float[] u, float[] weight, int groups, int icg, int opg) {
        int panels = opg / R;
        int flats = R * icg; // (ci, j) pairs of a panel, f = ci * R + j
        int[] idx = new int[flats];
        for (int f = 0; f < flats; f++) {
            idx[f] = (f % R * icg + f / R) * 9;
        }
        int vectorFlats = flats / L * L;
        Parallel.forRange(groups * panels, gp -> {
            int grp = gp / panels;
            int pnl = gp % panels;
            int w = (grp * opg + pnl * R) * icg * 9;
            int u0 = (grp * P * panels + pnl) * flats; // point p at u0 + p * panels * flats
            int pointStride = panels * flats;
            float[] tmp = new float[18 * L];
            float[] block = new float[P * BLOCK_FLATS]; // point p of flats [f0, f0 + BLOCK_FLATS) at p * BLOCK_FLATS
            for (int f0 = 0; f0 < vectorFlats; f0 += BLOCK_FLATS) {
                int len = Math.min(BLOCK_FLATS, vectorFlats - f0);
                for (int f = 0; f < len; f += L) {
                    for (int b = 0; b < 3; b++) { // columns: G g, 6 x 3
                        FloatVector x0 = FloatVector.fromArray(S, weight, w + b, idx, f0 + f);
                        FloatVector x1 = FloatVector.fromArray(S, weight, w + 3 + b, idx, f0 + f);
                        FloatVector x2 = FloatVector.fromArray(S, weight, w + 6 + b, idx, f0 + f);
                        g1(x0, x1, x2, tmp, b * L, 3 * L);
                    }
                    for (int i = 0; i < 6; i++) { // rows: (G g) G^T, 6 x 6
                        g1(FloatVector.fromArray(S, tmp, i * 3 * L), FloatVector.fromArray(S, tmp, (i * 3 + 1) * L),
                                FloatVector.fromArray(S, tmp, (i * 3 + 2) * L), block, i * 6 * BLOCK_FLATS + f,
                                BLOCK_FLATS);
                    }
                }
                // one contiguous run per point (36 stores per vector straight into u, a multiple of 4 KiB apart,
                // ran 3x slower)
                for (int p = 0; p < P; p++) {
                    System.arraycopy(block, p * BLOCK_FLATS, u, u0 + p * pointStride + f0, len);
                }
            }
            float[] gg = new float[18];
            float[] uu = new float[P];
            for (int f = vectorFlats; f < flats; f++) {
                int wf = w + idx[f];
                for (int b = 0; b < 3; b++) {
                    g1(weight[wf + b], weight[wf + 3 + b], weight[wf + 6 + b], gg, b, 3);
                }
                for (int i = 0; i < 6; i++) {
                    g1(gg[i * 3], gg[i * 3 + 1], gg[i * 3 + 2], uu, i * 6, 1);
                }
                for (int p = 0; p < P; p++) {
                    u[u0 + p * pointStride + f] = uu[p];
                }
            }
        });
    }

    /** The 1-D filter transform G x of 3 vectors; result i to dst[off + i * stride]. */
    private static void g1(FloatVector x0, FloatVector x1, FloatVector x2, float[] dst, int off, int stride) {
        FloatVector s = x0.add(x2);
        FloatVector q = x0.mul(1f / 24).add(x2.mul(1f / 6));
        FloatVector h = x1.mul(1f / 12);
        x0.mul(0.25f).intoArray(dst, off);
        s.add(x1).mul(-1f / 6).intoArray(dst, off + stride);
        s.sub(x1).mul(-1f / 6).intoArray(dst, off + 2 * stride);
        q.add(h).intoArray(dst, off + 3 * stride);
        q.sub(h).intoArray(dst, off + 4 * stride);
        x2.intoArray(dst, off + 5 * stride);
    }

    /** {@link #g1(FloatVector, FloatVector, FloatVector, float[], int, int)} on 3 floats, with the same roundings. */
    private static void g1(float x0, float x1, float x2, float[] dst, int off, int stride) {
        float s = x0 + x2;
        float q = x0 * (1f / 24) + x2 * (1f / 6);
        float h = x1 * (1f / 12);
        dst[off] = x0 * 0.25f;
        dst[off + stride] = (s + x1) * (-1f / 6);
        dst[off + 2 * stride] = (s - x1) * (-1f / 6);
        dst[off + 3 * stride] = q + h;
        dst[off + 4 * stride] = q - h;
        dst[off + 5 * stride] = x2;
    }

    /** Vector lanes of tile rows cut into chunks of rowsPerChunk rows of tw tiles. */
    private static int lanes(int tileRows, int rowsPerChunk, int tw) {
        int full = tileRows / rowsPerChunk;
        int rest = tileRows % rowsPerChunk;
        return full * roundUp(rowsPerChunk * tw, L) + roundUp(rest * tw, L);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
