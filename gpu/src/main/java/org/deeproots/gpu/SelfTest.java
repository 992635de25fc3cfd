package org.deeproots.gpu;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.ops.scalar.ScalarKernels;

/**
 * The GPU test suite as a plain main, for machines without Maven (gpu/check.sh on an NVIDIA host): every op of a
 * backend against {@link ScalarKernels} ({@link OpCheck}), then the two {@link TinyNets} forward and three SGD
 * steps against the same networks on the CPU reference. Exit code 0 when everything matches, 1 on a mismatch,
 * 3 when the backend is unavailable.
 *
 * <pre>{@code java -cp 'lib/*' org.deeproots.gpu.SelfTest cuda}</pre>
 */
public final class SelfTest {
    private SelfTest() {
    }

    public static void main(String[] args) {
        String name = args.length > 0 ? args[0] : "cuda";
        Backend b;
        try {
            b = Devices.open(name);
        } catch (BackendUnavailableException e) {
            System.out.println("selftest " + name + ": unavailable: " + e.getMessage());
            System.exit(3);
            return;
        }
        int failures;
        try (b) {
            System.out.println("selftest " + name + ": " + b.device());
            failures = run(b);
        }
        System.out.println("selftest " + name + ": " + (failures == 0 ? "PASS" : failures + " FAILURES"));
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Runs the suite on {@code b}, prints each failure and a summary, returns the number of failures. */
    public static int run(Backend b) {
        long t0 = System.nanoTime();
        List<OpCheck.Result> results = OpCheck.run(b, 20170721L);
        int failures = 0;
        double worst = 0;
        for (OpCheck.Result r : results) {
            if (!r.pass()) {
                failures++;
                System.out.println(r);
            }
            worst = Math.max(worst, r.tolerance() > 0 ? r.maxDiff() / r.tolerance() : r.maxDiff());
        }
        System.out.printf("ops: %d/%d comparisons within tolerance (worst diff/tolerance %.3f) in %.1f s%n",
                results.size() - failures, results.size(), worst, (System.nanoTime() - t0) / 1e9);
        CpuBackend cpu = new CpuBackend(ScalarKernels.INSTANCE);
        for (ModelSpec spec : List.of(TinyNets.ninLike(), TinyNets.resnetLike())) {
            failures += network(b, cpu, spec);
        }
        return failures;
    }

    private static int network(Backend b, CpuBackend cpu, ModelSpec spec) {
        int n = 3;
        int[] s = spec.input();
        float[] x = new float[n * s[0] * s[1] * s[2]];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        int[] labels = {0, 1, 2};
        int failures = 0;
        try (GpuNetwork ref = new GpuNetwork(cpu, spec, n, 11); GpuNetwork dev = new GpuNetwork(b, spec, n, 11)) {
            failures += report(spec.model() + " forward", relDiff(ref.forward(x), dev.forward(x)), 1e-4);
            for (int step = 0; step < 3; step++) {
                float lr = ref.trainStep(x, labels, 0.05f, 0.9f, 5e-4f);
                float ld = dev.trainStep(x, labels, 0.05f, 0.9f, 5e-4f);
                failures += report(spec.model() + " loss step " + step + " (" + lr + ")",
                        Math.abs(lr - ld) / Math.max(1, Math.abs(lr)), 1e-4);
            }
            Map<String, float[]> pr = ref.parameters();
            Map<String, float[]> pd = dev.parameters();
            double worst = 0;
            for (String k : pr.keySet()) {
                worst = Math.max(worst, relDiff(pr.get(k), pd.get(k)));
            }
            failures += report(spec.model() + " parameters after 3 steps", worst, 2e-4);
        }
        return failures;
    }

    private static int report(String what, double diff, double tol) {
        boolean ok = diff <= tol;
        System.out.printf("%s %s: max rel diff %.3g (tol %.1g)%n", ok ? "ok  " : "FAIL", what, diff, tol);
        return ok ? 0 : 1;
    }

    static double relDiff(float[] want, float[] got) {
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i]));
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
        }
        return max;
    }
}
