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
 * <p>Vectors run along positions. A is packed per call into panels of 8 rows, k-major, so that the 8 broadcasts of a
 * step read one cache line; the register tile ({@link GemmTiles}) is 8 rows x 3 vectors of positions (24
 * accumulators, 3 vector loads and 8 broadcasts per step: tiles with more broadcasts per vector load run faster
 * here, ~80% of the FMA peak against ~60% for the former 4x4), with masked one-vector tiles for the last positions
 * and single-row tiles on A in place for the last rows % 8 rows. K is cut into blocks of {@link #KB} (only beyond
 * 2048); partial sums go through C between blocks (exact: C holds the running FMA chain).
 *
 * <p>Work items are (image, group, chunk of rows, block of positions), enough for every thread at batch 1; small
 * images (up to {@link #MAX_BLOCK_POSITIONS} positions) are grouped several per item, so that each weight block is
 * read once for all of them (7x7 layers at batch 10 have 4 MiB of weights for 49 positions per image). Every
 * element of C is the fused multiply-add chain over k = 0..K-1 in order, starting from the bias, whatever the tile,
 * block or thread count, so results do not depend on the number of threads.
 */
final class Gemm1x1 {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();
    /** Rows of a packed panel of A. */
    private static final int R = GemmTiles.R;
    /** Tile width in positions. */
    private static final int TP = GemmTiles.V * L;
    /**
     * K block. Blocks of 128 (a B strip in L1) measured 5-15% slower than one block up to this depth: the partial
     * sums' trips through C between blocks cost more than the strip's misses to L2 (ResNet-50's 1x1 layers at batch
     * 10, 512 bits, 2 threads: 2048 -> 512 at 7x7 252 -> 277 GFLOP/s, 512 -> 128 at 28x28 313 -> 361).
     */
    static final int KB = 2048;
    /** The K block in use ({@link #KB}; tests lower it to reach the blocked path with small depths). */
    static volatile int kBlock = KB;
    /** Upper bound on positions per work item. */
    private static final int MAX_BLOCK_POSITIONS = 512;

    /** False with -Ddeeproots.conv.gemm1x1=false: 1x1 layers then take the general path (for comparisons). */
    static volatile boolean enabled = !"false".equals(System.getProperty("deeproots.conv.gemm1x1"));

    /** Images smaller than this many positions are merged side by side ({@link #forwardMerged}). */
    private static final int MERGE_BELOW = 4 * TP;
    /** Merged input and output, per calling thread. */
    private static final ThreadLocal<float[][]> MERGED = ThreadLocal.withInitial(() -> new float[2][]);
    /**
     * The strided input gathered by {@link #gather}, per calling thread: a new array per call (8 MiB for ResNet-50's
     * 256 -> 512 stride-2 layer at batch 10) cost allocation, zeroing and collections, and slowed those layers 3-8x
     * in some runs.
     */
    private static final ThreadLocal<float[][]> GATHERED = ThreadLocal.withInitial(() -> new float[1][]);
    /** Packed panels of A, per calling thread. */
    private static final ThreadLocal<float[][]> PANELS = ThreadLocal.withInitial(() -> new float[1][]);

    private Gemm1x1() {
    }

    /** True for the convolutions this class runs: 1x1 kernel, no padding. */
    static boolean applies(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.pad() == 0;
    }

    /** out (n, outC, oh, ow) = conv1x1(in (n, inC, h, w), weight (outC, icg)) + bias (nullable). */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        forward(out, in, weight, bias, g, false);
    }

    /** As above, then max(out, 0) where {@code relu}: each work item on its own block of C, in cache. */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean relu) {
        int positions = g.outH() * g.outW();
        int icg = g.inPerGroup();
        int opg = g.outPerGroup();
        if (g.n() > 1 && positions < MERGE_BELOW) {
            forwardMerged(out, in, weight, bias, g, relu);
            return;
        }
        float[] x = g.stride() == 1 ? in : gather(in, g); // (n, inC, oh, ow)
        gemm(out, g.outC() * positions, opg * positions, weight, opg * icg, icg, 1, x, g.inC() * positions,
                icg * positions, bias, g.n(), g.groups(), opg, icg, positions, true, relu);
    }

    /**
     * Forward for small images: the positions of all images side by side, B (inC, n * P) and C (outC, n * P), so
     * that the tiles run along n * P positions instead of stopping at every image's P (at 7x7, 49 positions are 3
     * vectors and one lane: a quarter of the tile work wasted per image). Costs one copy of the input and output.
     */
    private static void forwardMerged(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g,
            boolean relu) {
        int n = g.n();
        int oh = g.outH();
        int ow = g.outW();
        int positions = oh * ow;
        int np = n * positions;
        int inC = g.inC();
        int outC = g.outC();
        int icg = g.inPerGroup();
        int opg = g.outPerGroup();
        int s = g.stride();
        int h = g.h();
        int w = g.w();
        float[][] scratch = MERGED.get();
        float[] x = ConvDirect.grow(scratch, 0, inC * np); // (inC, n * P)
        float[] y = ConvDirect.grow(scratch, 1, outC * np); // (outC, n * P)
        Parallel.forRange(n * inC, row -> {
            int img = row / inC;
            int ci = row % inC;
            int src = row * h * w;
            int dst = ci * np + img * positions;
            if (s == 1) {
                System.arraycopy(in, src, x, dst, positions);
                return;
            }
            for (int oy = 0; oy < oh; oy++) {
                int si = src + oy * s * w;
                for (int ox = 0; ox < ow; ox++) {
                    x[dst++] = in[si + ox * s];
                }
            }
        });
        gemm(y, 0, opg * np, weight, opg * icg, icg, 1, x, 0, icg * np, bias, 1, g.groups(), opg, icg, np, true,
                relu);
        Parallel.forRange(n * outC, row -> System.arraycopy(y, (row % outC) * np + (row / outC) * positions, out,
                row * positions, positions));
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

    /**
     * The strided input positions, (n, inC, oh, ow), in this thread's {@link #GATHERED} buffer (longer than that, and
     * overwritten by the thread's next call).
     */
    static float[] gather(float[] in, ConvGeometry g) {
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int h = g.h();
        int w = g.w();
        float[] x = ConvDirect.grow(GATHERED.get(), 0, g.n() * g.inC() * oh * ow);
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
        gemm(c, cImg, cGrp, a, aGrp, aRow, aCol, b, bImg, bGrp, bias, n, groups, rows, depth, positions, false,
                false);
    }

    /**
     * As above; {@code cacheA} for an A that is a weight array kept by the caller (forward): its packed panels are
     * then kept in {@link ConvDirect#PACKED} while it does not change; {@code relu}: then max(c, 0), each item on
     * the block it has just computed.
     */
    static void gemm(float[] c, int cImg, int cGrp, float[] a, int aGrp, int aRow, int aCol, float[] b, int bImg,
            int bGrp, float[] bias, int n, int groups, int rows, int depth, int positions, boolean cacheA,
            boolean relu) {
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
        int rowPanels = (rows + R - 1) / R;
        int chunks = base >= wanted ? 1 : Math.min(rowPanels, (wanted + base - 1) / base);
        int[] chunkStart = new int[chunks + 1];
        for (int i = 0; i <= chunks; i++) {
            chunkStart[i] = Math.min(rows, (int) ((long) rowPanels * i / chunks) * R);
        }
        int panelFloats = Math.max(1, groups * (rows / R * R * depth));
        float[] ap = cacheA
                ? ConvDirect.PACKED.get(a, java.util.List.of("gemm", aGrp, aRow, aCol, groups, rows, depth, R),
                        panelFloats, dst -> pack(dst, a, aGrp, aRow, aCol, groups, rows, depth))
                : pack(ConvDirect.grow(PANELS.get(), 0, panelFloats), a, aGrp, aRow, aCol, groups, rows, depth);
        int apGrp = rows / R * R * depth;
        final int nb = pBlocks;
        final int nc = chunks;
        float[] biasOrZero = bias != null ? bias : SimdConstants.zeros(groups * rows); // the chains start from it
        Parallel.forRange(base * chunks, item -> {
            int chunk = item % nc;
            int block = (item / nc) % nb;
            int ig = item / (nc * nb);
            int grp = ig % groups;
            int img = ig / groups * ipb;
            int imgs = Math.min(ipb, n - img);
            int p0 = block * pb;
            int p1 = Math.min(positions, p0 + pb);
            block(c, img * cImg + grp * cGrp, cImg, ap, grp * apGrp, a, grp * aGrp, aRow, aCol, b,
                    img * bImg + grp * bGrp, bImg, imgs, biasOrZero, grp * rows, chunkStart[chunk],
                    chunkStart[chunk + 1], rows, depth, positions, p0, p1);
            if (relu) {
                for (int i = 0; i < imgs; i++) {
                    int cb = (img + i) * cImg + grp * cGrp;
                    for (int r = chunkStart[chunk]; r < chunkStart[chunk + 1]; r++) {
                        Relu.inPlace(c, cb + r * positions + p0, cb + r * positions + p1);
                    }
                }
            }
        });
    }

    /**
     * The full panels of {@value GemmTiles#R} rows of every group's A, packed k-major into ap: ap[grp * apGrp + (r / R) * depth * R + k * R + (r % R)] = a[grp * aGrp + r * aRow + k * aCol] for
     * r < rows / R * R (the last rows % R rows are read in place).
     */
    private static float[] pack(float[] ap, float[] a, int aGrp, int aRow, int aCol, int groups, int rows,
            int depth) {
        int panels = rows / R;
        int apGrp = panels * R * depth;
        Parallel.forRange(groups * panels, gp -> {
            int grp = gp / panels;
            int pnl = gp % panels;
            int dst = grp * apGrp + pnl * R * depth;
            int src = grp * aGrp + pnl * R * aRow;
            for (int k = 0; k < depth; k++) {
                for (int j = 0; j < R; j++) {
                    ap[dst++] = a[src + j * aRow + k * aCol];
                }
            }
        });
        return ap;
    }

    /**
     * Rows [r0, r1) x positions [p0, p1) of one group in imgs consecutive images (K block outermost, so that the
     * weight block is reused across the images); rows in full panels take the packed tiles, the last rows % R rows
     * the single-row tiles on A in place; offsets as in {@link #gemm}.
     */
    private static void block(float[] c, int cBase, int cImg, float[] ap, int apBase, float[] a, int aBase, int aRow,
            int aCol, float[] b, int bBase, int bImg, int imgs, float[] bias, int biasBase, int r0, int r1, int rows,
            int depth, int positions, int p0, int p1) {
        int panelEnd = Math.min(r1, rows / R * R);
        // the panels' first K block overwrites C, starting from the bias; the last rows % R rows accumulate from it
        for (int img = 0; img < imgs; img++) {
            for (int r = Math.max(r0, panelEnd); r < r1; r++) {
                int row = cBase + img * cImg + r * positions;
                Arrays.fill(c, row + p0, row + p1, bias[biasBase + r]);
            }
        }
        int kb = kBlock;
        for (int k0 = 0; k0 < depth; k0 += kb) {
            int kLen = Math.min(kb, depth - k0);
            boolean first = k0 == 0;
            for (int img = 0; img < imgs; img++) {
                int cb = cBase + img * cImg;
                int bb = bBase + img * bImg + k0 * positions;
                int p = p0;
                for (; p + TP <= p1; p += TP) {
                    for (int r = r0; r < panelEnd; r += R) {
                        if (first) {
                            GemmTiles.p8x3z(ap, apBase + r * depth, b, bb + p, positions, kLen,
                                    c, cb + r * positions + p, positions, bias, biasBase + r);
                        } else {
                            GemmTiles.s8x3(ap, apBase + r * depth + k0 * R, R, b, bb + p, positions, kLen,
                                    c, cb + r * positions + p, positions);
                        }
                    }
                    for (int r = panelEnd; r < r1; r++) {
                        GemmTiles.r1x3(a, aBase + r * aRow + k0 * aCol, aCol, b, bb + p, positions, kLen,
                                c, cb + r * positions + p);
                    }
                }
                for (int q = p; q < p1; q += L) {
                    int valid = p1 - q;
                    if (bb + q + (kLen - 1) * positions + L <= b.length
                            && cb + (r1 - 1) * positions + q + L <= c.length) {
                        tail(c, cb + q, positions, ap, apBase, a, aBase, aRow, aCol, b, bb + q, positions, bias,
                                biasBase, r0, r1, panelEnd, depth, k0, kLen, valid);
                    } else {
                        stagedTail(c, cb + q, positions, ap, apBase, a, aBase, aRow, aCol, b, bb + q, positions,
                                bias, biasBase, r0, r1, panelEnd, depth, k0, kLen, Math.min(valid, L));
                    }
                }
            }
        }
    }

    /** Per calling thread and worker: a tail's B columns and C rows for {@link #stagedTail}. */
    private static final ThreadLocal<float[][]> STAGE = ThreadLocal.withInitial(() -> new float[2][]);

    /**
     * The masked one-vector tiles for positions [q, q + min(L, valid)) of rows [r0, r1) and K block [k0, k0 + kLen):
     * C row r at c[ci + r * cRow], B row k of the block at b[bi + k * bRow]. Their masked loads and stores are in the
     * arrays' bounds ({@link #stagedTail} otherwise).
     */
    private static void tail(float[] c, int ci, int cRow, float[] ap, int apBase, float[] a, int aBase, int aRow,
            int aCol, float[] b, int bi, int bRow, float[] bias, int biasBase, int r0, int r1, int panelEnd,
            int depth, int k0, int kLen, int valid) {
        boolean first = k0 == 0;
        for (int r = r0; r < panelEnd; r += R) {
            for (int h = 0; h < R; h += R / 2) { // half panels (see GemmTiles)
                if (first) {
                    GemmTiles.p4x1mz(ap, apBase + r * depth + h, b, bi, bRow, kLen, c, ci + (r + h) * cRow, cRow,
                            valid, bias, biasBase + r + h);
                } else {
                    GemmTiles.p4x1m(ap, apBase + r * depth + k0 * R + h, b, bi, bRow, kLen, c, ci + (r + h) * cRow,
                            cRow, valid);
                }
            }
        }
        for (int r = panelEnd; r < r1; r++) {
            t1x1m(a, aBase + r * aRow + k0 * aCol, aCol, b, bi, bRow, kLen, c, ci + r * cRow, valid);
        }
    }

    /**
     * {@link #tail} for the last positions of the arrays, where a vector from q would end past the end of b or c:
     * through copies of the block's B columns and of the C rows, one vector per row, then the C values back.
     *
     * <p>A masked load past an array's end is legal, but it takes the JDK's out-of-range branch of
     * {@code FloatVector.fromArray(species, array, offset, mask)}, and that branch's profile is shared by every
     * caller in the JVM: once it has been taken, C2 compiles the out-of-range path into every kernel it inlines the
     * method into. {@link MaskedTiles}' masked loads never go out of range, and their compiled code with that path
     * ran 3-5x slower (256 channels 14x14, 16 groups, batch 10, after ResNet-50 models had run in the same JVM:
     * 0.5-1.0 ms without, 2.2-3.0 ms with).
     */
    private static void stagedTail(float[] c, int ci, int cRow, float[] ap, int apBase, float[] a, int aBase,
            int aRow, int aCol, float[] b, int bi, int bRow, float[] bias, int biasBase, int r0, int r1,
            int panelEnd, int depth, int k0, int kLen, int width) {
        float[][] stage = STAGE.get();
        float[] bs = ConvDirect.grow(stage, 0, kLen * L);
        float[] cs = ConvDirect.grow(stage, 1, r1 * L);
        for (int k = 0; k < kLen; k++) {
            System.arraycopy(b, bi + k * bRow, bs, k * L, width);
        }
        for (int r = r0; r < r1; r++) {
            System.arraycopy(c, ci + r * cRow, cs, r * L, width);
        }
        tail(cs, 0, L, ap, apBase, a, aBase, aRow, aCol, bs, 0, L, bias, biasBase, r0, r1, panelEnd, depth, k0,
                kLen, width);
        for (int r = r0; r < r1; r++) {
            System.arraycopy(cs, r * L, c, ci + r * cRow, width);
        }
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
