package org.deeproots.ops.simd;

import java.util.Arrays;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Backward passes of the convolution.
 *
 * <p>Input gradient: a stride-1 convolution of dOut (dilated by the stride: zeros between samples) with the
 * weights flipped in space and transposed per group, run by {@link ConvDirect}; the padding becomes
 * {@code k - 1 - pad}. For stride 2 the dilation wastes 3/4 of the multiply-adds on zeros but keeps the fast
 * tiles; ResNet's few strided layers pay that. Stride-1 3x3 layers where {@link Winograd} applies take it (with the
 * transposed weights transformed for the call).
 *
 * <p>Weight gradient: dW[oc][ic][t] = sum over images and positions of dOut[oc][q] * x[ic][q + tap(t)], as dot
 * products along positions ({@link ConvTiles} {@code bw4x4}: 4 output channels x 4 (ic, tap) columns). The
 * input is laid out as in the forward pass (padded direct rows for stride 1, im2col planes for strides > 1) and
 * dOut in the same position layout with zeros at the garbage positions, for a chunk of images at a time. Work
 * items are (group, block of output channels, block of columns); each walks the positions in cache-sized
 * blocks, so the partial sums are added in a fixed order and the result does not depend on the thread count.
 */
final class ConvBackward {
    private static final int L = ConvTiles.L;
    private static final int SLACK = 12 * L;
    /** Positions per block of the weight-gradient reduction. */
    private static final int QBLOCK = 1024;
    /** Floats of input + dOut buffers per image chunk. */
    private static final long CHUNK_FLOATS = 6L << 20;
    /**
     * Up to this many positions per call (and with >= 5 L columns and 4 output channels per group) the weight
     * gradient runs as a transposed GEMM.
     */
    private static final int SMALL_POSITIONS = 512;
    private static final int[] TAP0 = {0};

    private ConvBackward() {
    }

    static void backwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        int opg = g.outPerGroup();
        int icg = g.inPerGroup();
        int taps = g.kh() * g.kw();
        // weightT (inC, opg, kh, kw): per group, transposed and flipped in space
        float[] wt = new float[weight.length];
        Parallel.forRange(g.inC(), c -> {
            int grp = c / icg;
            int icl = c % icg;
            for (int o = 0; o < opg; o++) {
                int src = ((grp * opg + o) * icg + icl) * taps;
                int dst = (c * opg + o) * taps;
                for (int t = 0; t < taps; t++) {
                    wt[dst + t] = weight[src + taps - 1 - t];
                }
            }
        });
        if (g.stride() == 1 && g.kh() == g.kw() && g.pad() <= g.kh() - 1) {
            // the same convolution as a geometry, for Winograd: dOut (n, outC, outH, outW) -> dIn (n, inC, h, w)
            ConvGeometry t = new ConvGeometry(g.n(), g.outC(), g.inC(), g.groups(), g.outH(), g.outW(), g.kh(),
                    g.kw(), 1, g.kh() - 1 - g.pad());
            if (Winograd.appliesUncached(t)) {
                Winograd.forward(dIn, dOut, wt, null, t, false);
                return;
            }
        }
        ConvPlan p = ConvPlan.of(g.n(), g.outC(), g.outH(), g.outW(), g.groups(), g.inC(), g.kh(), g.kw(), 1,
                g.stride(), g.kh() - 1 - g.pad(), g.kw() - 1 - g.pad(), g.h(), g.w());
        ConvDirect.forward(dIn, dOut, wt, null, p, false);
    }

    static void backwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        Arrays.fill(dWeight, 0f);
        if (dBias != null) {
            biasGrad(dBias, dOut, g);
        }
        ConvPlan p = ConvPlan.of(g.n(), g.inC(), g.h(), g.w(), g.groups(), g.outC(), g.kh(), g.kw(), g.stride(), 1,
                g.pad(), g.pad(), g.outH(), g.outW());
        int perImage = p.hv() * p.wq();
        long floatsPerImage = (long) g.inC() * perImage * (p.direct() ? 1 : p.taps()) + (long) g.outC() * perImage;
        int imgs = (int) Math.max(1, Math.min(g.n(), CHUNK_FLOATS / Math.max(1, floatsPerImage)));
        for (int b0 = 0; b0 < g.n(); b0 += imgs) {
            chunk(dWeight, dOut, in, p, b0, Math.min(imgs, g.n() - b0), imgs >= g.n());
        }
    }

    private static void chunk(float[] dW, float[] dOut, float[] in, ConvPlan p, int b0, int imgs, boolean whole) {
        int rows = imgs * p.hv();
        int y0 = b0 * p.hv();
        int plane = p.planeLength(rows, SLACK);
        int nq = rows * p.wq();
        int dPlane = ConvPlan.roundUp(nq, L);
        float[] xs = new float[p.c() * plane]; // (c, plane): padded rows or im2col taps
        float[] ds = new float[p.oc() * dPlane]; // (oc, positions), zeros at garbage positions
        int fillItems = p.c() + p.oc();
        Parallel.forRange(fillItems, i -> {
            if (i < p.c()) {
                p.fill(xs, i * plane, in, y0, rows, i, 1, SLACK);
            } else {
                fillDOut(ds, dPlane, dOut, p, i - p.c(), y0, rows);
            }
        });
        int icg = p.icg();
        int opg = p.opg();
        int nTaps = p.taps();
        int k = icg * nTaps;
        int tapPlane = p.direct() ? 0 : p.tapPlane(rows, SLACK);
        int[] taps = p.tapOffsets(tapPlane);
        int[] koff = new int[k]; // (icg * taps): offset of column k from the group's first plane
        for (int ic = 0; ic < icg; ic++) {
            for (int t = 0; t < nTaps; t++) {
                koff[ic * nTaps + t] = ic * plane + taps[t];
            }
        }
        if (whole && nq <= SMALL_POSITIONS && k >= 5 * L && opg >= 4) {
            transposed(dW, ds, dPlane, xs, plane, koff, p, nq);
            return;
        }
        int ocBlock = 16;
        int kBlock = 36;
        int ocBlocks = (opg + ocBlock - 1) / ocBlock;
        int kBlocks = (k + kBlock - 1) / kBlock;
        Parallel.forRange(p.groups() * ocBlocks * kBlocks, item -> {
            int kb = item % kBlocks;
            int ob = (item / kBlocks) % ocBlocks;
            int grp = item / (kBlocks * ocBlocks);
            int o0 = ob * ocBlock;
            int o1 = Math.min(opg, o0 + ocBlock);
            int k0 = kb * kBlock;
            int k1 = Math.min(k, k0 + kBlock);
            int xg = grp * icg * plane;
            for (int q0 = 0; q0 < nq; q0 += QBLOCK) {
                int len = Math.min(QBLOCK, nq - q0);
                int o = o0;
                for (; o + 4 <= o1; o += 4) {
                    int dBase = (grp * opg + o) * dPlane + q0;
                    int dwRow = (grp * opg + o) * k;
                    int kk = k0;
                    for (; kk + 4 <= k1; kk += 4) {
                        ConvTiles.bw4x4(ds, dBase, dPlane, xs, xg + koff[kk] + q0, xg + koff[kk + 1] + q0,
                                xg + koff[kk + 2] + q0, xg + koff[kk + 3] + q0, len, dW, dwRow + kk, k, 1);
                    }
                    for (; kk < k1; kk++) {
                        ConvTiles.bw4x1(ds, dBase, dPlane, xs, xg + koff[kk] + q0, len, dW, dwRow + kk, k, 1);
                    }
                }
                for (; o < o1; o++) {
                    int dBase = (grp * opg + o) * dPlane + q0;
                    int dwRow = (grp * opg + o) * k;
                    int kk = k0;
                    for (; kk + 6 <= k1; kk += 6) {
                        ConvTiles.bw1x6(ds, dBase, dPlane, xs, xg + koff[kk] + q0, xg + koff[kk + 1] + q0,
                                xg + koff[kk + 2] + q0, xg + koff[kk + 3] + q0, xg + koff[kk + 4] + q0,
                                xg + koff[kk + 5] + q0, len, dW, dwRow + kk, k, 1);
                    }
                    for (; kk < k1; kk++) {
                        ConvTiles.bw1x1(ds, dBase, dPlane, xs, xg + koff[kk] + q0, len, dW, dwRow + kk, k, 1);
                    }
                }
            }
        });
    }

    /**
     * The weight gradient for few positions (the whole batch in one chunk): dW (oc, k) = sum_q dOut (oc, q) x
     * im2colT (q, k), vectorised along k with dOut broadcast ({@link ConvTiles} {@code fwd4x5}), so there is no
     * horizontal sum per output (which, at 64 positions, cost more than the multiply-adds). Overwrites dW.
     */
    private static void transposed(float[] dW, float[] ds, int dPlane, float[] xs, int plane, int[] koff, ConvPlan p,
                                   int nq) {
        int icg = p.icg();
        int opg = p.opg();
        int k = koff.length;
        int kTile = 5 * L;
        int kp = ConvPlan.roundUp(k, kTile);
        float[] xt = new float[p.groups() * nq * kp]; // (groups, q, kp): the group's im2col, transposed
        Parallel.forRange(p.groups() * nq, gq -> {
            int grp = gq / nq;
            int q = gq % nq;
            int dst = gq * kp;
            int xg = grp * icg * plane + q;
            for (int kk = 0; kk < k; kk++) {
                xt[dst + kk] = xs[xg + koff[kk]];
            }
        });
        int kTiles = kp / kTile;
        int oTiles = (opg + 3) / 4;
        Parallel.forRange(p.groups() * oTiles * kTiles, item -> {
            int kt = item % kTiles;
            int ot = (item / kTiles) % oTiles;
            int grp = item / (kTiles * oTiles);
            int k0 = kt * kTile;
            int o0 = ot * 4;
            int rowsHere = Math.min(4, opg - o0);
            float[] tile = new float[4 * kTile]; // (4, kTile)
            int xBase = grp * nq * kp + k0;
            int oc0 = grp * opg + o0;
            if (rowsHere == 4) {
                ConvTiles.fwd4x5(xt, xBase, kp, TAP0, 1, nq, ds, oc0 * dPlane, dPlane, tile, 0, kTile);
            } else {
                for (int j = 0; j < rowsHere; j++) {
                    for (int v = 0; v < 5; v++) {
                        ConvTiles.fwd1x1(xt, xBase + v * L, kp, TAP0, 1, nq, ds, (oc0 + j) * dPlane, dPlane, tile,
                                j * kTile + v * L, kTile);
                    }
                }
            }
            int cols = Math.min(kTile, k - k0);
            for (int j = 0; j < rowsHere; j++) {
                System.arraycopy(tile, j * kTile, dW, (oc0 + j) * k + k0, cols);
            }
        });
    }

    /** dOut channel oc of the chunk in the plan's position layout, zeros at garbage positions. */
    private static void fillDOut(float[] ds, int dPlane, float[] dOut, ConvPlan p, int oc, int y0, int rows) {
        int oh = p.oh();
        int ow = p.ow();
        int wq = p.wq();
        int base = oc * dPlane;
        for (int r = 0; r < rows; r++) {
            int yy = y0 + r;
            int img = yy / p.hv();
            int y = yy % p.hv();
            int dst = base + r * wq;
            if (y < oh) {
                System.arraycopy(dOut, ((img * p.oc() + oc) * oh + y) * ow, ds, dst, ow);
            }
            // columns ow..wq stay zero (fresh buffer)
        }
    }

    static void biasGrad(float[] dBias, float[] dOut, ConvGeometry g) {
        int hw = g.outH() * g.outW();
        Parallel.forRange(g.outC(), oc -> {
            double s = 0;
            for (int b = 0; b < g.n(); b++) {
                s += sum(dOut, (b * g.outC() + oc) * hw, hw);
            }
            dBias[oc] = (float) s;
        });
    }

    /** Sum of a[from .. from + len): vector body, scalar tail. */
    static float sum(float[] a, int from, int len) {
        jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(ConvTiles.S);
        int bound = ConvTiles.S.loopBound(len);
        int i = 0;
        for (; i < bound; i += L) {
            acc = acc.add(jdk.incubator.vector.FloatVector.fromArray(ConvTiles.S, a, from + i));
        }
        float s = ConvTiles.sumLanes(acc);
        for (; i < len; i++) {
            s += a[from + i];
        }
        return s;
    }
}
