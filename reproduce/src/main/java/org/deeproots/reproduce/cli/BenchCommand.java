package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots bench}: Benchmarks: ops, peak, compare (not built yet). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: ops, peak, compare",
        subcommands = {BenchCompareCommand.class})
public final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots bench: not implemented yet");
        return 2;
    }
}
