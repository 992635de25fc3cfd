package org.deeproots.reproduce.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeproots.reproduce.report.AtomicFiles;

/**
 * Runs a {@link SweepPlan}, resumably: each run trains into {@code root/<variant>-seed<seed>/}; when training
 * returns, a marker file recording the recipe is written. A run whose marker matches the plan's recipe and whose
 * metrics file has all epochs is not retrained.
 */
public final class AccuracySweep {
    /** Marker written after a run finished; holds the recipe it was trained with. */
    public static final String DONE_FILE = "sweep-done.txt";
    public static final String METRICS_FILE = "metrics.csv";

    private final Path root;
    private final Trainer trainer;
    private final PrintStream progress;

    public AccuracySweep(Path root, Trainer trainer, PrintStream progress) {
        this.root = root;
        this.trainer = trainer;
        this.progress = progress;
    }

    public Path runDir(SweepRun run) {
        return root.resolve(run.dirName());
    }

    /** The recipe line that must match for a run to count as finished. */
    static String recipe(SweepPlan plan, SweepRun run) {
        return String.format(Locale.ROOT, "model=%s variant=%s seed=%d data=%s epochs=%d batch=%d lr=%s limit=%d "
                + "test-limit=%d", plan.model(), run.variant(), run.seed(), plan.data(), plan.epochs(), plan.batch(),
                plan.lr(), plan.limit(), plan.testLimit());
    }

    /** The result of a run finished earlier with the same recipe, if there is one. */
    public Optional<RunResult> finished(SweepPlan plan, SweepRun run) throws IOException {
        Path dir = runDir(run);
        Path done = dir.resolve(DONE_FILE);
        Path metrics = dir.resolve(METRICS_FILE);
        if (!Files.isRegularFile(done) || !Files.isRegularFile(metrics)) {
            return Optional.empty();
        }
        if (!Files.readString(done).trim().equals(recipe(plan, run))) {
            return Optional.empty();
        }
        Metrics m = Metrics.read(metrics);
        if (m.epochs() < plan.epochs()) {
            return Optional.empty();
        }
        return Optional.of(new RunResult(run, m.finalTestAccuracy(), m.epochs(), m.totalSeconds(),
                checkpoint(dir), true));
    }

    /** Runs of the plan not finished yet. */
    public List<SweepRun> pending(SweepPlan plan) throws IOException {
        List<SweepRun> todo = new ArrayList<>();
        for (SweepRun r : plan.runs()) {
            if (finished(plan, r).isEmpty()) {
                todo.add(r);
            }
        }
        return todo;
    }

    /** Trains every pending run and returns the results of all runs in plan order. */
    public List<RunResult> run(SweepPlan plan) throws IOException {
        List<RunResult> results = new ArrayList<>();
        int i = 0;
        for (SweepRun r : plan.runs()) {
            i++;
            Optional<RunResult> prev = finished(plan, r);
            if (prev.isPresent()) {
                progress.printf(Locale.ROOT, "  [%d/%d] %s: finished earlier (test accuracy %.4f), not retrained%n",
                        i, plan.runs().size(), r.dirName(), prev.get().testAccuracy());
                results.add(prev.get());
                continue;
            }
            Path dir = runDir(r);
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve(DONE_FILE));
            progress.printf(Locale.ROOT, "  [%d/%d] training %s ...%n", i, plan.runs().size(), r.dirName());
            long t0 = System.nanoTime();
            trainer.train(plan, r, dir);
            Path metrics = dir.resolve(METRICS_FILE);
            if (!Files.isRegularFile(metrics)) {
                throw new IllegalStateException("training " + r.dirName() + " left no " + metrics);
            }
            Metrics m = Metrics.read(metrics);
            if (m.epochs() < plan.epochs()) {
                throw new IllegalStateException("training " + r.dirName() + " wrote " + m.epochs() + " epochs to "
                        + metrics + ", expected " + plan.epochs());
            }
            AtomicFiles.writeString(dir.resolve(DONE_FILE), recipe(plan, r) + "\n");
            double secs = (System.nanoTime() - t0) / 1e9;
            progress.printf(Locale.ROOT, "  [%d/%d] %s: test accuracy %.4f (%.0f s)%n", i, plan.runs().size(),
                    r.dirName(), m.finalTestAccuracy(), secs);
            results.add(new RunResult(r, m.finalTestAccuracy(), m.epochs(), secs, checkpoint(dir), false));
        }
        return results;
    }

    /**
     * The checkpoint a run left: the newest {@code *.ckpt} ({@code roots train} writes {@code <model>-<variant>.ckpt}),
     * else the newest file that is not the metrics file, the marker, a text file or a temp file; null when none.
     */
    public static Path checkpoint(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path ckpt = files.filter(p -> p.getFileName().toString().endsWith(".ckpt") && Files.isRegularFile(p))
                    .max(AccuracySweep::byTime).orElse(null);
            if (ckpt != null) {
                return ckpt;
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return !n.equals(METRICS_FILE) && !n.equals(DONE_FILE) && !n.endsWith(".tmp") && !n.startsWith(".")
                        && !n.endsWith(".csv") && !n.endsWith(".txt") && !n.endsWith(".log") && !n.endsWith(".json");
            }).max(AccuracySweep::byTime).orElse(null);
        }
    }

    private static int byTime(Path a, Path b) {
        try {
            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
        } catch (IOException e) {
            return 0;
        }
    }
}
