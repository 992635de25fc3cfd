package org.deeproots.ops.simd;

/**
 * A convolution in the internal "flat positions" form shared by the forward, backward-input and weight-gradient
 * drivers. The logical input (n, c, h, w) is optionally dilated by {@code dil} (zeros between samples, used to
 * express the backward-input pass of a strided convolution as a stride-1 convolution) and zero padded by
 * {@code padT} rows and {@code padL} columns at the top and left (negative values crop); rows and columns beyond
 * the data are zero up to whatever size the output needs.
 *
 * <p>Two position layouts:
 * <ul>
 *   <li><b>direct</b> (stride 1): every image becomes {@code hv} rows of {@code wq} padded columns, images are
 *   stacked, and output position {@code q = Y * wq + x} (virtual row Y = b * hv + y) reads input position
 *   {@code q + ky * wq + kx}. Columns x >= outW and rows y >= outH are garbage, computed and thrown away;
 *   the row pitch is as small as the wrap-around into the next row's left padding allows (W + pad for a
 *   "same" 3x3), so the waste is 1-2 columns per row.</li>
 *   <li><b>col</b> (stride > 1): an im2col band, {@code q = Y * outW + x} with Y = b * outH + y, and tap t of
 *   channel ic stored as its own plane. No garbage positions.</li>
 * </ul>
 */
record ConvPlan(int n, int c, int h, int w, int groups, int oc, int kh, int kw, int stride, int dil,
                int padT, int padL, int oh, int ow, boolean direct, int hv, int wq) {

    /** Plan for a convolution with output (n, oc, oh, ow). */
    static ConvPlan of(int n, int c, int h, int w, int groups, int oc, int kh, int kw, int stride, int dil,
                       int padT, int padL, int oh, int ow) {
        boolean direct = stride == 1;
        int hd = (h - 1) * dil + 1;
        int wd = (w - 1) * dil + 1;
        int hv;
        int wq;
        if (direct) {
            hv = pitch(hd, padT, oh, kh);
            wq = pitch(wd, padL, ow, kw);
        } else {
            if (dil != 1) {
                throw new IllegalArgumentException("dilated input needs stride 1, got stride=" + stride);
            }
            hv = oh;
            wq = ow;
        }
        return new ConvPlan(n, c, h, w, groups, oc, kh, kw, stride, dil, padT, padL, oh, ow, direct, hv, wq);
    }

    /**
     * Row pitch (or rows per image) of the direct layout: large enough for every output and its window to stay
     * inside the row (or image) except where the window wraps into the next row's zero padding.
     */
    private static int pitch(int dataLen, int pad, int outLen, int k) {
        int need = outLen + k - 1;
        return Math.max(Math.max(need - Math.max(pad, 0), Math.min(pad + dataLen, need)), outLen);
    }

    int icg() {
        return c / groups;
    }

    int opg() {
        return oc / groups;
    }

    int taps() {
        return kh * kw;
    }

    /** Rows of the position space: virtual rows (direct) or (image, output row) pairs (col). */
    int totalRows() {
        return n * hv;
    }

    /** Tap offsets for a band whose per-tap plane length is {@code tapPlane} (col layout only). */
    int[] tapOffsets(int tapPlane) {
        int[] taps = new int[taps()];
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                taps[ky * kw + kx] = direct ? ky * wq + kx : (ky * kw + kx) * tapPlane;
            }
        }
        return taps;
    }

    /** Floats of one input-channel plane in a band of {@code rows} rows, including read slack. */
    int planeLength(int rows, int slack) {
        int q = roundUp(rows * wq, ConvTiles.L) + slack;
        return direct ? q + (kh - 1) * wq + kw : q * taps();
    }

    /** Per-tap plane length in the col layout for a band of {@code rows} rows. */
    int tapPlane(int rows, int slack) {
        return roundUp(rows * wq, ConvTiles.L) + slack;
    }

    /**
     * Writes channels [c0, c0 + nch) of the band of rows [y0, y0 + rows) into xs from xOff, plane by plane, each plane
     * {@code planeLength(rows, slack)} floats: the padded input rows (direct) or the im2col taps (col).
     */
    void fill(float[] xs, int xOff, float[] in, int y0, int rows, int c0, int nch, int slack) {
        int plane = planeLength(rows, slack);
        if (direct) {
            int inRows = plane / wq + 1;
            for (int ci = 0; ci < nch; ci++) {
                int dst0 = xOff + ci * plane;
                for (int r = 0; r < inRows; r++) {
                    int dst = dst0 + r * wq;
                    int len = Math.min(wq, plane - r * wq);
                    if (len <= 0) {
                        break;
                    }
                    fillRow(xs, dst, len, in, c0 + ci, y0 + r);
                }
            }
        } else {
            int tp = tapPlane(rows, slack);
            int hw = h * w;
            for (int ci = 0; ci < nch; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int dst0 = xOff + (ci * kh * kw + ky * kw + kx) * tp;
                        int q = 0;
                        for (int r = 0; r < rows && y0 + r < totalRows(); r++) {
                            int yy = y0 + r;
                            int b = yy / oh;
                            int y = yy % oh;
                            int iy = y * stride - padT + ky;
                            int src = (b * c + c0 + ci) * hw + iy * w;
                            boolean rowIn = iy >= 0 && iy < h;
                            for (int x = 0; x < ow; x++, q++) {
                                int ix = x * stride - padL + kx;
                                xs[dst0 + q] = rowIn && ix >= 0 && ix < w ? in[src + ix] : 0f;
                            }
                        }
                        java.util.Arrays.fill(xs, dst0 + q, dst0 + tp, 0f);
                    }
                }
            }
        }
    }

    /** One padded row (virtual row vr of channel ch) of the direct layout, len floats at xs[dst]. */
    private void fillRow(float[] xs, int dst, int len, float[] in, int ch, int vr) {
        int hd = (h - 1) * dil + 1;
        int wd = (w - 1) * dil + 1;
        int rr = vr < n * hv ? vr % hv - padT : -1;
        if (rr < 0 || rr >= hd || rr % dil != 0) {
            java.util.Arrays.fill(xs, dst, dst + len, 0f);
            return;
        }
        int b = vr / hv;
        int src = ((b * c + ch) * h + rr / dil) * w;
        if (dil == 1) {
            int c0 = Math.max(padL, 0);
            int c1 = Math.min(len, padL + wd);
            java.util.Arrays.fill(xs, dst, dst + Math.min(c0, len), 0f);
            if (c1 > c0) {
                System.arraycopy(in, src + c0 - padL, xs, dst + c0, c1 - c0);
            }
            if (c1 < len) {
                java.util.Arrays.fill(xs, dst + Math.max(c1, 0), dst + len, 0f);
            }
        } else {
            java.util.Arrays.fill(xs, dst, dst + len, 0f);
            for (int col = 0; col < len; col++) {
                int cc = col - padL;
                if (cc >= 0 && cc < wd && cc % dil == 0) {
                    xs[dst + col] = in[src + cc / dil];
                }
            }
        }
    }

    static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
