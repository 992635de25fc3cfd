package org.deeproots.ops.simd;

import java.util.Arrays;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Weight gradient of 1x1 convolutions as a GEMM over positions: per group, dW (opg, icg) = the sum over images and
 * positions p of dOut[:, p] x[:, p]<sup>T</sup> (x the input at the strided positions). Blocks of both operands are
 * first transposed into position-major copies (L x L blocks transposed in registers,
 * {@link ChannelTiles#transposeStore}); the positions are then the GEMM's k, and each step broadcasts 8 output
 * channels of dOut and loads 3 vectors of input channels of x: 24 multiply-adds in registers per 11 loads
 * ({@link GemmTiles#s8x3}), and no reduction across lanes at all. {@link Gemm1x1Grad}'s dot products along positions
 * load both operands for every multiply-add pair and reduce lanes at the end.
 *
 * <p>Work items are (group, run of 8-row panels of output channels); each walks the images and their positions in
 * blocks of {@link #PB}, in order, so every weight is one fused multiply-add chain over images and positions in a
 * fixed order, whatever the thread count. Input channels are padded to whole tiles (3 vectors) and output channels
 * to whole panels with zeros, which cost multiply-adds but no branch.
 */
final class Gemm1x1GradT {
    private static final int L = SimdConstants.F_SPECIES.length();
    /** Input channels per tile (the width of {@link GemmTiles#s8x3}). */
    private static final int TW = GemmTiles.V * L;
    private static final int R = GemmTiles.R;
    /** Positions per block: the x block (PB x padded input channels) stays in L2. */
    private static final int PB = 256;
    /**
     * Work items per group: runs of (image, position block) pairs, each summing into a partial gradient of its own,
     * added in order at the end. A fixed number, so that the sums do not depend on the thread count; each operand is
     * read once.
     */
    private static final int CHUNKS = 8;
    /** Per worker: the transposed blocks of the two operands. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][]);
    /** Per calling thread: the items' partial gradients. */
    private static final ThreadLocal<float[][]> PARTIALS = ThreadLocal.withInitial(() -> new float[1][]);

    /** auto, on (every 1x1 layer), off (always {@link Gemm1x1Grad}): -Ddeeproots.conv.grad1x1. */
    static volatile String mode = System.getProperty("deeproots.conv.grad1x1", "auto");

    private Gemm1x1GradT() {
    }

    /**
     * True where {@link Gemm1x1Grad} takes this path for a 1x1 layer's weight gradient: in auto mode from 2 images
     * on. Measured against {@link Gemm1x1Grad} in one JVM, alternating (512 bits, 2 threads), time ratios: NiN's
     * layers at batch 64 0.59-0.67 (192 -> 160 at 28x28: 23.0 -> 13.7 ms), ResNet-50's at batch 10 0.75-0.85,
     * 1024 -> 256 at 14x14 with 2 and 4 images 0.75 and 0.88; at batch 1 0.68-0.91 on three layers but 1.08 and
     * 1.37 on two (1024 -> 256 at 14x14, 128 -> 512 at 28x28: too few positions for the padding and the partial
     * sums), so batch 1 keeps the dot products.
     */
    static boolean applies(ConvGeometry g) {
        String m = mode;
        return "on".equals(m) || "auto".equals(m) && g.n() >= 2;
    }

    /**
     * dWeight (outC, icg) = the weight gradient, x the input at the output positions (n, inC, oh, ow), as
     * {@link Gemm1x1Grad#backwardWeight} has it (which also does the bias gradient).
     */
    static void backwardWeight(float[] dWeight, float[] dOut, float[] x, ConvGeometry g) {
        int positions = g.outH() * g.outW();
        int n = g.n();
        int groups = g.groups();
        int opg = g.outPerGroup();
        int icg = g.inPerGroup();
        // the orientation that pads less: rows (broadcast, whole panels) x columns (vectors, whole tiles)
        boolean swap = (long) pad(icg, R) * pad(opg, TW) < (long) pad(opg, R) * pad(icg, TW);
        int rows = swap ? icg : opg;
        int cols = swap ? opg : icg;
        float[] a = swap ? x : dOut; // rows of the broadcast operand: (n, groups * rows, positions)
        float[] bm = swap ? dOut : x; // rows of the vector operand
        int aC = swap ? g.inC() : g.outC();
        int bC = swap ? g.outC() : g.inC();
        int rowsPad = pad(rows, R);
        int colsPad = pad(cols, TW);
        int blocksPerImage = (positions + PB - 1) / PB;
        int blocks = n * blocksPerImage;
        int chunks = Math.min(CHUNKS, blocks);
        int partial = rowsPad * colsPad;
        float[] partials = ConvDirect.grow(PARTIALS.get(), 0, groups * chunks * partial);
        float[] zeros = SimdConstants.zeros(L);
        Parallel.forRange(groups * chunks, item -> {
            int grp = item / chunks;
            int chunk = item % chunks;
            float[][] buf = BUFFERS.get();
            float[] bt = ConvDirect.grow(buf, 0, PB * colsPad);
            float[] at = ConvDirect.grow(buf, 1, PB * rowsPad);
            int acc = item * partial;
            // the padding columns are never written below: zero once
            Arrays.fill(bt, 0, PB * colsPad, 0f);
            Arrays.fill(at, 0, PB * rowsPad, 0f);
            Arrays.fill(partials, acc, acc + partial, 0f);
            for (int blk = (int) ((long) blocks * chunk / chunks); blk < (long) blocks * (chunk + 1) / chunks; blk++) {
                int b = blk / blocksPerImage;
                int p0 = blk % blocksPerImage * PB;
                int len = Math.min(PB, positions - p0);
                transpose(bm, (b * bC + grp * cols) * positions + p0, positions, cols, len, bt, colsPad, zeros);
                transpose(a, (b * aC + grp * rows) * positions + p0, positions, rows, len, at, rowsPad, zeros);
                for (int pn = 0; pn < rowsPad; pn += R) {
                    for (int t = 0; t < colsPad; t += TW) {
                        GemmTiles.s8x3(at, pn, rowsPad, bt, t, colsPad, len, partials, acc + pn * colsPad + t,
                                colsPad);
                    }
                }
            }
        });
        // the chunks' partial sums, added in chunk order
        Parallel.forRange(groups * rows, gr -> {
            int grp = gr / rows;
            int r = gr % rows;
            for (int c = 0; c < cols; c++) {
                float sum = 0;
                for (int chunk = 0; chunk < chunks; chunk++) {
                    sum += partials[(grp * chunks + chunk) * partial + r * colsPad + c];
                }
                if (swap) {
                    dWeight[(grp * opg + c) * icg + r] = sum;
                } else {
                    dWeight[(grp * opg + r) * icg + c] = sum;
                }
            }
        });
    }

    private static int pad(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /**
     * dst[k * dstRow + r] = src[s + r * srcRow + k] for r < rows, k < len: L x L blocks transposed in registers, the
     * rest one value at a time.
     */
    static void transpose(float[] src, int s, int srcRow, int rows, int len, float[] dst, int dstRow, float[] zeros) {
        int r = 0;
        for (; r + L <= rows; r += L) {
            int k = 0;
            for (; k + L <= len; k += L) {
                ChannelTiles.transposeStore(src, s + r * srcRow + k, srcRow, dst, k * dstRow + r, dstRow, zeros, 0);
            }
            for (; k < len; k++) {
                for (int i = 0; i < L; i++) {
                    dst[k * dstRow + r + i] = src[s + (r + i) * srcRow + k];
                }
            }
        }
        for (; r < rows; r++) {
            for (int k = 0; k < len; k++) {
                dst[k * dstRow + r] = src[s + r * srcRow + k];
            }
        }
    }
}
