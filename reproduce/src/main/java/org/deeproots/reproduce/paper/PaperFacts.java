package org.deeproots.reproduce.paper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The paper's published numbers, as data: the CSV files next to this class (one per results table), copied from
 * paper.md with their source tags ([C] the CVPR text in the author's thesis repository, [T] the final thesis,
 * [D] the raw CSVs the tables are typeset from, [P] the CVPR poster). See the README.md beside the CSVs.
 *
 * <p>These are the paper's figures, printed beside ours; they are never used as our results.
 */
public final class PaperFacts {

    /**
     * One published row. Absent values (the paper has none) are empty optionals.
     *
     * @param model         model id as in {@code Models} (nin, resnet50, resnet200, googlenet)
     * @param variant       variant id (orig, root-N, tree-N, col-N)
     * @param table         which published table the row is from (e.g. {@code resnet200-thesis})
     * @param source        source tags, e.g. {@code [C]/[D]}
     * @param run           run name as printed in paper.md ({@code ...} where it elides a prefix), may be empty
     * @param multiplyAdds  the paper's "FLOPs (multiply-add)" column (1 multiply-add = 1 FLOP)
     * @param params        the paper's parameter count
     * @param top1          top-1 accuracy (for ResNet-200, 1 - the published error)
     * @param top5          top-5 accuracy (likewise)
     * @param cpuMsPerImage CPU forward time per image, ms (per-batch figures divided by {@code timingBatch})
     * @param gpuMsPerImage GPU forward time per image, ms
     * @param timingBatch   batch size of the published timings, where the source gives it
     */
    public record Row(String model, String variant, String table, String source, String run,
            OptionalLong multiplyAdds, OptionalLong params, OptionalDouble top1, OptionalDouble top5,
            OptionalDouble cpuMsPerImage, OptionalDouble gpuMsPerImage, OptionalInt timingBatch) {
    }

    /** Resource files and whether their rows are the primary ones for {@link #find} ({@code resnet200-cvpr} is not). */
    private static final String[] FILES = {"nin.csv", "resnet50.csv", "resnet200.csv", "googlenet.csv",
        "resnet200-cvpr.csv"};
    private static final String SECONDARY = "resnet200-cvpr.csv";
    private static final String HEADER = "model,variant,table,source,run,multiply_adds,params,top1_acc,top5_acc,"
            + "top1_err,top5_err,cpu_ms_per_image,gpu_ms_per_image,timing_batch";

    private static final class Holder {
        static final PaperFacts INSTANCE = new PaperFacts();
    }

    private final List<Row> all = new ArrayList<>();
    private final List<Row> primary = new ArrayList<>();

    private PaperFacts() {
        for (String f : FILES) {
            List<Row> rows = read(f);
            all.addAll(rows);
            if (!f.equals(SECONDARY)) {
                primary.addAll(rows);
            }
        }
    }

    /** The facts (loaded once from the class path). */
    public static PaperFacts load() {
        return Holder.INSTANCE;
    }

    /** Every row of every table, including the CVPR-era ResNet-200 table that the thesis table supersedes. */
    public List<Row> all() {
        return List.copyOf(all);
    }

    /** The primary rows of a model (for ResNet-200 the thesis table, a superset of the CVPR one), in table order. */
    public List<Row> rows(String model) {
        return primary.stream().filter(r -> r.model().equals(model)).toList();
    }

    /** Rows of a model from tables that a primary table supersedes (the CVPR-era ResNet-200 table). */
    public List<Row> superseded(String model) {
        return all.stream().filter(r -> r.model().equals(model) && !primary.contains(r)).toList();
    }

    /** The rows of one published table, e.g. {@code resnet200-cvpr}. */
    public List<Row> table(String table) {
        return all.stream().filter(r -> r.table().equals(table)).toList();
    }

    /** The primary row for a model and variant, if the paper has one. */
    public Optional<Row> find(String model, String variant) {
        return primary.stream().filter(r -> r.model().equals(model) && r.variant().equals(variant)).findFirst();
    }

    private static List<Row> read(String file) {
        try (InputStream in = PaperFacts.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("paper facts: resource " + file + " missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Row> rows = new ArrayList<>();
            String line;
            boolean header = false;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (!header) {
                    if (!line.equals(HEADER)) {
                        throw new IllegalStateException("paper facts: " + file + " line " + n + ": header must be "
                                + HEADER);
                    }
                    header = true;
                    continue;
                }
                rows.add(parse(file, n, line));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("paper facts: cannot read " + file, e);
        }
    }

    private static Row parse(String file, int line, String text) {
        String[] f = text.split(",", -1);
        if (f.length != 14) {
            throw new IllegalStateException("paper facts: " + file + " line " + line + ": expected 14 fields, got "
                    + f.length + ": " + Arrays.toString(f));
        }
        try {
            return new Row(f[0], f[1], f[2], f[3], f[4], longOf(f[5]), longOf(f[6]), accuracy(f[7], f[9]),
                    accuracy(f[8], f[10]), doubleOf(f[11]), doubleOf(f[12]),
                    f[13].isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(f[13])));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("paper facts: " + file + " line " + line + ": " + e.getMessage(), e);
        }
    }

    private static OptionalLong longOf(String s) {
        return s.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(s));
    }

    private static OptionalDouble doubleOf(String s) {
        return s.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(Double.parseDouble(s));
    }

    /** Accuracy as published, or 1 - the published error (exact in decimal, then rounded once to double). */
    private static OptionalDouble accuracy(String acc, String err) {
        if (!acc.isEmpty()) {
            return OptionalDouble.of(Double.parseDouble(acc));
        }
        if (!err.isEmpty()) {
            return OptionalDouble.of(BigDecimal.ONE.subtract(new BigDecimal(err)).doubleValue());
        }
        return OptionalDouble.empty();
    }
}
