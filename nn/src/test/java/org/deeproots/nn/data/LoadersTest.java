package org.deeproots.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadersTest {
    @TempDir
    Path dir;

    static byte[] idxImages(int n, int rows, int cols, int magic) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(n);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            d.writeByte((i * 7 + i / (rows * cols)) & 0xff);
        }
        return b.toByteArray();
    }

    static byte[] idxLabels(int n) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(Idx.LABELS_MAGIC);
        d.writeInt(n);
        for (int i = 0; i < n; i++) {
            d.writeByte(i % 10);
        }
        return b.toByteArray();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(b)) {
            g.write(raw);
        }
        return b.toByteArray();
    }

    @Test
    void idxPlainAndGzipReadTheSameWithLimit() throws IOException {
        byte[] img = idxImages(12, 4, 5, Idx.IMAGES_MAGIC);
        Files.write(dir.resolve("a-images"), img);
        Files.write(dir.resolve("a-labels"), idxLabels(12));
        Files.write(dir.resolve("b-images.gz"), gzip(img)); // detected by magic, not name
        Files.write(dir.resolve("b-labels"), gzip(idxLabels(12)));
        ByteImageDataset a = Idx.load("a", dir.resolve("a-images"), dir.resolve("a-labels"), 10, Integer.MAX_VALUE);
        ByteImageDataset b = Idx.load("b", dir.resolve("b-images.gz"), dir.resolve("b-labels"), 10, 5);
        assertEquals(12, a.size());
        assertEquals(5, b.size());
        assertArrayEquals(new int[] {1, 4, 5}, a.shape());
        float[] x = new float[20];
        float[] y = new float[20];
        a.image(3, x, 0);
        b.image(3, y, 0);
        assertArrayEquals(x, y);
        assertEquals((img[16 + 3 * 20 + 2] & 0xff) / 255f, x[2], 1e-7);
        assertEquals(3, b.label(3));
    }

    @Test
    void idxTruncatedAndWrongMagicAreRefusedNamingTheFile() throws IOException {
        byte[] img = idxImages(12, 4, 5, Idx.IMAGES_MAGIC);
        Files.write(dir.resolve("cut-images"), Arrays.copyOf(img, img.length - 7));
        Files.write(dir.resolve("labels"), idxLabels(12));
        IOException e = assertThrows(IOException.class,
                () -> Idx.load("x", dir.resolve("cut-images"), dir.resolve("labels"), 10, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("cut-images") && e.getMessage().contains("truncated"), e.getMessage());
        Files.write(dir.resolve("cut.gz"), Arrays.copyOf(gzip(img), 60));
        e = assertThrows(IOException.class,
                () -> Idx.load("x", dir.resolve("cut.gz"), dir.resolve("labels"), 10, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("cut.gz"), e.getMessage());
        Files.write(dir.resolve("wrong-images"), idxImages(12, 4, 5, 0x00000801));
        e = assertThrows(IOException.class,
                () -> Idx.load("x", dir.resolve("wrong-images"), dir.resolve("labels"), 10, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("wrong-images") && e.getMessage().contains("magic"), e.getMessage());
        e = assertThrows(IOException.class,
                () -> Idx.load("x", dir.resolve("labels"), dir.resolve("labels"), 10, Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void fashionMnistDirectoryLayoutIsFound() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(idxImages(8, 28, 28, Idx.IMAGES_MAGIC)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(idxLabels(8)));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idxImages(4, 28, 28, Idx.IMAGES_MAGIC));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(4));
        DataSets.TrainTest tt = DataSets.open(dir.toString(), null, Integer.MAX_VALUE, Integer.MAX_VALUE, null);
        assertEquals(8, tt.train().size());
        assertEquals(4, tt.test().size());
        assertEquals(4, DataSets.open("fashion-mnist", dir, 1, 100, null).test().size(), "--data DIR comes first");
    }

    @Test
    void missingFashionMnistNamesPathsAndTheAptCommand() {
        if (Files.isDirectory(DataSets.DEBIAN_FASHION_MNIST)) {
            return; // installed here: the lookup succeeds, covered by the directory test
        }
        IOException e = assertThrows(IOException.class, () -> DataSets.open("fashion-mnist", dir, 1, 1, null));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("/usr/share/datasets")
                && e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    static byte[] cifar(int n) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * Cifar10.RECORD] = (byte) (i % 10);
            for (int j = 1; j < Cifar10.RECORD; j++) {
                b[i * Cifar10.RECORD + j] = (byte) (i + j);
            }
        }
        return b;
    }

    @Test
    void cifarBinaryRecordsWithLimitAcrossFiles() throws IOException {
        for (int i = 1; i <= 5; i++) {
            Files.write(dir.resolve("data_batch_" + i + ".bin"), cifar(3));
        }
        Files.write(dir.resolve("test_batch.bin"), cifar(4));
        DataSets.TrainTest tt = DataSets.open("cifar10", dir, 7, 100, null);
        assertEquals(7, tt.train().size());
        assertEquals(4, tt.test().size());
        assertArrayEquals(new int[] {3, 32, 32}, tt.train().shape());
        assertEquals(0, tt.train().label(3)); // first record of the second file
        float[] x = new float[3072];
        tt.train().image(4, x, 0);       // record 1 of file 2: bytes (1 + j)
        assertEquals(((1 + 1) & 0xff) / 255f, x[0], 1e-7);
        assertEquals(((1 + 3072) & 0xff) / 255f, x[3071], 1e-7);
    }

    @Test
    void cifarTruncatedOrBadLabelIsRefusedNamingTheFile() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), Arrays.copyOf(cifar(3), 3 * Cifar10.RECORD - 5));
        IOException e = assertThrows(IOException.class,
                () -> Cifar10.load("c", List.of(dir.resolve("data_batch_1.bin")), 100));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("3073"), e.getMessage());
        byte[] bad = cifar(2);
        bad[Cifar10.RECORD] = 42;
        Files.write(dir.resolve("bad.bin"), bad);
        e = assertThrows(IOException.class, () -> Cifar10.load("c", List.of(dir.resolve("bad.bin")), 100));
        assertTrue(e.getMessage().contains("bad.bin") && e.getMessage().contains("label 42"), e.getMessage());
    }

    @Test
    void imageFolderReadsPngResizesAndCrops() throws IOException {
        for (String split : List.of("train", "test")) {
            for (String cls : List.of("cat", "dog")) {
                Path d = Files.createDirectories(dir.resolve(split).resolve(cls));
                BufferedImage img = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);
                int rgb = cls.equals("cat") ? 0xff0000 : 0x0000ff;
                for (int y = 0; y < 10; y++) {
                    for (int x = 0; x < 20; x++) {
                        img.setRGB(x, y, rgb);
                    }
                }
                ImageIO.write(img, "png", d.resolve("a.png").toFile());
                ImageIO.write(img, "png", d.resolve("b.PNG").toFile());
            }
        }
        DataSets.TrainTest tt = DataSets.open(dir.toString(), null, 100, 100, new int[] {3, 8, 8});
        assertEquals(4, tt.train().size());
        assertEquals(2, tt.train().classes());
        float[] x = new float[3 * 64];
        tt.train().image(0, x, 0); // cat: red
        assertEquals(0, tt.train().label(0));
        assertEquals(1f, x[0], 0.02);
        assertEquals(0f, x[64], 0.02);
        tt.train().image(2, x, 0); // dog: blue
        assertEquals(1, tt.train().label(2));
        assertEquals(1f, x[128 + 27], 0.02);
        Files.writeString(dir.resolve("train/cat/broken.png"), "not a png");
        ImageFolder f = ImageFolder.open(dir.resolve("train"), new int[] {1, 8, 8}, 100);
        int broken = -1;
        for (int i = 0; i < f.size(); i++) {
            if (f.name().contains("train") && i == 2) {
                broken = i; // sorted: a.png, b.PNG, broken.png
            }
        }
        int idx = broken;
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> f.image(idx, new float[64], 0));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }

    @Test
    void augmentPadsCropsMirrorsAndNormalises() {
        float[] img = new float[2 * 3 * 3];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
        }
        float[] out = new float[img.length];
        new Augment(0, false, new float[] {1, 2}, new float[] {2, 4}).apply(img, out, 0, new int[] {2, 3, 3},
                new SplittableRandom(1));
        assertEquals((0 - 1) / 2f, out[0]);
        assertEquals((9 - 2) / 4f, out[9]);
        // with pad 1, over many draws every shift in [-1, 1] and both mirror states appear, and values stay
        // either an original pixel or the zero padding
        boolean sawZero = false;
        boolean sawMirror = false;
        SplittableRandom r = new SplittableRandom(2);
        Augment a = new Augment(1, true, null, null);
        for (int t = 0; t < 50; t++) {
            a.apply(img, out, 0, new int[] {2, 3, 3}, r);
            sawZero |= out[0] == 0f && out[4] != 4f;
            sawMirror |= out[3] == 5f && out[5] == 3f;
        }
        assertTrue(sawZero && sawMirror);
    }

    @Test
    void batchesShuffleReproduciblyAndCoverEveryImage() throws IOException {
        Files.write(dir.resolve("i"), idxImages(10, 2, 2, Idx.IMAGES_MAGIC));
        Files.write(dir.resolve("l"), idxLabels(10));
        Dataset ds = Idx.load("d", dir.resolve("i"), dir.resolve("l"), 10, 100);
        Batches b = new Batches(ds, 4, 10, Augment.none(), true, 5);
        assertEquals(3, b.batchesPerEpoch());
        int[] seen = new int[10];
        StringBuilder order1 = new StringBuilder();
        Batches.Epoch e = b.epoch(1);
        while (e.hasNext()) {
            Batches.Batch x = e.next();
            for (int i = 0; i < x.n(); i++) {
                seen[x.labels()[i]]++;
                order1.append(x.labels()[i]);
            }
        }
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seen);
        StringBuilder order2 = new StringBuilder();
        e = new Batches(ds, 4, 10, Augment.none(), true, 5).epoch(1);
        while (e.hasNext()) {
            Batches.Batch x = e.next();
            for (int i = 0; i < x.n(); i++) {
                order2.append(x.labels()[i]);
            }
        }
        assertEquals(order1.toString(), order2.toString());
        assertTrue(!order1.toString().equals("0123456789"));
    }
}
