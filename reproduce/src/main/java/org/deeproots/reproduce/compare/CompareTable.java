package org.deeproots.reproduce.compare;

import java.util.List;
import java.util.Locale;
import org.deeproots.reproduce.report.Markdown;

/** Formats compare rows as CSV (header {@link CompareRow#CSV_HEADER}) or Markdown. */
public final class CompareTable {
    private CompareTable() {
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
