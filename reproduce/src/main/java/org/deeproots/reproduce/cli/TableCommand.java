package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots table}: Params and multiply-adds of every variant, beside the paper's (not built yet). */
@Command(name = "table", mixinStandardHelpOptions = true, description = "Params and multiply-adds of every variant, beside the paper's")
public final class TableCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots table: not implemented yet");
        return 2;
    }
}
