package org.deeproots.reproduce.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * The NiN accuracy sweep: one fixed training recipe applied to every run.
 *
 * @param model  model id (nin)
 * @param data   data set argument for {@code roots train --data}
 * @param runs   runs in order (orig seeds first)
 * @param epochs epochs per run
 * @param batch  mini-batch size
 * @param lr     base learning rate
 * @param limit  training images per epoch (0 = all)
 * @param testLimit test images evaluated (0 = all)
 */
public record SweepPlan(String model, String data, List<SweepRun> runs, int epochs, int batch, double lr,
        int limit, int testLimit) {
    public SweepPlan {
        runs = List.copyOf(runs);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (testLimit < 0) {
            throw new IllegalArgumentException("testLimit must be >= 0, got " + testLimit);
        }
    }

    /** NiN variants of the paper's full table. */
    public static final List<String> NIN_VARIANTS = List.of("root-2", "root-4", "root-8", "root-16", "tree-2",
            "tree-4", "tree-8", "tree-16", "col-2", "col-4", "col-8", "col-16");

    /**
     * The paper's NiN sweep: orig with {@code origSeeds} seeds (the paper used 5), every other variant once.
     */
    public static SweepPlan nin(String data, int origSeeds, int epochs, int batch, double lr, int limit,
            int testLimit) {
        if (origSeeds < 1) {
            throw new IllegalArgumentException("origSeeds must be >= 1, got " + origSeeds);
        }
        List<SweepRun> runs = new ArrayList<>();
        for (int s = 1; s <= origSeeds; s++) {
            runs.add(new SweepRun("orig", s));
        }
        for (String v : NIN_VARIANTS) {
            runs.add(new SweepRun(v, 1));
        }
        return new SweepPlan("nin", data, runs, epochs, batch, lr, limit, testLimit);
    }
}
