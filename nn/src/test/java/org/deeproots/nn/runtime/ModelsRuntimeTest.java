package org.deeproots.nn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Models;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.spi.Kernels;
import org.junit.jupiter.api.Test;

/** Every registered model and variant instantiates into a runnable network (small inputs keep it quick). */
class ModelsRuntimeTest {
    private static final Kernels K = KernelProvider.kernels();

    @Test
    void everyNiNVariantTrainsAStep() {
        for (String variant : Models.variants("nin")) {
            check(Models.create("nin", variant, new int[] {3, 8, 8}, 7));
        }
    }

    @Test
    void resnetAndGoogLeNetRootVariantsRunForwardAndBackward() {
        // ResNet-101/152/200 differ from ResNet-50 only in blocks per stage (same code paths), so they are left
        // out to keep this quick (their specs are checked by the model tests), and so is ResNet-50 orig (its
        // dense layers are covered by NiN orig)
        check(Models.create("resnet50", "root-64", new int[] {3, 32, 32}, 7));
        check(Models.create("googlenet", "root-4", new int[] {3, 64, 64}, 7));
    }

    private static void check(ModelSpec spec) {
        String what = spec.model() + " " + spec.variant();
        Network net = new Network(spec, K, 1);
        assertEquals(spec.params(), countedParams(net), what + ": parameter count");
        Workspace ws = net.newWorkspace();
        float[] x = TestNets.randomInput(spec, 2, 1);
        float[] logits = net.forward(ws, x, 2, true);
        assertEquals(14, logits.length);
        float loss = net.backward(ws, new int[] {1, 6});
        assertTrue(Float.isFinite(loss), what + ": loss " + loss);
        Network folded = net.foldBatchNorm();
        float[] eval = folded.newSession().logits(x, 2);
        for (float v : eval) {
            assertTrue(Float.isFinite(v), what + ": eval logits not finite");
        }
        // the inference buffer plan (reuse by liveness, in-place ReLU/add) changes nothing
        float[] unplanned = folded.forward(new Workspace(folded, false), x, 2, false);
        org.junit.jupiter.api.Assertions.assertArrayEquals(unplanned, eval, what + ": buffer reuse changed logits");
    }

    /** Conv/linear weights and biases: what the cost model counts (batch norm excluded). */
    private static long countedParams(Network net) {
        long s = 0;
        for (Parameter p : net.parameters()) {
            if (p.role() == Parameter.Role.WEIGHT || p.role() == Parameter.Role.BIAS) {
                s += p.size();
            }
        }
        return s;
    }
}
