package org.deeproots.nn.data;

/** Images held as unsigned bytes (n, C, H, W) in memory, with one label byte each (IDX and CIFAR-10). */
public final class ByteImageDataset implements Dataset {
    private final String name;
    private final byte[] pixels; // (n, C, H, W) unsigned
    private final byte[] labels; // (n)
    private final int[] shape;
    private final int classes;

    /**
     * @throws IllegalArgumentException when sizes disagree or a label is out of range
     */
    public ByteImageDataset(String name, byte[] pixels, byte[] labels, int[] shape, int classes) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.shape = shape.clone();
        this.classes = classes;
        int per = shape[0] * shape[1] * shape[2];
        if ((long) labels.length * per != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels but " + pixels.length
                    + " pixel bytes (" + per + " per image)");
        }
        for (int i = 0; i < labels.length; i++) {
            int l = labels[i] & 0xff;
            if (l >= classes) {
                throw new IllegalArgumentException(name + ": label " + l + " of image " + i + " is not below "
                        + classes + " classes");
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return labels[i] & 0xff;
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        int per = imageSize();
        int base = i * per;
        for (int j = 0; j < per; j++) {
            dst[offset + j] = (pixels[base + j] & 0xff) * (1f / 255f);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
