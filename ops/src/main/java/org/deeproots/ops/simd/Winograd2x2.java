package org.deeproots.ops.simd;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Winograd F(2x2, 3x3) for the 3x3 stride-1 convolutions whose calls have too few 4x4 output tiles for
 * {@link Winograd}'s F(4x4, 3x3): 7x7 images at batch 1 have 4 such tiles, a quarter of a 512-bit vector, but 16
 * tiles of 2x2. Each 2x2 output tile comes from its 4x4 input window: V = B^T d B, 16 products U V of (output
 * channels x input channels) x (input channels x tiles) on the 1x1 GEMM's register tiles, Y = A^T M A; 4
 * multiply-adds per output and input channel instead of 9 (F(4x4) needs 2.25).
 *
 * <p>All the call's tiles lie along the lanes (rounded up to whole vectors). The window elements are gathered
 * straight from the NCHW input and the outputs scattered back, with lane masks for the padding and the partial
 * tiles at the right and bottom edges: with so few tiles the transforms are a small part of the work, which is the
 * products, one weight broadcast per vector of tiles. The filters are transformed once and cached in
 * {@link PackCache} (16/9 of the weights).
 *
 * <p>Steps, each split over the threads: the input transform per input channel, the products per (group, point,
 * panel of 8 output channels), the output transform per output channel. Every value is computed by one task in a
 * fixed order, so results do not depend on the thread count.
 */
final class Winograd2x2 {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();
    private static final int R = GemmTiles.R;
    /** Points of the transformed 4x4 window. */
    private static final int P = 16;
    /** V and M of the calling thread's calls, shared with the workers for the duration of a call. */
    private static final ThreadLocal<float[][]> CALLER = ThreadLocal.withInitial(() -> new float[2][]);
    private static final ThreadLocal<float[]> TMP = ThreadLocal.withInitial(() -> new float[P * L]);

    private Winograd2x2() {
    }

    /**
     * Multiply-adds per output position below which F(2x2) does not pay (input channels x output channels per group;
     * 192 x 192).
     */
    private static final long MIN_PRODUCTS = 192 * 192;

    /**
     * True where {@link #forward} is used: 3x3, stride 1, output channels per group a multiple of 8; in auto mode
     * ({@code -Ddeeproots.conv.winograd}) also at least 128 input and output channels per group, at least
     * {@link #MIN_PRODUCTS} multiply-adds per output position, and too few tiles for F(4x4) ({@link Winograd#applies}
     * false); forced with the mode "small"; never with "on" (F(4x4) everywhere) or "off". The products must be large
     * enough for their per-call costs (the transformed filters, 16/9 of the weights, are streamed from memory once per
     * call). Batch 1, 7x7, 2 threads, frozen weights, direct kernels against F(2x2), two alternations of JVMs, ms:
     * 512 channels 1.095-1.101 -> 0.564 (the direct kernels forced with {@code off}); 512 at 4 groups (128 per
     * group) 0.249-0.254 -> 0.232-0.237; GoogLeNet's 192 -> 384 0.299-0.300 -> 0.187-0.189 and 160 -> 320 0.200-0.201
     * -> 0.146-0.147; 192 -> 192 0.144-0.145 -> 0.122-0.123. Level or slower below the threshold: 160 -> 160
     * 0.099 -> 0.097-0.099, 256 at 2 groups 0.126-0.127 -> 0.128-0.129, 128 -> 128 0.063 -> 0.078; 512 at 8 groups
     * (64 per group) 1.5x slower.
     */
    static boolean applies(ConvGeometry g) {
        String m = Winograd.mode;
        if (g.kh() != 3 || g.kw() != 3 || g.stride() != 1 || g.outPerGroup() % R != 0) {
            return false;
        }
        if ("small".equals(m)) {
            return true;
        }
        int perGroup = Math.min(g.inPerGroup(), g.outPerGroup());
        return "auto".equals(m) && perGroup >= 128 && (long) g.inC() * g.outPerGroup() >= MIN_PRODUCTS
                && !Winograd.applies(g);
    }

    /**
     * out (n, outC, outH, outW) = conv(in, weight) + bias where the shape conditions of {@link #applies} hold, then
     * max(out, 0) where {@code relu}, channel by channel.
     */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean relu) {
        int groups = g.groups();
        int icg = g.inPerGroup();
        int opg = g.outPerGroup();
        int panels = opg / R;
        float[] u = ConvDirect.PACKED.get(weight, List.of("winograd2x2", groups, icg, opg), groups * P * opg * icg,
                dst -> transformWeights(dst, weight, groups, icg, opg));
        Tiles t = Tiles.of(g);
        int tc = t.tc;
        float[][] caller = CALLER.get();
        float[] v = ConvDirect.grow(caller, 0, groups * P * icg * tc); // (group, point, input channel, tile)
        float[] m = ConvDirect.grow(caller, 1, groups * P * opg * tc); // (group, point, output channel, tile)
        int hw = g.h() * g.w();
        Parallel.forRange(g.inC(), c -> {
            float[] tmp = TMP.get();
            int grp = c / icg;
            int vb = (grp * P * icg + c % icg) * tc;
            for (int tv = 0; tv < tc; tv += L) {
                inputTile(v, vb + tv, icg * tc, in, c * hw, t, tv, tmp);
            }
        });
        Parallel.forRange(groups * P * panels, item -> {
            int pn = item % panels;
            int gp = item / panels; // group * P + point
            int ub = (gp * panels + pn) * icg * R;
            int vx = gp * icg * tc;
            Winograd.panelProducts(u, ub, v, vx, tc, icg, m, (gp * opg + pn * R) * tc, tc);
        });
        int ohw = g.outH() * g.outW();
        Parallel.forRange(g.outC(), oc -> {
            float[] tmp = TMP.get();
            int grp = oc / opg;
            int mb = (grp * P * opg + oc % opg) * tc;
            float b = bias == null ? 0f : bias[oc];
            for (int tv = 0; tv < tc; tv += L) {
                outputTile(out, oc * ohw, b, m, mb + tv, opg * tc, t, tv, tmp);
            }
            if (relu) {
                for (int img = 0; img < g.n(); img++) {
                    int plane = (img * g.outC() + oc) * ohw;
                    Relu.inPlace(out, plane, plane + ohw);
                }
            }
        });
    }

    /**
     * The call's 2x2 tiles (image, tile row, tile column) along the lanes, rounded up to tc: for window element e =
     * i * 4 + j of tile k, its offset from the image's channel plane in the input ({@code inIdx[e * tc + k]}, 0
     * where masked) and one mask bit per lane of each vector ({@code inMask[e * tc / L + k / L]}); likewise for
     * output element a * 2 + b.
     */
    private record Tiles(int tc, int[] inIdx, long[] inMask, int[] outIdx, long[] outMask) {
        static Tiles of(ConvGeometry g) {
            int h = g.h();
            int w = g.w();
            int oh = g.outH();
            int ow = g.outW();
            int th = (oh + 1) / 2;
            int tw = (ow + 1) / 2;
            int count = g.n() * th * tw;
            int tc = (count + L - 1) / L * L;
            int vectors = tc / L;
            int[] inIdx = new int[P * tc];
            long[] inMask = new long[P * vectors];
            int[] outIdx = new int[4 * tc];
            long[] outMask = new long[4 * vectors];
            for (int k = 0; k < count; k++) {
                int img = k / (th * tw);
                int ty = k / tw % th;
                int tx = k % tw;
                for (int e = 0; e < P; e++) {
                    int y = 2 * ty + e / 4 - g.pad();
                    int x = 2 * tx + e % 4 - g.pad();
                    if (y >= 0 && y < h && x >= 0 && x < w) {
                        inIdx[e * tc + k] = img * g.inC() * h * w + y * w + x;
                        inMask[e * vectors + k / L] |= 1L << (k % L);
                    }
                }
                for (int e = 0; e < 4; e++) {
                    int y = 2 * ty + e / 2;
                    int x = 2 * tx + e % 2;
                    if (y < oh && x < ow) {
                        outIdx[e * tc + k] = img * g.outC() * oh * ow + y * ow + x;
                        outMask[e * vectors + k / L] |= 1L << (k % L);
                    }
                }
            }
            return new Tiles(tc, inIdx, inMask, outIdx, outMask);
        }

        VectorMask<Float> in(int e, int k) {
            return VectorMask.fromLong(S, inMask[e * (tc / L) + k / L]);
        }

        VectorMask<Float> out(int e, int k) {
            return VectorMask.fromLong(S, outMask[e * (tc / L) + k / L]);
        }
    }

    /**
     * V = B^T d B for the L tiles [k, k + L) of one input channel whose plane starts at in[plane]: columns of the
     * window gathered and B^T applied into tmp, then the rows times B, point p = i * 4 + j to v[vOff + p * vPoint].
     */
    private static void inputTile(float[] v, int vOff, int vPoint, float[] in, int plane, Tiles t, int k,
                                  float[] tmp) {
        int tc = t.tc;
        for (int j = 0; j < 4; j++) {
            FloatVector d0 = FloatVector.fromArray(S, in, plane, t.inIdx, j * tc + k, t.in(j, k));
            FloatVector d1 = FloatVector.fromArray(S, in, plane, t.inIdx, (4 + j) * tc + k, t.in(4 + j, k));
            FloatVector d2 = FloatVector.fromArray(S, in, plane, t.inIdx, (8 + j) * tc + k, t.in(8 + j, k));
            FloatVector d3 = FloatVector.fromArray(S, in, plane, t.inIdx, (12 + j) * tc + k, t.in(12 + j, k));
            d0.sub(d2).intoArray(tmp, j * L);
            d1.add(d2).intoArray(tmp, (4 + j) * L);
            d2.sub(d1).intoArray(tmp, (8 + j) * L);
            d1.sub(d3).intoArray(tmp, (12 + j) * L);
        }
        for (int i = 0; i < 4; i++) {
            FloatVector x0 = FloatVector.fromArray(S, tmp, i * 4 * L);
            FloatVector x1 = FloatVector.fromArray(S, tmp, (i * 4 + 1) * L);
            FloatVector x2 = FloatVector.fromArray(S, tmp, (i * 4 + 2) * L);
            FloatVector x3 = FloatVector.fromArray(S, tmp, (i * 4 + 3) * L);
            int o = vOff + i * 4 * vPoint;
            x0.sub(x2).intoArray(v, o);
            x1.add(x2).intoArray(v, o + vPoint);
            x2.sub(x1).intoArray(v, o + 2 * vPoint);
            x1.sub(x3).intoArray(v, o + 3 * vPoint);
        }
    }

    /**
     * Y = A^T M A + bias for the L tiles [k, k + L) of one output channel (point p of the products at
     * m[mOff + p * mPoint]), scattered into the plane that starts at out[plane].
     */
    private static void outputTile(float[] out, int plane, float bias, float[] m, int mOff, int mPoint, Tiles t,
                                   int k, float[] tmp) {
        int tc = t.tc;
        for (int j = 0; j < 4; j++) { // columns: A^T M, 2 x 4
            FloatVector m0 = FloatVector.fromArray(S, m, mOff + j * mPoint);
            FloatVector m1 = FloatVector.fromArray(S, m, mOff + (4 + j) * mPoint);
            FloatVector m2 = FloatVector.fromArray(S, m, mOff + (8 + j) * mPoint);
            FloatVector m3 = FloatVector.fromArray(S, m, mOff + (12 + j) * mPoint);
            m0.add(m1).add(m2).intoArray(tmp, j * L);
            m1.sub(m2).sub(m3).intoArray(tmp, (4 + j) * L);
        }
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int a = 0; a < 2; a++) { // rows: (A^T M) A, 2 x 2
            FloatVector s0 = FloatVector.fromArray(S, tmp, a * 4 * L);
            FloatVector s1 = FloatVector.fromArray(S, tmp, (a * 4 + 1) * L);
            FloatVector s2 = FloatVector.fromArray(S, tmp, (a * 4 + 2) * L);
            FloatVector s3 = FloatVector.fromArray(S, tmp, (a * 4 + 3) * L);
            s0.add(s1).add(s2).add(b).intoArray(out, plane, t.outIdx, 2 * a * tc + k, t.out(2 * a, k));
            s1.sub(s2).sub(s3).add(b).intoArray(out, plane, t.outIdx, (2 * a + 1) * tc + k, t.out(2 * a + 1, k));
        }
    }

    /**
     * U = G g G^T for every filter, G = (1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1), in 8-row panels per group and
     * point as {@link Winograd#transformWeights}: u[((grp * 16 + p) * panels + pnl) * icg * 8 + ci * 8 + j] for
     * output channel grp * opg + pnl * 8 + j.
     */
    static void transformWeights(float[] u, float[] weight, int groups, int icg, int opg) {
        int panels = opg / R;
        Parallel.forRange(groups * opg, oc -> {
            int grp = oc / opg;
            int pnl = oc % opg / R;
            int j = oc % R;
            float[] gg = new float[12];
            for (int ci = 0; ci < icg; ci++) {
                int w = (oc * icg + ci) * 9;
                for (int c = 0; c < 3; c++) { // G g, 4 x 3
                    float g0 = weight[w + c];
                    float g1 = weight[w + 3 + c];
                    float g2 = weight[w + 6 + c];
                    gg[c] = g0;
                    gg[3 + c] = (g0 + g1 + g2) * 0.5f;
                    gg[6 + c] = (g0 - g1 + g2) * 0.5f;
                    gg[9 + c] = g2;
                }
                for (int i = 0; i < 4; i++) { // (G g) G^T, 4 x 4
                    float a = gg[i * 3];
                    float b = gg[i * 3 + 1];
                    float c = gg[i * 3 + 2];
                    int u0 = ((grp * P + i * 4) * panels + pnl) * icg * R + ci * R + j;
                    int pointStride = panels * icg * R;
                    u[u0] = a;
                    u[u0 + pointStride] = (a + b + c) * 0.5f;
                    u[u0 + 2 * pointStride] = (a - b + c) * 0.5f;
                    u[u0 + 3 * pointStride] = c;
                }
            }
        });
    }
}
