#!/usr/bin/env python3
"""Generates ops/src/main/java/org/deeproots/ops/simd/ChannelTiles.java: the channel-vectorised forward tiles of
ConvDirect, 2 vectors of output channels x P consecutive output positions of one row, P = 1..10.

Run from the repository root:
python3 ops/tools/gen_channel_tiles.py > ops/src/main/java/org/deeproots/ops/simd/ChannelTiles.java
"""
V = 2
PMAX = 10
# positions of the one-vector tile over rows of 3 taps: 20 accumulators + 3 weights + 1 broadcast
P3 = 20


def tile(p):
    o = [f"    /** 2 vectors of output channels x {p} position{'s' if p > 1 else ''}. */",
         f"    static void oc2x{p}(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg, float[] wp, int wBase,",
         "            float[] os, int oBase) {"]
    # declaration order matters to C2's register allocation at 20 + 3 live vectors: all of a channel vector's
    # accumulators first (interleaved declarations measured ~30% slower at 10 positions)
    for j in range(V):
        for i in range(p):
            o.append(f"        FloatVector a{j}_{i} = FloatVector.zero(S);")
    o += ["        int xb = xBase;",
          "        int wi = wBase;",
          "        for (int ic = 0; ic < icg; ic++) {",
          "            for (int t = 0; t < nTaps; t++) {",
          "                int xo = xb + taps[t];"]
    for j in range(V):
        o.append(f"                FloatVector w{j} = FloatVector.fromArray(S, wp, {'wi' if j == 0 else f'wi + {j} * L'});")
    o.append(f"                wi += {V} * L;")
    for i in range(p):
        o.append(f"                FloatVector b{i} = FloatVector.broadcast(S, x[{'xo' if i == 0 else f'xo + {i}'}]);")
        for j in range(V):
            o.append(f"                a{j}_{i} = w{j}.fma(b{i}, a{j}_{i});")
    o += ["            }",
          "            xb += xPlane;",
          "        }"]
    for i in range(p):
        for j in range(V):
            off = i * V + j
            o.append(f"        a{j}_{i}.intoArray(os, {'oBase' if off == 0 else f'oBase + {off} * L'});")
    o.append("    }")
    return "\n".join(o)


def tile3(p):
    """One vector of output channels x p positions, taps in rows of 3 (kx = 0, 1, 2 at consecutive offsets): each
    broadcast input value serves the up to 3 accumulators whose windows contain it."""
    o = [f"    /** 1 vector of output channels x {p} positions, taps in rows of 3 (broadcasts reused across the row). */",
         f"    static void oc1r3x{p}(float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg, float[] wp,",
         "            int wBase, float[] os, int oBase) {"]
    for i in range(p):
        o.append(f"        FloatVector a{i} = FloatVector.zero(S);")
    o += ["        int xb = xBase;",
          "        int wi = wBase;",
          "        for (int ic = 0; ic < icg; ic++) {",
          "            for (int t = 0; t < nTaps; t += 3) {",
          "                int xo = xb + taps[t];",
          "                FloatVector w0 = FloatVector.fromArray(S, wp, wi);",
          "                FloatVector w1 = FloatVector.fromArray(S, wp, wi + L);",
          "                FloatVector w2 = FloatVector.fromArray(S, wp, wi + 2 * L);",
          "                wi += 3 * L;"]
    # input m of the row feeds output i = m - kx through tap kx
    for m in range(p + 2):
        o.append(f"                FloatVector b{m} = FloatVector.broadcast(S, x[{'xo' if m == 0 else f'xo + {m}'}]);")
        for kx in range(3):
            i = m - kx
            if 0 <= i < p:
                o.append(f"                a{i} = w{kx}.fma(b{m}, a{i});")
    o += ["            }",
          "            xb += xPlane;",
          "        }"]
    for i in range(p):
        o.append(f"        a{i}.intoArray(os, {'oBase' if i == 0 else f'oBase + {i} * L'});")
    o.append("    }")
    return "\n".join(o)


def transpose_store(n):
    """An n x n block (n = lanes) transposed in registers: log2(n) rounds that interleave vectors i and i + n/2."""
    o = [f"    /** {n} x {n} block (vectors of {n} lanes): the transpose by {n.bit_length() - 1} rounds of interleaves. */",
         f"    private static void transposeStore{n}(float[] os, int src, int srcStride, float[] out, int dst,",
         "            int dstStride, float[] bias, int b) {"]
    cur = [f"r{i}" for i in range(n)]
    for i in range(n):
        o.append(f"        FloatVector r{i} = FloatVector.fromArray(S, os, {'src' if i == 0 else f'src + {i} * srcStride'});")
    rounds = n.bit_length() - 1
    for r in range(rounds):
        nxt = [f"t{r}_{i}" for i in range(n)]
        for i in range(n // 2):
            o.append(f"        FloatVector {nxt[2 * i]} = SimdConstants.ZIP_LO.selectFrom({cur[i]}, {cur[i + n // 2]});")
            o.append(f"        FloatVector {nxt[2 * i + 1]} = SimdConstants.ZIP_HI.selectFrom({cur[i]}, {cur[i + n // 2]});")
        cur = nxt
    for j in range(n):
        o.append(f"        {cur[j]}.add(bias[b + {j}]).intoArray(out, {'dst' if j == 0 else f'dst + {j} * dstStride'});")
    o.append("    }")
    return "\n".join(o)


print("""package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Channel-vectorised forward tiles of {@link ConvDirect}: 2 vectors of output channels x P consecutive output
 * positions of one row (P = 1..10, so that a row of any width is covered without computing the padding columns);
 * per input channel and tap, 2 weight vectors (packed channel-last, {@code wp[wBase + (ic * nTaps + t) * 2L + j]})
 * and P broadcast inputs {@code x[xBase + ic * xPlane + taps[t] + p]}; the result goes to
 * {@code os[oBase + (p * 2 + j) * L]}, position-major (overwritten).
 *
 * <p>{@code oc1r3x""" + str(P3) + """}: 1 vector of output channels x """ + str(P3) + """ consecutive positions for taps that come in rows of 3
 * ({@code taps[t + kx] = taps[t] + kx}: 3-wide kernels on the padded rows). With one vector of channels, a tile
 * that loads a broadcast per tap and position spends as many loads as multiply-adds; here each row of taps
 * broadcasts its P + 2 inputs once and each feeds the up to 3 outputs whose windows contain it (P + 5 loads for
 * 3P multiply-adds).
 *
 * <p>Generated by ops/tools/gen_channel_tiles.py: edit the generator, not this file.
 */
final class ChannelTiles {
    static final VectorSpecies<Float> S = SimdConstants.F_SPECIES;
    static final int L = S.length();
    /** Widest tile, in positions. */
    static final int PMAX = """ + str(PMAX) + """;
    /** Positions of the tile over rows of 3 taps. */
    static final int P3 = """ + str(P3) + """;

    private ChannelTiles() {
    }

    /** The tile of width p (1..PMAX). */
    static void oc2(int p, float[] x, int xBase, int xPlane, int[] taps, int nTaps, int icg, float[] wp, int wBase,
            float[] os, int oBase) {
        switch (p) {""")
for p in range(1, PMAX + 1):
    print(f"            case {p} -> oc2x{p}(x, xBase, xPlane, taps, nTaps, icg, wp, wBase, os, oBase);")
print("""            default -> throw new IllegalArgumentException("tile width must be 1.." + PMAX + ", got " + p);
        }
    }
""")
for p in range(1, PMAX + 1):
    print(tile(p))
    print()
print(tile3(P3))
print()
print("""    /**
     * Copies an L x L block of channel-last tile output, os[src + i * srcStride + j] (position i, channel j), to
     * out[dst + j * dstStride + i] + bias[b + j]: L vector loads, the transpose in registers by interleaving
     * permutes, L vector stores (L gathers before).
     */
    static void transposeStore(float[] os, int src, int srcStride, float[] out, int dst, int dstStride, float[] bias,
            int b) {
        switch (L) {
            case 16 -> transposeStore16(os, src, srcStride, out, dst, dstStride, bias, b);
            case 8 -> transposeStore8(os, src, srcStride, out, dst, dstStride, bias, b);
            case 4 -> transposeStore4(os, src, srcStride, out, dst, dstStride, bias, b);
            default -> throw new IllegalStateException("no transposing store for " + L + " lanes");
        }
    }
""")
for n in (16, 8, 4):
    print(transpose_store(n))
    print()
print("}")
