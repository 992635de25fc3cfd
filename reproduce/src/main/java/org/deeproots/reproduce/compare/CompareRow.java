package org.deeproots.reproduce.compare;

import java.util.Locale;

/**
 * deeproots and libtorch on one case. Times are ms per forward pass of the whole batch.
 *
 * @param model          model or layer id
 * @param variant        variant or {@code g<groups>}
 * @param batch          images per pass
 * @param threads        threads on both sides
 * @param deeprootsMs    deeproots median, ms
 * @param libtorchMs     libtorch median in its faster layout, ms (NaN when it could not run)
 * @param libtorchLayout which layout gave libtorchMs, or why it is missing
 */
public record CompareRow(String model, String variant, int batch, int threads, double deeprootsMs,
        double libtorchMs, String libtorchLayout) {

    /** Header of the CSV (fixed by the issue). */
    public static final String CSV_HEADER = "model,variant,batch,threads,deeproots_ms,libtorch_ms,ratio";

    /** deeproots time / libtorch time: below 1 means deeproots is faster. */
    public double ratio() {
        return deeprootsMs / libtorchMs;
    }

    public String csv() {
        return String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f,%s,%s", model, variant, batch, threads, deeprootsMs,
                Double.isNaN(libtorchMs) ? "" : String.format(Locale.ROOT, "%.4f", libtorchMs),
                Double.isNaN(libtorchMs) ? "" : String.format(Locale.ROOT, "%.4f", ratio()));
    }
}
