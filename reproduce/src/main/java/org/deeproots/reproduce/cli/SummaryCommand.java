package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots summary}: Per-layer table of one model: shapes, params, multiply-adds (not built yet). */
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Per-layer table of one model: shapes, params, multiply-adds")
public final class SummaryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots summary: not implemented yet");
        return 2;
    }
}
