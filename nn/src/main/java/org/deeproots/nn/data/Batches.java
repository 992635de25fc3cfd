package org.deeproots.nn.data;

import java.util.SplittableRandom;

/**
 * Mini-batches over a data set: an optional seeded shuffle per epoch and augmentation while each batch is
 * assembled into reused buffers. The same seed and epoch give the same batches on every machine.
 */
public final class Batches {
    private final Dataset ds;
    private final int batch;
    private final int count;
    private final Augment augment;
    private final boolean shuffle;
    private final long seed;

    /**
     * @param count how many images to use (the first ones, at most ds.size())
     */
    public Batches(Dataset ds, int batch, int count, Augment augment, boolean shuffle, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        this.ds = ds;
        this.batch = batch;
        this.count = Math.min(count, ds.size());
        this.augment = augment;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    public Dataset dataset() {
        return ds;
    }

    /** Images per epoch. */
    public int count() {
        return count;
    }

    /** Batches per epoch (the last may be smaller). */
    public int batchesPerEpoch() {
        return (count + batch - 1) / batch;
    }

    /** One epoch's iteration; reuses its buffers, so each {@link Batch} is valid until the next call. */
    public Epoch epoch(int epoch) {
        return new Epoch(epoch);
    }

    /** A batch: images (n, C, H, W) and labels (n). */
    public record Batch(float[] images, int[] labels, int n) {
    }

    /** Iterates one epoch's batches. */
    public final class Epoch {
        private final int[] order;
        private final SplittableRandom augRandom;
        private final float[] raw;
        private float[] images;
        private int[] labels;
        private int next;

        Epoch(int epoch) {
            order = new int[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            SplittableRandom r = new SplittableRandom(seed * 31 + epoch);
            if (shuffle) {
                for (int i = count - 1; i > 0; i--) { // Fisher-Yates
                    int j = r.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            augRandom = r.split();
            raw = new float[ds.imageSize()];
        }

        public boolean hasNext() {
            return next < count;
        }

        public Batch next() {
            int n = Math.min(batch, count - next);
            int per = ds.imageSize();
            if (images == null || labels.length != n) {
                images = new float[n * per]; // (n, C, H, W)
                labels = new int[n];
            }
            int[] shape = ds.shape();
            for (int b = 0; b < n; b++) {
                int idx = order[next + b];
                labels[b] = ds.label(idx);
                ds.image(idx, raw, 0);
                augment.apply(raw, images, b * per, shape, augRandom);
            }
            next += n;
            return new Batch(images, labels, n);
        }
    }
}
