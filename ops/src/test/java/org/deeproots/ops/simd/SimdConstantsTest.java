package org.deeproots.ops.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lane sums of {@link SimdConstants} against sums in double. */
class SimdConstantsTest {

    @Test
    void addLaneSums16AddsEachVectorsSumToItsElement() {
        assumeTrue(SimdConstants.LANES == 16, "16 lanes only");
        Random r = new Random(7);
        float[] a = new float[3 + 16 * 16];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian() * (1 + i % 5);
        }
        float[] sums = new float[20];
        java.util.Arrays.fill(sums, 0.5f);
        SimdConstants.addLaneSums16(a, 3, sums, 2);
        for (int j = 0; j < 16; j++) {
            double expected = 0.5;
            for (int l = 0; l < 16; l++) {
                expected += a[3 + j * 16 + l];
            }
            assertEquals(expected, sums[2 + j], 1e-5 * 16 * 5, "sum of vector " + j);
        }
        assertEquals(0.5f, sums[0]);
        assertEquals(0.5f, sums[1]);
        assertEquals(0.5f, sums[18]);
    }
}
