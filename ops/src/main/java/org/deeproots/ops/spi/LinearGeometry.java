package org.deeproots.ops.spi;

/** A fully connected layer: input (n, in), weight (out, in), bias (out), output (n, out). */
public record LinearGeometry(int n, int in, int out) {
    public LinearGeometry {
        ConvGeometry.positive("n", n);
        ConvGeometry.positive("in", in);
        ConvGeometry.positive("out", out);
    }

    public long multiplyAdds() {
        return (long) n * in * out;
    }
}
