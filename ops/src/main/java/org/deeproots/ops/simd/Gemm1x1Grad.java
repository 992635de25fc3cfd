package org.deeproots.ops.simd;

import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Weight gradient of 1x1 convolutions without padding ({@link Gemm1x1#applies}): per group,
 * dW (opg, icg) = sum over images of dOut (opg, P) x x (icg, P)<sup>T</sup>, x the input at the strided positions.
 * Both operands are rows of contiguous positions in NCHW, so the products run as dot products along positions:
 * register tiles of 4 output x 6 input channels hold 24 vector partial sums ({@link WeightGradTiles}: 10 loads per 24
 * multiply-adds), kept across position blocks in a per-item buffer and reduced only once, at the end. (The general
 * weight-gradient path reduced the lanes every 1024 positions and ran these layers at 55-64 GFLOP/s.)
 *
 * <p>Work items are (group, block of {@value #OB} output channels, block of {@value #CB} input channels); each walks
 * the images and their positions in blocks that keep its rows in L2, in a fixed order, then the last P % L positions
 * of all images, copied side by side into one short run of vectors ({@link Tails}); results do not depend on the
 * thread count.
 */
final class Gemm1x1Grad {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();
    /**
     * Output and input channels per work item: each item reads its input rows once per block of output channels, so
     * wide blocks read less (256 -> 64 at 56x56, batch 10: blocks of 16 x 64 channels 134 GFLOP/s, 64 x 64 178).
     */
    private static final int OB = 64;
    private static final int CB = 64;
    /**
     * Positions per block (a multiple of L): an item's 128 rows of 512 floats stay in L2. Blocks that fit L1 are
     * slower: the 24 sums' loads and stores per tile call cost more than the rows' trips from L2 (192 -> 160 at
     * 28x28, batch 64: 128 positions 30.6-31.5 ms, 256 24.1-24.9, 512 20.5-21.7, 1024 20.8).
     */
    private static final int QB = 512;
    /** Floats of an item's rows per block of small images (the same 256 KiB). */
    private static final int BLOCK_FLOATS = 128 * QB;
    /** Per worker thread: the input rows' offsets for {@link ConvBackward#columns} (at most CB). */
    private static final ThreadLocal<int[]> ROW_OFFSETS = ThreadLocal.withInitial(() -> new int[CB]);
    /** Vector partial sums of an item, (o, c, lane), per worker thread. */
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[1][]);

    private Gemm1x1Grad() {
    }

    /** dWeight (outC, icg) = the weight gradient; dBias (nullable) = the sum of dOut over images and positions. */
    static void backwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        if (dBias != null) {
            ConvBackward.biasGrad(dBias, dOut, g);
        }
        int positions = g.outH() * g.outW();
        float[] x = g.stride() == 1 ? in : Gemm1x1.gather(in, g); // (n, inC, oh, ow)
        if (Gemm1x1GradT.applies(g)) {
            Gemm1x1GradT.backwardWeight(dWeight, dOut, x, g);
            return;
        }
        int opg = g.outPerGroup();
        int icg = g.inPerGroup();
        int oBlocks = (opg + OB - 1) / OB;
        int cBlocks = (icg + CB - 1) / CB;
        Tails tails = positions % L == 0 ? null : tails(dOut, x, g, positions);
        Parallel.forRange(g.groups() * oBlocks * cBlocks, item -> {
            int cb = item % cBlocks;
            int ob = item / cBlocks % oBlocks;
            int grp = item / (cBlocks * oBlocks);
            int o0 = grp * opg + ob * OB;
            int o1 = grp * opg + Math.min(opg, (ob + 1) * OB);
            int c0 = grp * icg + cb * CB;
            int c1 = grp * icg + Math.min(icg, (cb + 1) * CB);
            item(dWeight, dOut, x, tails, g, positions, o0, o1, c0, c1);
        });
    }

    /**
     * The last positions % L positions of every image, side by side: dOut (outC, stride) and input (inC, stride)
     * rows, image after image, zero-padded to a whole vector.
     */
    private record Tails(float[] d, float[] x, int stride) {
    }

    /** Per calling thread: the arrays of {@link Tails}. */
    private static final ThreadLocal<float[][]> TAILS = ThreadLocal.withInitial(() -> new float[2][]);

    /**
     * The images' last positions % L positions as one short run of vectors for the tiles (they had been summed in
     * scalar double, which took most of the time at 14x14: 196 = 12 vectors + 4).
     */
    private static Tails tails(float[] dOut, float[] x, ConvGeometry g, int positions) {
        int n = g.n();
        int body = positions / L * L;
        int r = positions - body;
        int stride = (n * r + L - 1) / L * L;
        int outC = g.outC();
        int inC = g.inC();
        float[][] buffers = TAILS.get();
        float[] td = ConvDirect.grow(buffers, 0, outC * stride);
        float[] tx = ConvDirect.grow(buffers, 1, inC * stride);
        Parallel.forRange(outC + inC, row -> {
            boolean isD = row < outC;
            int ch = isD ? row : row - outC;
            int channels = isD ? outC : inC;
            float[] src = isD ? dOut : x;
            float[] dst = isD ? td : tx;
            for (int img = 0; img < n; img++) {
                System.arraycopy(src, (img * channels + ch) * positions + body, dst, ch * stride + img * r, r);
            }
            Arrays.fill(dst, ch * stride + n * r, (ch + 1) * stride, 0f);
        });
        return new Tails(td, tx, stride);
    }

    /** dW rows [o0, o1) x input channels [c0, c1) (absolute channel numbers). */
    private static void item(float[] dW, float[] dOut, float[] x, Tails tails, ConvGeometry g, int positions, int o0,
            int o1, int c0, int c1) {
        int no = o1 - o0;
        int nc = c1 - c0;
        float[] acc = ConvDirect.grow(ACC.get(), 0, no * nc * L);
        Arrays.fill(acc, 0, no * nc * L, 0f);
        int body = positions / L * L;
        int outC = g.outC();
        int inC = g.inC();
        int n = g.n();
        if (body > 0 && positions <= QB) {
            // small images: the tiles run across several images, so their sums stay in registers for more than
            // one image's few vectors (14x14: 12 vectors, against 16 sums loaded and stored per call)
            int perBlock = Math.max(1, BLOCK_FLOATS / ((no + nc) * positions));
            for (int img = 0; img < n; img += perBlock) {
                block(acc, no, nc, dOut, (img * outC + o0) * positions, x, (img * inC + c0) * positions, positions,
                        body, Math.min(perBlock, n - img), outC * positions, inC * positions);
            }
        } else {
            for (int img = 0; img < n; img++) {
                int d = (img * outC + o0) * positions;
                int s = (img * inC + c0) * positions;
                for (int q0 = 0; q0 < body; q0 += QB) {
                    block(acc, no, nc, dOut, d + q0, x, s + q0, positions, Math.min(QB, body - q0), 1, 0, 0);
                }
            }
        }
        if (tails != null) {
            int ts = tails.stride();
            for (int q0 = 0; q0 < ts; q0 += QB) {
                block(acc, no, nc, tails.d(), o0 * ts + q0, tails.x(), c0 * ts + q0, ts, Math.min(QB, ts - q0), 1,
                        0, 0);
            }
        }
        int icg = g.inPerGroup();
        int cLocal = c0 % icg;
        for (int o = 0; o < no; o++) {
            int row = (o0 + o) * icg + cLocal;
            Arrays.fill(dW, row, row + nc, 0f);
            SimdConstants.addLaneSums(acc, o * nc * L, dW, row, nc);
        }
    }

    /**
     * acc (no, nc, L) += the products of dOut rows d + o * row and input rows x + c * row over len positions (a
     * multiple of L) in each of runs runs (dOut and x then move by dRun and xRun), lane by lane, 4 output channels
     * at a time, then one ({@link ConvBackward#columns}).
     */
    private static void block(float[] acc, int no, int nc, float[] dOut, int d, float[] x, int s, int row, int len,
            int runs, int dRun, int xRun) {
        int[] xoff = ROW_OFFSETS.get();
        for (int c = 0; c < nc; c++) {
            xoff[c] = c * row;
        }
        int accRow = nc * L;
        for (int o = 0; o < no; ) {
            boolean quad = o + 4 <= no;
            ConvBackward.columns(acc, o * nc * L, accRow, quad, dOut, d + o * row, row, x, s, xoff, 0, nc, len, runs,
                    dRun, xRun);
            o += quad ? 4 : 1;
        }
    }
}
