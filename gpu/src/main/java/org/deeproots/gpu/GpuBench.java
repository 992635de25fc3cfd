package org.deeproots.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Models;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;

/**
 * Times the inference forward pass of registered models on a backend, the input resident on the device, the clock
 * stopped after {@link Backend#synchronize()}; prints CSV {@code model,variant,batch,deeproots_ms,gflops} (median
 * of the timed runs; gflops = 2 x multiply-adds / time). With {@code --export DIR} it also writes each network as
 * a text spec (one node per line) so that gpu/torch_bench.py builds the very same graph in PyTorch. Exit code 3,
 * with a one-line reason, when the backend is unavailable.
 *
 * <pre>{@code java -cp 'lib/*' org.deeproots.gpu.GpuBench --device cuda --model resnet50
 *     --variants orig,root-2,root-4 --batches 10,64 --warmup 3 --iters 10 --export specs}</pre>
 */
public final class GpuBench {
    private GpuBench() {
    }

    public static void main(String[] args) throws IOException {
        String device = "cuda";
        String model = "resnet50";
        List<String> variants = List.of("orig", "root-2", "root-4", "root-8", "root-16", "root-32", "root-64");
        int[] batches = {10, 64};
        int warmup = 3;
        int iters = 10;
        Path export = null;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--device" -> device = v;
                case "--model" -> model = v;
                case "--variants" -> variants = List.of(v.split(","));
                case "--batches" -> batches = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--iters" -> iters = Integer.parseInt(v);
                case "--export" -> export = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (options: --device, "
                        + "--model, --variants, --batches, --warmup, --iters, --export)");
            }
            i++;
        }
        if (iters < 1 || warmup < 0) {
            throw new IllegalArgumentException("iters must be >= 1 and warmup >= 0, got " + iters + ", " + warmup);
        }
        Backend opened;
        try {
            opened = Devices.open(device);
        } catch (BackendUnavailableException e) {
            System.err.println("gpubench: " + device + " is unavailable: " + e.getMessage());
            System.exit(3);
            return;
        }
        try (Backend b = opened) {
            System.err.println("gpubench: " + b.name() + " on " + b.device());
            System.out.println("model,variant,batch,deeproots_ms,gflops");
            for (String variant : variants) {
                ModelSpec spec = Models.create(model, variant);
                if (export != null) {
                    export(spec, export);
                }
                for (int batch : batches) {
                    double ms = time(b, spec, batch, warmup, iters);
                    double gflops = 2.0 * spec.multiplyAdds() * batch / (ms * 1e6);
                    System.out.printf("%s,%s,%d,%.3f,%.1f%n", model, variant, batch, ms, gflops);
                    System.out.flush();
                }
            }
        }
    }

    /**
     * Median milliseconds of one forward pass (inference mode) at {@code batch}. Before timing, the logits of the
     * first image are checked against the same network (same seed, same weights) on the CPU kernels, so that a
     * wrong kernel cannot post a time: a mismatch throws.
     */
    public static double time(Backend b, ModelSpec spec, int batch, int warmup, int iters) {
        try (GpuNetwork net = new GpuNetwork(b, spec, batch, 1)) {
            int[] s = spec.input();
            float[] x = new float[batch * s[0] * s[1] * s[2]];
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            float[] logits = net.forward(x);
            if (!b.name().equals("cpu")) {
                check(spec, Arrays.copyOf(x, s[0] * s[1] * s[2]), Arrays.copyOf(logits, spec.classes()));
            }
            for (int i = 0; i < warmup; i++) {
                net.forwardResident(false);
            }
            b.synchronize();
            double[] ms = new double[iters];
            for (int i = 0; i < iters; i++) {
                long t0 = System.nanoTime();
                net.forwardResident(false);
                b.synchronize();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return ms[iters / 2];
        }
    }

    /** Compares one image's logits with the CPU kernels' (max diff relative to the largest logit, <= 1e-3). */
    private static void check(ModelSpec spec, float[] image, float[] logits) {
        float[] want;
        try (Backend cpu = Devices.open("cpu"); GpuNetwork ref = new GpuNetwork(cpu, spec, 1, 1)) {
            want = ref.forward(image);
        }
        double scale = 1e-30;
        double diff = 0;
        for (int k = 0; k < want.length; k++) {
            scale = Math.max(scale, Math.abs(want[k]));
            diff = Math.max(diff, Math.abs(want[k] - logits[k]));
        }
        double rel = diff / scale;
        System.err.printf("gpubench: %s/%s logits vs CPU kernels: max diff %.3g of max |logit| %.3g (%.2g)%n",
                spec.model(), spec.variant(), diff, scale, rel);
        if (!(rel <= 1e-3)) {
            throw new IllegalStateException(spec.model() + "/" + spec.variant() + ": device logits differ from the "
                    + "CPU kernels by " + rel + " of the largest logit; not timing a wrong network");
        }
    }

    /**
     * Writes {@code DIR/<model>_<variant>.spec}: a header {@code # model variant C H W classes}, then one line per
     * node, tab-separated: name, kind, integer arguments (comma-separated), inputs (comma-separated). Kinds and
     * arguments: conv inC,outC,kernel,stride,padding,groups,bias(0/1); bn channels; relu; maxpool and avgpool
     * kernel,stride,padding,ceil(0/1); gap; linear in,out; dropout (p as permille); concat; add.
     */
    public static Path export(ModelSpec spec, Path dir) throws IOException {
        Files.createDirectories(dir);
        int[] in = spec.input();
        List<String> lines = new ArrayList<>();
        lines.add("# " + spec.model() + " " + spec.variant() + " " + in[0] + " " + in[1] + " " + in[2] + " "
                + spec.classes());
        for (Node n : spec.nodes()) {
            String a = switch (n.op()) {
                case Op.Conv c -> ints(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(),
                        c.groups(), c.bias() ? 1 : 0);
                case Op.BatchNorm b -> ints(b.channels());
                case Op.Pool p -> ints(p.kernel(), p.stride(), p.padding(), p.ceilMode() ? 1 : 0);
                case Op.Linear f -> ints(f.inFeatures(), f.outFeatures());
                case Op.Dropout d -> ints((int) Math.round(d.p() * 1000));
                default -> "-";
            };
            lines.add(n.name() + "\t" + n.op().kind() + "\t" + a + "\t" + String.join(",", n.inputs()));
        }
        Path out = dir.resolve(spec.model() + "_" + spec.variant() + ".spec");
        Path tmp = Files.createTempFile(dir, ".spec", ".tmp");
        Files.write(tmp, lines);
        return Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String ints(int... v) {
        return Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
