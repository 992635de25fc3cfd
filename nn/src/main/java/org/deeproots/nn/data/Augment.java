package org.deeproots.nn.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Preprocessing and augmentation applied while a batch is assembled, as in the paper's NiN setup: zero padding
 * by {@code pad} pixels and a random crop back to the image size, a random horizontal mirror, then per-channel
 * mean subtraction and optional division by a per-channel standard deviation. Padding/crop/mirror are for
 * training only ({@link #forEval()} drops them).
 *
 * @param pad    zero padding before the random crop (0: no crop)
 * @param mirror random horizontal flip with probability 1/2
 * @param mean   per-channel mean to subtract (null: none)
 * @param std    per-channel standard deviation to divide by (null: none)
 */
public record Augment(int pad, boolean mirror, float[] mean, float[] std) {
    public Augment {
        if (pad < 0) {
            throw new IllegalArgumentException("pad must be >= 0, got " + pad);
        }
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
        if (std != null) {
            for (float s : std) {
                if (!(s > 0)) {
                    throw new IllegalArgumentException("std must be > 0 per channel, got " + Arrays.toString(std));
                }
            }
        }
    }

    /** No augmentation, no normalisation. */
    public static Augment none() {
        return new Augment(0, false, null, null);
    }

    /** The same normalisation without the random parts. */
    public Augment forEval() {
        return new Augment(0, false, mean, std);
    }

    public Augment withNormalization(float[] m, float[] s) {
        return new Augment(pad, mirror, m, s);
    }

    /**
     * Per-channel mean and standard deviation of (up to the first {@code limit}) images of a data set.
     *
     * @return {mean[C], std[C]}
     */
    public static float[][] channelStats(Dataset ds, int limit) {
        int[] s = ds.shape();
        int c = s[0];
        int hw = s[1] * s[2];
        double[] sum = new double[c];
        double[] sq = new double[c];
        float[] img = new float[ds.imageSize()];
        int n = Math.min(limit, ds.size());
        for (int i = 0; i < n; i++) {
            ds.image(i, img, 0);
            for (int ch = 0; ch < c; ch++) {
                for (int j = 0; j < hw; j++) {
                    double v = img[ch * hw + j];
                    sum[ch] += v;
                    sq[ch] += v * v;
                }
            }
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double m = sum[ch] / ((double) n * hw);
            mean[ch] = (float) m;
            std[ch] = (float) Math.sqrt(Math.max(sq[ch] / ((double) n * hw) - m * m, 1e-12));
        }
        return new float[][] {mean, std};
    }

    /**
     * Transforms one image (C, H, W) from src into dst at offset; rnd drives crop and mirror.
     */
    public void apply(float[] src, float[] dst, int offset, int[] shape, SplittableRandom rnd) {
        int c = shape[0];
        int h = shape[1];
        int w = shape[2];
        int dy = 0;
        int dx = 0;
        if (pad > 0) { // crop offset in the padded image, relative to the original
            dy = rnd.nextInt(2 * pad + 1) - pad;
            dx = rnd.nextInt(2 * pad + 1) - pad;
        }
        boolean flip = mirror && rnd.nextBoolean();
        for (int ch = 0; ch < c; ch++) {
            float m = mean == null ? 0f : mean[ch];
            float inv = std == null ? 1f : 1f / std[ch];
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    // padded pixels are zero before normalisation, as in Caffe's zero padding of the raw image
                    float v = sy < 0 || sy >= h || sx < 0 || sx >= w ? 0f : src[base + sy * w + sx];
                    dst[offset + base + y * w + x] = (v - m) * inv;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Augment[pad=" + pad + ", mirror=" + mirror + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + "]";
    }
}
