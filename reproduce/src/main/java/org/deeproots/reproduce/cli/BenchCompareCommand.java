package org.deeproots.reproduce.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeproots.nn.model.Models;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.reproduce.compare.CompareCase;
import org.deeproots.reproduce.compare.CompareRow;
import org.deeproots.reproduce.compare.CompareTable;
import org.deeproots.reproduce.compare.DeeprootsSide;
import org.deeproots.reproduce.compare.LibtorchRunner;
import org.deeproots.reproduce.report.AtomicFiles;
import org.deeproots.reproduce.report.Collaborators;
import org.deeproots.reproduce.timing.ForwardTimer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roots bench compare}: ResNet-50 orig and root-2..64 and its 3x3 layer shapes, timed in deeproots (this
 * JVM) and in libtorch (a child JVM built from the bench module's {@code libtorch} profile), side by side.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"deeproots against libtorch (org.bytedeco:pytorch) on ResNet-50 variants and its 3x3 layers.",
            "Builds the bench module's libtorch profile on first use (downloads ~100 MB of natives)."})
public final class BenchCompareCommand implements Callable<Integer> {

    @Option(names = "--format", defaultValue = "md", description = "md or csv (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--threads", description = "Threads on both sides (default: all processors).")
    Integer threads;

    @Option(names = "--batch", split = ",", defaultValue = "1,10", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--quick", description = "Only orig and root-64, dense and most-grouped layers.")
    boolean quick;

    @Option(names = "--out", defaultValue = "results",
            description = "Folder for compare.csv (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--project", description = "deeproots source tree (default: found from the jar or the "
            + "working folder).")
    Path project;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("md") && !format.equals("csv")) {
            throw new IllegalArgumentException("--format must be md or csv, got '" + format + "'");
        }
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + t);
        }
        for (int b : batches) {
            if (b < 1) {
                throw new IllegalArgumentException("--batch sizes must be >= 1, got " + b);
            }
        }
        Parallel.setThreads(t);
        Path root = project != null ? LibtorchRunner.findProjectRoot(project) : findRoot();
        List<CompareCase> cases = CompareCase.resnet50(batches, quick);
        System.err.printf(Locale.ROOT, "bench compare: %d cases, %d threads; libtorch first (child JVM), then "
                + "deeproots%n", cases.size(), t);
        Map<String, LibtorchRunner.Result> torch = new LibtorchRunner(root, System.err).time(cases, t);

        DeeprootsSide ours = new DeeprootsSide(Collaborators.forDevice("cpu"), KernelProvider.kernels(),
                Models::create, new ForwardTimer(2, 1.5, 3, 10, 2.0));
        List<CompareRow> rows = new ArrayList<>();
        for (CompareCase c : cases) {
            double ms = ours.time(c);
            LibtorchRunner.Result r = torch.get(c.key());
            String layout = r.notes().isEmpty() ? r.layout() : r.layout() + " (" + r.notes() + ")";
            rows.add(new CompareRow(c.model(), c.variant(), c.batch(), t, ms, r.ms(), layout));
            System.err.printf(Locale.ROOT, "deeproots %-9s %-8s batch %3d: %9.2f ms  (libtorch %9.2f ms)%n",
                    c.model(), c.variant(), c.batch(), ms, r.ms());
        }
        AtomicFiles.writeString(out.resolve("compare.csv"), CompareTable.csv(rows));
        System.out.print(format.equals("csv") ? CompareTable.csv(rows) : CompareTable.markdown(rows));
        return 0;
    }

    /** From the running jar ({@code ROOT/reproduce/target/*.jar}) or the working folder. */
    private static Path findRoot() {
        try {
            Path jar = Path.of(BenchCompareCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return LibtorchRunner.findProjectRoot(jar);
        } catch (IllegalStateException | java.net.URISyntaxException | SecurityException e) {
            return LibtorchRunner.findProjectRoot(Path.of(""));
        }
    }
}
