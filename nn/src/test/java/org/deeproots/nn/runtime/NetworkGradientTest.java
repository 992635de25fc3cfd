package org.deeproots.nn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.spi.Kernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference check of the whole network's loss against the backward pass, on the scalar kernels.
 *
 * <p>Tolerance: the loss is computed in float (relative rounding ~1e-7 of a loss ~1.6), so a central difference
 * with step h has an absolute error ~1e-7 / h plus O(h^2) curvature terms and rare ReLU/max-pool kinks. With
 * h = 2e-3 that is ~5e-5; we require each sampled gradient within 2e-3 + 5% and the sampled vectors within 3%
 * relative in norm, which a wrong backward (a missed accumulation, a transposed weight) fails by far.
 */
class NetworkGradientTest {
    private static final Kernels SCALAR = KernelProvider.scalar();

    @ParameterizedTest
    @ValueSource(strings = {"nin", "resnet"})
    void lossGradientMatchesFiniteDifferences(String which) {
        ModelSpec spec = which.equals("nin") ? TestNets.nin(5) : TestNets.resnet(5);
        Network net = new Network(spec, SCALAR, 7);
        Workspace ws = net.newWorkspace();
        int n = 3;
        float[] x = TestNets.randomInput(spec, n, 11);
        int[] y = TestNets.labels(n, 5, 12);
        net.forward(ws, x, n, true);
        net.backward(ws, y);
        SplittableRandom r = new SplittableRandom(3);
        List<double[]> pairs = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Parameter p : net.parameters()) {
            if (!p.role().learned()) {
                continue;
            }
            float[] analytic = p.grad().clone();
            for (int k = 0; k < 3; k++) {
                int i = r.nextInt(p.size());
                float saved = p.data()[i];
                float h = 2e-3f;
                p.data()[i] = saved + h;
                double up = loss(net, ws, x, n, y);
                p.data()[i] = saved - h;
                double down = loss(net, ws, x, n, y);
                p.data()[i] = saved;
                double fd = (up - down) / (2 * h);
                pairs.add(new double[] {fd, analytic[i]});
                if (Math.abs(fd - analytic[i]) > 2e-3 + 0.05 * Math.abs(fd)) {
                    report.append(p.name()).append('[').append(i).append("] fd=").append(fd).append(" analytic=")
                            .append(analytic[i]).append('\n');
                }
            }
        }
        double num = 0;
        double den = 0;
        for (double[] pr : pairs) {
            num += (pr[0] - pr[1]) * (pr[0] - pr[1]);
            den += pr[1] * pr[1];
        }
        assertTrue(den > 1e-8, "gradients are all ~0: the check would be vacuous");
        assertTrue(Math.sqrt(num / den) < 0.03, which + ": relative error " + Math.sqrt(num / den) + "\n" + report);
        assertTrue(report.length() == 0 || report.toString().lines().count() <= 2, which + ":\n" + report);
    }

    private static double loss(Network net, Workspace ws, float[] x, int n, int[] y) {
        net.forward(ws, x, n, true);
        return net.loss(ws, y);
    }

    @Test
    void sameSeedSameWeightsAndOutputs() {
        Network a = new Network(TestNets.resnet(5), SCALAR, 5);
        Network b = new Network(TestNets.resnet(5), SCALAR, 5);
        Network c = new Network(TestNets.resnet(5), SCALAR, 6);
        assertArrayEquals(a.parameter("b2.weight").data(), b.parameter("b2.weight").data());
        assertTrue(TestNets.maxDiff(a.parameter("b2.weight").data(), c.parameter("b2.weight").data()) > 0);
        float[] x = TestNets.randomInput(a.spec(), 2, 1);
        assertArrayEquals(a.newSession().logits(x, 2), b.newSession().logits(x, 2));
    }

    @Test
    void heInitUsesGroupedFanIn() {
        // b2: 8 -> 8, 3x3, groups 4: fanIn = 8/4*9 = 18, std sqrt(2/18) = 0.333
        Network net = new Network(TestNets.resnet(5), SCALAR, 1);
        float[] w = net.parameter("b2.weight").data();
        assertEquals(8 * 2 * 9, w.length);
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        assertEquals(Math.sqrt(2.0 / 18), Math.sqrt(sq / w.length), 0.08);
    }

    @Test
    void rejectsWrongInputAndLabels() {
        Network net = new Network(TestNets.nin(5), SCALAR, 1);
        Workspace ws = net.newWorkspace();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(ws, new float[10], 2, false));
        assertTrue(e.getMessage().contains("384"), e.getMessage());
        net.forward(ws, TestNets.randomInput(net.spec(), 2, 1), 2, true);
        assertThrows(IllegalArgumentException.class, () -> net.backward(ws, new int[3]));
    }
}
