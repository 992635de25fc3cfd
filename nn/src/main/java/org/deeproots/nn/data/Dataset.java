package org.deeproots.nn.data;

/**
 * A labelled image data set, read by index. Images are (C, H, W) with values in [0, 1]; preprocessing and
 * augmentation happen later ({@link Augment}). Implementations are safe for concurrent reads.
 */
public interface Dataset {
    /** A short description for logs, e.g. {@code fashion-mnist train (60000)}. */
    String name();

    /** Number of images. */
    int size();

    /** Per-image shape {C, H, W}. */
    int[] shape();

    /** Number of classes; labels are in [0, classes). */
    int classes();

    /** Label of image i. */
    int label(int i);

    /** Writes image i as C*H*W floats in [0, 1] into dst starting at offset. */
    void image(int i, float[] dst, int offset);

    /** Elements per image. */
    default int imageSize() {
        int[] s = shape();
        return s[0] * s[1] * s[2];
    }
}
