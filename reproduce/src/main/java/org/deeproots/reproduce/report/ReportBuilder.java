package org.deeproots.reproduce.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.deeproots.reproduce.compare.CompareTable;
import org.deeproots.reproduce.figures.Figure;
import org.deeproots.reproduce.sweep.AccuracyRow;
import org.deeproots.reproduce.timing.TimingRow;

/** Writes {@code report.md}: environment, cost tables, CPU timings, accuracy, figures, and where we differ. */
public final class ReportBuilder {
    /** The target of the issue: ResNet-50 root-64 forward at most this fraction of orig's time. */
    static final double ROOT64_TARGET = 0.60;

    private ReportBuilder() {
    }

    /** Builds the Markdown text. */
    public static String markdown(ReportData d) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Deep Roots reproduction report\n\n");
        sb.append("Produced by `").append(d.command()).append("` in ")
                .append(String.format(Locale.ROOT, "%.0f s", d.elapsedSeconds()))
                .append(". Every number below was measured or counted by this run, except the columns marked "
                        + "*paper*, which come from ").append(d.paper().source()).append(".\n\n");
        sb.append("## Environment\n\n").append(d.env().markdown()).append('\n');

        summary(sb, d);
        costs(sb, d);
        timings(sb, d);
        accuracy(sb, d);
        libtorch(sb, d);
        figures(sb, d);
        differences(sb, d);
        return sb.toString();
    }

    /** Writes {@code report.md} into {@code outDir}. */
    public static Path write(Path outDir, ReportData d) throws IOException {
        Path file = outDir.resolve("report.md");
        AtomicFiles.writeString(file, markdown(d));
        return file;
    }

    private static void summary(StringBuilder sb, ReportData d) {
        sb.append("## Summary\n\n");
        List<String> lines = new ArrayList<>();
        for (String model : models(d.timings())) {
            TimingRow best = null;
            for (TimingRow r : d.timings()) {
                if (r.model().equals(model) && !r.variant().equals("orig")
                        && (best == null || r.ratioToOrig() < best.ratioToOrig())) {
                    best = r;
                }
            }
            TimingRow orig = find(d.timings(), model, "orig");
            if (best == null || orig == null) {
                continue;
            }
            lines.add(String.format(Locale.ROOT, "- %s: fastest variant %s takes %.3f of orig's CPU time for %.3f of "
                    + "its multiply-adds%s.", model, best.variant(), best.ratioToOrig(),
                    (double) best.multiplyAdds() / orig.multiplyAdds(),
                    Double.isNaN(best.paperRatioToOrig()) ? ""
                            : String.format(Locale.ROOT, " (paper: %.3f)", best.paperRatioToOrig())));
        }
        TimingRow r64 = find(d.timings(), "resnet50", "root-64");
        if (r64 != null) {
            lines.add(String.format(Locale.ROOT, "- Target: ResNet-50 root-64 forward at most %.2f of orig's time: "
                    + "measured %.3f, %s.", ROOT64_TARGET, r64.ratioToOrig(),
                    r64.ratioToOrig() <= ROOT64_TARGET ? "met" : "NOT met"));
        }
        if (!d.accuracy().isEmpty()) {
            AccuracyRow orig = d.accuracy().stream().filter(a -> a.variant().equals("orig")).findFirst()
                    .orElse(null);
            AccuracyRow best = d.accuracy().stream().max((a, b) -> Double.compare(a.meanAccuracy(),
                    b.meanAccuracy())).orElseThrow();
            lines.add(String.format(Locale.ROOT, "- Accuracy: best variant %s at %.4f%s.", best.variant(),
                    best.meanAccuracy(), orig == null ? "" : String.format(Locale.ROOT,
                            " (orig %.4f +- %.4f over %d seeds)", orig.meanAccuracy(), orig.stdAccuracy(), orig.runs())));
        }
        if (lines.isEmpty()) {
            lines.add("- No timings in this run.");
        }
        sb.append(String.join("\n", lines)).append("\n\n");
    }

    private static void costs(StringBuilder sb, ReportData d) {
        sb.append("## Cost tables\n\n");
        sb.append("Multiply-adds per image (1 multiply-add = 1 FLOP, the paper's convention) and learned parameters "
                + "(batch-norm parameters not counted, as in the paper), from our model specs.\n\n");
        for (String model : costModels(d.costs())) {
            sb.append("### ").append(model).append("\n\n").append(CostTables.markdown(d.costs(), model)).append('\n');
            String offset = constantOffset(d.costs(), model);
            if (!offset.isEmpty()) {
                sb.append(offset).append("\n\n");
            }
        }
    }

    /** Says whether our counts differ from the paper's by a constant (then the savings agree exactly). */
    static String constantOffset(List<CostRow> costs, String model) {
        List<String> out = new ArrayList<>();
        for (boolean ma : new boolean[] {true, false}) {
            Set<Long> diffs = new LinkedHashSet<>();
            int compared = 0;
            for (CostRow r : costs) {
                double p = ma ? r.paperMultiplyAdds() : r.paperParams();
                if (r.model().equals(model) && !Double.isNaN(p)) {
                    diffs.add(Math.round((ma ? r.multiplyAdds() : r.params()) - p));
                    compared++;
                }
            }
            String what = ma ? "multiply-adds" : "params";
            if (compared == 0) {
                continue;
            }
            if (diffs.size() == 1 && diffs.contains(0L)) {
                out.add(String.format(Locale.ROOT, "Our %s equal the paper's for all %d variants it lists.", what,
                        compared));
            } else if (diffs.size() == 1) {
                long c = diffs.iterator().next();
                out.add(String.format(Locale.ROOT, "Our %s differ from the paper's by the same constant (%s) for all "
                        + "%d variants it lists, so the savings per variant agree exactly; the paper's totals count "
                        + "a term our standard count does not (its source is unknown).", what,
                        CostTables.signed(c), compared));
            } else {
                out.add(String.format(Locale.ROOT, "Our %s differ from the paper's by varying amounts over %d "
                        + "variants (see the last columns): the paper's metric is not the standard per-image count "
                        + "here (see the project's paper notes).", what, compared));
            }
        }
        return String.join(" ", out);
    }

    private static void timings(StringBuilder sb, ReportData d) {
        sb.append("## CPU forward timings\n\n");
        if (d.timings().isEmpty()) {
            sb.append("Not run.\n\n");
            return;
        }
        sb.append(d.timingMethod()).append(" Also in `cpu_timings.csv`.\n\n");
        for (String model : models(d.timings())) {
            TimingRow orig = find(d.timings(), model, "orig");
            Markdown t = new Markdown("variant", "batch", "threads", "runs", "ms / image", "time / orig",
                    "MA / orig", "paper ms / image", "paper time / orig");
            for (TimingRow r : d.timings()) {
                if (!r.model().equals(model)) {
                    continue;
                }
                t.row(r.variant(), Integer.toString(r.batch()), Integer.toString(r.threads()),
                        Integer.toString(r.reps()), Markdown.fixed(r.msPerImage(), 2),
                        Markdown.fixed(r.ratioToOrig(), 3),
                        orig == null ? "" : Markdown.fixed((double) r.multiplyAdds() / orig.multiplyAdds(), 3),
                        Markdown.fixed(r.paperMsPerImage(), 1), Markdown.fixed(r.paperRatioToOrig(), 3));
            }
            sb.append("### ").append(model).append("\n\n").append(t).append('\n');
        }
    }

    private static void accuracy(StringBuilder sb, ReportData d) {
        sb.append("## Accuracy (NiN sweep)\n\n").append(d.accuracyStatus()).append("\n\n");
        if (d.accuracy().isEmpty()) {
            return;
        }
        Markdown t = new Markdown("variant", "seeds", "accuracy (mean)", "spread (std)", "multiply-adds", "params",
                "paper CIFAR-10 accuracy");
        for (AccuracyRow a : d.accuracy()) {
            t.row(a.variant(), Integer.toString(a.runs()), Markdown.fixed(a.meanAccuracy(), 4),
                    a.runs() > 1 ? Markdown.fixed(a.stdAccuracy(), 4) : "", Markdown.count(a.multiplyAdds()),
                    Markdown.count(a.params()), Markdown.fixed(a.paperAccuracy(), 4));
        }
        sb.append(t).append('\n');
        double std = d.paper().ninOrigAccuracyStd();
        if (!Double.isNaN(std)) {
            sb.append(String.format(Locale.ROOT, "The paper's orig accuracy is a mean over 5 seeds with standard "
                    + "deviation %.4f; its other rows appear to be single runs.%n%n", std));
        }
    }

    private static void libtorch(StringBuilder sb, ReportData d) {
        sb.append("## deeproots beside libtorch\n\n");
        if (d.compare().isEmpty()) {
            sb.append("No `compare.csv` in the output folder: run `roots bench compare --out <this folder>` (it "
                    + "builds the bench module's libtorch profile; several minutes) and then this command again.\n\n");
            return;
        }
        sb.append("From ").append(d.compareSource()).append(".\n\n");
        for (String t : CompareTable.targets(d.compare())) {
            sb.append("- ").append(t).append('\n');
        }
        sb.append('\n').append(CompareTable.markdown(d.compare())).append('\n');
    }

    private static void figures(StringBuilder sb, ReportData d) {
        sb.append("## Figures\n\n");
        if (d.figures().isEmpty()) {
            sb.append("No figures were written.\n\n");
        }
        for (Figure f : d.figures()) {
            sb.append("### ").append(f.title()).append("\n\n![").append(f.title()).append("](").append(f.file())
                    .append(")\n\n").append(f.caption()).append("\n\n");
        }
        for (String n : d.notes()) {
            sb.append("- ").append(n).append('\n');
        }
        if (!d.notes().isEmpty()) {
            sb.append('\n');
        }
    }

    private static void differences(StringBuilder sb, ReportData d) {
        sb.append("## Where our numbers differ from the paper's, and why\n\n");
        List<String> lines = new ArrayList<>();
        for (String model : models(d.timings())) {
            TimingRow orig = find(d.timings(), model, "orig");
            if (orig != null && !Double.isNaN(orig.paperMsPerImage())) {
                lines.add(String.format(Locale.ROOT, "- %s absolute time: ours %.2f ms/image on %d thread(s) of %s; "
                        + "the paper's %.1f ms/image with Caffe + MKL on 2x 10-core Xeon E5-2680 v2 (2017). "
                        + "Different machines and libraries, so only the ratios to orig are comparable.", model,
                        orig.msPerImage(), orig.threads(), d.env().cpuModel(), orig.paperMsPerImage()));
            }
            for (TimingRow r : d.timings()) {
                if (r.model().equals(model) && !r.variant().equals("orig") && !Double.isNaN(r.paperRatioToOrig())
                        && Math.abs(r.ratioToOrig() - r.paperRatioToOrig()) > 0.10) {
                    double maRatio = orig == null ? Double.NaN : (double) r.multiplyAdds() / orig.multiplyAdds();
                    lines.add(String.format(Locale.ROOT, "- %s %s: time ratio %.3f against the paper's %.3f "
                            + "(multiply-add ratio %.3f). %s", model, r.variant(), r.ratioToOrig(),
                            r.paperRatioToOrig(), maRatio, r.ratioToOrig() < r.paperRatioToOrig()
                                    ? "Our grouped kernels turn more of the FLOP saving into time than Caffe + MKL "
                                            + "did (Caffe ran grouped convolutions as one GEMM per group)."
                                    : "Our grouped kernels turn less of the FLOP saving into time than the paper's "
                                            + "build; grouped layers are less efficient per FLOP here."));
                }
            }
        }
        if (!d.timings().isEmpty()) {
            lines.add("- Timings on a shared or small machine are noisy; the medians of a few runs are shown, and "
                    + "each row states its number of runs.");
        }
        if (d.accuracy().isEmpty()) {
            lines.add("- No accuracy of ours in this run (run `roots reproduce --accuracy`); the accuracy figures "
                    + "show the paper's points only.");
        } else {
            lines.add("- Our accuracies come from a short fixed recipe on the data named above, not the paper's "
                    + "CIFAR-10 schedule (which it does not state); compare the pattern across variants, not the "
                    + "levels.");
        }
        lines.add("- ImageNet models (ResNet-50, ResNet-200, GoogLeNet) are not trained here: their accuracies "
                + "appear only as the paper's numbers.");
        sb.append(String.join("\n", lines)).append("\n");
    }

    private static TimingRow find(List<TimingRow> rows, String model, String variant) {
        return rows.stream().filter(r -> r.model().equals(model) && r.variant().equals(variant)).findFirst()
                .orElse(null);
    }

    private static List<String> models(List<TimingRow> rows) {
        List<String> m = new ArrayList<>();
        rows.forEach(r -> {
            if (!m.contains(r.model())) {
                m.add(r.model());
            }
        });
        return m;
    }

    private static List<String> costModels(List<CostRow> rows) {
        List<String> m = new ArrayList<>();
        rows.forEach(r -> {
            if (!m.contains(r.model())) {
                m.add(r.model());
            }
        });
        return m;
    }
}
