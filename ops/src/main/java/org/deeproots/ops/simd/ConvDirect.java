package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import org.deeproots.ops.Parallel;

/**
 * Direct convolution for every group count, kernel size and stride, with two register-tile families chosen per
 * call ({@link #channelMode}).
 *
 * <p><b>Position tiles</b> (the default; for "same" stride-1 layers with 2 or more output channels per group the
 * in-place variant {@link MaskedConv} runs instead): the positions of a band of output rows are flattened
 * ({@link ConvPlan}); a tile of O output channels x P vectors of consecutive positions ({@link ConvTiles}
 * {@code fwd4x5}, {@code fwd2x8}, {@code fwd1x16}, 4-vector tails) accumulates, for every input channel of the
 * group and every tap, P unaligned input loads times O weights broadcast straight from their
 * (outC, inC/groups, kh, kw) layout, so nothing is packed. Vectors run along positions, not channels, so the same
 * code serves dense, grouped and depthwise layers without wasting lanes.
 *
 * <p><b>Channel tiles</b>, when a group has a multiple of 2 x L output channels (or exactly L, with 3-wide taps)
 * and the call enough positions: 2 vectors of output channels x 10 positions ({@link ChannelTiles}; row by row over the real outputs in tiles of
 * 1-10 positions where the flat layout wastes over 10% on padding, see {@link #rowTiles}), input values broadcast (scalar loads never split
 * a cache line, unlike the shifted vector loads of the position tiles), weights packed channel-last (cached between calls while they do not change, {@link PackCache});
 * the tile output is transposed back to NCHW when stored. Measured on the tiles alone (1 thread, 512-bit, busy
 * machine): oc2x10 reaches ~99% of the FMA peak, fwd4x5 ~75%; tiles above ~22 vector registers (4x6, 8x3) spill
 * and drop to ~40%.
 *
 * <p>Parallel work items are (group, band of rows, chunk of output channels), so that batch 1 keeps every core
 * busy; an item pads its band of the group's input into a thread-local buffer sized for L2 (or, when several
 * chunks share a band, reads it from a buffer padded once), runs the tiles into a thread-local output buffer and
 * copies the valid positions out, adding the bias. Each output element is produced by exactly one item, in a
 * fixed order, so results do not depend on the thread count.
 *
 * <p>Letters: n batch, c input channels, icg/opg channels per group (in/out), q flat position, L lanes.
 */
final class ConvDirect {
    private static final int L = ConvTiles.L;
    /** Read slack after the last position of a band: the widest tile. */
    private static final int SLACK = Math.max(4 * L, 24);
    /** Budget of the per-item input band, in floats (about 256 KiB). */
    private static final int BAND_FLOATS = 64 * 1024;
    /** Upper bound on positions per band. */
    private static final int MAX_BAND_POSITIONS = 4096;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][]);
    /** Gather offsets of the channel-last stores, per thread. */
    private static final ThreadLocal<int[]> GATHER = ThreadLocal.withInitial(() -> new int[L]);
    /** Buffers of the thread that calls {@link #forward}, shared with the workers for the duration of a call. */
    private static final ThreadLocal<float[][]> CALLER_SCRATCH = ThreadLocal.withInitial(() -> new float[2][]);
    /** Packed weights of recent calls (here and in {@link Gemm1x1}), re-packed only when the weights change. */
    static final PackCache PACKED = new PackCache();

    private ConvDirect() {
    }

    /**
     * out (n, oc, oh, ow) = conv(plan input, weight) + bias, weight in (oc, icg, kh, kw) layout starting at
     * weight[0]; bias nullable; {@code cacheWeights} false for weights made for this call only (the backward pass's
     * transposed weights), which are then packed into a scratch buffer. Then max(out, 0) where {@code relu}, by each
     * item on the rows it stores.
     */
    static void forward(float[] out, float[] in, float[] weight, float[] bias, ConvPlan p, boolean cacheWeights,
                        boolean relu) {
        String m = mode;
        boolean channel = channelMode(p, m);
        if (!channel && !"position".equals(m) && MaskedConv.applies(p)) {
            MaskedConv.forward(out, in, weight, bias, p, relu);
            return;
        }
        int icg = p.icg();
        int opg = p.opg();
        int rowsTotal = p.totalRows();
        int bandRows = Math.max(1, BAND_FLOATS / (icg * p.wq() * (p.direct() ? 1 : p.taps())) - (p.kh() - 1));
        bandRows = Math.min(bandRows, Math.max(1, MAX_BAND_POSITIONS / p.wq()));
        bandRows = Math.min(bandRows, rowsTotal);
        int bands = (rowsTotal + bandRows - 1) / bandRows;
        bandRows = (rowsTotal + bands - 1) / bands;
        bands = (rowsTotal + bandRows - 1) / bandRows;

        int[] tiles = ocTiles(opg, channel);
        int threads = Parallel.threads();
        int wanted = 4 * threads;
        int chunks = 1;
        int base = p.groups() * bands;
        if (base < wanted) {
            chunks = Math.min(tiles.length, (wanted + base - 1) / base);
        }
        int[] chunkStart = new int[chunks + 1];
        for (int i = 0; i <= chunks; i++) {
            chunkStart[i] = (int) ((long) tiles.length * i / chunks);
        }
        final int br = bandRows;
        final int nb = bands;
        final int nc = chunks;
        float[] packed = !channel ? null
                : cacheWeights ? PACKED.get(weight, java.util.List.of("conv", p.groups(), p.icg(), p.taps(), p.opg(), L),
                        weight.length, wp -> pack(wp, weight, p, tiles)) : grow(CALLER_SCRATCH.get(), 1, weight.length);
        if (channel && !cacheWeights) {
            pack(packed, weight, p, tiles);
        }
        // with several chunks per band, pad each band once into a shared buffer instead of once per chunk; the
        // buffer belongs to the calling thread (several callers may run convolutions at once)
        int bandFloats = icg * p.planeLength(br, SLACK);
        float[] shared = chunks > 1 ? grow(CALLER_SCRATCH.get(), 0, p.groups() * bands * bandFloats) : null; // (groups, bands, icg, plane)
        if (shared != null) {
            Parallel.forRange(p.groups() * bands, gb -> {
                int band = gb % nb;
                int grp = gb / nb;
                p.fill(shared, gb * bandFloats, in, band * br, Math.min(br, rowsTotal - band * br), grp * icg, icg,
                        SLACK);
            });
        }
        Parallel.forRange(p.groups() * bands * chunks, item -> {
            int chunk = item % nc;
            int band = (item / nc) % nb;
            int grp = item / (nc * nb);
            runItem(out, in, shared, (grp * nb + band) * bandFloats, weight, packed, bias, p, grp, band * br,
                    Math.min(br, rowsTotal - band * br), channel, tiles, chunkStart[chunk], chunkStart[chunk + 1],
                    relu);
        });
    }

    /**
     * True for the channel-vectorised tiles: the group's output channels fill pairs of vectors and the call has
     * enough positions for the 10- or 20-position tiles (packed weights are cached, so packing no longer counts).
     * Measured at 512 bits, batch 1, 2 threads: 256 channels 14x14 (225 flat positions) 276 GFLOP/s against 223
     * for the position tiles; but 32 channels per group at 225 positions 199/219, and 7x7 (64 positions) 185/203
     * (run-to-run spread of these figures: ~15%).
     */
    static boolean channelMode(ConvPlan p, String m) {
        if (!"auto".equals(m)) {
            return "channel".equals(m) && p.opg() % L == 0;
        }
        long positions = (long) p.n() * p.hv() * p.wq();
        if (p.opg() == L && rowsOf3(p)) {
            // one vector of channels per group, 3-wide taps: the tile that reuses its broadcasts across the row
            // (measured back to back, 64 channels 56x56, 4 groups, 2 threads: batch 1 234-241 against 158-163
            // GFLOP/s for the masked position tiles, batch 10 227-229 against 144-153; 300-313 and 249-257 since
            // the stores transpose in registers); not where the flat rows carry over 10% padding (128 channels
            // 28x28, 8 groups: a tie)
            return !rowTiles(p) && positions >= 512;
        }
        if (p.opg() % (2 * L) != 0) {
            return false;
        }
        return positions >= (p.opg() >= 4 * L ? 200 : 512);
    }

    /** True where the taps come in rows of 3 consecutive offsets ({@link ChannelTiles#oc1r3x20}): 3-wide kernels on padded rows. */
    static boolean rowsOf3(ConvPlan p) {
        return p.kw() == 3 && p.direct();
    }

    /**
     * Tile choice: "auto" (the rule of {@link #channelMode}; position tiles run in place, {@link MaskedConv}, where
     * it applies), "position" (the position tiles over padded bands, never in place) or "channel" (forced, where it
     * applies; for tests and experiments: -Ddeeproots.conv.mode). Read once per call on the calling thread.
     */
    static volatile String mode = System.getProperty("deeproots.conv.mode", "auto");

    /**
     * Output-channel tiles of a group: blocks of 2L and L channels in channel mode, else sizes from {4, 2, 1},
     * largest first.
     */
    static int[] ocTiles(int opg, boolean channel) {
        if (channel) {
            int blocks = opg / L;
            int[] t = new int[blocks / 2 + blocks % 2];
            java.util.Arrays.fill(t, 2 * L);
            if (blocks % 2 == 1) {
                t[t.length - 1] = L;
            }
            return t;
        }
        int count = opg / 4 + Integer.bitCount(opg % 4);
        int[] t = new int[count];
        int i = 0;
        for (int k = 0; k < opg / 4; k++) {
            t[i++] = 4;
        }
        for (int s = 2; s >= 1; s >>= 1) {
            if ((opg % 4 & s) != 0) {
                t[i++] = s;
            }
        }
        return t;
    }

    /**
     * Weights in channel-last tiles for the channel-vectorised kernels: for each group and tile of {@code size}
     * output channels, (icg, taps, size), in the order of {@link #ocTiles}; the tile of channels ocg..ocg+size
     * starts at ocg * icg * taps. wp has the length of weight: (groups, tiles, icg * taps, size).
     */
    static void pack(float[] wp, float[] weight, ConvPlan p, int[] tiles) {
        int opg = p.opg();
        int wStride = p.icg() * p.taps();
        Parallel.forRange(p.groups() * tiles.length, item -> {
            int grp = item / tiles.length;
            int ti = item % tiles.length;
            int size = tiles[ti];
            int ocg = grp * opg + ti * 2 * L;
            int base = ocg * wStride;
            // vector gathers down the output channels: lane j reads weight[(ocg + jv * L + j) * wStride + k]
            int[] rows = new int[L];
            for (int j = 0; j < L; j++) {
                rows[j] = j * wStride;
            }
            for (int jv = 0; jv < size; jv += L) {
                int src = (ocg + jv) * wStride;
                for (int k = 0; k < wStride; k++) {
                    FloatVector.fromArray(ConvTiles.S, weight, src + k, rows, 0)
                            .intoArray(wp, base + k * size + jv);
                }
            }
        });
    }

    private static void runItem(float[] out, float[] in, float[] shared, int sharedOff, float[] weight,
                                float[] packed, float[] bias, ConvPlan p,
                                int grp, int y0, int rows, boolean channel, int[] tiles, int t0, int t1,
                                boolean relu) {
        int icg = p.icg();
        int opg = p.opg();
        int nTaps = p.taps();
        int plane = p.planeLength(rows, SLACK);
        int tapPlane = p.direct() ? 0 : p.tapPlane(rows, SLACK);
        int[] taps = p.tapOffsets(tapPlane);
        int nq = rows * p.wq();
        int nv = (nq + L - 1) / L;
        int oStride = channel ? 0 : (nv + 4) * L; // room for the last tile's overrun
        float[][] scratch = SCRATCH.get();
        float[] xs; // (icg, plane): the band's padded rows or im2col taps
        int xOff;
        if (shared != null) {
            xs = shared;
            xOff = sharedOff;
        } else {
            xs = grow(scratch, 0, icg * plane);
            xOff = 0;
            p.fill(xs, 0, in, y0, rows, grp * icg, icg, SLACK);
        }
        float[] os = grow(scratch, 1, channel ? (nq + 20) * 2 * L : 4 * oStride);

        int wStride = icg * nTaps;
        int oc0 = 0;
        for (int i = 0; i < t0; i++) {
            oc0 += tiles[i];
        }
        for (int ti = t0; ti < t1; ti++) {
            int size = tiles[ti];
            int ocg = grp * opg + oc0;
            if (channel) {
                int wb = ocg * wStride;
                if (size == 2 * L && !rowTiles(p)) {
                    for (int q = 0; q < nq; q += 10) {
                        ChannelTiles.oc2x10(xs, xOff + q, plane, taps, nTaps, icg, packed, wb, os, q * size);
                    }
                    storeChannelLast(out, os, bias, p, ocg, size, y0, rows, false, relu);
                } else if (size == 2 * L) {
                    // row by row over the valid outputs only: a row of ow outputs in ceil(ow / PMAX) tiles of
                    // near-equal width, results compact in os (valid row, x, channel)
                    int ow = p.ow();
                    int segs = (ow + ChannelTiles.PMAX - 1) / ChannelTiles.PMAX;
                    int vr = 0;
                    for (int r = 0; r < rows; r++) {
                        if ((y0 + r) % p.hv() >= p.oh()) {
                            continue; // a padding row between images (direct layout)
                        }
                        int xRow = xOff + r * p.wq();
                        int x0 = 0;
                        for (int sgi = 0; sgi < segs; sgi++) {
                            int width = ow / segs + (sgi < ow % segs ? 1 : 0);
                            ChannelTiles.oc2(width, xs, xRow + x0, plane, taps, nTaps, icg, packed, wb, os,
                                    (vr * ow + x0) * size);
                            x0 += width;
                        }
                        vr++;
                    }
                    storeChannelLast(out, os, bias, p, ocg, size, y0, rows, true, relu);
                } else if (rowsOf3(p)) {
                    for (int q = 0; q < nq; q += ChannelTiles.P3) {
                        ChannelTiles.oc1r3x20(xs, xOff + q, plane, taps, nTaps, icg, packed, wb, os, q * size);
                    }
                    storeChannelLast(out, os, bias, p, ocg, size, y0, rows, false, relu);
                } else {
                    for (int q = 0; q < nq; q += 20) {
                        ConvTiles.oc1x20(xs, xOff + q, plane, taps, nTaps, icg, packed, wb, os, q * size);
                    }
                    storeChannelLast(out, os, bias, p, ocg, size, y0, rows, false, relu);
                }
            } else {
                int wBase = ocg * wStride;
                int pv = switch (size) {
                    case 4 -> 5;
                    case 2 -> 8;
                    default -> 16;
                };
                int v = 0;
                // vector body: full tiles of pv vectors
                for (; v + pv <= nv; v += pv) {
                    int q = v * L;
                    switch (size) {
                        case 4 -> ConvTiles.fwd4x5(xs, xOff + q, plane, taps, nTaps, icg, weight, wBase, wStride, os, q,
                                oStride);
                        case 2 -> ConvTiles.fwd2x8(xs, xOff + q, plane, taps, nTaps, icg, weight, wBase, wStride, os, q,
                                oStride);
                        default -> ConvTiles.fwd1x16(xs, xOff + q, plane, taps, nTaps, icg, weight, wBase, wStride, os, q,
                                oStride);
                    }
                }
                // vector tail: 4 vectors at a time, the last tile running past nv into the slack (thrown away)
                for (; v < nv; v += 4) {
                    int q = v * L;
                    switch (size) {
                        case 4 -> ConvTiles.fwd4x4(xs, xOff + q, plane, taps, nTaps, icg, weight, wBase, wStride, os, q,
                                oStride);
                        case 2 -> ConvTiles.fwd2x4(xs, xOff + q, plane, taps, nTaps, icg, weight, wBase, wStride, os, q,
                                oStride);
                        default -> ConvTiles.fwd1x4(xs, xOff + q, plane, taps, nTaps, icg, weight, wBase, wStride, os, q,
                                oStride);
                    }
                }
                store(out, os, oStride, bias, p, ocg, size, y0, rows, relu);
            }
            oc0 += size;
        }
    }

    /**
     * True where the flat layout's padding columns and rows exceed 10% of its positions (14x14: 13%, 7x7: 23%;
     * 56x56: 3.5%, 28x28: 6.8%): the channel tiles then run row by row over the real outputs only. Below that the
     * flat 10-position tiles are faster (measured, batch 10, 2 threads: 64ch 56x56 311 against 265 GFLOP/s, 128ch
     * 28x28 329/289; but 256ch 14x14 322/339, 512ch 7x7 231/249).
     */
    static boolean rowTiles(ConvPlan p) {
        return p.oh() * p.ow() < 0.9 * p.hv() * p.wq();
    }

    /**
     * Copies channel-last tile output os[(position) * size + j] into out (n, oc, oh, ow), adding the bias: the
     * band's rows in the flat layout (position = r * wq + x) or, when {@code compact}, only the rows that are real
     * output rows, in order (position = (valid row) * ow + x).
     */
    private static void storeChannelLast(float[] out, float[] os, float[] bias, ConvPlan p, int ocg, int size,
                                         int y0, int rows, boolean compact, boolean relu) {
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY; // max(x, -inf) = x, NaN included
        boolean clamp = relu; // the ReLU before the transposing stores: only with finite biases
        for (int j = 0; clamp && bias != null && j < size; j++) {
            clamp = Float.isFinite(bias[ocg + j]);
        }
        int oh = p.oh();
        int ow = p.ow();
        int hv = p.hv();
        int plane = oh * ow;
        int[] lanes = GATHER.get();
        for (int l = 0; l < L; l++) {
            lanes[l] = l * size;
        }
        int vr = 0;
        for (int r = 0; r < rows; r++) {
            int yy = y0 + r;
            int y = yy % hv;
            if (y >= oh) {
                continue;
            }
            int dst0 = ((yy / hv * p.oc() + ocg) * oh + y) * ow;
            int src0 = (compact ? vr * ow : r * p.wq()) * size;
            vr++;
            if (ow >= L) {
                // blocks of L positions x L channels transposed in registers; the last block of a row ends at its
                // end, overlapping the one before (the overlapped outputs are written twice, identically)
                float[] b = bias != null ? bias : SimdConstants.zeros(p.oc());
                for (int jv = 0; jv < size; jv += L) {
                    FloatVector negBias = FloatVector.fromArray(ConvTiles.S, b, ocg + jv).neg();
                    for (int x = 0; x < ow; x += L) {
                        int xs = Math.min(x, ow - L);
                        int at = src0 + xs * size + jv;
                        if (clamp) {
                            // max(x + b, 0) = max(x, -b) + b (exactly, b finite): the block's rows clamped here
                            // (channels along the lanes), the bias added by the transposing store. (A floor argument
                            // to those stores made them too large for C1, and C2 never got to compile them.)
                            for (int i = 0; i < L; i++) {
                                FloatVector.fromArray(ConvTiles.S, os, at + i * size).max(negBias)
                                        .intoArray(os, at + i * size);
                            }
                        }
                        ChannelTiles.transposeStore(os, at, size, out, dst0 + jv * plane + xs, plane, b, ocg + jv);
                    }
                }
                if (relu && !clamp) {
                    for (int j = 0; j < size; j++) {
                        Relu.inPlace(out, dst0 + j * plane, dst0 + j * plane + ow);
                    }
                }
                continue;
            }
            for (int j = 0; j < size; j++) {
                float bj = bias == null ? 0f : bias[ocg + j];
                FloatVector b = FloatVector.broadcast(ConvTiles.S, bj);
                int dst = dst0 + j * plane;
                int x = 0;
                // one gather of L positions of channel j (stride size in os) per vector of the output row
                for (; x + L <= ow; x += L) {
                    FloatVector.fromArray(ConvTiles.S, os, src0 + x * size + j, lanes, 0).add(b).max(floor)
                            .intoArray(out, dst + x);
                }
                for (; x < ow; x++) {
                    out[dst + x] = Math.max(os[src0 + x * size + j] + bj, floor);
                }
            }
        }
    }

    /** Copies the valid positions of a tile's output rows into out (n, oc, oh, ow), adding the bias. */
    private static void store(float[] out, float[] os, int oStride, float[] bias, ConvPlan p, int ocg, int size,
                              int y0, int rows, boolean relu) {
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY; // max(x, -inf) = x, NaN included
        int oh = p.oh();
        int ow = p.ow();
        int hv = p.hv();
        int wq = p.wq();
        for (int j = 0; j < size; j++) {
            int oc = ocg + j;
            float b = bias == null ? 0f : bias[oc];
            for (int r = 0; r < rows; r++) {
                int yy = y0 + r;
                int img = yy / hv;
                int y = yy % hv;
                if (y >= oh) {
                    continue;
                }
                int src = j * oStride + r * wq;
                int dst = ((img * p.oc() + oc) * oh + y) * ow;
                if (b == 0f && !relu) {
                    System.arraycopy(os, src, out, dst, ow);
                } else {
                    int x = 0;
                    for (; x + L <= ow; x += L) {
                        FloatVector.fromArray(ConvTiles.S, os, src + x).add(b).max(floor).intoArray(out, dst + x);
                    }
                    for (; x < ow; x++) {
                        out[dst + x] = Math.max(os[src + x] + b, floor);
                    }
                }
            }
        }
    }

    static float[] grow(float[][] scratch, int slot, int size) {
        float[] a = scratch[slot];
        if (a == null || a.length < size) {
            a = new float[Math.max(size, a == null ? 0 : a.length + a.length / 2)];
            scratch[slot] = a;
        }
        return a;
    }
}
