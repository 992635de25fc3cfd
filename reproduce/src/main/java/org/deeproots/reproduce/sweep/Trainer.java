package org.deeproots.reproduce.sweep;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains one run of a sweep into its own folder. It must leave {@code metrics.csv} there (header
 * {@code epoch,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds}, one row per epoch) and a checkpoint.
 * The real one is {@code roots train}; tests use fakes.
 */
@FunctionalInterface
public interface Trainer {
    void train(SweepPlan plan, SweepRun run, Path outDir) throws IOException;
}
