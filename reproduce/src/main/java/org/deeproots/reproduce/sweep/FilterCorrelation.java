package org.deeproots.reproduce.sweep;

import org.deeproots.ops.Parallel;

/**
 * Inter-layer filter correlation (paper section 5, "Inter-Layer Covariance"): every pixel of every image is one
 * sample; the layer with the smaller map is upsampled to the larger by nearest neighbour so both have the same
 * samples; the result is the absolute Pearson correlation between each filter of the first layer and each
 * filter of the second, a (C1, C2) matrix with values in [0, 1].
 */
public final class FilterCorrelation {
    private FilterCorrelation() {
    }

    /** |corr| between the channels of {@code a} (rows) and {@code b} (columns). */
    public static double[][] absoluteCorrelation(Activations a, Activations b) {
        if (a.n() != b.n()) {
            throw new IllegalArgumentException("layers " + a.layer() + " and " + b.layer()
                    + " were recorded on different image counts: " + a.n() + " vs " + b.n());
        }
        int h = Math.max(a.h(), b.h());
        int w = Math.max(a.w(), b.w());
        int samples = a.n() * h * w;
        if (samples < 2) {
            throw new IllegalArgumentException("need at least 2 samples for a correlation, got " + samples);
        }
        double[][] za = standardized(a, h, w); // (C1, samples)
        double[][] zb = standardized(b, h, w); // (C2, samples)
        double[][] corr = new double[a.c()][b.c()];
        Parallel.forRange(a.c(), i -> {
            double[] x = za[i];
            for (int j = 0; j < b.c(); j++) {
                double[] y = zb[j];
                double s = 0;
                for (int k = 0; k < samples; k++) {
                    s += x[k] * y[k];
                }
                corr[i][j] = Math.min(1.0, Math.abs(s / (samples - 1)));
            }
        });
        return corr;
    }

    /**
     * Each channel as a row over all samples at size (h, w), nearest-neighbour upsampled, minus its mean and
     * divided by its standard deviation (a constant channel becomes all zeros: correlation 0).
     */
    static double[][] standardized(Activations t, int h, int w) {
        int samples = t.n() * h * w;
        double[][] z = new double[t.c()][samples];
        for (int ch = 0; ch < t.c(); ch++) {
            double[] row = z[ch];
            int k = 0;
            for (int img = 0; img < t.n(); img++) {
                for (int y = 0; y < h; y++) {
                    int sy = y * t.h() / h;
                    for (int x = 0; x < w; x++) {
                        row[k++] = t.at(img, ch, sy, x * t.w() / w);
                    }
                }
            }
            double mean = 0;
            for (double v : row) {
                mean += v;
            }
            mean /= samples;
            double ss = 0;
            for (int i = 0; i < samples; i++) {
                row[i] -= mean;
                ss += row[i] * row[i];
            }
            double std = Math.sqrt(ss / (samples - 1));
            double inv = std > 1e-12 ? 1 / std : 0;
            for (int i = 0; i < samples; i++) {
                row[i] *= inv;
            }
        }
        return z;
    }

    /**
     * Mean |corr| inside the block-diagonal (filter i of group g against filter j of the same group g, with
     * {@code groups} equal blocks) divided by the mean outside it: above 1 when the structure is block-diagonal.
     */
    public static double blockContrast(double[][] corr, int groups) {
        int rows = corr.length;
        int cols = corr[0].length;
        if (groups < 2 || rows % groups != 0 || cols % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must be >= 2 and divide " + rows + " and "
                    + cols);
        }
        double in = 0;
        double out = 0;
        long nin = 0;
        long nout = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (i / (rows / groups) == j / (cols / groups)) {
                    in += corr[i][j];
                    nin++;
                } else {
                    out += corr[i][j];
                    nout++;
                }
            }
        }
        return (in / nin) / Math.max(out / nout, 1e-12);
    }
}
