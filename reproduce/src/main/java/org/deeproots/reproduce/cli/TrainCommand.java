package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots train}: Train a model on real data (not built yet). */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model on real data")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots train: not implemented yet");
        return 2;
    }
}
