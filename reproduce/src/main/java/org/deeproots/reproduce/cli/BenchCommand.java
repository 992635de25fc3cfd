package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code roots bench}: the benchmark commands (ops, peak, compare); alone it prints their usage. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: kernel timings on the paper's layer shapes (ops), the FMA peak (peak), "
                + "and model comparisons (compare)",
        subcommands = {BenchOpsCommand.class, BenchPeakCommand.class, BenchCompareCommand.class})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
