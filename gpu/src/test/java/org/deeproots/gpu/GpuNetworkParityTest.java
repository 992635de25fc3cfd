package org.deeproots.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.runtime.Parameter;
import org.deeproots.nn.runtime.Workspace;
import org.deeproots.nn.train.Sgd;
import org.deeproots.ops.scalar.ScalarKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GpuNetwork on OpenCL against the CPU runtime's {@link Network} (scalar kernels) with the same weights, copied
 * by name: inference logits, and two training steps (forward, backward, {@link Sgd}) compared parameter by
 * parameter, running statistics included.
 */
class GpuNetworkParityTest {
    private static OpenClBackend cl;

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

    private static Map<String, float[]> params(Network net) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Parameter p : net.parameters()) {
            m.put(p.name(), p.data().clone());
        }
        return m;
    }

    private static float[] input(ModelSpec spec, int n) {
        int[] s = spec.input();
        float[] x = new float[n * s[0] * s[1] * s[2]];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static void assertClose(String label, float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, label);
        double d = SelfTest.relDiff(want, got);
        assertTrue(d <= tol, label + ": max rel diff " + d);
    }

    @Test
    void inferenceMatchesTheCpuNetwork() {
        for (ModelSpec spec : new ModelSpec[] {TinyNets.ninLike(), TinyNets.resnetLike()}) {
            int n = 2;
            Network cpu = new Network(spec, ScalarKernels.INSTANCE, 5);
            float[] x = input(spec, n);
            float[] want = cpu.forward(cpu.newWorkspace(), x, n, false).clone();
            try (GpuNetwork gpu = new GpuNetwork(cl, spec, n, 99)) {
                gpu.load(params(cpu));
                assertClose(spec.model() + " logits", want, gpu.forward(x), 1e-4);
            }
        }
    }

    @Test
    void trainingStepsMatchTheCpuNetworkAndSgd() {
        ModelSpec spec = TinyNets.resnetLike(); // no dropout: the two runtimes seed their masks differently
        int n = 3;
        int[] labels = {2, 0, 1};
        Network cpu = new Network(spec, ScalarKernels.INSTANCE, 5);
        Sgd sgd = new Sgd(cpu.parameters(), 0.9, 5e-4, false);
        Workspace ws = cpu.newWorkspace();
        float[] x = input(spec, n);
        try (GpuNetwork gpu = new GpuNetwork(cl, spec, n, 99)) {
            gpu.load(params(cpu));
            for (int step = 0; step < 2; step++) {
                cpu.forward(ws, x, n, true);
                float lossCpu = cpu.backward(ws, labels);
                sgd.step(0.05);
                float lossGpu = gpu.trainStep(x, labels, 0.05f, 0.9f, 5e-4f);
                assertEquals(lossCpu, lossGpu, 1e-4 * Math.max(1, lossCpu), "loss at step " + step);
            }
            Map<String, float[]> want = params(cpu);
            Map<String, float[]> got = gpu.parameters();
            assertEquals(want.keySet(), got.keySet());
            for (String k : want.keySet()) {
                assertClose(k + " after 2 steps", want.get(k), got.get(k), 2e-4);
            }
        }
    }
}
