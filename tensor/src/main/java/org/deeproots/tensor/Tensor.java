package org.deeproots.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a flat {@code float[]} in row-major order plus its {@link Shape}
 * (NCHW for images). The array is shared, not copied: kernels write into it directly.
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    /** Wraps {@code data} (not copied); its length must equal the shape's size. */
    public Tensor(Shape shape, float[] data) {
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("data: shape " + shape + " needs " + shape.size()
                    + " elements, got an array of " + data.length);
        }
        this.shape = shape;
        this.data = data;
    }

    /** A zero-filled tensor. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new float[shape.size()]);
    }

    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    public Shape shape() {
        return shape;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    /** Element at NCHW index (n, c, h, w). */
    public float get(int n, int c, int h, int w) {
        return data[index(n, c, h, w)];
    }

    public void set(int n, int c, int h, int w, float v) {
        data[index(n, c, h, w)] = v;
    }

    private int index(int n, int c, int h, int w) {
        return ((n * shape.c() + c) * shape.h() + h) * shape.w() + w;
    }

    /** A tensor with the same data viewed under another shape of the same size. */
    public Tensor reshape(Shape newShape) {
        return new Tensor(newShape, data);
    }

    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    public void fill(float v) {
        Arrays.fill(data, v);
    }

    @Override
    public String toString() {
        return "Tensor(" + shape + ")";
    }
}
