package org.deeproots.ops.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Temporary species holder until SimdConstants lands. */
final class ConvSpecies {
    static final VectorSpecies<Float> F_SPECIES = switch (Integer.getInteger("deeproots.vectorBitSize", 0)) {
        case 128 -> FloatVector.SPECIES_128;
        case 256 -> FloatVector.SPECIES_256;
        case 512 -> FloatVector.SPECIES_512;
        default -> FloatVector.SPECIES_PREFERRED;
    };

    private ConvSpecies() {
    }
}
