package org.deeproots.ops.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
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
 * products along positions ({@link WeightGradTiles}: 4 output channels x 6 (ic, tap) columns). The input is laid
 * out as in the forward pass (padded direct rows for stride 1, im2col planes for strides > 1) and dOut in the same
 * position layout with zeros at the garbage positions and up to a whole vector, for a chunk of images at a time.
 * Work items are (group, block of {@value #OC_BLOCK} output channels, block of {@value #K_BLOCK} columns); each walks
 * the positions in blocks of {@value #QBLOCK}, keeps one vector of partial sums per weight across the blocks
 * and reduces its lanes once, at the end, so the sums are added in a fixed order and the result does not depend on
 * the thread count. (Reducing the lanes after every block of 1024 positions took 55% of the time.)
 */
final class ConvBackward {
    private static final int L = ConvTiles.L;
    private static final int SLACK = 12 * L;
    /**
     * Positions per block of the weight-gradient reduction (64 channels 56x56 and 256 channels 14x14 at batch 10: 128
     * positions 131-146 GFLOP/s, 256 158-162, 512 173-179, 1024 188-190, 2048 183-185).
     */
    private static final int QBLOCK = 1024;
    /**
     * Output channels and (input channel, tap) columns per weight-gradient work item: columns in whole 4 x 6 tiles
     * and whole trees of {@link SimdConstants#addLaneSums16} (with 36 columns, the 4 left to lane-by-lane sums took 30%
     * of 512 channels 7x7 at batch 10).
     */
    private static final int OC_BLOCK = 16;
    private static final int K_BLOCK = 48;
    /**
     * Per calling thread: the chunk's input and dOut in the position layout and the transposed im2col. New arrays per
     * call (17 MiB for 64 channels 56x56 at batch 10) cost their zeroing and page faults on every call.
     */
    private static final ThreadLocal<float[][]> CHUNK = ThreadLocal.withInitial(() -> new float[3][]);
    /** Per worker: an item's vector partial sums, (OC_BLOCK, K_BLOCK, L), or a tile of {@link #transposed}. */
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[1][]);
    /** Floats of input + dOut buffers per image chunk. */
    private static final long CHUNK_FLOATS = 6L << 20;
    /**
     * Up to this many positions per call (and with >= 5 L columns and 4 output channels per group) the weight
     * gradient runs as a transposed GEMM. Since the tiles reduce their lanes once per item, they are faster from 256
     * positions on (batch 1, 2 threads: 256 channels 14x14, 16x16 padded, 1.9-2.6x; NiN's 96 -> 192 5x5 at 16x16,
     * 20x20 padded, 1.9-2.9x), and level or slower at 81 and 100 (7x7 and 8x8 padded) with few groups (0.87-1.0x;
     * 1.1-1.5x with 8 and 32 groups).
     */
    private static final int SMALL_POSITIONS = 128;
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
        ConvDirect.forward(dIn, dOut, wt, null, p, false, false);
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
        float[][] buffers = CHUNK.get();
        float[] xs = ConvDirect.grow(buffers, 0, p.c() * plane); // (c, plane): padded rows or im2col taps
        float[] ds = ConvDirect.grow(buffers, 1, p.oc() * dPlane); // (oc, positions), zeros at garbage positions
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
        int ocBlocks = (opg + OC_BLOCK - 1) / OC_BLOCK;
        int kBlocks = (k + K_BLOCK - 1) / K_BLOCK;
        int accRow = K_BLOCK * L;
        Parallel.forRange(p.groups() * ocBlocks * kBlocks, item -> {
            int kb = item % kBlocks;
            int ob = (item / kBlocks) % ocBlocks;
            int grp = item / (kBlocks * ocBlocks);
            int o0 = ob * OC_BLOCK;
            int o1 = Math.min(opg, o0 + OC_BLOCK);
            int k0 = kb * K_BLOCK;
            int k1 = Math.min(k, k0 + K_BLOCK);
            int xg = grp * icg * plane;
            float[] acc = ConvDirect.grow(ACC.get(), 0, OC_BLOCK * accRow);
            Arrays.fill(acc, 0, OC_BLOCK * accRow, 0f);
            // whole vectors up to dPlane: ds is zero beyond the chunk's positions, and each x window stays in its plane
            for (int q0 = 0; q0 < dPlane; q0 += QBLOCK) {
                int len = Math.min(QBLOCK, dPlane - q0);
                for (int o = o0; o < o1; ) {
                    boolean quad = o + 4 <= o1; // 4 output channels per tile, then one by one
                    columns(acc, (o - o0) * accRow, accRow, quad, ds, (grp * opg + o) * dPlane + q0, dPlane, xs,
                            xg + q0, koff, k0, k1, len, 1, 0, 0);
                    o += quad ? 4 : 1;
                }
            }
            for (int o = o0; o < o1; o++) {
                SimdConstants.addLaneSums(acc, (o - o0) * accRow, dW, (grp * opg + o) * k + k0, k1 - k0);
            }
        });
    }

    /**
     * acc += 4 rows of d (quad) or one, against the columns [k0, k1) of x, column kk at x[xBase + xoff[kk] + q]:
     * {@link WeightGradTiles} of 6 columns, then one of 4, then single columns; the sums of row i and column kk at
     * acc[ai + i * accRow + (kk - k0) * L]. Shared with {@link Gemm1x1Grad} (its columns are input channel rows).
     */
    static void columns(float[] acc, int ai, int accRow, boolean quad, float[] d, int dBase, int dStride, float[] x,
            int xBase, int[] xoff, int k0, int k1, int len, int runs, int dRun, int xRun) {
        int kk = k0;
        for (; kk + 6 <= k1; kk += 6) {
            int a = ai + (kk - k0) * L;
            int x0 = xBase + xoff[kk];
            int x1 = xBase + xoff[kk + 1];
            int x2 = xBase + xoff[kk + 2];
            int x3 = xBase + xoff[kk + 3];
            int x4 = xBase + xoff[kk + 4];
            int x5 = xBase + xoff[kk + 5];
            if (quad) {
                WeightGradTiles.a4x6(acc, a, accRow, d, dBase, dStride, x, x0, x1, x2, x3, x4, x5, len, runs, dRun,
                        xRun);
            } else {
                WeightGradTiles.a1x6(acc, a, accRow, d, dBase, dStride, x, x0, x1, x2, x3, x4, x5, len, runs, dRun,
                        xRun);
            }
        }
        if (kk + 4 <= k1) {
            int a = ai + (kk - k0) * L;
            int x0 = xBase + xoff[kk];
            int x1 = xBase + xoff[kk + 1];
            int x2 = xBase + xoff[kk + 2];
            int x3 = xBase + xoff[kk + 3];
            if (quad) {
                WeightGradTiles.a4x4(acc, a, accRow, d, dBase, dStride, x, x0, x1, x2, x3, len, runs, dRun, xRun);
            } else {
                WeightGradTiles.a1x4(acc, a, accRow, d, dBase, dStride, x, x0, x1, x2, x3, len, runs, dRun, xRun);
            }
            kk += 4;
        }
        for (; kk < k1; kk++) {
            int a = ai + (kk - k0) * L;
            if (quad) {
                WeightGradTiles.a4x1(acc, a, accRow, d, dBase, dStride, x, xBase + xoff[kk], len, runs, dRun, xRun);
            } else {
                WeightGradTiles.a1x1(acc, a, accRow, d, dBase, dStride, x, xBase + xoff[kk], len, runs, dRun, xRun);
            }
        }
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
        // (groups, q, kp): the group's im2col, transposed
        float[] xt = ConvDirect.grow(CHUNK.get(), 2, p.groups() * nq * kp);
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
            float[] tile = ConvDirect.grow(ACC.get(), 0, 4 * kTile); // (4, kTile), overwritten
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

    /**
     * dOut channel oc of the chunk in the plan's position layout, dPlane floats: zeros at garbage positions and after
     * the last position (ds is reused between calls).
     */
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
                Arrays.fill(ds, dst + ow, dst + wq, 0f);
            } else {
                Arrays.fill(ds, dst, dst + wq, 0f);
            }
        }
        Arrays.fill(ds, base + rows * wq, base + dPlane, 0f);
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
        FloatVector acc = FloatVector.zero(ConvTiles.S);
        int bound = ConvTiles.S.loopBound(len);
        int i = 0;
        for (; i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(ConvTiles.S, a, from + i));
        }
        float s = ConvTiles.sumLanes(acc);
        for (; i < len; i++) {
            s += a[from + i];
        }
        return s;
    }
}
