package org.deeproots.ops.simd;

import org.deeproots.ops.Parallel;

/**
 * "Same" stride-1 convolutions (output size = input size, odd kernels, padding (k - 1) / 2) read in place: no padded
 * copy of the input, no output buffer. Vectors run along the flat positions of each output plane (crossing rows);
 * for tap (ky, kx) the input of every lane sits at the same distance {@code (ky - padT) * w + kx - padL} from its
 * output position, and the lanes whose tap falls outside the image (the zero padding) are masked off the load.
 * The results are stored straight into the NCHW output. Each plane is covered by ceil(hw / L) vectors, the last one
 * ending at the plane's end (overlapping the one before when hw is not a multiple of L; the overlapped positions
 * are computed twice, identically).
 *
 * <p>Used for the position tiles (groups with few output channels, see {@link ConvDirect#channelMode}): there the
 * multiply-adds per input value are few (36 per value at 4 channels per group) and copying the input into a
 * padded band and the result out of a buffer took as long as the arithmetic (measured at 64 channels 56x56, 16
 * groups, batch 10, 2 threads: 35% of the time in the tiles, 35% padding, 20% copying out).
 *
 * <p>Parallel items are (group, band of vectors, run of the group's output channels: more than one run only when
 * groups and bands are too few for the threads); the vectors of a band run in tiles of P vectors x 4, 2 or 1
 * output channels ({@link MaskedTiles}), input channels in blocks of {@link MaskedTiles#IC_BLOCK}; each output
 * element is written by the item that owns its vector (and perhaps, with the same value, by the one that owns the
 * overlapping vector), so results do not depend on the thread count.
 */
final class MaskedConv {
    private static final int L = MaskedTiles.L;

    private MaskedConv() {
    }

    /**
     * True where {@link #forward} applies: stride 1, no dilation, odd kernel, "same" padding, planes of >= L, and
     * at least 2 output channels per group (a depthwise layer loads one vector per multiply-add either way, and the
     * one-channel tiles wide enough for it fail C1 and may then run uncompiled for seconds).
     */
    static boolean applies(ConvPlan p) {
        return p.direct() && p.dil() == 1 && p.kh() % 2 == 1 && p.kw() % 2 == 1 && p.padT() == (p.kh() - 1) / 2
                && p.padL() == (p.kw() - 1) / 2 && p.oh() == p.h() && p.ow() == p.w() && p.h() * p.w() >= L
                && p.opg() >= 2;
    }

    /**
     * out (n, oc, h, w) = conv(in, weight) + bias for a plan where {@link #applies} holds; bias nullable. Then
     * max(out, 0) where {@code relu}, as a pass of its own over the output: done by each item on the
     * sub-band it had just stored, it made whole layers 5-8% slower than the separate pass (64 channels 56x56,
     * 16 groups, batch 10), not faster.
     */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvPlan p, boolean relu) {
        float[] b = bias != null ? bias : SimdConstants.zeros(p.oc());
        Layout lay = layout(p);
        int hw = p.h() * p.w();
        int nv = lay.inOff.length;
        int nTaps = p.taps();
        int groups = p.groups();
        int icg = p.icg();
        int opg = p.opg();
        int wStride = icg * nTaps;
        int maxP = 5; // the widest tile
        // bands of whole tiles, enough of them for 4 items per thread
        int wantedBands = Math.max(1, (4 * Parallel.threads() + groups - 1) / groups);
        int bandVecs = Math.max(Math.min(maxP, nv), (nv + wantedBands - 1) / wantedBands);
        bandVecs = (bandVecs + maxP - 1) / maxP * maxP;
        int bands = (nv + bandVecs - 1) / bandVecs;
        int bv = bandVecs;
        // few groups and few positions (a dense layer at 7x7, batch 1): split the output channels too, in runs of 4
        int quads = (opg + 3) / 4;
        int chunks = Math.min(quads, Math.max(1, (4 * Parallel.threads() + groups * bands - 1) / (groups * bands)));
        Parallel.forRange(groups * bands * chunks, item -> {
            int chunk = item % chunks;
            int grp = item / chunks / bands;
            int j0 = item / chunks % bands * bv;
            int j1 = Math.min(nv, j0 + bv);
            int xBase = grp * icg * hw;
            int oc0 = grp * opg + 4 * (int) ((long) quads * chunk / chunks);
            int oc1 = Math.min((grp + 1) * opg, grp * opg + 4 * (int) ((long) quads * (chunk + 1) / chunks));
            // sub-bands of SUB to SUB * 2 - 1 vectors, all the item's output channels over one before the next, so
            // that the sub-band's input stays in cache across them
            for (int s0 = j0; s0 < j1; ) {
                int s1 = j1 - s0 < 2 * SUB ? j1 : s0 + SUB;
                for (int oc = oc0; oc < oc1; ) {
                    int size = oc1 - oc >= 4 ? 4 : oc1 - oc >= 2 ? 2 : 1;
                    band(in, xBase, hw, lay, s0, s1, nTaps, icg, weight, oc * wStride, wStride, b, oc, out, size);
                    oc += size;
                }

                s0 = s1;
            }
        });
        if (relu) {
            Relu.parallel(out, out, p.n() * p.oc() * hw);
        }
    }

    /** Vectors per sub-band (a multiple of every tile width). */
    private static final int SUB = 40;

    /**
     * Per vector j of the call (image-major): its offset in the input and output arrays (image start plus position
     * start within the plane) and the row of its masks, one long per tap; tap offsets; min and max tap offset.
     */
    private record Layout(int[] inOff, int[] outOff, int[] maskRow, long[] masks, int[] tapOff, int tapMin,
                          int tapMax) {
    }

    private record Key(int n, int c, int oc, int h, int w, int kh, int kw) {
    }

    /** Recent layouts (a layer's shape repeats every call). */
    private static final java.util.Map<Key, Layout> LAYOUTS = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Key, Layout> eldest) {
                    return size() > 64;
                }
            });

    private static Layout layout(ConvPlan p) {
        return LAYOUTS.computeIfAbsent(new Key(p.n(), p.c(), p.oc(), p.h(), p.w(), p.kh(), p.kw()),
                k -> buildLayout(p));
    }

    private static Layout buildLayout(ConvPlan p) {
        int h = p.h();
        int w = p.w();
        int hw = h * w;
        int perPlane = (hw + L - 1) / L;
        int nv = p.n() * perPlane;
        int nTaps = p.taps();
        int[] inOff = new int[nv];
        int[] outOff = new int[nv];
        int[] maskRow = new int[nv];
        long[] masks = new long[perPlane * nTaps];
        int[] tapOff = new int[nTaps];
        for (int t = 0; t < nTaps; t++) {
            tapOff[t] = (t / p.kw() - p.padT()) * w + t % p.kw() - p.padL();
        }
        for (int i = 0; i < perPlane; i++) {
            int s = Math.min(i * L, hw - L);
            for (int t = 0; t < nTaps; t++) {
                int dy = t / p.kw() - p.padT();
                int dx = t % p.kw() - p.padL();
                long bits = 0;
                for (int l = 0, y = s / w, x = s % w; l < L; l++) {
                    if (y + dy >= 0 && y + dy < h && x + dx >= 0 && x + dx < w) {
                        bits |= 1L << l;
                    }
                    if (++x == w) {
                        x = 0;
                        y++;
                    }
                }
                masks[i * nTaps + t] = bits;
            }
            for (int b = 0; b < p.n(); b++) {
                int j = b * perPlane + i;
                inOff[j] = b * p.c() * hw + s;
                outOff[j] = b * p.oc() * hw + s;
                maskRow[j] = i * nTaps;
            }
        }
        return new Layout(inOff, outOff, maskRow, masks, tapOff, tapOff[0], tapOff[nTaps - 1]);
    }

    private static final ThreadLocal<float[][]> EDGE = ThreadLocal.withInitial(() -> new float[1][]);

    /** in[lo, hi) at the same indices minus lo, zero where outside in (a window of a tile at the array's ends). */
    private static float[] edgeCopy(float[] in, int lo, int hi) {
        float[] x = ConvDirect.grow(EDGE.get(), 0, hi - lo);
        java.util.Arrays.fill(x, 0, hi - lo, 0f);
        int from = Math.max(lo, 0);
        int to = Math.min(hi, in.length);
        System.arraycopy(in, from, x, from - lo, to - from);
        return x;
    }

    /** Vectors [j0, j1) of output channels oc..oc+size: widest tiles first, the last tile overlapping if needed. */
    private static void band(float[] in, int xBase, int hw, Layout lay, int j0, int j1, int nTaps, int icg,
                             float[] w, int wBase, int wStride, float[] bias, int oc, float[] out, int size) {
        int wide = size == 1 ? 4 : 5;
        int j = j0;
        if (wide == 5) {
            // where the band splits exactly into tiles of 5 and 4 vectors (13 = 5 + 4 + 4: a 14x14 plane), run
            // those rather than a last tile of 5 overlapping the one before (15 vectors computed for 13)
            int n = j1 - j0;
            for (int fives = n / 5; fives >= 0; fives--) {
                if ((n - 5 * fives) % 4 == 0) {
                    for (int t = 0; t < fives + (n - 5 * fives) / 4; t++) {
                        int pv = t < fives ? 5 : 4;
                        tile(in, xBase, hw, lay, j, pv, nTaps, icg, w, wBase, wStride, bias, oc, out, size);
                        j += pv;
                    }
                    return;
                }
            }
        }
        while (j < j1) {
            int left = j1 - j;
            int pv = left >= wide || j1 - j0 >= wide ? wide : left >= 4 || j1 - j0 >= 4 ? 4 : 1;
            int at = Math.min(j, j1 - pv); // the last tile of a band ends at j1, overlapping the one before
            tile(in, xBase, hw, lay, at, pv, nTaps, icg, w, wBase, wStride, bias, oc, out, size);
            j = at + pv;
        }
    }

    /** The tile of output channels oc..oc+size x vectors [at, at + pv). */
    private static void tile(float[] in, int xBase, int hw, Layout lay, int at, int pv, int nTaps, int icg,
                             float[] w, int wBase, int wStride, float[] bias, int oc, float[] out, int size) {
        float[] x = in;
        int xb = xBase;
        // masked-off lanes may point outside the array only near its two ends: such tiles read a copy of their
        // window with room around it (the masked loads would otherwise leave the compiled fast path)
        int lo = xBase + lay.inOff[at] + lay.tapMin;
        int hi = xBase + lay.inOff[at + pv - 1] + lay.tapMax + (icg - 1) * hw + L;
        if (lo < 0 || hi > in.length) {
            x = edgeCopy(in, lo, hi);
            xb = xBase - lo;
        }
        MaskedTiles.tile(size, pv, x, xb, hw, lay.inOff, lay.outOff, lay.maskRow, at, lay.masks, lay.tapOff,
                nTaps, icg, w, wBase, wStride, bias, oc, out, hw);
    }
}
