package org.deeproots.nn.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST (big-endian magic {@code 0x00000803} for images, {@code 0x00000801}
 * for labels, then the dimensions, then unsigned bytes). Gzipped files are detected by their magic, whatever
 * their name. Only the first {@code limit} items are read.
 */
public final class Idx {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /**
     * Reads an image file and its label file into a data set of (1, rows, cols) images.
     *
     * @param limit the most images to read (Integer.MAX_VALUE for all)
     * @throws IOException naming the file when it is missing, truncated, not IDX, or the counts disagree
     */
    public static ByteImageDataset load(String name, Path images, Path labels, int classes, int limit)
            throws IOException {
        byte[] pixels;
        int count;
        int rows;
        int cols;
        try (DataInputStream in = open(images)) {
            int magic = readMagic(in, images);
            if (magic != IMAGES_MAGIC) {
                throw new IOException(images + ": not an IDX image file (magic 0x" + hex(magic) + ", expected 0x"
                        + hex(IMAGES_MAGIC) + ")");
            }
            count = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            if (count < 0 || rows < 1 || cols < 1) {
                throw new IOException(images + ": bad IDX header (" + count + " images of " + rows + "x" + cols + ")");
            }
            count = Math.min(count, limit);
            pixels = new byte[Math.multiplyExact(count, rows * cols)];
            readFully(in, pixels, images, count + " images of " + rows + "x" + cols + " bytes");
        } catch (EOFException e) {
            throw new IOException(images + ": truncated IDX header", e);
        }
        byte[] labelBytes;
        try (DataInputStream in = open(labels)) {
            int magic = readMagic(in, labels);
            if (magic != LABELS_MAGIC) {
                throw new IOException(labels + ": not an IDX label file (magic 0x" + hex(magic) + ", expected 0x"
                        + hex(LABELS_MAGIC) + ")");
            }
            int n = in.readInt();
            if (Math.min(n, limit) != count) {
                throw new IOException(labels + ": has " + n + " labels but " + images + " has a different count ("
                        + count + " read)");
            }
            labelBytes = new byte[count];
            readFully(in, labelBytes, labels, count + " labels");
        } catch (EOFException e) {
            throw new IOException(labels + ": truncated IDX header", e);
        }
        try {
            return new ByteImageDataset(name, pixels, labelBytes, new int[] {1, rows, cols}, classes);
        } catch (IllegalArgumentException e) {
            throw new IOException(labels + ": " + e.getMessage(), e);
        }
    }

    /** Opens a file, unwrapping gzip when its first two bytes are the gzip magic 1f 8b. */
    static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return new DataInputStream(raw);
    }

    private static int readMagic(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": empty or truncated (no IDX magic)", e);
        }
    }

    private static void readFully(DataInputStream in, byte[] dst, Path file, String what) throws IOException {
        try {
            in.readFully(dst);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated (expected " + what + ")", e);
        }
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
