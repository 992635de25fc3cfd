package org.deeproots.bench.libtorch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Models;

/**
 * The libtorch half of {@code roots bench compare}, run in its own JVM (started with OMP_NUM_THREADS=N and
 * OPENBLAS_NUM_THREADS=1 so libtorch does not oversubscribe the cores). Times each case in one memory layout
 * ({@code nchw} or {@code channels_last}) and appends one CSV row per case as soon as it is measured:
 * {@code model,variant,batch,threads,layout,ms} (ms per forward pass of the whole batch, median of the timed runs
 * after warm-up). Appending row by row lets the caller restart after a native crash (oneDNN's channels-last 1x1
 * convolutions with 1024 input channels die with SIGFPE on some CPUs) and skip the case that crashed.
 *
 * <pre>
 * LibtorchCompare --threads 2 --layout nchw --out torch.csv --case model:resnet50:root-8:10 --case layer:res2_3x3:64:56:32:1
 * </pre>
 */
public final class LibtorchCompare {
    private LibtorchCompare() {
    }

    public static void main(String[] args) throws IOException {
        int threads = 1;
        int warmup = 2;
        int minReps = 3;
        int maxReps = 10;
        double budget = 2.0;
        Path out = null;
        String layout = "nchw";
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--threads" -> threads = Integer.parseInt(need(a, v));
                case "--warmup" -> warmup = Integer.parseInt(need(a, v));
                case "--min-reps" -> minReps = Integer.parseInt(need(a, v));
                case "--max-reps" -> maxReps = Integer.parseInt(need(a, v));
                case "--budget" -> budget = Double.parseDouble(need(a, v));
                case "--out" -> out = Path.of(need(a, v));
                case "--layout" -> layout = need(a, v);
                case "--case" -> cases.add(need(a, v));
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
            i++;
        }
        if (out == null || cases.isEmpty()) {
            throw new IllegalArgumentException("usage: LibtorchCompare --threads N --out FILE --case SPEC...");
        }
        if (!layout.equals("nchw") && !layout.equals("channels_last")) {
            throw new IllegalArgumentException("--layout must be nchw or channels_last, got " + layout);
        }
        boolean cl = layout.equals("channels_last");
        torch.set_num_threads(threads);
        System.err.printf(Locale.ROOT, "libtorch: %d threads (OMP_NUM_THREADS=%s, OPENBLAS_NUM_THREADS=%s)%n",
                torch.get_num_threads(), System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_NUM_THREADS"));
        if (!Files.exists(out) || Files.size(out) == 0) {
            Files.writeString(out, HEADER + "\n");
        }
        try (NoGradGuard g = new NoGradGuard()) {
            for (String c : cases) {
                System.err.println("libtorch: timing " + c + " " + layout + " ...");
                String[] row = run(c, cl, warmup, minReps, maxReps, budget);
                String line = row[0] + "," + row[1] + "," + row[2] + "," + threads + "," + layout + "," + row[3]
                        + "\n";
                Files.writeString(out, line, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
                System.err.printf(Locale.ROOT, "libtorch %-10s %-8s batch %3s %-13s %10s ms%n", row[0], row[1],
                        row[2], layout, row[3]);
            }
        }
    }

    /** Header of the CSV this program appends to. */
    public static final String HEADER = "model,variant,batch,threads,layout,ms";

    private static String need(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }

    /** Runs one case; returns model, variant, batch, ms (median per forward of the batch). */
    static String[] run(String spec, boolean channelsLast, int warmup, int minReps, int maxReps, double budget) {
        String[] p = spec.split(":");
        Runnable forward;
        String model;
        String variant;
        int batch;
        try (PointerScope keep = new PointerScope()) {
            if (p[0].equals("model") && p.length == 4) {
                model = p[1];
                variant = p[2];
                batch = Integer.parseInt(p[3]);
                ModelSpec ms = Models.create(model, variant);
                TorchNet net = new TorchNet(ms, channelsLast);
                Tensor x = net.input(batch);
                forward = () -> net.forward(x);
                return time(keep, model, variant, batch, forward, warmup, minReps, maxReps, budget);
            } else if (p[0].equals("layer") && p.length == 6) {
                model = p[1];
                int ch = Integer.parseInt(p[2]);
                int size = Integer.parseInt(p[3]);
                int groups = Integer.parseInt(p[4]);
                batch = Integer.parseInt(p[5]);
                variant = "g" + groups;
                Tensor x = torch.randn(batch, ch, size, size);
                Tensor w = torch.randn(ch, ch / groups, 3, 3);
                Tensor xx = channelsLast ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x;
                Tensor ww = channelsLast ? w.contiguous(torch.MemoryFormat.ChannelsLast) : w;
                forward = () -> torch.conv2d(xx, ww, new TensorOptional(), new long[] {1, 1}, new long[] {1, 1},
                        new long[] {1, 1}, groups);
                return time(keep, model, variant, batch, forward, warmup, minReps, maxReps, budget);
            }
        }
        throw new IllegalArgumentException("bad case '" + spec + "': expected model:MODEL:VARIANT:BATCH or "
                + "layer:NAME:CHANNELS:SIZE:GROUPS:BATCH");
    }

    private static String[] time(PointerScope keep, String model, String variant, int batch, Runnable forward,
            int warmup, int minReps, int maxReps, double budget) {
        double last = 0;
        for (int i = 0; i < warmup; i++) {
            last = once(forward);
        }
        int reps = (int) Math.max(minReps, Math.min(maxReps, Math.floor(budget * 1000 / Math.max(last, 1e-3))));
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            ms[i] = once(forward);
        }
        Arrays.sort(ms);
        double median = reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
        return new String[] {model, variant, Integer.toString(batch), String.format(Locale.ROOT, "%.4f", median)};
    }

    /** One timed forward; its temporaries are freed when the inner scope closes. */
    private static double once(Runnable forward) {
        try (PointerScope scope = new PointerScope()) {
            long t0 = System.nanoTime();
            forward.run();
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
