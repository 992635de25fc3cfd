package org.deeproots.reproduce.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.simd.GemmPeak;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code roots bench peak}: the FMA peak of the Vector API on 1 and N threads. */
@Command(name = "peak", mixinStandardHelpOptions = true,
        description = "FMA peak (GFLOP/s) with the Vector API: 12 independent FMA chains per thread, best of "
                + "repeated runs, on 1 thread and on N threads at once")
public final class BenchPeakCommand implements Callable<Integer> {
    @Option(names = "--threads", paramLabel = "N", description = "threads for the multi-thread figure "
            + "(default: the kernel thread count)")
    Integer threads;

    @Option(names = "--millis", defaultValue = "500", paramLabel = "MS",
            description = "measuring time per figure (default: ${DEFAULT-VALUE})")
    long millis;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int n = threads == null ? Parallel.threads() : threads;
        PrintWriter out = spec.commandLine().getOut();
        int bits = KernelProvider.vectorBitSize();
        out.printf(Locale.ROOT, "vector width: %d bits%n", bits);
        out.printf(Locale.ROOT, "peak 1 thread: %.1f GFLOP/s%n", peak(1, millis));
        out.printf(Locale.ROOT, "peak %d threads: %.1f GFLOP/s%n", n, peak(n, millis));
        out.flush();
        return 0;
    }

    /**
     * Measured FMA peak in GFLOP/s on {@code threads} threads.
     *
     * @throws IllegalStateException when the Vector API is not available (no module or vectors forced off)
     */
    static double peak(int threads, long millis) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        if (KernelProvider.vectorBitSize() == 0) {
            throw new IllegalStateException("the FMA peak needs the Vector API: run with --add-modules "
                    + "jdk.incubator.vector and without -Ddeeproots.vectorBitSize=0");
        }
        return GemmPeak.gflops(threads, millis);
    }
}
