package org.deeproots.reproduce.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a training {@code metrics.csv} (header {@code epoch,train_loss,train_acc,test_loss,test_acc,images_per_s,
 * seconds}); columns are found by name.
 *
 * @param testAccuracy test accuracy per epoch, fraction
 * @param seconds      cumulative or per-epoch seconds as the trainer wrote them
 */
public record Metrics(double[] testAccuracy, double[] seconds) {

    public int epochs() {
        return testAccuracy.length;
    }

    public double finalTestAccuracy() {
        return testAccuracy.length == 0 ? Double.NaN : testAccuracy[testAccuracy.length - 1];
    }

    /** Total training seconds (sum of the seconds column, NaN when absent). */
    public double totalSeconds() {
        return seconds.length == 0 ? Double.NaN : Arrays.stream(seconds).sum();
    }

    /**
     * @throws IOException when the file is unreadable or lacks an {@code epoch} or {@code test_acc} column, or a
     *                     value is not a number (the message names the file and line)
     */
    public static Metrics read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            throw new IOException(file + ": empty metrics file");
        }
        List<String> head = Arrays.asList(lines.get(0).trim().split(","));
        int acc = head.indexOf("test_acc");
        int sec = head.indexOf("seconds");
        if (!head.contains("epoch") || acc < 0) {
            throw new IOException(file + ": header must have epoch and test_acc columns, got " + lines.get(0));
        }
        List<Double> a = new ArrayList<>();
        List<Double> s = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (l.isEmpty()) {
                continue;
            }
            String[] cells = l.split(",", -1);
            try {
                a.add(Double.parseDouble(cells[acc]));
                if (sec >= 0 && sec < cells.length && !cells[sec].isEmpty()) {
                    s.add(Double.parseDouble(cells[sec]));
                }
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + (i + 1) + ": not a metrics row: " + l, e);
            }
        }
        return new Metrics(a.stream().mapToDouble(Double::doubleValue).toArray(),
                s.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
