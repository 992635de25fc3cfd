package org.deeproots.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape. Four-dimensional shapes are read as NCHW (batch, channels, height, width),
 * two-dimensional ones as (N, features). Every dimension is at least 1.
 */
public final class Shape {
    private static final String[] NCHW = {"N", "C", "H", "W"};

    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("shape: at least one dimension is needed");
        }
        long s = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 1) {
                throw new IllegalArgumentException("shape: dimension " + dimName(dims.length, i)
                        + " must be >= 1, got " + dims[i] + " in " + Arrays.toString(dims));
            }
            s *= dims[i];
        }
        if (s > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape: " + Arrays.toString(dims) + " has " + s
                    + " elements, more than a Java array can hold");
        }
        this.dims = dims;
        this.size = s;
    }

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** An NCHW shape. */
    public static Shape nchw(int n, int c, int h, int w) {
        return new Shape(new int[] {n, c, h, w});
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements. */
    public int size() {
        return (int) size;
    }

    public int n() {
        return dims[0];
    }

    public int c() {
        requireRank(4);
        return dims[1];
    }

    public int h() {
        requireRank(4);
        return dims[2];
    }

    public int w() {
        requireRank(4);
        return dims[3];
    }

    /** Elements per sample: the product of every dimension but the first. */
    public int sampleSize() {
        return (int) (size / dims[0]);
    }

    /** The same shape with a different batch size. */
    public Shape withBatch(int n) {
        int[] d = dims.clone();
        d[0] = n;
        return new Shape(d);
    }

    /**
     * Checks that this shape equals {@code expected}, naming {@code what} and the first differing dimension.
     *
     * @throws IllegalArgumentException when they differ
     */
    public void requireEquals(Shape expected, String what) {
        if (equals(expected)) {
            return;
        }
        if (rank() != expected.rank()) {
            throw new IllegalArgumentException(what + ": expected rank " + expected.rank() + " " + expected
                    + ", got rank " + rank() + " " + this);
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != expected.dims[i]) {
                throw new IllegalArgumentException(what + ": dimension " + dimName(rank(), i) + " expected "
                        + expected.dims[i] + ", got " + dims[i] + " (expected " + expected + ", got " + this + ")");
            }
        }
    }

    private void requireRank(int r) {
        if (dims.length != r) {
            throw new IllegalStateException("shape " + this + " is not " + r + "-dimensional");
        }
    }

    private static String dimName(int rank, int i) {
        return rank == 4 ? NCHW[i] : Integer.toString(i);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Like {@code 1x3x32x32}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                b.append('x');
            }
            b.append(dims[i]);
        }
        return b.toString();
    }

    /**
     * Parses {@code 3x32x32} (or with commas).
     *
     * @throws IllegalArgumentException naming the text when it is not a list of positive integers
     */
    public static Shape parse(String text) {
        String[] parts = text.trim().split("[x,X*]");
        int[] d = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                d[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape '" + text + "': '" + parts[i]
                        + "' is not an integer (expected like 3x32x32)");
            }
        }
        return new Shape(d);
    }
}
