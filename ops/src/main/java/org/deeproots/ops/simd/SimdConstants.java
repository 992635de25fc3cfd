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
