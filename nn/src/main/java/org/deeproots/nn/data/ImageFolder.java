package org.deeproots.nn.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder with one sub-folder per class ({@code root/<class>/*.png|jpg|jpeg}), classes in name order. Images
 * are decoded through ImageIO on demand (nothing is held in memory), resized so the shorter side matches the
 * target, then centre-cropped to (H, W); 3 channels give RGB planes, 1 channel gives the luminance.
 */
public final class ImageFolder implements Dataset {
    private final String name;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final int[] shape;

    private ImageFolder(String name, List<String> classNames, List<Path> files, int[] labels, int[] shape) {
        this.name = name;
        this.classNames = classNames;
        this.files = files;
        this.labels = labels;
        this.shape = shape;
    }

    /**
     * Lists the images under root.
     *
     * @param shape target {C, H, W} with C = 1 or 3
     * @throws IOException naming root when it has no class folders or no images
     */
    public static ImageFolder open(Path root, int[] shape, int limit) throws IOException {
        if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3) || shape[1] < 1 || shape[2] < 1) {
            throw new IllegalArgumentException("image folder shape must be {1 or 3, H, W}, got "
                    + java.util.Arrays.toString(shape));
        }
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a directory");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new IOException(root + ": no class folders (expected root/<class>/<image>.png|jpg)");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            names.add(classDirs.get(c).getFileName().toString());
            try (Stream<Path> s = Files.list(classDirs.get(c))) {
                for (Path f : s.filter(ImageFolder::isImage).sorted().toList()) {
                    files.add(f);
                    labels.add(c);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(root + ": no .png/.jpg/.jpeg images in its class folders");
        }
        // spread a limit over the classes: take every k-th image rather than the first classes only
        if (limit < files.size()) {
            List<Path> f2 = new ArrayList<>();
            List<Integer> l2 = new ArrayList<>();
            double step = files.size() / (double) limit;
            for (int i = 0; i < limit; i++) {
                int j = (int) (i * step);
                f2.add(files.get(j));
                l2.add(labels.get(j));
            }
            files = f2;
            labels = l2;
        }
        return new ImageFolder(root.toString(), List.copyOf(names), List.copyOf(files),
                labels.stream().mapToInt(Integer::intValue).toArray(), shape.clone());
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String name() {
        return name + " (" + files.size() + " images)";
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public int classes() {
        return classNames.size();
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    /**
     * @throws UncheckedIOException naming the file when it cannot be read or decoded
     */
    @Override
    public void image(int i, float[] dst, int offset) {
        Path f = files.get(i);
        BufferedImage img;
        try {
            img = ImageIO.read(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException(f + ": cannot read image: " + e.getMessage(), e));
        }
        if (img == null) {
            throw new UncheckedIOException(new IOException(f + ": not a readable PNG/JPEG image"));
        }
        BufferedImage fit = resizeAndCrop(img, shape[1], shape[2]);
        int h = shape[1];
        int w = shape[2];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = fit.getRGB(x, y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float g = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                if (shape[0] == 3) {
                    dst[offset + y * w + x] = r;
                    dst[offset + h * w + y * w + x] = g;
                    dst[offset + 2 * h * w + y * w + x] = b;
                } else {
                    dst[offset + y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                }
            }
        }
    }

    /** Scales so the image covers (h, w) with its shorter side, then takes the centre. */
    static BufferedImage resizeAndCrop(BufferedImage img, int h, int w) {
        double scale = Math.max(h / (double) img.getHeight(), w / (double) img.getWidth());
        int sw = Math.max(w, (int) Math.round(img.getWidth() * scale));
        int sh = Math.max(h, (int) Math.round(img.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, -(sw - w) / 2, -(sh - h) / 2, sw, sh, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
