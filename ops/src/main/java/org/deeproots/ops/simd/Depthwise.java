package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Depthwise 3x3 stride-1 "same" convolutions (one input and one output channel per group: ResNet root-64's first
 * stage), plane by plane in place. Vectors run along each output row; an output vector sums its 3 rows of 3
 * taps: the centre column is an unaligned load of the input row, the left and right columns are loads shifted by
 * one position, except at the row's ends, where the centre load is slid by one lane with a zero coming in (the
 * zero padding). Rows outside the image are skipped. The last vector of a row ends at the row's end, overlapping
 * the one before when the width is not a multiple of L (the overlapped outputs are computed twice, identically).
 *
 * <p>The general kernels pad every plane into a band and copy the result out of a buffer: at one multiply-add
 * per input load and 9 per output, those copies took most of the time. Measured at 64 channels 56x56, 64 groups,
 * 2 threads (median and best of 300 calls): batch 1 40-45 -> 85-92 GFLOP/s, batch 10 37-43 -> 73-93. The 9 taps
 * are named vectors and the 3 rows written out: kept in an array, or passed to a helper, the vectors were boxed
 * (19-42 GFLOP/s).
 *
 * <p>The plane is swept in blocks of {@link #ROW_BLOCK} rows, each block column by column. Swept column by column
 * over the whole plane, the first column read every row's first cache lines at a stride of a row and the others
 * came back for the rest; planes larger than L1 were read again for every column. Batch 10, 2 threads, best of 2 s,
 * two runs each, ms: 64 channels 56x56 0.41-0.42 -> 0.37-0.39; 32 channels 112x112 1.25-1.28 -> 1.00-1.03;
 * 128 channels 28x28 level (0.16).
 */
final class Depthwise {
    private static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    private static final int L = S.length();

    /**
     * Rows per block: every vector column of a block is done before the next block, so that the block's input rows
     * are read from memory once, in order, and stay in L1 for the other columns (8 was best of 1-16 and whole planes,
     * see the class comment).
     */
    private static final int ROW_BLOCK = 8;

    private Depthwise() {
    }

    /** True for depthwise 3x3, stride 1, padding 1 convolutions whose rows hold at least a vector. */
    static boolean applies(ConvGeometry g) {
        return g.groups() == g.inC() && g.groups() == g.outC() && g.kh() == 3 && g.kw() == 3 && g.stride() == 1
                && g.pad() == 1 && g.w() >= L;
    }

    /** out = conv(in, weight) + bias (nullable), then max(out, 0) where {@code relu}, plane by plane. */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean relu) {
        float[] b = bias != null ? bias : SimdConstants.zeros(g.outC());
        int c = g.inC();
        int hw = g.h() * g.w();
        Parallel.forRange(g.n() * c, p -> {
            plane(out, in, p * hw, weight, (p % c) * 9, b[p % c], g.h(), g.w());
            if (relu) {
                Relu.inPlace(out, p * hw, (p + 1) * hw);
            }
        });
    }

    private static void plane(float[] out, float[] in, int base, float[] weight, int wb, float bias, int h, int w) {
        // the 9 taps as named vectors (in an array, C2 keeps them boxed in memory)
        FloatVector k0 = FloatVector.broadcast(S, weight[wb]);
        FloatVector k1 = FloatVector.broadcast(S, weight[wb + 1]);
        FloatVector k2 = FloatVector.broadcast(S, weight[wb + 2]);
        FloatVector k3 = FloatVector.broadcast(S, weight[wb + 3]);
        FloatVector k4 = FloatVector.broadcast(S, weight[wb + 4]);
        FloatVector k5 = FloatVector.broadcast(S, weight[wb + 5]);
        FloatVector k6 = FloatVector.broadcast(S, weight[wb + 6]);
        FloatVector k7 = FloatVector.broadcast(S, weight[wb + 7]);
        FloatVector k8 = FloatVector.broadcast(S, weight[wb + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector zero = FloatVector.zero(S);
        for (int y0 = 0; y0 < h; y0 += ROW_BLOCK) {
            int y1 = Math.min(h, y0 + ROW_BLOCK);
            for (int x = 0; x < w; x += L) {
                int x0 = Math.min(x, w - L);
                boolean first = x0 == 0;
                boolean last = x0 + L == w;
                for (int y = y0; y < y1; y++) {
                    FloatVector acc = b;
                    int at = base + y * w + x0;
                    if (y > 0) {
                        int a = at - w;
                        FloatVector c = FloatVector.fromArray(S, in, a);
                        FloatVector l = first ? zero.slice(L - 1, c) : FloatVector.fromArray(S, in, a - 1);
                        FloatVector r = last ? c.slice(1, zero) : FloatVector.fromArray(S, in, a + 1);
                        acc = r.fma(k2, c.fma(k1, l.fma(k0, acc)));
                    }
                    {
                        FloatVector c = FloatVector.fromArray(S, in, at);
                        FloatVector l = first ? zero.slice(L - 1, c) : FloatVector.fromArray(S, in, at - 1);
                        FloatVector r = last ? c.slice(1, zero) : FloatVector.fromArray(S, in, at + 1);
                        acc = r.fma(k5, c.fma(k4, l.fma(k3, acc)));
                    }
                    if (y + 1 < h) {
                        int a = at + w;
                        FloatVector c = FloatVector.fromArray(S, in, a);
                        FloatVector l = first ? zero.slice(L - 1, c) : FloatVector.fromArray(S, in, a - 1);
                        FloatVector r = last ? c.slice(1, zero) : FloatVector.fromArray(S, in, a + 1);
                        acc = r.fma(k8, c.fma(k7, l.fma(k6, acc)));
                    }
                    acc.intoArray(out, at);
                }
            }
        }
    }
}
