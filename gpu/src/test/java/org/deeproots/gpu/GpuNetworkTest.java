package org.deeproots.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.ops.scalar.ScalarKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tiny NiN-like and a tiny ResNet-like network on OpenCL (PoCL in CI) against the same network on the CPU
 * scalar reference (CpuBackend over ScalarKernels): forward logits, training-step losses and the parameters after
 * three SGD steps must match tensor by tensor.
 */
class GpuNetworkTest {
    private static OpenClBackend cl;
    private static final CpuBackend CPU = new CpuBackend(ScalarKernels.INSTANCE);

    @BeforeAll
    static void open() {
        cl = OpenClEnv.open();
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    private static float[] randomInput(ModelSpec spec, int n, long seed) {
        int[] s = spec.input();
        float[] x = new float[n * s[0] * s[1] * s[2]];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static void assertClose(String label, float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, label + ": length");
        double max = 0;
        int worst = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i]));
            if (d > max || Double.isNaN(d)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                worst = i;
            }
        }
        assertTrue(max <= tol, label + ": max rel diff " + max + " at " + worst + " (want " + want[worst] + ", got "
                + got[worst] + "); first want " + Arrays.toString(Arrays.copyOf(want, Math.min(4, want.length)))
                + " got " + Arrays.toString(Arrays.copyOf(got, Math.min(4, got.length))));
    }

    private static void forwardAndTrainMatch(ModelSpec spec) {
        int n = 3;
        float[] x = randomInput(spec, n, 7);
        int[] labels = {0, 3 % spec.classes(), 1};
        try (GpuNetwork ref = new GpuNetwork(CPU, spec, n, 11); GpuNetwork gpu = new GpuNetwork(cl, spec, n, 11)) {
            TransferStats before = cl.transfers();
            float[] logitsGpu = gpu.forward(x);
            TransferStats d = cl.transfers().minus(before);
            assertEquals(1, d.uploads(), "forward uploads only the input");
            assertEquals(1, d.downloads(), "forward downloads only the logits");
            assertClose(spec.model() + " forward logits", ref.forward(x), logitsGpu, 1e-4);
            float first = 0;
            float last = 0;
            for (int step = 0; step < 3; step++) {
                float lr = 0.05f;
                float lossRef = ref.trainStep(x, labels, lr, 0.9f, 5e-4f);
                float lossGpu = gpu.trainStep(x, labels, lr, 0.9f, 5e-4f);
                assertEquals(lossRef, lossGpu, 1e-4 * Math.max(1, lossRef), spec.model() + " loss at step " + step);
                if (step == 0) {
                    first = lossGpu;
                }
                last = lossGpu;
            }
            assertTrue(last < first, spec.model() + ": loss should fall on a fixed batch: " + first + " -> " + last);
            Map<String, float[]> pr = ref.parameters();
            Map<String, float[]> pg = gpu.parameters();
            assertEquals(pr.keySet(), pg.keySet());
            for (String k : pr.keySet()) {
                assertClose(spec.model() + " " + k + " after 3 steps", pr.get(k), pg.get(k), 2e-4);
            }
            assertClose(spec.model() + " forward after training", ref.forward(x), gpu.forward(x), 2e-4);
        }
    }

    @Test
    void ninLikeMatchesTheScalarReference() {
        forwardAndTrainMatch(TinyNets.ninLike());
    }

    @Test
    void resnetLikeMatchesTheScalarReference() {
        forwardAndTrainMatch(TinyNets.resnetLike());
    }

    @Test
    void loadRejectsUnknownAndMissingParameters() {
        try (GpuNetwork net = new GpuNetwork(CPU, TinyNets.resnetLike(), 1, 1)) {
            Map<String, float[]> p = net.parameters();
            assertTrue(p.containsKey("conv1.weight") && p.containsKey("bn1.runningVar") && p.containsKey("fc.bias"),
                    p.keySet().toString());
            p.put("nope.weight", new float[1]);
            var e = assertThrows(IllegalArgumentException.class, () -> net.load(p));
            assertEquals("parameter nope.weight is not in tiny-resnet/root-2", e.getMessage());
            p.remove("nope.weight");
            p.put("fc.bias", new float[3]);
            e = assertThrows(IllegalArgumentException.class, () -> net.load(p));
            assertEquals("parameter fc.bias has 3 values, expected 4", e.getMessage());
        }
    }

    @Test
    void wrongInputSizeIsNamed() {
        try (GpuNetwork net = new GpuNetwork(CPU, TinyNets.ninLike(), 2, 1)) {
            var e = assertThrows(IllegalArgumentException.class, () -> net.forward(new float[5]));
            assertEquals("input has 5 values, expected 726 (batch 2 x 3x11x11)", e.getMessage());
        }
    }
}
