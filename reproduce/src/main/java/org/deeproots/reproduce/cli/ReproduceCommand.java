package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots reproduce}: Reproduce the paper: tables, timings, figures, report (not built yet). */
@Command(name = "reproduce", mixinStandardHelpOptions = true, description = "Reproduce the paper: tables, timings, figures, report")
public final class ReproduceCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots reproduce: not implemented yet");
        return 2;
    }
}
