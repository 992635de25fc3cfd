package org.deeproots.ops.spi;

/** Batch norm over (n, c, hw): statistics per channel c across n and the hw spatial positions. */
public record BatchNormGeometry(int n, int c, int hw) {
    public BatchNormGeometry {
        ConvGeometry.positive("n", n);
        ConvGeometry.positive("c", c);
        ConvGeometry.positive("hw", hw);
    }

    public int size() {
        return n * c * hw;
    }
}
