package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float species of this JVM, a constant so that C2 compiles the Vector API to SIMD instructions
 * (llama3.java's {@code F_SPECIES}, Lucene's {@code PanamaVectorConstants}). It comes from
 * {@code -Ddeeproots.vectorBitSize=128|256|512}; absent, 0 or anything else gives the CPU's preferred width
 * (KernelProvider rejects invalid values and handles 0).
 */
final class SimdConstants {
    /** The widest vector the CPU runs natively, in bits. */
    static final int PREFERRED_BIT_SIZE = VectorShape.preferredShape().vectorBitSize();

    /** The float species every vector kernel uses. */
    static final VectorSpecies<Float> F_SPECIES = species(Integer.getInteger("deeproots.vectorBitSize", 0));

    /** Lanes of {@link #F_SPECIES}. */
    static final int LANES = F_SPECIES.length();

    static final int BIT_SIZE = F_SPECIES.vectorBitSize();

    /** Lane indexes of {@code selectFrom(a, b)} that interleave the low halves of a and b: a0 b0 a1 b1 ... */
    static final FloatVector ZIP_LO = zip(0);
    /** The same for the high halves. */
    static final FloatVector ZIP_HI = zip(LANES / 2);
    /** Lane indexes of {@code selectFrom(a, b)} that keep the even lanes of a then b. */
    static final FloatVector EVEN = stride2(0);
    /** The same for the odd lanes. */
    static final FloatVector ODD = stride2(1);

    private static volatile float[] zeros = new float[0];

    private SimdConstants() {
    }

    /**
     * Sum of the lanes in lane order, with constant lane indices (so C2 extracts them directly). Not
     * {@code reduceLanes(ADD)}: its order differs between the interpreter and C2's intrinsic, so results would
     * change once the code is compiled (the same call must give the same bits).
     */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        s += v.lane(1);
        s += v.lane(2);
        s += v.lane(3);
        if (LANES >= 8) {
            s += v.lane(4);
            s += v.lane(5);
            s += v.lane(6);
            s += v.lane(7);
        }
        if (LANES >= 16) {
            s += v.lane(8);
            s += v.lane(9);
            s += v.lane(10);
            s += v.lane(11);
            s += v.lane(12);
            s += v.lane(13);
            s += v.lane(14);
            s += v.lane(15);
        }
        return s;
    }

    /** Two-vector permute indexes of {@link #addLaneSums16}'s tree, per level of half-width h = 8, 4, 2, 1. */
    private static final FloatVector SUM_P8 = sumIndex(8, 0);
    private static final FloatVector SUM_Q8 = sumIndex(8, 8);
    private static final FloatVector SUM_P4 = sumIndex(4, 0);
    private static final FloatVector SUM_Q4 = sumIndex(4, 4);
    private static final FloatVector SUM_P2 = sumIndex(2, 0);
    private static final FloatVector SUM_Q2 = sumIndex(2, 2);
    private static final FloatVector SUM_P1 = sumIndex(1, 0);
    private static final FloatVector SUM_Q1 = sumIndex(1, 1);

    /**
     * With 16 lanes only: dst[dstOff + j] += the sum of the lanes of the vector at a[off + j * 16], for j < 16, by a
     * tree of 15 steps (two permutes and an add each) instead of 16 sums of lanes one by one (about 8 times fewer
     * operations). Each step adds, within blocks of 2h lanes, the two halves of x's block into the block's first h
     * lanes and those of y's into its last h; the inputs are taken in bit-reversed order, so that the sums come out
     * in order. The order of the additions is fixed, so the result is the same every call. Written out without
     * helper methods: C2 does not always inline a helper with vector arguments, and then boxes every vector (a
     * version with a two-line helper ran 5-10x slower in some runs).
     */
    static void addLaneSums16(float[] a, int off, float[] dst, int dstOff) {
        if (LANES != 16) {
            throw new IllegalStateException("addLaneSums16 needs 16 lanes, not " + LANES);
        }
        FloatVector v0 = FloatVector.fromArray(F_SPECIES, a, off + 0 * 16);
        FloatVector v1 = FloatVector.fromArray(F_SPECIES, a, off + 8 * 16);
        FloatVector v2 = FloatVector.fromArray(F_SPECIES, a, off + 4 * 16);
        FloatVector v3 = FloatVector.fromArray(F_SPECIES, a, off + 12 * 16);
        FloatVector v4 = FloatVector.fromArray(F_SPECIES, a, off + 2 * 16);
        FloatVector v5 = FloatVector.fromArray(F_SPECIES, a, off + 10 * 16);
        FloatVector v6 = FloatVector.fromArray(F_SPECIES, a, off + 6 * 16);
        FloatVector v7 = FloatVector.fromArray(F_SPECIES, a, off + 14 * 16);
        FloatVector v8 = FloatVector.fromArray(F_SPECIES, a, off + 1 * 16);
        FloatVector v9 = FloatVector.fromArray(F_SPECIES, a, off + 9 * 16);
        FloatVector v10 = FloatVector.fromArray(F_SPECIES, a, off + 5 * 16);
        FloatVector v11 = FloatVector.fromArray(F_SPECIES, a, off + 13 * 16);
        FloatVector v12 = FloatVector.fromArray(F_SPECIES, a, off + 3 * 16);
        FloatVector v13 = FloatVector.fromArray(F_SPECIES, a, off + 11 * 16);
        FloatVector v14 = FloatVector.fromArray(F_SPECIES, a, off + 7 * 16);
        FloatVector v15 = FloatVector.fromArray(F_SPECIES, a, off + 15 * 16);
        FloatVector c0 = SUM_P8.selectFrom(v0, v1).add(SUM_Q8.selectFrom(v0, v1));
        FloatVector c1 = SUM_P8.selectFrom(v2, v3).add(SUM_Q8.selectFrom(v2, v3));
        FloatVector c2 = SUM_P8.selectFrom(v4, v5).add(SUM_Q8.selectFrom(v4, v5));
        FloatVector c3 = SUM_P8.selectFrom(v6, v7).add(SUM_Q8.selectFrom(v6, v7));
        FloatVector c4 = SUM_P8.selectFrom(v8, v9).add(SUM_Q8.selectFrom(v8, v9));
        FloatVector c5 = SUM_P8.selectFrom(v10, v11).add(SUM_Q8.selectFrom(v10, v11));
        FloatVector c6 = SUM_P8.selectFrom(v12, v13).add(SUM_Q8.selectFrom(v12, v13));
        FloatVector c7 = SUM_P8.selectFrom(v14, v15).add(SUM_Q8.selectFrom(v14, v15));
        FloatVector d0 = SUM_P4.selectFrom(c0, c1).add(SUM_Q4.selectFrom(c0, c1));
        FloatVector d1 = SUM_P4.selectFrom(c2, c3).add(SUM_Q4.selectFrom(c2, c3));
        FloatVector d2 = SUM_P4.selectFrom(c4, c5).add(SUM_Q4.selectFrom(c4, c5));
        FloatVector d3 = SUM_P4.selectFrom(c6, c7).add(SUM_Q4.selectFrom(c6, c7));
        FloatVector e0 = SUM_P2.selectFrom(d0, d1).add(SUM_Q2.selectFrom(d0, d1));
        FloatVector e1 = SUM_P2.selectFrom(d2, d3).add(SUM_Q2.selectFrom(d2, d3));
        FloatVector f = SUM_P1.selectFrom(e0, e1).add(SUM_Q1.selectFrom(e0, e1));
        FloatVector.fromArray(F_SPECIES, dst, dstOff).add(f).intoArray(dst, dstOff);
    }

    /**
     * dst[dstOff + j] += the sum of the lanes of the vector at a[off + j * LANES], for j < n: 16 at a time by
     * {@link #addLaneSums16} with 16 lanes, the rest by {@link #sumLanes}.
     */
    static void addLaneSums(float[] a, int off, float[] dst, int dstOff, int n) {
        int j = 0;
        if (LANES == 16) {
            for (; j + 16 <= n; j += 16) {
                addLaneSums16(a, off + j * 16, dst, dstOff + j);
            }
        }
        for (; j < n; j++) {
            dst[dstOff + j] += sumLanes(FloatVector.fromArray(F_SPECIES, a, off + j * LANES));
        }
    }

    /**
     * Indexes (0-15 from x, 16-31 from y) of one level of {@link #addLaneSums16}: lane l of block b = l / 2h takes lane
     * b * 2h + l % h + shift of x when l % 2h < h, of y otherwise (shift 0 or h: the block's first or second half).
     */
    private static FloatVector sumIndex(int h, int shift) {
        if (LANES != 16) {
            return null;
        }
        float[] idx = new float[16];
        for (int l = 0; l < 16; l++) {
            idx[l] = l / (2 * h) * 2 * h + l % h + shift + (l % (2 * h) < h ? 0 : 16);
        }
        return FloatVector.fromArray(F_SPECIES, idx, 0);
    }

    /**
     * At least n zeros, never written: the bias of layers without one, for kernels that take a bias array always
     * (a null test inside a hot tile, profiled one way by C2's first compile and taken the other way later,
     * deoptimised it, and the second compile boxed its vectors, 2-4x slower).
     */
    static float[] zeros(int n) {
        float[] z = zeros;
        if (z.length < n) {
            z = new float[n];
            zeros = z;
        }
        return z;
    }

    private static FloatVector stride2(int from) {
        float[] idx = new float[LANES];
        for (int i = 0; i < LANES; i++) {
            idx[i] = from + 2 * i;
        }
        return FloatVector.fromArray(F_SPECIES, idx, 0);
    }

    private static FloatVector zip(int from) {
        float[] idx = new float[LANES];
        for (int i = 0; i < LANES; i++) {
            idx[i] = from + i / 2 + (i % 2) * LANES;
        }
        return FloatVector.fromArray(F_SPECIES, idx, 0);
    }

    private static VectorSpecies<Float> species(int bits) {
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    /** Throws UnsupportedOperationException when the species would not run as native SIMD on this CPU. */
    static void checkSupported() {
        if (PREFERRED_BIT_SIZE < 128) {
            throw new UnsupportedOperationException("this CPU's preferred vector width is " + PREFERRED_BIT_SIZE
                    + " bits (< 128)");
        }
        if (BIT_SIZE > PREFERRED_BIT_SIZE) {
            throw new UnsupportedOperationException(BIT_SIZE + "-bit vectors requested but this CPU's widest is "
                    + PREFERRED_BIT_SIZE + " bits");
        }
    }
}
