package org.deeproots.reproduce.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FilterCorrelationTest {

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void identicalChannelsCorrelateFullyAndSignIsDropped() {
        // a: (N=4, C=2, 3, 3); b: channel 0 = a's channel 1 negated, channel 1 = a's channel 0 * 2 + 5
        float[] a = gaussian(4 * 2 * 9, 1);
        float[] b = new float[a.length];
        for (int n = 0; n < 4; n++) {
            for (int i = 0; i < 9; i++) {
                b[(n * 2) * 9 + i] = -a[(n * 2 + 1) * 9 + i];
                b[(n * 2 + 1) * 9 + i] = 2 * a[(n * 2) * 9 + i] + 5;
            }
        }
        double[][] c = FilterCorrelation.absoluteCorrelation(new Activations("a", a, 4, 2, 3, 3),
                new Activations("b", b, 4, 2, 3, 3));
        assertEquals(1.0, c[1][0], 1e-6);
        assertEquals(1.0, c[0][1], 1e-6);
        assertTrue(c[0][0] < 0.5 && c[1][1] < 0.5, "independent channels: " + c[0][0] + ", " + c[1][1]);
    }

    @Test
    void smallerMapIsUpsampledByNearestNeighbour() {
        // b is 2x2; a is 4x4 and equals b upsampled: every pixel of a is a sample, correlation exactly 1
        float[] b = gaussian(3 * 1 * 4, 2);
        float[] a = new float[3 * 16];
        for (int n = 0; n < 3; n++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    a[n * 16 + y * 4 + x] = b[n * 4 + (y / 2) * 2 + x / 2];
                }
            }
        }
        double[][] c = FilterCorrelation.absoluteCorrelation(new Activations("a", a, 3, 1, 4, 4),
                new Activations("b", b, 3, 1, 2, 2));
        assertEquals(1.0, c[0][0], 1e-6);
    }

    @Test
    void constantChannelHasZeroCorrelationNotNaN() {
        float[] a = new float[2 * 4];
        float[] b = gaussian(2 * 4, 3);
        double[][] c = FilterCorrelation.absoluteCorrelation(new Activations("a", a, 2, 1, 2, 2),
                new Activations("b", b, 2, 1, 2, 2));
        assertEquals(0.0, c[0][0]);
    }

    @Test
    void blockContrastSeesBlockDiagonal() {
        double[][] m = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                m[i][j] = (i / 2 == j / 2) ? 0.8 : 0.1;
            }
        }
        assertEquals(8.0, FilterCorrelation.blockContrast(m, 2), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> FilterCorrelation.blockContrast(m, 3));
    }

    @Test
    void mismatchedImageCountsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FilterCorrelation.absoluteCorrelation(new Activations("a", new float[4], 1, 1, 2, 2),
                        new Activations("b", new float[8], 2, 1, 2, 2)));
        assertTrue(e.getMessage().contains("1 vs 2"), e.getMessage());
    }
}
