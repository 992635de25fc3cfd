package org.deeproots.reproduce.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Trains a sweep run through {@code roots train} in this JVM (the same command a user would type), so the sweep
 * uses exactly the project's training recipe, data loading, metrics file and checkpoints.
 */
public final class CliTrainer implements Trainer {
    private final ToIntFunction<String[]> roots;
    private final List<String> extra;

    /**
     * @param roots runs a {@code roots} command line and returns its exit code ({@code Roots::run})
     * @param extra extra arguments for every run (e.g. {@code --threads 2}), may be empty
     */
    public CliTrainer(ToIntFunction<String[]> roots, List<String> extra) {
        this.roots = roots;
        this.extra = List.copyOf(extra);
    }

    /** The {@code roots train} arguments for one run. */
    public List<String> arguments(SweepPlan plan, SweepRun run, Path outDir) {
        List<String> a = new ArrayList<>(List.of("train", "--model", plan.model(), "--variant", run.variant(),
                "--data", plan.data(), "--epochs", Integer.toString(plan.epochs()), "--batch",
                Integer.toString(plan.batch()), "--lr", Double.toString(plan.lr()), "--seed",
                Integer.toString(run.seed()), "--out", outDir.toString()));
        if (plan.limit() > 0) {
            a.add("--limit");
            a.add(Integer.toString(plan.limit()));
        }
        if (plan.testLimit() > 0) {
            a.add("--test-limit");
            a.add(Integer.toString(plan.testLimit()));
        }
        a.addAll(extra);
        return a;
    }

    @Override
    public void train(SweepPlan plan, SweepRun run, Path outDir) throws IOException {
        List<String> args = arguments(plan, run, outDir);
        int rc = roots.applyAsInt(args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("training " + run.dirName() + " failed (exit code " + rc + "): roots "
                    + String.join(" ", args));
        }
    }
}
