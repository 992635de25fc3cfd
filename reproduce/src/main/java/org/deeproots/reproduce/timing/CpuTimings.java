package org.deeproots.reproduce.timing;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.reproduce.report.AtomicFiles;
import org.deeproots.reproduce.report.PaperNumbers;
import org.deeproots.reproduce.report.PaperRow;

/** Runs a {@link TimingPlan} on a {@link ForwardEngine} and puts the paper's CPU times beside ours. */
public final class CpuTimings {
    private final ForwardEngine engine;
    private final ModelCatalog catalog;
    private final PaperNumbers paper;
    private final int threads;
    private final PrintStream progress;

    public CpuTimings(ForwardEngine engine, ModelCatalog catalog, PaperNumbers paper, int threads,
            PrintStream progress) {
        this.engine = engine;
        this.catalog = catalog;
        this.paper = paper;
        this.threads = threads;
        this.progress = progress;
    }

    /** Times every variant of the plan with no overall time limit; rows in plan order. */
    public List<TimingRow> run(TimingPlan plan) {
        return run(plan, Double.POSITIVE_INFINITY);
    }

    /**
     * Times every variant of the plan; rows in plan order. The variants of one model are prepared together and
     * timed in turns (one run of each per round), so load changes on a shared machine hit them alike. The
     * remaining time is shared among the remaining models in proportion to their work (multiply-adds x batch),
     * so the run ends near {@code budgetSeconds}; a model whose share is too small for the plan's runs gets fewer
     * rounds (at least one, after the warm-up).
     */
    public List<TimingRow> run(TimingPlan plan, double budgetSeconds) {
        // untimed rounds for as long as one variant's timing budget first: with only the plan's warm-up runs, the JIT
        // was still compiling kernels that some variants use when the timed rounds began
        ForwardTimer timer = new ForwardTimer(plan.warmup(), plan.secondsPerVariant(), plan.minReps(), plan.maxReps(),
                plan.secondsPerVariant());
        List<TimingRow> rows = new ArrayList<>();
        int done = 0;
        int total = plan.variantCount();
        double workLeft = 0;
        for (ModelTiming m : plan.models()) {
            for (String variant : m.variants()) {
                workLeft += (double) catalog.create(m.model(), variant, m.input(), m.classes()).multiplyAdds()
                        * m.batch();
            }
        }
        long start = System.nanoTime();
        int variantsLeft = total;
        for (ModelTiming m : plan.models()) {
            double paperOrig = paper.row(m.model(), "orig").map(PaperRow::cpuMsPerImage).orElse(Double.NaN);
            List<ModelSpec> specs = new ArrayList<>();
            double work = 0;
            for (String variant : m.variants()) {
                ModelSpec spec = catalog.create(m.model(), variant, m.input(), m.classes());
                specs.add(spec);
                work += (double) spec.multiplyAdds() * m.batch();
            }
            int k = specs.size();
            double left = budgetSeconds - (System.nanoTime() - start) / 1e9;
            // the work-proportional share, but never less than an equal share of what is left (capped by the
            // plan's own per-variant budget): small variants have fixed costs too
            double cap = Double.isInfinite(budgetSeconds) ? Double.POSITIVE_INFINITY
                    : Math.max(Math.max(0, left) * work / Math.max(workLeft, 1),
                            Math.min(plan.secondsPerVariant() * k, Math.max(0, left) * k / variantsLeft));
            workLeft -= work;
            variantsLeft -= k;
            progress.printf(Locale.ROOT, "  %s: preparing %d variants at batch %d, then timing them in turns%n",
                    m.model(), k, m.batch());
            List<ForwardEngine.Forward> forwards = new ArrayList<>();
            Measurement[] meas;
            try {
                for (ModelSpec spec : specs) {
                    forwards.add(engine.prepare(spec, m.batch()));
                }
                meas = timer.timeInterleaved(forwards, cap);
            } finally {
                forwards.forEach(ForwardEngine.Forward::close);
            }
            for (int i = 0; i < k; i++) {
                String variant = m.variants().get(i);
                ModelSpec spec = specs.get(i);
                double ms = meas[i].medianMsPerBatch() / m.batch();
                // paired by round: the rounds ran every variant in turn
                double ratio = i == 0 ? 1.0 : Stats.medianRatio(meas[i].msPerBatch(), meas[0].msPerBatch());
                Optional<PaperRow> p = paper.row(m.model(), variant);
                double paperMs = p.map(PaperRow::cpuMsPerImage).orElse(Double.NaN);
                rows.add(new TimingRow(m.model(), variant, m.batch(), threads, meas[i].reps(), ms, ratio,
                        spec.multiplyAdds(), spec.params(), paperMs, paperMs / paperOrig));
                done++;
                progress.printf(Locale.ROOT, "  [%d/%d] %-9s %-8s batch %3d: %8.2f ms/image (%.3f of orig, %d runs)"
                        + "  %.0f s elapsed%n", done, total, m.model(), variant, m.batch(), ms, ratio,
                        meas[i].reps(), (System.nanoTime() - start) / 1e9);
            }
        }
        return rows;
    }

    /** Writes {@code cpu_timings.csv} (header {@link TimingRow#CSV_HEADER}). */
    public static void writeCsv(Path file, List<TimingRow> rows) throws IOException {
        StringBuilder sb = new StringBuilder(TimingRow.CSV_HEADER).append('\n');
        for (TimingRow r : rows) {
            sb.append(r.csv()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
