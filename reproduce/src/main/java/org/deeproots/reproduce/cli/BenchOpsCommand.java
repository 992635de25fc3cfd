package org.deeproots.reproduce.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeproots.gpu.Backend;
import org.deeproots.gpu.Devices;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.reproduce.bench.DeviceOpTasks;
import org.deeproots.reproduce.bench.OpBench;
import org.deeproots.reproduce.bench.OpBench.Layer;
import org.deeproots.reproduce.bench.OpBench.Op;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code roots bench ops}: kernel timings on the paper's layer shapes. */
@Command(name = "ops", mixinStandardHelpOptions = true,
        description = {"Times the kernels on the paper's layer shapes: median of repeated runs after warm-up; "
                + "ms, GFLOP/s (2 x multiply-adds / time) and the fraction of the FMA peak measured first.",
            "Layers: res2_3x3 (64ch 56x56), res3_3x3 (128ch 28x28), res4_3x3 (256ch 14x14), res5_3x3 (512ch 7x7) "
                + "with groups 1..64; res2_1x1 (256->64 at 56x56); nin_conv2a (96->192 5x5 at 16x16) and "
                + "nin_conv3a (192->192 3x3 at 8x8) with groups 1..16.",
            "bn_* and pool_* use nominal FLOP counts (memory-bound ops); they run once per layer and batch."})
public final class BenchOpsCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT",
            description = "md or csv (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--threads", paramLabel = "N", description = "kernel threads (default: -Ddeeproots.threads or "
            + "the available processors)")
    Integer threads;

    @Option(names = "--batch", arity = "1..*", paramLabel = "B", description = "batch sizes (default: 1 10)")
    int[] batches = {1, 10};

    @Option(names = "--layer", arity = "1..*", paramLabel = "ID", description = "layer ids (default: all)")
    List<String> layers = new ArrayList<>();

    @Option(names = "--groups", arity = "1..*", paramLabel = "G", description = "only these group counts "
            + "(default: each layer's own list)")
    int[] groups = {};

    @Option(names = "--op", arity = "1..*", paramLabel = "OP", description = "conv_fwd, conv_bwd_input, "
            + "conv_bwd_weight, bn_fwd, bn_bwd, pool_fwd, pool_bwd (default: all)")
    List<String> ops = new ArrayList<>();

    @Option(names = "--quick", description = "1 warm-up and 3 timed runs per row instead of 3 and >= 5 over "
            + ">= 200 ms")
    boolean quick;

    @Option(names = "--stat", defaultValue = "median", paramLabel = "STAT",
            description = "median (default) or best: the fastest timed run, for a machine shared with other work")
    String stat;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE", description = "cpu (default), opencl "
            + "or cuda: time the GPU backend's kernels on device-resident buffers (peak_fraction is then empty)")
    String device;

    @Option(names = "--output", paramLabel = "FILE", description = "also write the table to FILE")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("md") && !format.equals("csv")) {
            throw new IllegalArgumentException("unknown --format '" + format + "'; valid formats: md, csv");
        }
        for (int b : batches) {
            if (b < 1) {
                throw new IllegalArgumentException("--batch must be >= 1, got " + b);
            }
        }
        if (!stat.equals("median") && !stat.equals("best")) {
            throw new IllegalArgumentException("unknown --stat '" + stat + "'; valid: median, best");
        }
        List<Layer> ls = layers.isEmpty() ? OpBench.LAYERS : layers.stream().map(OpBench::layer).toList();
        List<Op> os = ops.isEmpty() ? List.of(Op.values()) : ops.stream().map(Op::of).toList();
        int before = Parallel.threads();
        int n = threads == null ? before : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StringBuilder table = new StringBuilder(format.equals("csv") ? OpBench.CSV_HEADER + "\n"
                : OpBench.markdownHeader());
        OpBench.Settings settings = quick ? OpBench.Settings.QUICK : OpBench.Settings.DEFAULT;
        OpBench.Settings chosen = stat.equals("best") ? settings.withBest() : settings;
        java.util.function.Consumer<OpBench.Row> sink = row -> {
            String line = format.equals("csv") ? row.csv() + "\n" : OpBench.markdownLine(row);
            table.append(line);
            out.print(line);
            out.flush();
        };
        if (!device.equals("cpu")) {
            // BackendUnavailableException (an IllegalStateException) says why the device cannot run here
            try (Backend b = Devices.open(device); DeviceOpTasks tasks = new DeviceOpTasks(b)) {
                err.printf(Locale.ROOT, "# device %s (%s), %s of the runs%n", b.name(), b.device(), stat);
                err.flush();
                out.print(table);
                out.flush();
                OpBench.run(tasks, os, ls, batches, groups, 1, Double.NaN, chosen, sink);
            }
        } else {
            Kernels k = KernelProvider.kernels();
            double peak = KernelProvider.vectorBitSize() > 0 ? BenchPeakCommand.peak(n, quick ? 200 : 500)
                    : Double.NaN;
            err.printf(Locale.ROOT, "# kernels %s, %d threads, FMA peak %.1f GFLOP/s (measured now), %s of the runs%n",
                    k.name(), n, peak, stat);
            err.flush();
            out.print(table);
            out.flush();
            Parallel.setThreads(n);
            try {
                OpBench.run(k, os, ls, batches, groups, n, peak, chosen, sink);
            } finally {
                Parallel.setThreads(before);
            }
        }
        if (output != null) {
            Path abs = output.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, table.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return 0;
    }
}
