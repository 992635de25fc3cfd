package org.deeproots.ops.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Weight gradient of 1x1 convolutions without padding ({@link Gemm1x1#applies}): per group,
 * dW (opg, icg) = sum over images of dOut (opg, P) x x (icg, P)<sup>T</sup>, x the input at the strided positions.
 * Both operands are rows of contiguous positions in NCHW, so the products run as dot products along positions:
 * register tiles of 4 output x 4 input channels hold 16 vector partial sums (8 loads per 16 multiply-adds), kept
 * across position blocks in a per-item buffer and reduced lane by lane only once, at the end. (The general
 * weight-gradient path reduced the lanes every 1024 positions and ran these layers at 55-64 GFLOP/s.)
 *
 * <p>Work items are (group, block of {@value #OB} output channels, block of {@value #CB} input channels); each walks the images and
 * their positions in blocks that keep its rows in L2, in a fixed order, and sums the last P % L positions of each
 * image separately in double; results do not depend on the thread count.
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
    /** Positions per block (a multiple of L): an item's 128 rows of 512 floats stay in L2. */
    private static final int QB = 512;
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
        int opg = g.outPerGroup();
        int icg = g.inPerGroup();
        int oBlocks = (opg + OB - 1) / OB;
        int cBlocks = (icg + CB - 1) / CB;
        Parallel.forRange(g.groups() * oBlocks * cBlocks, item -> {
            int cb = item % cBlocks;
            int ob = item / cBlocks % oBlocks;
            int grp = item / (cBlocks * oBlocks);
            int o0 = grp * opg + ob * OB;
            int o1 = grp * opg + Math.min(opg, (ob + 1) * OB);
            int c0 = grp * icg + cb * CB;
            int c1 = grp * icg + Math.min(icg, (cb + 1) * CB);
            item(dWeight, dOut, x, g, positions, o0, o1, c0, c1);
        });
    }

    /** dW rows [o0, o1) x input channels [c0, c1) (absolute channel numbers). */
    private static void item(float[] dW, float[] dOut, float[] x, ConvGeometry g, int positions, int o0, int o1,
            int c0, int c1) {
        int no = o1 - o0;
        int nc = c1 - c0;
        float[] acc = ConvDirect.grow(ACC.get(), 0, no * nc * L);
        Arrays.fill(acc, 0, no * nc * L, 0f);
        double[] tail = new double[no * nc];
        int body = positions / L * L;
        int outC = g.outC();
        int inC = g.inC();
        for (int img = 0; img < g.n(); img++) {
            int d = (img * outC + o0) * positions;
            int s = (img * inC + c0) * positions;
            for (int q0 = 0; q0 < body; q0 += QB) {
                int len = Math.min(QB, body - q0);
                int o = 0;
                for (; o + 4 <= no; o += 4) {
                    int c = 0;
                    for (; c + 4 <= nc; c += 4) {
                        t4x4(acc, (o * nc + c) * L, nc * L, dOut, d + o * positions + q0, x,
                                s + c * positions + q0, positions, len);
                    }
                    for (; c < nc; c++) {
                        for (int oo = o; oo < o + 4; oo++) {
                            t1x1(acc, (oo * nc + c) * L, dOut, d + oo * positions + q0, x, s + c * positions + q0,
                                    len);
                        }
                    }
                }
                for (; o < no; o++) {
                    for (int c = 0; c < nc; c++) {
                        t1x1(acc, (o * nc + c) * L, dOut, d + o * positions + q0, x, s + c * positions + q0, len);
                    }
                }
            }
            if (body < positions) {
                for (int o = 0; o < no; o++) {
                    for (int c = 0; c < nc; c++) {
                        double t = 0;
                        for (int q = body; q < positions; q++) {
                            t += (double) dOut[d + o * positions + q] * x[s + c * positions + q];
                        }
                        tail[o * nc + c] += t;
                    }
                }
            }
        }
        int icg = g.inPerGroup();
        int cLocal = c0 % icg;
        for (int o = 0; o < no; o++) {
            for (int c = 0; c < nc; c++) {
                float v = SimdConstants.sumLanes(FloatVector.fromArray(S, acc, (o * nc + c) * L));
                dW[(o0 + o) * icg + cLocal + c] = (float) (v + tail[o * nc + c]);
            }
        }
    }

    /**
     * acc[ai + (i * accRow) + j * L ..] += dOut row i x input row j, lane by lane, over len positions (a multiple of
     * L), i, j < 4.
     */
    private static void t4x4(float[] acc, int ai, int accRow, float[] d, int di, float[] x, int xi, int row,
            int len) {
        FloatVector a00 = FloatVector.fromArray(S, acc, ai);
        FloatVector a01 = FloatVector.fromArray(S, acc, ai + L);
        FloatVector a02 = FloatVector.fromArray(S, acc, ai + 2 * L);
        FloatVector a03 = FloatVector.fromArray(S, acc, ai + 3 * L);
        FloatVector a10 = FloatVector.fromArray(S, acc, ai + accRow);
        FloatVector a11 = FloatVector.fromArray(S, acc, ai + accRow + L);
        FloatVector a12 = FloatVector.fromArray(S, acc, ai + accRow + 2 * L);
        FloatVector a13 = FloatVector.fromArray(S, acc, ai + accRow + 3 * L);
        FloatVector a20 = FloatVector.fromArray(S, acc, ai + 2 * accRow);
        FloatVector a21 = FloatVector.fromArray(S, acc, ai + 2 * accRow + L);
        FloatVector a22 = FloatVector.fromArray(S, acc, ai + 2 * accRow + 2 * L);
        FloatVector a23 = FloatVector.fromArray(S, acc, ai + 2 * accRow + 3 * L);
        FloatVector a30 = FloatVector.fromArray(S, acc, ai + 3 * accRow);
        FloatVector a31 = FloatVector.fromArray(S, acc, ai + 3 * accRow + L);
        FloatVector a32 = FloatVector.fromArray(S, acc, ai + 3 * accRow + 2 * L);
        FloatVector a33 = FloatVector.fromArray(S, acc, ai + 3 * accRow + 3 * L);
        for (int q = 0; q < len; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, d, di + q);
            FloatVector d1 = FloatVector.fromArray(S, d, di + row + q);
            FloatVector d2 = FloatVector.fromArray(S, d, di + 2 * row + q);
            FloatVector d3 = FloatVector.fromArray(S, d, di + 3 * row + q);
            FloatVector x0 = FloatVector.fromArray(S, x, xi + q);
            FloatVector x1 = FloatVector.fromArray(S, x, xi + row + q);
            FloatVector x2 = FloatVector.fromArray(S, x, xi + 2 * row + q);
            FloatVector x3 = FloatVector.fromArray(S, x, xi + 3 * row + q);
            a00 = d0.fma(x0, a00);
            a01 = d0.fma(x1, a01);
            a02 = d0.fma(x2, a02);
            a03 = d0.fma(x3, a03);
            a10 = d1.fma(x0, a10);
            a11 = d1.fma(x1, a11);
            a12 = d1.fma(x2, a12);
            a13 = d1.fma(x3, a13);
            a20 = d2.fma(x0, a20);
            a21 = d2.fma(x1, a21);
            a22 = d2.fma(x2, a22);
            a23 = d2.fma(x3, a23);
            a30 = d3.fma(x0, a30);
            a31 = d3.fma(x1, a31);
            a32 = d3.fma(x2, a32);
            a33 = d3.fma(x3, a33);
        }
        a00.intoArray(acc, ai);
        a01.intoArray(acc, ai + L);
        a02.intoArray(acc, ai + 2 * L);
        a03.intoArray(acc, ai + 3 * L);
        a10.intoArray(acc, ai + accRow);
        a11.intoArray(acc, ai + accRow + L);
        a12.intoArray(acc, ai + accRow + 2 * L);
        a13.intoArray(acc, ai + accRow + 3 * L);
        a20.intoArray(acc, ai + 2 * accRow);
        a21.intoArray(acc, ai + 2 * accRow + L);
        a22.intoArray(acc, ai + 2 * accRow + 2 * L);
        a23.intoArray(acc, ai + 2 * accRow + 3 * L);
        a30.intoArray(acc, ai + 3 * accRow);
        a31.intoArray(acc, ai + 3 * accRow + L);
        a32.intoArray(acc, ai + 3 * accRow + 2 * L);
        a33.intoArray(acc, ai + 3 * accRow + 3 * L);
    }

    /** acc[ai ..] += one dOut row x one input row, lane by lane, over len positions (a multiple of L). */
    private static void t1x1(float[] acc, int ai, float[] d, int di, float[] x, int xi, int len) {
        FloatVector a = FloatVector.fromArray(S, acc, ai);
        for (int q = 0; q < len; q += L) {
            a = FloatVector.fromArray(S, d, di + q).fma(FloatVector.fromArray(S, x, xi + q), a);
        }
        a.intoArray(acc, ai);
    }
}
