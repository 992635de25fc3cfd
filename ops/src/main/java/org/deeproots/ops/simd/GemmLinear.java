package org.deeproots.ops.simd;

import java.util.Arrays;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.LinearGeometry;

/**
 * Fully connected layers as small GEMMs on the {@link ConvTiles} register tiles.
 *
 * <ul>
 *   <li>forward: out[n][o] = dot(in[n], weight[o]): dot products along the input features (tiles of 4 weight
 *   rows x 6 batch rows), work items over blocks of output features;</li>
 *   <li>backward input: dIn[n] = sum_o dOut[n][o] * weight[o]: broadcast-FMA along the input features
 *   (4 batch rows x 4 vectors), items over batch rows and feature blocks;</li>
 *   <li>backward weight: dW[o] = sum_n dOut[n][o] * in[n], the same tile with the batch as reduction.</li>
 * </ul>
 * Every output element is owned by one item, so results do not depend on the thread count.
 */
final class GemmLinear {
    private static final int L = ConvTiles.L;
    private static final int[] TAP0 = {0};

    private GemmLinear() {
    }

    static void forward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g) {
        int n = g.n();
        int fin = g.in();
        int fout = g.out();
        for (int b = 0; b < n; b++) {
            if (bias == null) {
                Arrays.fill(out, b * fout, (b + 1) * fout, 0f);
            } else {
                System.arraycopy(bias, 0, out, b * fout, fout);
            }
        }
        int blocks = (fout + 15) / 16;
        Parallel.forRange(blocks, blk -> {
            int o1 = Math.min(fout, blk * 16 + 16);
            int o = blk * 16;
            for (; o + 4 <= o1; o += 4) {
                int b = 0;
                for (; b + 6 <= n; b += 6) {
                    ConvTiles.bw4x6(weight, o * fin, fin, in, b * fin, (b + 1) * fin, (b + 2) * fin,
                            (b + 3) * fin, (b + 4) * fin, (b + 5) * fin, fin, out, b * fout + o, 1, fout);
                }
                for (; b < n; b++) {
                    ConvTiles.bw4x1(weight, o * fin, fin, in, b * fin, fin, out, b * fout + o, 1, fout);
                }
            }
            for (; o < o1; o++) {
                int b = 0;
                for (; b + 6 <= n; b += 6) {
                    ConvTiles.bw1x6(weight, o * fin, fin, in, b * fin, (b + 1) * fin, (b + 2) * fin,
                            (b + 3) * fin, (b + 4) * fin, (b + 5) * fin, fin, out, b * fout + o, 1, fout);
                }
                for (; b < n; b++) {
                    ConvTiles.bw1x1(weight, o * fin, fin, in, b * fin, fin, out, b * fout + o, 1, fout);
                }
            }
        });
    }

    static void backwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g) {
        // dIn (n, in) = dOut (n, out) x weight (out, in): rows of dIn are "output channels" with dOut as the
        // broadcast weights (stride out), weight rows as input planes (stride in)
        axpyGemm(dIn, dOut, g.out(), 1, weight, g.n(), g.in(), g.out());
    }

    static void backwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g) {
        int n = g.n();
        int fout = g.out();
        float[] dOutT = new float[fout * n]; // (out, n)
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < fout; o++) {
                dOutT[o * n + b] = dOut[b * fout + o];
            }
        }
        // dW (out, in) = dOutT (out, n) x in (n, in)
        axpyGemm(dWeight, dOutT, n, 1, in, fout, g.in(), n);
        if (dBias != null) {
            for (int o = 0; o < fout; o++) {
                double s = 0;
                for (int b = 0; b < n; b++) {
                    s += dOutT[o * n + b];
                }
                dBias[o] = (float) s;
            }
        }
    }

    /**
     * c (rows, cols) = a (rows, red) x b (red, cols), with a[r][k] at a[r * aRow + k * aCol] and b row-major
     * (stride cols). Vector body over full vectors of cols, scalar tail for the rest.
     */
    private static void axpyGemm(float[] c, float[] a, int aRow, int aCol, float[] b, int rows, int cols,
                                 int red) {
        if (aCol != 1) {
            throw new IllegalStateException("aCol must be 1");
        }
        int nv = cols / L;
        int colBlockVectors = 24;
        int colBlocks = Math.max(1, (nv + colBlockVectors - 1) / colBlockVectors);
        int rowBlocks = (rows + 3) / 4;
        Parallel.forRange(rowBlocks * colBlocks, item -> {
            int cb = item % colBlocks;
            int r0 = (item / colBlocks) * 4;
            int r1 = Math.min(rows, r0 + 4);
            int v0 = cb * colBlockVectors;
            int v1 = Math.min(nv, v0 + colBlockVectors);
            int r = r0;
            for (; r + 4 <= r1; r += 4) {
                int v = v0;
                for (; v + 4 <= v1; v += 4) {
                    ConvTiles.fwd4x4(b, v * L, cols, TAP0, 1, red, a, r * aRow, aRow, c, r * cols + v * L, cols);
                }
                for (; v < v1; v++) {
                    ConvTiles.fwd4x1(b, v * L, cols, TAP0, 1, red, a, r * aRow, aRow, c, r * cols + v * L, cols);
                }
            }
            for (; r < r1; r++) {
                int v = v0;
                for (; v + 16 <= v1; v += 16) {
                    ConvTiles.fwd1x16(b, v * L, cols, TAP0, 1, red, a, r * aRow, aRow, c, r * cols + v * L, cols);
                }
                for (; v < v1; v++) {
                    ConvTiles.fwd1x1(b, v * L, cols, TAP0, 1, red, a, r * aRow, aRow, c, r * cols + v * L, cols);
                }
            }
            // scalar tail: the last cols % L columns, done by the last column block
            if (cb == colBlocks - 1) {
                for (int rr = r0; rr < r1; rr++) {
                    for (int col = nv * L; col < cols; col++) {
                        float s = 0f;
                        for (int k = 0; k < red; k++) {
                            s = Math.fma(a[rr * aRow + k], b[k * cols + col], s);
                        }
                        c[rr * cols + col] = s;
                    }
                }
            }
        });
    }
}
