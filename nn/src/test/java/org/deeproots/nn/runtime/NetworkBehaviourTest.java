package org.deeproots.nn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.train.Sgd;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.spi.Kernels;
import org.junit.jupiter.api.Test;

/** SGD reduces the loss; concurrent inference; batch-norm folding; eval-mode buffer reuse. */
class NetworkBehaviourTest {
    private static final Kernels K = KernelProvider.kernels();

    @Test
    void residualReluIsFusedIntoTheAddAtInferenceOnly() {
        Network net = new Network(org.deeproots.nn.model.Models.create("resnet50", "root-2", new int[] {3, 32, 32}, 7),
                K, 1);
        long fused = java.util.Arrays.stream(net.layers())
                .filter(l -> l instanceof ReluLayer r && r.fusedAtInference).count();
        assertEquals(16, fused, "one fused ReLU per bottleneck block");
        // the unplanned workspace gives the ReLU its own buffer, so nothing is fused there
        Network folded = net.foldBatchNorm();
        float[] x = TestNets.randomInput(folded.spec(), 2, 3);
        Workspace planned = folded.newWorkspace();
        float[] a = folded.forward(planned, x, 2, false).clone();
        float[] b = folded.forward(new Workspace(folded, false), x, 2, false);
        assertArrayEquals(b, a, "fused add + ReLU changed the logits");
    }

    @Test
    void reluIsFusedIntoTheConvolutionItOverwrites() {
        // ResNet-50: conv -> bn -> relu in training (nothing fused); folded, the stem and the first two
        // convolutions of each of the 16 blocks feed their ReLU directly
        Network net = new Network(org.deeproots.nn.model.Models.create("resnet50", "root-4", new int[] {3, 32, 32}, 7),
                K, 1);
        assertEquals(0, java.util.Arrays.stream(net.layers()).filter(l -> l instanceof ConvLayer c && c.fusedRelu >= 0)
                .count());
        Network folded = net.foldBatchNorm();
        assertEquals(33, java.util.Arrays.stream(folded.layers())
                .filter(l -> l instanceof ConvLayer c && c.fusedRelu >= 0).count());
        assertEquals(33, java.util.Arrays.stream(folded.layers())
                .filter(l -> l instanceof ReluLayer r && r.fusedWithConv).count());
        // without batch norm, in training too (the gradients are compared with an unplanned workspace below)
        Network plain = new Network(TestNets.plain(5), K, 1);
        assertEquals(3, java.util.Arrays.stream(plain.layers())
                .filter(l -> l instanceof ConvLayer c && c.fusedRelu >= 0).count());
    }

    @Test
    void foldingFreezesTheCopysParametersOnly() {
        java.util.Set<float[]> frozen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Kernels recording = (Kernels) java.lang.reflect.Proxy.newProxyInstance(Kernels.class.getClassLoader(),
                new Class<?>[] {Kernels.class}, (proxy, method, args) -> {
                    if (method.getName().equals("freeze")) {
                        frozen.add((float[]) args[0]);
                        return null;
                    }
                    return method.invoke(K, args);
                });
        Network net = new Network(org.deeproots.nn.model.Models.create("nin", "root-4", new int[] {3, 32, 32}, 10),
                recording, 1);
        Network folded = net.foldBatchNorm();
        assertTrue(!folded.parameters().isEmpty());
        for (Parameter p : folded.parameters()) {
            assertTrue(frozen.contains(p.data()), p.name() + " of the folded copy is not frozen");
        }
        for (Parameter p : net.parameters()) {
            assertTrue(!frozen.contains(p.data()), p.name() + " of the trainable network was frozen");
        }
    }

    @Test
    void fewSgdStepsReduceTheLossOnAFixedBatch() {
        for (ModelSpec spec : List.of(TestNets.nin(5), TestNets.resnet(5))) {
            Network net = new Network(spec, K, 3);
            Workspace ws = net.newWorkspace();
            Sgd sgd = new Sgd(net.parameters(), 0.9, 5e-4, false);
            int n = 8;
            float[] x = TestNets.randomInput(spec, n, 9);
            int[] y = TestNets.labels(n, 5, 10);
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 15; step++) {
                net.forward(ws, x, n, true);
                last = net.backward(ws, y);
                if (step == 0) {
                    first = last;
                }
                sgd.step(0.05);
            }
            assertTrue(last < 0.7 * first, spec.model() + ": loss went from " + first + " to " + last);
        }
    }

    @Test
    void concurrentInferenceFromTwoThreadsIsIdentical() throws Exception {
        Network net = new Network(TestNets.resnet(5), K, 4);
        trainABit(net);
        int n = 3;
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        InferenceSession ref = net.newSession();
        for (int i = 0; i < 6; i++) {
            float[] x = TestNets.randomInput(net.spec(), n, 100 + i);
            inputs.add(x);
            expected.add(ref.logits(x, n));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int offset = t;
                Callable<Boolean> job = () -> {
                    InferenceSession s = net.newSession();
                    for (int rep = 0; rep < 20; rep++) {
                        int i = (rep + offset) % inputs.size();
                        if (!java.util.Arrays.equals(s.logits(inputs.get(i), n), expected.get(i))) {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(pool.submit(job));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a thread saw logits different from the single-threaded run");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void foldedBatchNormGivesTheSameLogits() {
        for (ModelSpec spec : List.of(TestNets.nin(5), TestNets.resnet(5))) {
            Network net = new Network(spec, K, 8);
            trainABit(net); // non-trivial running statistics, gamma and beta
            Network folded = net.foldBatchNorm();
            long bnLeft = folded.spec().nodes().stream().filter(nd -> nd.op().kind().equals("bn")).count();
            assertTrue(bnLeft < spec.nodes().stream().filter(nd -> nd.op().kind().equals("bn")).count());
            float[] x = TestNets.randomInput(spec, 4, 77);
            float[] a = net.newSession().logits(x, 4);
            float[] b = folded.newSession().logits(x, 4);
            assertTrue(TestNets.maxDiff(a, b) < 1e-4 * (1 + TestNets.maxAbs(a)), TestNets.diff(spec.model(), a, b));
        }
    }

    @Test
    void evalModeIsDeterministicAcrossBatchSizesAndReusedWorkspaces() {
        Network net = new Network(TestNets.nin(5), K, 2);
        trainABit(net);
        InferenceSession s = net.newSession();
        float[] x = TestNets.randomInput(net.spec(), 4, 5);
        float[] all = s.logits(x, 4);
        float[] one = s.logits(java.util.Arrays.copyOfRange(x, 192, 384), 1); // image 1
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 5, 10), one, 1e-5f);
        assertArrayEquals(all, s.logits(x, 4));
        assertEquals(4, s.predict(x, 4).length);
    }

    @Test
    void inPlaceBuffersChangeNoGradient() {
        for (ModelSpec spec : List.of(TestNets.nin(5), TestNets.resnet(5), TestNets.plain(5))) {
            Network a = new Network(spec, K, 8);
            Network b = new Network(spec, K, 8);
            float[] x = TestNets.randomInput(spec, 3, 1);
            int[] y = TestNets.labels(3, 5, 2);
            Workspace wa = a.newWorkspace();
            Workspace wb = new Workspace(b, false);
            a.forward(wa, x, 3, true);
            b.forward(wb, x, 3, true);
            assertEquals(a.backward(wa, y), b.backward(wb, y));
            for (Parameter p : a.parameters()) {
                if (p.grad() != null) {
                    assertArrayEquals(p.grad(), b.parameter(p.name()).grad(), spec.model() + " " + p.name());
                }
            }
        }
    }

    static void trainABit(Network net) {
        Workspace ws = net.newWorkspace();
        Sgd sgd = new Sgd(net.parameters(), 0.9, 0, false);
        for (int i = 0; i < 3; i++) {
            float[] x = TestNets.randomInput(net.spec(), 6, i);
            net.forward(ws, x, 6, true);
            net.backward(ws, TestNets.labels(6, 5, i));
            sgd.step(0.05);
        }
    }
}
