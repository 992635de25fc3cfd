package org.deeproots.tensor;

import java.util.SplittableRandom;

/** Seeded initialisers. The same seed gives the same values on every machine and thread count. */
public final class Init {
    private Init() {
    }

    /**
     * He/Kaiming normal initialisation: N(0, 2 / fanIn), as in He et al. 2015. For a convolution with groups,
     * {@code fanIn = (inChannels / groups) * kernelH * kernelW}.
     */
    public static void heNormal(float[] w, int fanIn, long seed) {
        if (fanIn < 1) {
            throw new IllegalArgumentException("fanIn must be >= 1, got " + fanIn);
        }
        normal(w, 0.0, Math.sqrt(2.0 / fanIn), seed);
    }

    /** Normal N(mean, std^2) from a seeded generator. */
    public static void normal(float[] w, double mean, double std, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (mean + std * gaussian(r));
        }
    }

    /** Uniform in [lo, hi). */
    public static void uniform(float[] w, double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
    }

    public static void constant(float[] w, float v) {
        java.util.Arrays.fill(w, v);
    }

    public static void zeros(float[] w) {
        constant(w, 0f);
    }

    /** Box-Muller; independent of JDK version (unlike Random.nextGaussian's algorithm choice). */
    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        if (u1 < 1e-300) {
            u1 = 1e-300;
        }
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
