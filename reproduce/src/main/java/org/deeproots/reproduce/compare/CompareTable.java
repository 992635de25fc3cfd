package org.deeproots.reproduce.compare;

import java.util.List;
import java.util.Locale;
import org.deeproots.reproduce.report.Markdown;

/** Formats compare rows as CSV (header {@link CompareRow#CSV_HEADER}) or Markdown. */
public final class CompareTable {
    private CompareTable() {
    }

    /**
     * Reads a CSV written by {@link #csv}; the layout is not in the file and reads as empty.
     *
     * @throws java.io.IOException when the header differs or a row is malformed (naming the file and line)
     */
    public static List<CompareRow> read(java.nio.file.Path file) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(CompareRow.CSV_HEADER)) {
            throw new java.io.IOException(file + ": expected header " + CompareRow.CSV_HEADER);
        }
        List<CompareRow> rows = new java.util.ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split(",", -1);
            try {
                rows.add(new CompareRow(f[0], f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Double.parseDouble(f[4]), f[5].isEmpty() ? Double.NaN : Double.parseDouble(f[5]), ""));
            } catch (RuntimeException e) {
                throw new java.io.IOException(file + " line " + (i + 1) + ": bad row " + lines.get(i), e);
            }
        }
        return rows;
    }

    /** The targets against libtorch, as one line each, from model rows. */
    public static List<String> targets(List<CompareRow> rows) {
        List<String> out = new java.util.ArrayList<>();
        for (CompareRow r : rows) {
            if (r.model().equals("resnet50") && r.variant().equals("orig") && r.batch() == 10
                    && !Double.isNaN(r.libtorchMs())) {
                out.add(String.format(Locale.ROOT, "ResNet-50 orig, batch 10, %d threads: deeproots %.1f ms, libtorch "
                        + "%.1f ms, ratio %.2f (target: within 1.5x): %s.", r.threads(), r.deeprootsMs(),
                        r.libtorchMs(), r.ratio(), r.ratio() <= 1.5 ? "met" : "NOT met"));
            }
        }
        long roots = rows.stream().filter(r -> r.model().equals("resnet50") && r.variant().startsWith("root-")
                && !Double.isNaN(r.libtorchMs())).count();
        long faster = rows.stream().filter(r -> r.model().equals("resnet50") && r.variant().startsWith("root-")
                && !Double.isNaN(r.libtorchMs()) && r.ratio() < 1).count();
        if (roots > 0) {
            out.add(String.format(Locale.ROOT, "ResNet-50 root variants faster than libtorch's same variant: %d of %d "
                    + "(target: all): %s.", faster, roots, faster == roots ? "met" : "NOT met"));
        }
        return out;
    }

    public static String csv(List<CompareRow> rows) {
        StringBuilder sb = new StringBuilder(CompareRow.CSV_HEADER).append('\n');
        rows.forEach(r -> sb.append(r.csv()).append('\n'));
        return sb.toString();
    }

    public static String markdown(List<CompareRow> rows) {
        Markdown t = new Markdown("model / layer", "variant", "batch", "threads", "deeproots ms", "libtorch ms",
                "libtorch layout", "deeproots / libtorch");
        for (CompareRow r : rows) {
            t.row(r.model(), r.variant(), Integer.toString(r.batch()), Integer.toString(r.threads()),
                    Markdown.fixed(r.deeprootsMs(), 2), Markdown.fixed(r.libtorchMs(), 2), r.libtorchLayout(),
                    Double.isNaN(r.libtorchMs()) ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()));
        }
        return t.toString() + "\nms per forward pass of the whole batch (median after warm-up); ratio below 1: deeproots "
                + "is faster. libtorch's time is its faster memory layout (NCHW or channels-last).\n";
    }
}
