package org.deeproots.reproduce.sweep;

/**
 * Responses of one layer for a batch of images.
 *
 * @param layer node name
 * @param data  values, (N, C, H, W) row-major
 * @param n     images
 * @param c     channels
 * @param h     height
 * @param w     width
 */
public record Activations(String layer, float[] data, int n, int c, int h, int w) {
    public Activations {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(layer + ": dimensions must be >= 1, got " + n + "x" + c + "x" + h + "x"
                    + w);
        }
        if ((long) n * c * h * w != data.length) {
            throw new IllegalArgumentException(layer + ": " + data.length + " values do not fill " + n + "x" + c + "x"
                    + h + "x" + w);
        }
    }

    float at(int img, int ch, int y, int x) {
        return data[((img * c + ch) * h + y) * w + x];
    }
}
