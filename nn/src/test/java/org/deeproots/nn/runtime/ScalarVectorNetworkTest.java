package org.deeproots.nn.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.spi.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector kernels path matches the scalar path tensor by tensor: every forward activation and every
 * parameter gradient of one training step. The tolerance is relative to each tensor's magnitude (the two
 * differ in summation order only; batch norm's division by a small batch variance amplifies that a little).
 */
class ScalarVectorNetworkTest {

    @ParameterizedTest
    @ValueSource(strings = {"nin", "resnet"})
    void vectorMatchesScalarTensorByTensor(String which) {
        int bits = KernelProvider.vectorBitSize();
        assumeTrue(bits > 0, "no vector kernels on this JVM/CPU");
        Kernels vector = KernelProvider.vector(bits);
        ModelSpec spec = which.equals("nin") ? TestNets.nin(5) : TestNets.resnet(5);
        Network s = new Network(spec, KernelProvider.scalar(), 21);
        Network v = new Network(spec, vector, 21);
        Workspace sw = s.newWorkspace();
        Workspace vw = v.newWorkspace();
        int n = 4;
        float[] x = TestNets.randomInput(spec, n, 5);
        int[] y = TestNets.labels(n, 5, 6);
        s.forward(sw, x, n, true);
        v.forward(vw, x, n, true);
        StringBuilder bad = new StringBuilder();
        for (Node node : spec.nodes()) {
            check(bad, "activation " + node.name(), s.activation(sw, node.name()), v.activation(vw, node.name()));
        }
        s.backward(sw, y);
        v.backward(vw, y);
        for (Parameter p : s.parameters()) {
            check(bad, p.name(), p.data(), v.parameter(p.name()).data());
            if (p.grad() != null) {
                check(bad, "grad " + p.name(), p.grad(), v.parameter(p.name()).grad());
            }
        }
        assertTrue(bad.length() == 0, vector.name() + " vs scalar, " + which + ":\n" + bad);
    }

    private static void check(StringBuilder bad, String label, float[] a, float[] b) {
        double tol = 1e-5 + 1e-4 * TestNets.maxAbs(a);
        if (a.length != b.length || TestNets.maxDiff(a, b) > tol) {
            bad.append(TestNets.diff(label, a, b)).append(" (tolerance ").append(tol).append(")\n");
        }
    }
}
