package org.deeproots.ops.spi;

/**
 * Geometry of a 2-D convolution with filter groups, square stride and symmetric zero padding.
 * Layouts: input (n, inC, h, w); weight (outC, inC / groups, kh, kw); bias (outC); output (n, outC, outH, outW).
 *
 * @param n        batch size
 * @param inC      input channels
 * @param outC     output channels (filters)
 * @param groups   filter groups; must divide inC and outC (groups == inC == outC is depthwise)
 * @param h        input height
 * @param w        input width
 * @param kh       kernel height
 * @param kw       kernel width
 * @param stride   stride in both directions
 * @param pad      zero padding on every side
 */
public record ConvGeometry(int n, int inC, int outC, int groups, int h, int w, int kh, int kw, int stride, int pad) {
    public ConvGeometry {
        positive("n", n);
        positive("inC", inC);
        positive("outC", outC);
        positive("groups", groups);
        positive("h", h);
        positive("w", w);
        positive("kh", kh);
        positive("kw", kw);
        positive("stride", stride);
        if (pad < 0) {
            throw new IllegalArgumentException("pad must be >= 0, got " + pad);
        }
        if (inC % groups != 0 || outC % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide inC=" + inC + " and outC=" + outC);
        }
        int oh = (h + 2 * pad - kh) / stride + 1;
        int ow = (w + 2 * pad - kw) / stride + 1;
        if (h + 2 * pad < kh || w + 2 * pad < kw || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("output size below 1: input " + h + "x" + w + " with pad=" + pad
                    + " is smaller than kernel " + kh + "x" + kw);
        }
    }

    /** Square kernel convenience constructor. */
    public static ConvGeometry of(int n, int inC, int outC, int groups, int h, int w, int k, int stride, int pad) {
        return new ConvGeometry(n, inC, outC, groups, h, w, k, k, stride, pad);
    }

    public int outH() {
        return (h + 2 * pad - kh) / stride + 1;
    }

    public int outW() {
        return (w + 2 * pad - kw) / stride + 1;
    }

    /** Input channels per group. */
    public int inPerGroup() {
        return inC / groups;
    }

    /** Output channels per group. */
    public int outPerGroup() {
        return outC / groups;
    }

    public int inputSize() {
        return n * inC * h * w;
    }

    public int outputSize() {
        return n * outC * outH() * outW();
    }

    public int weightSize() {
        return outC * inPerGroup() * kh * kw;
    }

    /** Multiply-adds of the forward pass (bias not counted). */
    public long multiplyAdds() {
        return (long) n * outC * outH() * outW() * inPerGroup() * kh * kw;
    }

    static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }
}
