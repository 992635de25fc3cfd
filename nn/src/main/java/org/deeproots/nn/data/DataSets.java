package org.deeproots.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a training and a test set from a name ({@code fashion-mnist}, {@code mnist}, {@code cifar10}) or a
 * directory (IDX files, CIFAR-10 binary files, or {@code train/} and {@code test/} image folders).
 */
public final class DataSets {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    private DataSets() {
    }

    /** A training set and its test set. */
    public record TrainTest(String name, Dataset train, Dataset test) {
    }

    /**
     * Opens a data set.
     *
     * @param data       a name or a directory
     * @param dir        directory given with {@code --data DIR} next to a name (may be null)
     * @param trainLimit the most training images to read
     * @param testLimit  the most test images to read
     * @param shape      target {C, H, W} for image folders (ignored for the fixed-size formats)
     * @throws IOException naming every path tried and how to get the data when it is missing
     */
    public static TrainTest open(String data, Path dir, int trainLimit, int testLimit, int[] shape)
            throws IOException {
        switch (data) {
            case "fashion-mnist", "mnist" -> {
                List<Path> tried = new ArrayList<>();
                if (dir != null) {
                    tried.add(dir);
                }
                if (data.equals("fashion-mnist")) {
                    tried.add(DEBIAN_FASHION_MNIST);
                    tried.add(Path.of(System.getProperty("user.home"), ".deeproots", "data", "fashion-mnist"));
                } else {
                    tried.add(Path.of(System.getProperty("user.home"), ".deeproots", "data", "mnist"));
                }
                for (Path d : tried) {
                    if (findIdx(d, "train-images-idx3-ubyte") != null) {
                        return idx(data, d, trainLimit, testLimit);
                    }
                }
                throw new IOException(data + " not found; tried " + tried + " (looking for train-images-idx3-ubyte"
                        + "[.gz] and friends). " + (data.equals("fashion-mnist")
                        ? "Install it with: apt-get install dataset-fashion-mnist, or pass --data DIR"
                        : "Put the four MNIST IDX files in a directory and pass --data DIR"));
            }
            case "cifar10", "cifar-10" -> {
                List<Path> tried = new ArrayList<>();
                if (dir != null) {
                    tried.add(dir);
                }
                tried.add(Path.of(System.getProperty("user.home"), ".deeproots", "data", "cifar-10-batches-bin"));
                for (Path d : tried) {
                    if (Cifar10.isCifarDir(d)) {
                        return cifar(d, trainLimit, testLimit);
                    }
                }
                throw new IOException("cifar10 not found; tried " + tried + " (looking for data_batch_1.bin .. "
                        + "data_batch_5.bin and test_batch.bin). Download the 'CIFAR-10 binary version' from "
                        + "https://www.cs.toronto.edu/~kriz/cifar.html, unpack it and pass --data DIR");
            }
            default -> {
                return directory(Path.of(data), trainLimit, testLimit, shape);
            }
        }
    }

    /** Opens a directory by what it holds. */
    public static TrainTest directory(Path d, int trainLimit, int testLimit, int[] shape) throws IOException {
        if (!Files.isDirectory(d)) {
            throw new IOException("--data " + d + ": not a data set name (fashion-mnist, mnist, cifar10) and not a "
                    + "directory");
        }
        if (findIdx(d, "train-images-idx3-ubyte") != null) {
            return idx(d.getFileName().toString(), d, trainLimit, testLimit);
        }
        if (Cifar10.isCifarDir(d)) {
            return cifar(d, trainLimit, testLimit);
        }
        Path train = d.resolve("train");
        Path test = Files.isDirectory(d.resolve("test")) ? d.resolve("test") : d.resolve("val");
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            ImageFolder tr = ImageFolder.open(train, shape, trainLimit);
            ImageFolder te = ImageFolder.open(test, shape, testLimit);
            if (!tr.classNames().equals(te.classNames())) {
                throw new IOException(d + ": class folders of train " + tr.classNames() + " and " + test.getFileName()
                        + " " + te.classNames() + " differ");
            }
            return new TrainTest(d.toString(), tr, te);
        }
        throw new IOException(d + ": found neither IDX files (train-images-idx3-ubyte[.gz]), CIFAR-10 binary files "
                + "(data_batch_1.bin, test_batch.bin) nor train/ and test/ (or val/) image folders");
    }

    private static TrainTest idx(String name, Path d, int trainLimit, int testLimit) throws IOException {
        Dataset train = Idx.load(name + " train", findIdx(d, "train-images-idx3-ubyte"),
                need(d, "train-labels-idx1-ubyte"), 10, trainLimit);
        Dataset test = Idx.load(name + " test", need(d, "t10k-images-idx3-ubyte"), need(d, "t10k-labels-idx1-ubyte"),
                10, testLimit);
        return new TrainTest(name, train, test);
    }

    private static TrainTest cifar(Path d, int trainLimit, int testLimit) throws IOException {
        return new TrainTest("cifar10", Cifar10.load("cifar10 train", Cifar10.trainFiles(d), trainLimit),
                Cifar10.load("cifar10 test", List.of(Cifar10.testFile(d)), testLimit));
    }

    private static Path need(Path d, String base) throws IOException {
        Path p = findIdx(d, base);
        if (p == null) {
            throw new IOException(d + ": missing " + base + " (or " + base + ".gz)");
        }
        return p;
    }

    /** The file {@code base} or {@code base.gz} in d (also the {@code base.idx3-ubyte} spelling), or null. */
    static Path findIdx(Path d, String base) {
        for (String n : new String[] {base, base + ".gz", base.replace("-idx", ".idx"),
                base.replace("-idx", ".idx") + ".gz"}) {
            Path p = d.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
