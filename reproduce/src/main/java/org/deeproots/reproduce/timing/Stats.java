package org.deeproots.reproduce.timing;

import java.util.Arrays;

/** Small statistics for repeated measurements and seeds. */
public final class Stats {
    private Stats() {
    }

    /** Median (mean of the middle two for an even count). */
    public static double median(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /**
     * Median over i of {@code num[i] / den[i]}: the ratio of two series measured in pairs (the same round of
     * interleaved runs). On a machine whose runs jump between a fast and a slow speed, the ratio of the two medians
     * moves by that jump whenever one median lands on the other speed than the other; the ratios within rounds do
     * not.
     */
    public static double medianRatio(double[] num, double[] den) {
        if (num.length != den.length) {
            throw new IllegalArgumentException("paired series differ in length: num " + num.length + ", den "
                    + den.length);
        }
        double[] r = new double[num.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = num[i] / den[i];
        }
        return median(r);
    }

    public static double mean(double[] v) {
        if (v.length == 0) {
            throw new IllegalArgumentException("mean of no values");
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** Sample standard deviation (n - 1); 0 for a single value. */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }
}
