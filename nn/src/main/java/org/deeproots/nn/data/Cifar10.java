package org.deeproots.nn.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10 binary version: {@code data_batch_1.bin .. data_batch_5.bin} (training) and {@code test_batch.bin},
 * each a sequence of 3073-byte records (1 label byte, then 3072 bytes of 32x32 R, G, B planes). Get it from
 * https://www.cs.toronto.edu/~kriz/cifar.html ("CIFAR-10 binary version"). Only the records needed are read.
 */
public final class Cifar10 {
    /** Bytes per record. */
    public static final int RECORD = 1 + 3 * 32 * 32;

    private Cifar10() {
    }

    /** The training files of a directory. */
    public static List<Path> trainFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            files.add(dir.resolve("data_batch_" + i + ".bin"));
        }
        return files;
    }

    public static Path testFile(Path dir) {
        return dir.resolve("test_batch.bin");
    }

    /** True when dir holds the CIFAR-10 binary files. */
    public static boolean isCifarDir(Path dir) {
        return Files.isRegularFile(dir.resolve("data_batch_1.bin")) && Files.isRegularFile(testFile(dir));
    }

    /**
     * Reads up to limit records from the files in order.
     *
     * @throws IOException naming the file when it is missing, its size is not a whole number of records, or a
     *                     label is out of range
     */
    public static ByteImageDataset load(String name, List<Path> files, int limit) throws IOException {
        long total = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IOException(f + ": no such file (CIFAR-10 binary version expected)");
            }
            long size = Files.size(f);
            if (size == 0 || size % RECORD != 0) {
                throw new IOException(f + ": size " + size + " bytes is not a whole number of " + RECORD
                        + "-byte CIFAR-10 records (truncated or not CIFAR-10 binary)");
            }
            total += size / RECORD;
        }
        int count = (int) Math.min(total, limit);
        byte[] pixels = new byte[count * (RECORD - 1)]; // (n, 3, 32, 32)
        byte[] labels = new byte[count];
        byte[] record = new byte[RECORD];
        int read = 0;
        for (Path f : files) {
            if (read == count) {
                break;
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
                while (read < count && in.readNBytes(record, 0, RECORD) == RECORD) {
                    int label = record[0] & 0xff;
                    if (label > 9) {
                        throw new IOException(f + ": record " + read + " has label " + label
                                + ", not 0..9 (not CIFAR-10 binary?)");
                    }
                    labels[read] = record[0];
                    System.arraycopy(record, 1, pixels, read * (RECORD - 1), RECORD - 1);
                    read++;
                }
            }
        }
        return new ByteImageDataset(name, pixels, labels, new int[] {3, 32, 32}, 10);
    }
}
