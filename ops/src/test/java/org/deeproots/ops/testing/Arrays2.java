package org.deeproots.ops.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/** Test helpers: seeded random arrays and llm.c-style comparisons that report label, max diff and values. */
public final class Arrays2 {
    private Arrays2() {
    }

    /** Uniform floats in [-1, 1) from a fixed seed. */
    public static float[] random(int size, long seed) {
        Random r = new Random(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /**
     * Asserts |expected - actual| <= atol + rtol * |expected| elementwise; NaN must meet NaN. On failure the
     * message gives the label, the worst index, the max difference and the first values of both arrays.
     */
    public static void assertClose(String label, float[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) {
            fail(label + ": length " + actual.length + ", expected " + expected.length);
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], a = actual[i];
            if (Float.isNaN(e) || Float.isNaN(a)) {
                if (Float.isNaN(e) != Float.isNaN(a)) {
                    fail(label + ": NaN mismatch at " + i + ": expected " + e + ", got " + a);
                }
                continue;
            }
            double d = Math.abs((double) e - a);
            double excess = d - (atol + rtol * Math.abs(e));
            if (excess > 0 && (worstAt < 0 || d > worst)) {
                worst = d;
                worstAt = i;
            }
        }
        if (worstAt >= 0) {
            fail(label + ": max diff " + worst + " at " + worstAt + " (expected " + expected[worstAt] + ", got "
                    + actual[worstAt] + ", atol " + atol + ", rtol " + rtol + "); first expected "
                    + head(expected) + ", first actual " + head(actual));
        }
    }

    public static String head(float[] a) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(5, a.length); i++) {
            sb.append(i == 0 ? "" : ", ").append(a[i]);
        }
        return sb.append(a.length > 5 ? ", ...]" : "]").toString();
    }
}
