package org.deeproots.ops.simd;

import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.ConvGeometry;

/**
 * Stride-2 convolutions of images with few input channels (the 7x7 stems: 3 channels, 224x224) as a stride-1
 * convolution over the input's four sample phases. With ky = 2a + p and kx = 2b + q,
 * {@code out[y][x] = sum w[ky][kx] in[2y + ky - pad][2x + kx - pad] = sum_{p,q} sum_{a,b} w'[(c,p,q)][a][b]
 * P_{c,p,q}[y + a][x + b]} where {@code P_{c,p,q}[u][v] = in[c][2u + p - pad][2v + q - pad]} (zero outside) and
 * {@code w'[oc][(c,p,q)][a][b] = w[oc][c][2a + p][2b + q]} (zero where 2a + p or 2b + q >= k). The phases are
 * 4 x C channels of about (H/2) x (W/2) with a ceil(k/2)-square kernel and no padding, which the direct layout of
 * {@link ConvDirect} handles without the im2col band a strided convolution otherwise needs (147 taps x every
 * output position for a 7x7 stem). Costs the zero taps (49 of 64 are real at 7x7) and one pass over the input.
 *
 * <p>Each output is the fused chain over (c, p, q, a, b) in order, so results do not depend on the thread count;
 * they differ from the direct order of {@code (c, ky, kx)} only by float rounding.
 */
final class Polyphase {
    /** Input channels up to which the phases pay (the im2col band grows with channels x taps, the phases do not). */
    private static final int MAX_CHANNELS = 4;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);

    /** False with -Ddeeproots.conv.polyphase=false (for comparisons). */
    static volatile boolean enabled = !"false".equals(System.getProperty("deeproots.conv.polyphase"));

    private Polyphase() {
    }

    /** True for the convolutions this class runs: stride 2, ungrouped, at most 4 input channels, kernel >= 3. */
    static boolean applies(ConvGeometry g) {
        return enabled && g.stride() == 2 && g.groups() == 1 && g.inC() <= MAX_CHANNELS && g.kh() >= 3
                && g.kw() >= 3;
    }

    /**
     * out (n, outC, oh, ow) = conv(in (n, inC, h, w), weight (outC, inC, kh, kw), stride 2) + bias (nullable), then
     * max(out, 0) where {@code relu}.
     */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean relu) {
        int n = g.n();
        int c = g.inC();
        int oc = g.outC();
        int kh = g.kh();
        int kw = g.kw();
        int ka = (kh + 1) / 2; // phase kernel rows
        int kb = (kw + 1) / 2; // phase kernel columns
        int oh = g.outH();
        int ow = g.outW();
        int ph = oh + ka - 1; // phase image rows
        int pw = ow + kb - 1;
        int h = g.h();
        int w = g.w();
        int pad = g.pad();
        int c4 = 4 * c;
        float[][] scratch = SCRATCH.get();
        float[] phases = ConvDirect.grow(scratch, 0, n * c4 * ph * pw); // (n, (c, p, q), ph, pw)
        Parallel.forRange(n * c4, plane -> {
            int img = plane / c4;
            int cc = plane % c4 / 4;
            int p = plane % 4 / 2;
            int q = plane % 2;
            int src = (img * c + cc) * h * w;
            int dst = plane * ph * pw;
            for (int u = 0; u < ph; u++) {
                int iy = 2 * u + p - pad;
                boolean rowIn = iy >= 0 && iy < h;
                for (int v = 0; v < pw; v++) {
                    int ix = 2 * v + q - pad;
                    phases[dst++] = rowIn && ix >= 0 && ix < w ? in[src + iy * w + ix] : 0f;
                }
            }
        });
        float[] wp = ConvDirect.grow(scratch, 1, oc * c4 * ka * kb); // (oc, (c, p, q), ka, kb)
        for (int o = 0; o < oc; o++) {
            for (int cc = 0; cc < c; cc++) {
                for (int p = 0; p < 2; p++) {
                    for (int q = 0; q < 2; q++) {
                        int dst = ((o * c + cc) * 4 + p * 2 + q) * ka * kb;
                        for (int a = 0; a < ka; a++) {
                            for (int b = 0; b < kb; b++) {
                                int ky = 2 * a + p;
                                int kx = 2 * b + q;
                                wp[dst + a * kb + b] = ky < kh && kx < kw ? weight[((o * c + cc) * kh + ky) * kw + kx]
                                        : 0f;
                            }
                        }
                    }
                }
            }
        }
        ConvPlan plan = ConvPlan.of(n, c4, ph, pw, 1, oc, ka, kb, 1, 1, 0, 0, oh, ow);
        ConvDirect.forward(out, phases, wp, bias, plan, false, relu);
    }
}
