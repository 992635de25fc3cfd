package org.deeproots.ops.spi;

/**
 * Geometry of a 2-D max or average pooling over (n, c, h, w). With {@code ceilMode} the output size rounds up
 * (Caffe's convention, which NiN and GoogLeNet need); as in Caffe and PyTorch a window that would start inside
 * the right/bottom padding only is dropped.
 */
public record PoolGeometry(int n, int c, int h, int w, int kernel, int stride, int pad, boolean ceilMode) {
    public PoolGeometry {
        ConvGeometry.positive("n", n);
        ConvGeometry.positive("c", c);
        ConvGeometry.positive("h", h);
        ConvGeometry.positive("w", w);
        ConvGeometry.positive("kernel", kernel);
        ConvGeometry.positive("stride", stride);
        if (pad < 0 || pad >= kernel) {
            throw new IllegalArgumentException("pad must be in [0, kernel=" + kernel + "), got " + pad);
        }
        if (h + 2 * pad < kernel || w + 2 * pad < kernel) {
            throw new IllegalArgumentException("output size below 1: input " + h + "x" + w + " with pad=" + pad
                    + " is smaller than pooling kernel " + kernel);
        }
    }

    public int outH() {
        return outSize(h);
    }

    public int outW() {
        return outSize(w);
    }

    private int outSize(int in) {
        int span = in + 2 * pad - kernel;
        int o = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && pad > 0 && (o - 1) * stride >= in + pad) {
            o--; // last window would start in the padding only
        }
        return o;
    }

    public int inputSize() {
        return n * c * h * w;
    }

    public int outputSize() {
        return n * c * outH() * outW();
    }
}
