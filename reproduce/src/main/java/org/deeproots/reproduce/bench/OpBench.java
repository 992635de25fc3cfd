package org.deeproots.reproduce.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * Times kernels on the real layer shapes of the paper's models (the measurement behind {@code roots bench ops}):
 * the median of repeated runs after warm-up, reported as ms, GFLOP/s (2 x multiply-adds / time) and the
 * fraction of the machine's FMA peak.
 *
 * <p>FLOP counts: convolutions 2 x multiply-adds of the forward pass for all three passes (the backward passes
 * do the same number of multiply-adds); batch norm and pooling are memory-bound and get nominal counts
 * (bn_fwd 4, bn_bwd 8 FLOPs per element; pooling one FLOP per window element), so their GFLOP/s only compare
 * with themselves.
 *
 * <p>conv_fwd freezes its weights ({@link Kernels#freeze}) as a folded inference network does, so kernels that
 * cache packed weights serve them without comparing the array on every call; the backward ops do not (training
 * changes the weights).
 */
public final class OpBench {
    /** CSV header of {@link #toCsv}. */
    public static final String CSV_HEADER = "op,layer,batch,groups,threads,ms,gflops,peak_fraction";

    private static final int[] ROOT_GROUPS = {1, 2, 4, 8, 16, 32, 64};
    private static final int[] NIN_GROUPS = {1, 2, 4, 8, 16};

    /** A convolution layer shape: square input hw x hw, square kernel, stride 1, the groups to time. */
    public record Layer(String id, int inC, int outC, int hw, int kernel, int pad, int[] groups) {
        public ConvGeometry geometry(int batch, int g) {
            return ConvGeometry.of(batch, inC, outC, g, hw, hw, kernel, 1, pad);
        }
    }

    /** The layers: ResNet-50's 3x3 convs per stage (root-2..64 groups), its first 1x1, NiN's conv2a/conv3a. */
    public static final List<Layer> LAYERS = List.of(
            new Layer("res2_3x3", 64, 64, 56, 3, 1, ROOT_GROUPS),
            new Layer("res3_3x3", 128, 128, 28, 3, 1, ROOT_GROUPS),
            new Layer("res4_3x3", 256, 256, 14, 3, 1, ROOT_GROUPS),
            new Layer("res5_3x3", 512, 512, 7, 3, 1, ROOT_GROUPS),
            new Layer("res2_1x1", 256, 64, 56, 1, 0, new int[] {1}),
            new Layer("nin_conv2a", 96, 192, 16, 5, 2, NIN_GROUPS),
            new Layer("nin_conv3a", 192, 192, 8, 3, 1, NIN_GROUPS));

    /** Makes the closure that runs one op once on one shape: the CPU kernels, or a GPU backend. */
    @FunctionalInterface
    public interface Tasks {
        Runnable task(Op op, Layer l, int batch, int groups);
    }

    /** The CPU kernels as {@link Tasks}. */
    public static Tasks cpu(Kernels k) {
        return (op, l, batch, groups) -> task(k, op, l, batch, groups);
    }

    /** The timed operations, by their CSV name. */
    public enum Op {
        CONV_FWD("conv_fwd"), CONV_BWD_INPUT("conv_bwd_input"), CONV_BWD_WEIGHT("conv_bwd_weight"),
        BN_FWD("bn_fwd"), BN_BWD("bn_bwd"), POOL_FWD("pool_fwd"), POOL_BWD("pool_bwd");

        public final String id;

        Op(String id) {
            this.id = id;
        }

        boolean conv() {
            return this == CONV_FWD || this == CONV_BWD_INPUT || this == CONV_BWD_WEIGHT;
        }

        public static Op of(String id) {
            for (Op op : values()) {
                if (op.id.equals(id)) {
                    return op;
                }
            }
            throw new IllegalArgumentException("unknown op '" + id + "'; expected one of "
                    + Arrays.stream(values()).map(o -> o.id).toList());
        }
    }

    /**
     * Warm-up runs, then at least minReps timed runs and at least minMillis of them (capped at maxReps); the
     * reported time is their median, or their minimum when {@code best} (less sensitive to a busy machine).
     */
    public record Settings(int warmups, int minReps, int maxReps, long minMillis, boolean best) {
        public static final Settings DEFAULT = new Settings(3, 5, 50, 200, false);
        public static final Settings QUICK = new Settings(1, 3, 5, 0, false);

        public Settings(int warmups, int minReps, int maxReps, long minMillis) {
            this(warmups, minReps, maxReps, minMillis, false);
        }

        /** The same settings reporting the fastest run. */
        public Settings withBest() {
            return new Settings(warmups, minReps, maxReps, minMillis, true);
        }
    }

    /** One measurement. */
    public record Row(String op, String layer, int batch, int groups, int threads, double ms, double gflops,
                      double peakFraction) {
        public String csv() {
            // peak_fraction is empty where no peak applies (scalar kernels, a GPU device)
            return String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.4f,%.2f,%s", op, layer, batch, groups, threads, ms,
                    gflops, Double.isNaN(peakFraction) ? "" : String.format(Locale.ROOT, "%.4f", peakFraction));
        }
    }

    /**
     * libtorch 2.10 forward GFLOP/s on the 2-core reference machine, 2 threads, batch 1 (issue 3), keyed
     * "layer/groups"; shown beside ours in the Markdown table.
     */
    public static final Map<String, Integer> LIBTORCH_FWD_B1 = Map.ofEntries(
            Map.entry("res2_3x3/1", 417), Map.entry("res2_3x3/2", 383), Map.entry("res2_3x3/4", 316),
            Map.entry("res2_3x3/8", 155), Map.entry("res2_3x3/16", 66), Map.entry("res2_3x3/32", 23),
            Map.entry("res2_3x3/64", 44),
            Map.entry("res3_3x3/1", 431), Map.entry("res3_3x3/2", 396), Map.entry("res3_3x3/4", 334),
            Map.entry("res3_3x3/8", 254), Map.entry("res3_3x3/16", 126), Map.entry("res3_3x3/32", 56),
            Map.entry("res3_3x3/64", 20),
            Map.entry("res4_3x3/1", 386), Map.entry("res4_3x3/2", 355), Map.entry("res4_3x3/4", 311),
            Map.entry("res4_3x3/8", 247), Map.entry("res4_3x3/16", 178), Map.entry("res4_3x3/32", 89),
            Map.entry("res4_3x3/64", 41),
            Map.entry("res5_3x3/1", 269), Map.entry("res5_3x3/2", 261), Map.entry("res5_3x3/4", 227),
            Map.entry("res5_3x3/8", 193), Map.entry("res5_3x3/16", 149), Map.entry("res5_3x3/32", 105),
            Map.entry("res5_3x3/64", 54));

    private OpBench() {
    }

    /** The layer with this id. */
    public static Layer layer(String id) {
        for (Layer l : LAYERS) {
            if (l.id().equals(id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown layer '" + id + "'; expected one of "
                + LAYERS.stream().map(Layer::id).toList());
    }

    /** Multiply-adds (conv) or nominal FLOPs / 2 (bn, pool) of one run. */
    static double flops(Op op, Layer l, int batch, int groups) {
        ConvGeometry g = l.geometry(batch, groups);
        return switch (op) {
            case CONV_FWD, CONV_BWD_INPUT, CONV_BWD_WEIGHT -> 2.0 * g.multiplyAdds();
            case BN_FWD -> 4.0 * g.outputSize();
            case BN_BWD -> 8.0 * g.outputSize();
            case POOL_FWD, POOL_BWD -> {
                PoolGeometry p = pool(l, batch);
                yield (double) p.outputSize() * p.kernel() * p.kernel();
            }
        };
    }

    /** Max pooling 3x3 stride 2 pad 1 on the layer's input. */
    static PoolGeometry pool(Layer l, int batch) {
        return new PoolGeometry(batch, l.inC(), l.hw(), l.hw(), 3, 2, 1, false);
    }

    /**
     * Times one op on one layer shape. BN and pooling do not depend on groups; callers time them once per layer
     * (groups 1).
     */
    public static Row measure(Kernels k, Op op, Layer l, int batch, int groups, int threads, double peakGflops,
                              Settings s) {
        return measure(cpu(k), op, l, batch, groups, threads, peakGflops, s);
    }

    /** As {@link #measure(Kernels, Op, Layer, int, int, int, double, Settings)}, for any {@link Tasks}. */
    public static Row measure(Tasks tasks, Op op, Layer l, int batch, int groups, int threads, double peakGflops,
                              Settings s) {
        Runnable run = tasks.task(op, l, batch, groups);
        // warm-up: at least s.warmups() runs and 2.5 x s.minMillis(), then until the last 3 runs agree within 25%
        // (the JIT may still be compiling: runs of 70, 47, 15, 37, 32 ms came before a steady 4.6), at most 5 s.
        // Shorter warm-ups (minMillis / 2) sometimes timed a kernel still running in C1-compiled code, at 10-20x
        // its steady time (conv_bwd_weight res2_3x3 g16: 48 ms against 3.5)
        long[] last = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        long warmStart = System.nanoTime();
        for (int i = 0; i < s.warmups() || s.warmups() > 0 && i < 1000; i++) {
            long t0 = System.nanoTime();
            run.run();
            long now = System.nanoTime();
            last[i % 3] = now - t0;
            long lo = Math.min(last[0], Math.min(last[1], last[2]));
            long hi = Math.max(last[0], Math.max(last[1], last[2]));
            boolean enough = i >= s.warmups() - 1 && now - warmStart >= s.minMillis() * 2_500_000L;
            if (enough && hi <= 1.25 * lo || now - warmStart > 5_000_000_000L) {
                break;
            }
        }
        List<Long> times = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < s.minReps()
                || (times.size() < s.maxReps() && System.nanoTime() - start < s.minMillis() * 1_000_000L)) {
            long t0 = System.nanoTime();
            run.run();
            times.add(System.nanoTime() - t0);
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        double medianNs = s.best() ? sorted[0] : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        double gflops = flops(op, l, batch, groups) / medianNs;
        double fraction = peakGflops > 0 ? gflops / peakGflops : Double.NaN;
        return new Row(op.id, l.id(), batch, groups, threads, medianNs / 1e6, gflops, fraction);
    }

    /** A closure running the op once on fixed random data (allocated here, not timed). */
    static Runnable task(Kernels k, Op op, Layer l, int batch, int groups) {
        ConvGeometry g = l.geometry(batch, groups);
        SplittableRandom r = new SplittableRandom(42);
        switch (op) {
            case CONV_FWD -> {
                float[] in = random(g.inputSize(), r);
                float[] w = random(g.weightSize(), r);
                k.freeze(w); // as in a folded inference network: packed weights are not re-checked every call
                float[] out = new float[g.outputSize()];
                return () -> k.conv2dForward(out, in, w, null, g);
            }
            case CONV_BWD_INPUT -> {
                float[] dOut = random(g.outputSize(), r);
                float[] w = random(g.weightSize(), r);
                float[] dIn = new float[g.inputSize()];
                return () -> k.conv2dBackwardInput(dIn, dOut, w, g);
            }
            case CONV_BWD_WEIGHT -> {
                float[] dOut = random(g.outputSize(), r);
                float[] in = random(g.inputSize(), r);
                float[] dW = new float[g.weightSize()];
                float[] dB = new float[g.outC()];
                return () -> k.conv2dBackwardWeight(dW, dB, dOut, in, g);
            }
            case BN_FWD, BN_BWD -> {
                BatchNormGeometry b = new BatchNormGeometry(batch, g.outC(), g.outH() * g.outW());
                float[] in = random(b.size(), r);
                float[] out = new float[b.size()];
                float[] mean = new float[b.c()];
                float[] invStd = new float[b.c()];
                float[] rm = new float[b.c()];
                float[] rv = new float[b.c()];
                float[] gamma = random(b.c(), r);
                float[] beta = random(b.c(), r);
                if (op == Op.BN_FWD) {
                    return () -> k.batchNormForwardTraining(out, mean, invStd, rm, rv, in, gamma, beta, 0.1f, 1e-5f,
                            b);
                }
                k.batchNormForwardTraining(out, mean, invStd, rm, rv, in, gamma, beta, 0.1f, 1e-5f, b);
                float[] dOut = random(b.size(), r);
                float[] dIn = new float[b.size()];
                float[] dGamma = new float[b.c()];
                float[] dBeta = new float[b.c()];
                return () -> k.batchNormBackward(dIn, dGamma, dBeta, dOut, in, mean, invStd, gamma, b);
            }
            default -> {
                PoolGeometry p = pool(l, batch);
                float[] in = random(p.inputSize(), r);
                float[] out = new float[p.outputSize()];
                int[] argmax = new int[p.outputSize()];
                if (op == Op.POOL_FWD) {
                    return () -> k.maxPool2dForward(out, argmax, in, p);
                }
                k.maxPool2dForward(out, argmax, in, p);
                float[] dOut = random(p.outputSize(), r);
                float[] dIn = new float[p.inputSize()];
                return () -> k.maxPool2dBackward(dIn, dOut, argmax, p);
            }
        }
    }

    static float[] random(int size, SplittableRandom r) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    /**
     * Runs every (op, layer, batch, groups) combination; BN and pooling once per (layer, batch) with groups 1.
     * {@code groupsFilter} empty means all of the layer's groups.
     */
    public static List<Row> run(Kernels k, List<Op> ops, List<Layer> layers, int[] batches, int[] groupsFilter,
                                int threads, double peakGflops, Settings s, java.util.function.Consumer<Row> sink) {
        return run(cpu(k), ops, layers, batches, groupsFilter, threads, peakGflops, s, sink);
    }

    /** As {@link #run(Kernels, List, List, int[], int[], int, double, Settings, java.util.function.Consumer)}. */
    public static List<Row> run(Tasks k, List<Op> ops, List<Layer> layers, int[] batches, int[] groupsFilter,
                                int threads, double peakGflops, Settings s, java.util.function.Consumer<Row> sink) {
        warmUp(k, ops, s);
        if (s.warmups() > 0) {
            // untimed passes over every shape until a pass is no longer 10% faster than the one before (the JIT
            // has compiled every path; on a busy machine that can take seconds), at most 5 passes or 30 s
            // (--quick: one pass)
            long previous = Long.MAX_VALUE;
            long start = System.nanoTime();
            int passes = s.warmups() > 1 ? 5 : 1;
            for (int pass = 0; pass < passes && System.nanoTime() - start < 30_000_000_000L; pass++) {
                long t0 = System.nanoTime();
                for (Layer l : layers) {
                    for (int batch : batches) {
                        for (Op op : ops) {
                            for (int g : op.conv() ? l.groups() : new int[] {1}) {
                                k.task(op, l, batch, g).run();
                            }
                        }
                    }
                }
                long t = System.nanoTime() - t0;
                if (t > 0.9 * previous) {
                    break;
                }
                previous = t;
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Layer l : layers) {
            for (int batch : batches) {
                for (Op op : ops) {
                    int[] gs = op.conv() ? l.groups() : new int[] {1};
                    for (int g : gs) {
                        if (op.conv() && groupsFilter.length > 0 && Arrays.stream(groupsFilter).noneMatch(x -> x == g)) {
                            continue;
                        }
                        Row row = measure(k, op, l, batch, g, threads, peakGflops, s);
                        rows.add(row);
                        sink.accept(row);
                    }
                }
            }
        }
        return rows;
    }

    /**
     * Runs every requested op on a few small shapes (dense, grouped, depthwise) for a while, so that the JIT has
     * compiled the kernels before the first timed row.
     */
    static void warmUp(Tasks k, List<Op> ops, Settings s) {
        if (s.minMillis() == 0 && s.warmups() == 0) {
            return;
        }
        Layer small = new Layer("warmup", 64, 64, 14, 3, 1, new int[] {1, 2, 4, 8, 16, 32, 64});
        long until = System.nanoTime() + (s.warmups() > 1 ? 2000 : 500) * 1_000_000L;
        do {
            for (Op op : ops) {
                for (int g : small.groups()) {
                    for (int batch : new int[] {1, 8}) {
                        k.task(op, small, batch, g).run();
                    }
                }
            }
        } while (System.nanoTime() < until);
    }

    /** CSV with {@link #CSV_HEADER}, one line per row. */
    public static String toCsv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.csv()).append('\n');
        }
        return sb.toString();
    }

    /** Markdown header of {@link #markdownLine}. */
    public static String markdownHeader() {
        return "| op | layer | batch | groups | threads | ms | GFLOP/s | peak | libtorch GFLOP/s (fwd, b1, 2 thr) |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
    }

    /** One Markdown table line; libtorch's figure beside ours where issue 3 gives one. */
    public static String markdownLine(Row r) {
        Integer torch = r.op().equals("conv_fwd") && r.batch() == 1 ? LIBTORCH_FWD_B1.get(r.layer() + "/" + r.groups())
                : null;
        return String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.3f | %.1f | %s | %s |%n", r.op(), r.layer(),
                r.batch(), r.groups(), r.threads(), r.ms(), r.gflops(),
                Double.isNaN(r.peakFraction()) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * r.peakFraction()),
                torch == null ? "" : torch.toString());
    }
}
