package org.deeproots.ops.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * 1x1 convolutions without padding as a GEMM per image and group: {@code C (rows, P) = A (rows, K) x B (K, P)},
 * P = output positions. Forward: C = out, A = weight (opg, icg), B = input rows (icg, P); backward input: C = dIn,
 * A = weight transposed (icg, opg), B = dOut rows (opg, P). In NCHW every row of B and C is contiguous over the
 * positions, so nothing is packed at stride 1; stride > 1 first gathers the strided input (forward) or scatters the
 * result (backward input) through a temporary array.
 *
 * <p>Vectors run along positions. The register tile is 4 rows x 4 vectors of positions (16 accumulators, 4 loads,
 * 1 broadcast: 21 registers, below the ~22 where C2 starts to spill), with 1x4 tiles for the last rows and
 * masked 4x4 (3 or 4 vectors left, as at 7x7), 4x1 and 1x1 tiles for the last positions. K is cut into blocks
 * of {@link #KB} so that the B strip of a tile (KB x 4 vectors) stays in L1 while the rows of the item reuse it;
 * partial sums go through C between blocks (exact: C holds the running FMA chain).
 *
 * <p>Work items are (image, group, chunk of rows, block of positions), enough for every thread at batch 1; small
 * images (up to {@link #MAX_BLOCK_POSITIONS} positions) are grouped several per item, so that each weight block is
 * read once for all of them (7x7 layers at batch 10 have 4 MiB of weights for 49 positions per image). Every
 * element of C is the fused multiply-add chain over k = 0..K-1 in order, then + bias, whatever the tile, block or
 * thread count, so results do not depend on the number of threads.
 */
final class Gemm1x1 {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();
    /** Tile width in positions. */
    private static final int TP = 4 * L;
    /** K block: a B strip of KB x TP floats (32 KiB at 512 bits) stays in L1. */
    static final int KB = 128;
    /** Upper bound on positions per work item. */
    private static final int MAX_BLOCK_POSITIONS = 512;

    /** False with -Ddeeproots.conv.gemm1x1=false: 1x1 layers then take the general path (for comparisons). */
    static volatile boolean enabled = !"false".equals(System.getProperty("deeproots.conv.gemm1x1"));

    private Gemm1x1() {
    }

    /** True for the convolutions this class runs: 1x1 kernel, no padding. */
    static boolean applies(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.pad() == 0;
    }

    /** out (n, outC, oh, ow) = conv1x1(in (n, inC, h, w), weight (outC, icg)) + bias (nullable). */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        int positions = g.outH() * g.outW();
        int icg = g.inPerGroup();
        int opg = g.outPerGroup();
        float[] x = g.stride() == 1 ? in : gather(in, g); // (n, inC, oh, ow)
        gemm(out, g.outC() * positions, opg * positions, weight, opg * icg, icg, 1, x, g.inC() * positions,
                icg * positions, bias, g.n(), g.groups(), opg, icg, positions);
    }

    /** dIn (n, inC, h, w) = conv1x1 backward input of dOut (n, outC, oh, ow) with weight (outC, icg). */
    static void backwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        int positions = g.outH() * g.outW();
        int icg = g.inPerGroup();
        int opg = g.outPerGroup();
        boolean strided = g.stride() != 1;
        float[] c = strided ? new float[g.n() * g.inC() * positions] : dIn; // (n, inC, oh, ow)
        gemm(c, g.inC() * positions, icg * positions, weight, opg * icg, 1, icg, dOut, g.outC() * positions,
                opg * positions, null, g.n(), g.groups(), icg, opg, positions);
        if (strided) {
            scatter(dIn, c, g);
        }
    }

    /** The strided input positions, (n, inC, oh, ow). */
    private static float[] gather(float[] in, ConvGeometry g) {
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int h = g.h();
        int w = g.w();
        float[] x = new float[g.n() * g.inC() * oh * ow];
        Parallel.forRange(g.n() * g.inC(), row -> {
            int src = row * h * w;
            int dst = row * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int si = src + oy * s * w;
                for (int ox = 0; ox < ow; ox++) {
                    x[dst++] = in[si + ox * s];
                }
            }
        });
        return x;
    }

    /** dIn (n, inC, h, w): c (n, inC, oh, ow) at the strided positions, zero elsewhere. */
    private static void scatter(float[] dIn, float[] c, ConvGeometry g) {
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int h = g.h();
        int w = g.w();
        Parallel.forRange(g.n() * g.inC(), row -> {
            int dst = row * h * w;
            Arrays.fill(dIn, dst, dst + h * w, 0f);
            int src = row * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int di = dst + oy * s * w;
                for (int ox = 0; ox < ow; ox++) {
                    dIn[di + ox * s] = c[src++];
                }
            }
        });
    }

    /**
     * For every image and group: c[img * cImg + grp * cGrp + r * P + p] = sum_k a[grp * aGrp + r * aRow + k * aCol]
     * * b[img * bImg + grp * bGrp + k * P + p] (+ bias[grp * rows + r]), r < rows, k < depth, p < P.
     */
    static void gemm(float[] c, int cImg, int cGrp, float[] a, int aGrp, int aRow, int aCol, float[] b, int bImg,
            int bGrp, float[] bias, int n, int groups, int rows, int depth, int positions) {
        int tiles = (positions + TP - 1) / TP;
        int pBlocks = (positions + MAX_BLOCK_POSITIONS - 1) / MAX_BLOCK_POSITIONS;
        int blockTiles = (tiles + pBlocks - 1) / pBlocks;
        int pb = blockTiles * TP;
        pBlocks = (positions + pb - 1) / pb;
        // small images (one position block): several images per item share each weight block
        int ipb = pBlocks > 1 ? 1 : Math.max(1, Math.min(n, MAX_BLOCK_POSITIONS / positions));
        int imgBlocks = (n + ipb - 1) / ipb;
        int base = imgBlocks * groups * pBlocks;
        int wanted = 4 * Parallel.threads();
        int rowQuads = (rows + 3) / 4;
        int chunks = base >= wanted ? 1 : Math.min(rowQuads, (wanted + base - 1) / base);
        int[] chunkStart = new int[chunks + 1];
        for (int i = 0; i <= chunks; i++) {
            chunkStart[i] = Math.min(rows, (int) ((long) rowQuads * i / chunks) * 4);
        }
        final int nb = pBlocks;
        final int nc = chunks;
        Parallel.forRange(base * chunks, item -> {
            int chunk = item % nc;
            int block = (item / nc) % nb;
            int ig = item / (nc * nb);
            int grp = ig % groups;
            int img = ig / groups * ipb;
            int imgs = Math.min(ipb, n - img);
            int p0 = block * pb;
            int p1 = Math.min(positions, p0 + pb);
            block(c, img * cImg + grp * cGrp, cImg, a, grp * aGrp, aRow, aCol, b, img * bImg + grp * bGrp, bImg,
                    imgs, bias, bias == null ? -1 : grp * rows, chunkStart[chunk], chunkStart[chunk + 1], depth,
                    positions, p0, p1);
        });
    }

    /**
     * Rows [r0, r1) x positions [p0, p1) of one group in imgs consecutive images (K block outermost, so that the
     * weight block is reused across the images); offsets as in {@link #gemm}.
     */
    private static void block(float[] c, int cBase, int cImg, float[] a, int aBase, int aRow, int aCol, float[] b,
            int bBase, int bImg, int imgs, float[] bias, int biasBase, int r0, int r1, int depth, int positions,
            int p0, int p1) {
        int full = r0 + (r1 - r0) / 4 * 4;
        for (int img = 0; img < imgs; img++) {
            for (int r = r0; r < r1; r++) {
                int row = cBase + img * cImg + r * positions;
                Arrays.fill(c, row + p0, row + p1, 0f);
            }
        }
        for (int k0 = 0; k0 < depth; k0 += KB) {
            int kLen = Math.min(KB, depth - k0);
            for (int img = 0; img < imgs; img++) {
                int cb = cBase + img * cImg;
                int bb = bBase + img * bImg;
                int p = p0;
                for (; p + TP <= p1; p += TP) {
                    for (int r = r0; r < full; r += 4) {
                        t4x4(a, aBase + r * aRow + k0 * aCol, aRow, aCol, b, bb + k0 * positions + p, positions, kLen,
                                c, cb + r * positions + p, positions);
                    }
                    for (int r = full; r < r1; r++) {
                        t1x4(a, aBase + r * aRow + k0 * aCol, aCol, b, bb + k0 * positions + p, positions, kLen,
                                c, cb + r * positions + p);
                    }
                }
                int rem = p1 - p;
                if (rem > 2 * L) {
                    // 3 or 4 vectors left (7x7 = 49 positions): one masked 4x4 tile keeps the good load/FMA ratio
                    for (int r = r0; r < full; r += 4) {
                        t4x4m(a, aBase + r * aRow + k0 * aCol, aRow, aCol, b, bb + k0 * positions + p, positions, kLen,
                                c, cb + r * positions + p, positions, rem);
                    }
                    for (int r = full; r < r1; r++) {
                        for (int q = p; q < p1; q += L) {
                            t1x1m(a, aBase + r * aRow + k0 * aCol, aCol, b, bb + k0 * positions + q, positions, kLen,
                                    c, cb + r * positions + q, p1 - q);
                        }
                    }
                } else {
                    for (int q = p; q < p1; q += L) {
                        for (int r = r0; r < full; r += 4) {
                            t4x1m(a, aBase + r * aRow + k0 * aCol, aRow, aCol, b, bb + k0 * positions + q, positions,
                                    kLen, c, cb + r * positions + q, positions, p1 - q);
                        }
                        for (int r = full; r < r1; r++) {
                            t1x1m(a, aBase + r * aRow + k0 * aCol, aCol, b, bb + k0 * positions + q, positions, kLen,
                                    c, cb + r * positions + q, p1 - q);
                        }
                    }
                }
            }
        }
        if (bias != null) {
            for (int img = 0; img < imgs; img++) {
                for (int r = r0; r < r1; r++) {
                    float v = bias[biasBase + r];
                    int row = cBase + img * cImg + r * positions;
                    for (int p = p0; p < p1; p++) {
                        c[row + p] += v;
                    }
                }
            }
        }
    }

    /** 4 rows x 4 vectors of positions. */
    private static void t4x4(float[] a, int ai, int aRow, int aCol, float[] b, int bi, int bRow, int kLen,
            float[] c, int ci, int cRow) {
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c02 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c03 = FloatVector.fromArray(S, c, ci + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + cRow);
        FloatVector c11 = FloatVector.fromArray(S, c, ci + cRow + L);
        FloatVector c12 = FloatVector.fromArray(S, c, ci + cRow + 2 * L);
        FloatVector c13 = FloatVector.fromArray(S, c, ci + cRow + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * cRow);
        FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * cRow + L);
        FloatVector c22 = FloatVector.fromArray(S, c, ci + 2 * cRow + 2 * L);
        FloatVector c23 = FloatVector.fromArray(S, c, ci + 2 * cRow + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * cRow);
        FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * cRow + L);
        FloatVector c32 = FloatVector.fromArray(S, c, ci + 3 * cRow + 2 * L);
        FloatVector c33 = FloatVector.fromArray(S, c, ci + 3 * cRow + 3 * L);
        for (int k = 0; k < kLen; k++) {
            FloatVector x0 = FloatVector.fromArray(S, b, bi);
            FloatVector x1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector w = FloatVector.broadcast(S, a[ai]);
            c00 = x0.fma(w, c00);
            c01 = x1.fma(w, c01);
            c02 = x2.fma(w, c02);
            c03 = x3.fma(w, c03);
            w = FloatVector.broadcast(S, a[ai + aRow]);
            c10 = x0.fma(w, c10);
            c11 = x1.fma(w, c11);
            c12 = x2.fma(w, c12);
            c13 = x3.fma(w, c13);
            w = FloatVector.broadcast(S, a[ai + 2 * aRow]);
            c20 = x0.fma(w, c20);
            c21 = x1.fma(w, c21);
            c22 = x2.fma(w, c22);
            c23 = x3.fma(w, c23);
            w = FloatVector.broadcast(S, a[ai + 3 * aRow]);
            c30 = x0.fma(w, c30);
            c31 = x1.fma(w, c31);
            c32 = x2.fma(w, c32);
            c33 = x3.fma(w, c33);
            ai += aCol;
            bi += bRow;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L);
        c03.intoArray(c, ci + 3 * L);
        c10.intoArray(c, ci + cRow);
        c11.intoArray(c, ci + cRow + L);
        c12.intoArray(c, ci + cRow + 2 * L);
        c13.intoArray(c, ci + cRow + 3 * L);
        c20.intoArray(c, ci + 2 * cRow);
        c21.intoArray(c, ci + 2 * cRow + L);
        c22.intoArray(c, ci + 2 * cRow + 2 * L);
        c23.intoArray(c, ci + 2 * cRow + 3 * L);
        c30.intoArray(c, ci + 3 * cRow);
        c31.intoArray(c, ci + 3 * cRow + L);
        c32.intoArray(c, ci + 3 * cRow + 2 * L);
        c33.intoArray(c, ci + 3 * cRow + 3 * L);
    }

    /** 4 rows x 4 vectors of positions, the first valid (> 2L) of them. */
    private static void t4x4m(float[] a, int ai, int aRow, int aCol, float[] b, int bi, int bRow, int kLen,
            float[] c, int ci, int cRow, int valid) {
        VectorMask<Float> m2 = S.indexInRange(2 * L, valid);
        VectorMask<Float> m3 = S.indexInRange(3 * L, valid);
        FloatVector c00 = FloatVector.fromArray(S, c, ci);
        FloatVector c01 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c02 = FloatVector.fromArray(S, c, ci + 2 * L, m2);
        FloatVector c03 = FloatVector.fromArray(S, c, ci + 3 * L, m3);
        FloatVector c10 = FloatVector.fromArray(S, c, ci + cRow);
        FloatVector c11 = FloatVector.fromArray(S, c, ci + cRow + L);
        FloatVector c12 = FloatVector.fromArray(S, c, ci + cRow + 2 * L, m2);
        FloatVector c13 = FloatVector.fromArray(S, c, ci + cRow + 3 * L, m3);
        FloatVector c20 = FloatVector.fromArray(S, c, ci + 2 * cRow);
        FloatVector c21 = FloatVector.fromArray(S, c, ci + 2 * cRow + L);
        FloatVector c22 = FloatVector.fromArray(S, c, ci + 2 * cRow + 2 * L, m2);
        FloatVector c23 = FloatVector.fromArray(S, c, ci + 2 * cRow + 3 * L, m3);
        FloatVector c30 = FloatVector.fromArray(S, c, ci + 3 * cRow);
        FloatVector c31 = FloatVector.fromArray(S, c, ci + 3 * cRow + L);
        FloatVector c32 = FloatVector.fromArray(S, c, ci + 3 * cRow + 2 * L, m2);
        FloatVector c33 = FloatVector.fromArray(S, c, ci + 3 * cRow + 3 * L, m3);
        for (int k = 0; k < kLen; k++) {
            FloatVector x0 = FloatVector.fromArray(S, b, bi);
            FloatVector x1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector x2 = FloatVector.fromArray(S, b, bi + 2 * L, m2);
            FloatVector x3 = FloatVector.fromArray(S, b, bi + 3 * L, m3);
            FloatVector w = FloatVector.broadcast(S, a[ai]);
            c00 = x0.fma(w, c00);
            c01 = x1.fma(w, c01);
            c02 = x2.fma(w, c02);
            c03 = x3.fma(w, c03);
            w = FloatVector.broadcast(S, a[ai + aRow]);
            c10 = x0.fma(w, c10);
            c11 = x1.fma(w, c11);
            c12 = x2.fma(w, c12);
            c13 = x3.fma(w, c13);
            w = FloatVector.broadcast(S, a[ai + 2 * aRow]);
            c20 = x0.fma(w, c20);
            c21 = x1.fma(w, c21);
            c22 = x2.fma(w, c22);
            c23 = x3.fma(w, c23);
            w = FloatVector.broadcast(S, a[ai + 3 * aRow]);
            c30 = x0.fma(w, c30);
            c31 = x1.fma(w, c31);
            c32 = x2.fma(w, c32);
            c33 = x3.fma(w, c33);
            ai += aCol;
            bi += bRow;
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c02.intoArray(c, ci + 2 * L, m2);
        c03.intoArray(c, ci + 3 * L, m3);
        c10.intoArray(c, ci + cRow);
        c11.intoArray(c, ci + cRow + L);
        c12.intoArray(c, ci + cRow + 2 * L, m2);
        c13.intoArray(c, ci + cRow + 3 * L, m3);
        c20.intoArray(c, ci + 2 * cRow);
        c21.intoArray(c, ci + 2 * cRow + L);
        c22.intoArray(c, ci + 2 * cRow + 2 * L, m2);
        c23.intoArray(c, ci + 2 * cRow + 3 * L, m3);
        c30.intoArray(c, ci + 3 * cRow);
        c31.intoArray(c, ci + 3 * cRow + L);
        c32.intoArray(c, ci + 3 * cRow + 2 * L, m2);
        c33.intoArray(c, ci + 3 * cRow + 3 * L, m3);
    }

    /** 4 rows x 1 vector of positions, the first min(L, valid) lanes. */
    private static void t4x1m(float[] a, int ai, int aRow, int aCol, float[] b, int bi, int bRow, int kLen,
            float[] c, int ci, int cRow, int valid) {
        VectorMask<Float> m = S.indexInRange(0, valid);
        FloatVector c0 = FloatVector.fromArray(S, c, ci, m);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + cRow, m);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * cRow, m);
        FloatVector c3 = FloatVector.fromArray(S, c, ci + 3 * cRow, m);
        for (int k = 0; k < kLen; k++) {
            FloatVector x = FloatVector.fromArray(S, b, bi, m);
            c0 = x.fma(FloatVector.broadcast(S, a[ai]), c0);
            c1 = x.fma(FloatVector.broadcast(S, a[ai + aRow]), c1);
            c2 = x.fma(FloatVector.broadcast(S, a[ai + 2 * aRow]), c2);
            c3 = x.fma(FloatVector.broadcast(S, a[ai + 3 * aRow]), c3);
            ai += aCol;
            bi += bRow;
        }
        c0.intoArray(c, ci, m);
        c1.intoArray(c, ci + cRow, m);
        c2.intoArray(c, ci + 2 * cRow, m);
        c3.intoArray(c, ci + 3 * cRow, m);
    }

    /** 1 row x 4 vectors of positions. */
    private static void t1x4(float[] a, int ai, int aCol, float[] b, int bi, int bRow, int kLen,
            float[] c, int ci) {
        FloatVector c0 = FloatVector.fromArray(S, c, ci);
        FloatVector c1 = FloatVector.fromArray(S, c, ci + L);
        FloatVector c2 = FloatVector.fromArray(S, c, ci + 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, c, ci + 3 * L);
        for (int k = 0; k < kLen; k++) {
            FloatVector w = FloatVector.broadcast(S, a[ai]);
            c0 = FloatVector.fromArray(S, b, bi).fma(w, c0);
            c1 = FloatVector.fromArray(S, b, bi + L).fma(w, c1);
            c2 = FloatVector.fromArray(S, b, bi + 2 * L).fma(w, c2);
            c3 = FloatVector.fromArray(S, b, bi + 3 * L).fma(w, c3);
            ai += aCol;
            bi += bRow;
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
        c2.intoArray(c, ci + 2 * L);
        c3.intoArray(c, ci + 3 * L);
    }

    /** 1 row x 1 vector of positions, the first min(L, valid) lanes. */
    private static void t1x1m(float[] a, int ai, int aCol, float[] b, int bi, int bRow, int kLen,
            float[] c, int ci, int valid) {
        VectorMask<Float> m = S.indexInRange(0, valid);
        FloatVector c0 = FloatVector.fromArray(S, c, ci, m);
        for (int k = 0; k < kLen; k++) {
            c0 = FloatVector.fromArray(S, b, bi, m).fma(FloatVector.broadcast(S, a[ai]), c0);
            ai += aCol;
            bi += bRow;
        }
        c0.intoArray(c, ci, m);
    }
}
