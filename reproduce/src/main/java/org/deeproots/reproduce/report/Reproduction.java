package org.deeproots.reproduce.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.reproduce.compare.CompareRow;
import org.deeproots.reproduce.compare.CompareTable;
import org.deeproots.reproduce.figures.ReportFigures;
import org.deeproots.reproduce.sweep.AccuracyRow;
import org.deeproots.reproduce.sweep.AccuracySweep;
import org.deeproots.reproduce.sweep.ActivationProbe;
import org.deeproots.reproduce.sweep.Activations;
import org.deeproots.reproduce.sweep.FilterCorrelation;
import org.deeproots.reproduce.sweep.RunResult;
import org.deeproots.reproduce.sweep.SweepPlan;
import org.deeproots.reproduce.sweep.SweepRun;
import org.deeproots.reproduce.sweep.Trainer;
import org.deeproots.reproduce.timing.CpuTimings;
import org.deeproots.reproduce.timing.ForwardEngine;
import org.deeproots.reproduce.timing.ForwardTimer;
import org.deeproots.reproduce.timing.ModelCatalog;
import org.deeproots.reproduce.timing.ModelTiming;
import org.deeproots.reproduce.timing.TimingPlan;
import org.deeproots.reproduce.timing.TimingRow;

/**
 * The whole of {@code roots reproduce}: cost tables, CPU timings, the optional NiN accuracy sweep with its
 * filter-correlation heatmaps, the figures and {@code report.md}. All collaborators come in through small
 * interfaces, so tests run it on a tiny model with fakes.
 */
public final class Reproduction {

    /**
     * What to run.
     *
     * @param out            output folder
     * @param command        the command line, echoed in the report
     * @param timingPlan     CPU timing plan (null: no timings)
     * @param families       families of the cost tables
     * @param sweep          NiN accuracy sweep (null: not run)
     * @param checkpointDir  folder with earlier sweep runs to take correlation heatmaps from when no sweep runs
     *                       (null: the default {@code out/sweep})
     * @param correlationImages test images for the correlation heatmaps
     * @param perLayerModel  model whose orig and last variant are compared layer by layer (null: skip)
     * @param perLayerVariant the variant compared with orig in the per-layer figure
     * @param timingBudgetSeconds the most the CPU timings may take (runs per variant are cut to fit; infinite:
     *                        no cap)
     */
    public record Config(Path out, String command, TimingPlan timingPlan, List<CostTables.Family> families,
            SweepPlan sweep, Path checkpointDir, int correlationImages, String perLayerModel, String perLayerVariant,
            double timingBudgetSeconds) {
    }

    /** NiN layers whose correlation the paper shows (conv2c -> conv3a) and the variants shown. */
    public static final String CORR_FROM = "conv2c";
    public static final String CORR_TO = "conv3a";
    static final List<String> CORR_VARIANTS = List.of("orig", "root-4", "root-8", "root-16", "root-32");

    private final ForwardEngine engine;
    private final ModelCatalog catalog;
    private final PaperNumbers paper;
    private final Trainer trainer;
    private final ActivationProbe probe;
    private final Environment env;
    private final PrintStream progress;

    public Reproduction(ForwardEngine engine, ModelCatalog catalog, PaperNumbers paper, Trainer trainer,
            ActivationProbe probe, Environment env, PrintStream progress) {
        this.engine = engine;
        this.catalog = catalog;
        this.paper = paper;
        this.trainer = trainer;
        this.probe = probe;
        this.env = env;
        this.progress = progress;
    }

    /** Runs everything and returns the report file. */
    public Path run(Config c) throws IOException {
        long t0 = System.nanoTime();
        Files.createDirectories(c.out());
        progress.println("roots reproduce: writing to " + c.out().toAbsolutePath());
        progress.print(env.markdown().replace("- ", "  "));

        if (c.timingPlan() != null) {
            double est = estimateTimingSeconds(c.timingPlan());
            progress.printf(Locale.ROOT, "Estimated time for the CPU timings: about %.1f min (%d variants; "
                    + "calibrated on a short run)%s%n", Math.min(est, c.timingBudgetSeconds()) / 60,
                    c.timingPlan().variantCount(), est > c.timingBudgetSeconds() ? String.format(Locale.ROOT,
                            "; the plan's %d-%d runs per variant would take %.1f min, so runs are cut to fit",
                            c.timingPlan().minReps(), c.timingPlan().maxReps(), est / 60) : "");
        }

        progress.println("[1/4] cost tables");
        List<CostRow> costs = CostTables.compute(c.families(), catalog, paper);

        List<TimingRow> timings = List.of();
        if (c.timingPlan() != null) {
            progress.println("[2/4] CPU forward timings");
            timings = new CpuTimings(engine, catalog, paper, env.threads(), progress).run(c.timingPlan(),
                    c.timingBudgetSeconds());
            CpuTimings.writeCsv(c.out().resolve("cpu_timings.csv"), timings);
        } else {
            progress.println("[2/4] CPU forward timings: skipped");
        }

        List<AccuracyRow> accuracy = List.of();
        List<RunResult> runs = List.of();
        String accuracyStatus;
        Path sweepDir = c.checkpointDir() != null ? c.checkpointDir() : c.out().resolve("sweep");
        if (c.sweep() != null) {
            SweepPlan s = c.sweep();
            AccuracySweep sweep = new AccuracySweep(sweepDir, trainer, progress);
            List<SweepRun> pending = sweep.pending(s);
            double est = estimateSweepSeconds(s, pending, timings);
            progress.printf(Locale.ROOT, "[3/4] NiN accuracy sweep: %d runs, %d still to train, estimated %s%n",
                    s.runs().size(), pending.size(), Double.isNaN(est) ? "(unknown: no NiN timing in this run)"
                            : String.format(Locale.ROOT, "%.0f min", est / 60));
            runs = sweep.run(s);
            accuracy = AccuracyRow.summarize(s.model(), runs, costs, paper);
            accuracyStatus = String.format(Locale.ROOT, "Recipe: `roots train --model %s --data %s --epochs %d "
                    + "--batch %d --lr %s%s%s`, each run in `%s/<variant>-seed<seed>/`; orig with %d seeds. "
                    + "Multiply-adds and params are at the paper's CIFAR-10 input (3x32x32).", s.model(), s.data(),
                    s.epochs(), s.batch(), s.lr(), s.limit() > 0 ? " --limit " + s.limit() : "",
                    s.testLimit() > 0 ? " --test-limit " + s.testLimit() : "",
                    sweepDir,
                    s.runs().stream().filter(r -> r.variant().equals("orig")).count());
        } else {
            progress.println("[3/4] NiN accuracy sweep: skipped (use --accuracy)");
            accuracyStatus = "Not run: `roots reproduce --accuracy` trains the NiN sweep (long; resumable).";
        }

        progress.println("[4/4] figures and report");
        ReportFigures fig = new ReportFigures(c.out(), paper);
        List<String> notes = new ArrayList<>();
        fig.errorVsCost("nin", "NiN (CIFAR-10 in the paper)", false, accuracy);
        fig.errorVsCost("resnet50", "ResNet-50 (ILSVRC-2012, paper only)", true, List.of());
        if (!timings.isEmpty()) {
            fig.cpuTimeVsMultiplyAdds(timings);
            fig.speedupVsFlopReduction(timings);
        }
        if (c.perLayerModel() != null) {
            int[] in = null;
            int classes = 0;
            for (CostTables.Family f : c.families()) {
                if (f.model().equals(c.perLayerModel())) {
                    in = f.input();
                    classes = f.classes();
                }
            }
            if (in != null) {
                fig.perLayer(catalog.create(c.perLayerModel(), "orig", in, classes),
                        catalog.create(c.perLayerModel(), c.perLayerVariant(), in, classes));
            }
        }
        correlations(c, sweepDir, runs, fig, notes);

        double secs = (System.nanoTime() - t0) / 1e9;
        String method = c.timingPlan() == null ? "" : timingMethod(c.timingPlan(), c.timingBudgetSeconds(), timings);
        List<CompareRow> compare = List.of();
        String compareSource = "";
        Path compareCsv = c.out().resolve("compare.csv");
        if (Files.isRegularFile(compareCsv)) {
            compare = CompareTable.read(compareCsv);
            compareSource = "`" + compareCsv.getFileName() + "`, written by `roots bench compare` at "
                    + Files.getLastModifiedTime(compareCsv) + " (not re-measured by this run)";
        }
        ReportData data = new ReportData(env, c.command(), method, costs, timings, accuracy, accuracyStatus,
                fig.written(), notes, compare, compareSource, paper, secs);
        Path report = ReportBuilder.write(c.out(), data);
        progress.printf(Locale.ROOT, "Done in %.1f min: %s (%d figures)%n", secs / 60, report, fig.written().size());
        return report;
    }

    private void correlations(Config c, Path sweepDir, List<RunResult> runs, ReportFigures fig, List<String> notes)
            throws IOException {
        List<Path> found = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        for (String v : CORR_VARIANTS) {
            Path ckpt = runs.stream().filter(r -> r.run().variant().equals(v) && r.checkpoint() != null)
                    .map(RunResult::checkpoint).findFirst().orElse(null);
            if (ckpt == null && Files.isDirectory(sweepDir)) {
                Path dir = sweepDir.resolve(new SweepRun(v, 1).dirName());
                if (Files.isDirectory(dir)) {
                    ckpt = AccuracySweep.checkpoint(dir);
                }
            }
            if (ckpt != null) {
                found.add(ckpt);
                variants.add(v);
            }
        }
        if (found.isEmpty() || probe == null) {
            notes.add("Inter-layer filter correlation (" + CORR_FROM + " -> " + CORR_TO + "): needs trained NiN "
                    + "checkpoints; none found in " + sweepDir + " (run `roots reproduce --accuracy`).");
            return;
        }
        for (int i = 0; i < found.size(); i++) {
            List<Activations> acts = probe.capture(found.get(i), List.of(CORR_FROM, CORR_TO), c.correlationImages());
            double[][] corr = FilterCorrelation.absoluteCorrelation(acts.get(0), acts.get(1));
            int groups = conv3aGroups(variants.get(i));
            String contrast = "";
            if (groups > 1 && corr.length % groups == 0 && corr[0].length % groups == 0) {
                contrast = String.format(Locale.ROOT, " Mean |corr| inside the %d diagonal blocks is %.2fx the "
                        + "mean outside them.", groups, FilterCorrelation.blockContrast(corr, groups));
            }
            String note = String.format(Locale.ROOT, "Absolute correlation of the responses (after ReLU) of %s "
                    + "(rows) and %s (columns, %d filter group%s) over %d test images, every pixel a sample, %s "
                    + "upsampled to %s's size by nearest neighbour. Checkpoint: %s.%s", CORR_FROM, CORR_TO, groups,
                    groups == 1 ? "" : "s", acts.get(0).n(), acts.get(0).h() >= acts.get(1).h() ? CORR_TO
                            : CORR_FROM, acts.get(0).h() >= acts.get(1).h() ? CORR_FROM : CORR_TO,
                    found.get(i), contrast);
            fig.correlation(variants.get(i), CORR_FROM, CORR_TO, corr, note);
            if (!contrast.isEmpty()) {
                notes.add("NiN " + variants.get(i) + ":" + contrast);
            }
        }
    }

    /** conv3a's filter groups in a NiN variant (paper table 2.2): root-N has N/2, tree-N 2N, col-N N. */
    static int conv3aGroups(String variant) {
        if (variant.equals("orig")) {
            return 1;
        }
        int n = Integer.parseInt(variant.substring(variant.indexOf('-') + 1));
        return switch (variant.substring(0, variant.indexOf('-'))) {
            case "root" -> Math.max(1, n / 2);
            case "tree" -> 2 * n;
            default -> n;
        };
    }

    static String timingMethod(TimingPlan p, double budgetSeconds, List<TimingRow> rows) {
        StringBuilder sb = new StringBuilder("Forward pass of the whole batch (inference mode, random weights, batch "
                + "norm folded into the convolutions), ");
        sb.append(p.warmup()).append(" untimed warm-up run(s) of each variant and untimed rounds over them for about ")
                .append(String.format(Locale.ROOT, "%.0f", p.secondsPerVariant()))
                .append(" s, then ").append(p.minReps()).append(" to ")
                .append(p.maxReps()).append(" timed runs taken in turns over the variants of a model (so load "
                        + "changes hit all variants alike; as many rounds as fit about ")
                .append(String.format(Locale.ROOT, "%.0f", p.secondsPerVariant()))
                .append(" s per variant); the median per batch divided by the batch size. The ratio to orig is the "
                        + "median over the rounds of the variant's time over orig's in the same round (this machine's "
                        + "runs jump between a fast and a slow speed; the ratio of two medians moved with them). "
                        + "Batches: ");
        List<String> b = new ArrayList<>();
        for (ModelTiming m : p.models()) {
            b.add(m.model() + " " + m.batch());
        }
        sb.append(String.join(", ", b)).append(" (the paper's for ResNet-50 and GoogLeNet; it does not state "
                + "NiN's).");
        long cut = rows.stream().filter(r -> r.reps() < p.minReps()).count();
        if (cut > 0) {
            sb.append(String.format(Locale.ROOT, " To stay within the %.1f min time budget, %d of %d variants got "
                    + "fewer than %d timed runs (see the runs column): their medians are less reliable.",
                    budgetSeconds / 60, cut, rows.size(), p.minReps()));
        }
        return sb.toString();
    }

    /** Calibrates on a small NiN run, then scales by multiply-adds. */
    double estimateTimingSeconds(TimingPlan plan) {
        ModelTiming first = plan.models().get(0);
        ModelSpec probeSpec = catalog.create(first.model(), "orig", first.input(), first.classes());
        int batch = Math.min(first.batch(), 8);
        double msPerRun;
        try (ForwardEngine.Forward f = engine.prepare(probeSpec, batch)) {
            f.run();
            long t = System.nanoTime();
            f.run();
            msPerRun = (System.nanoTime() - t) / 1e6;
        }
        double maPerMs = (double) probeSpec.multiplyAdds() * batch / Math.max(msPerRun, 1e-3);
        ForwardTimer timer = new ForwardTimer(plan.warmup(), plan.minReps(), plan.maxReps(), plan.secondsPerVariant());
        double total = 0;
        for (ModelTiming m : plan.models()) {
            for (String v : m.variants()) {
                ModelSpec s = catalog.create(m.model(), v, m.input(), m.classes());
                double ms = (double) s.multiplyAdds() * m.batch() / maPerMs;
                total += ms * (plan.warmup() + timer.repsFor(ms)) / 1000;
            }
        }
        return total;
    }

    /**
     * Training ~ 3 forward passes per image plus one test pass, from this run's NiN timings of the variant (or of
     * orig when the variant was not timed); NaN without NiN timings.
     */
    static double estimateSweepSeconds(SweepPlan s, List<SweepRun> pending, List<TimingRow> timings) {
        double total = 0;
        for (SweepRun r : pending) {
            TimingRow t = timings.stream().filter(x -> x.model().equals(s.model()) && x.variant().equals(r.variant()))
                    .findFirst().orElse(timings.stream().filter(x -> x.model().equals(s.model())
                            && x.variant().equals("orig")).findFirst().orElse(null));
            if (t == null) {
                return Double.NaN;
            }
            int images = s.limit() > 0 ? s.limit() : 60000;
            int test = s.testLimit() > 0 ? s.testLimit() : 10000;
            total += s.epochs() * (3.0 * images + test) * t.msPerImage() / 1000;
        }
        return total;
    }
}
