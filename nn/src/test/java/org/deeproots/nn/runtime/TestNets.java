package org.deeproots.nn.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;

/** Small hand-built specs with root (grouped) convolutions for the runtime tests. */
final class TestNets {
    private TestNets() {
    }

    /**
     * NiN-like, with root groups and a two-branch concat (a node read by two layers):
     * 3x8x8 -> conv 3x3 (8) -> conv 1x1 g4 (8) -> max pool -> [1x1 g2 (4) | 3x3 g4 (4)] concat -> conv 1x1 (5) -> GAP.
     */
    static ModelSpec nin(int classes) {
        List<Node> n = new ArrayList<>();
        n.add(Node.of("conv1", new Op.Conv(3, 8, 3, 1, 1, 1, true), ModelSpec.INPUT));
        n.add(Node.of("bn1", new Op.BatchNorm(8), "conv1"));
        n.add(Node.of("relu1", new Op.ReLU(), "bn1"));
        n.add(Node.of("cccp1", new Op.Conv(8, 8, 1, 1, 0, 4, true), "relu1"));
        n.add(Node.of("bn2", new Op.BatchNorm(8), "cccp1"));
        n.add(Node.of("relu2", new Op.ReLU(), "bn2"));
        n.add(Node.of("pool1", new Op.Pool(true, 3, 2, 0, true), "relu2"));           // 8 x 4 x 4
        n.add(Node.of("branchA", new Op.Conv(8, 4, 1, 1, 0, 2, false), "pool1"));
        n.add(Node.of("branchB", new Op.Conv(8, 4, 3, 1, 1, 4, false), "pool1"));
        n.add(Node.of("bnB", new Op.BatchNorm(4), "branchB"));
        n.add(Node.of("cat", new Op.Concat(), "branchA", "bnB"));                       // 8 x 4 x 4
        n.add(Node.of("relu3", new Op.ReLU(), "cat"));
        n.add(Node.of("pool2", new Op.Pool(false, 3, 2, 1, true), "relu3"));          // 8 x 2 x 2
        n.add(Node.of("cccp2", new Op.Conv(8, classes, 1, 1, 0, 1, true), "pool2"));
        n.add(Node.of("gap", new Op.GlobalAvgPool(), "cccp2"));
        return new ModelSpec("tiny-nin", "root-4", new int[] {3, 8, 8}, classes, n);
    }

    /** Convolutions each followed straight by a ReLU (no batch norm): the ReLUs are fused in training too. */
    static ModelSpec plain(int classes) {
        List<Node> n = new ArrayList<>();
        n.add(Node.of("conv1", new Op.Conv(3, 8, 3, 1, 1, 1, true), ModelSpec.INPUT));
        n.add(Node.of("relu1", new Op.ReLU(), "conv1"));
        n.add(Node.of("conv2", new Op.Conv(8, 8, 3, 1, 1, 4, false), "relu1"));
        n.add(Node.of("relu2", new Op.ReLU(), "conv2"));
        n.add(Node.of("conv3", new Op.Conv(8, classes, 1, 1, 0, 1, true), "relu2"));
        n.add(Node.of("relu3", new Op.ReLU(), "conv3"));
        n.add(Node.of("gap", new Op.GlobalAvgPool(), "relu3"));
        return new ModelSpec("tiny-plain", "orig", new int[] {3, 8, 8}, classes, n);
    }

    /** ResNet-like: stem, an identity bottleneck with a grouped 3x3, a strided projection block, GAP, linear. */
    static ModelSpec resnet(int classes) {
        List<Node> n = new ArrayList<>();
        n.add(Node.of("stem", new Op.Conv(3, 8, 3, 1, 1, 1, false), ModelSpec.INPUT));
        n.add(Node.of("stem_bn", new Op.BatchNorm(8), "stem"));
        n.add(Node.of("stem_relu", new Op.ReLU(), "stem_bn"));                         // 8 x 8 x 8
        n.add(Node.of("a1", new Op.Conv(8, 4, 1, 1, 0, 1, false), "stem_relu"));
        n.add(Node.of("a1_bn", new Op.BatchNorm(4), "a1"));
        n.add(Node.of("a1_relu", new Op.ReLU(), "a1_bn"));
        n.add(Node.of("a2", new Op.Conv(4, 4, 3, 1, 1, 2, false), "a1_relu"));
        n.add(Node.of("a2_bn", new Op.BatchNorm(4), "a2"));
        n.add(Node.of("a2_relu", new Op.ReLU(), "a2_bn"));
        n.add(Node.of("a3", new Op.Conv(4, 8, 1, 1, 0, 1, false), "a2_relu"));
        n.add(Node.of("a3_bn", new Op.BatchNorm(8), "a3"));
        n.add(Node.of("a_add", new Op.Add(), "stem_relu", "a3_bn"));
        n.add(Node.of("a_relu", new Op.ReLU(), "a_add"));                               // 8 x 8 x 8
        n.add(Node.of("b_proj", new Op.Conv(8, 16, 1, 2, 0, 1, false), "a_relu"));
        n.add(Node.of("b_proj_bn", new Op.BatchNorm(16), "b_proj"));
        n.add(Node.of("b1", new Op.Conv(8, 8, 1, 1, 0, 1, false), "a_relu"));
        n.add(Node.of("b1_bn", new Op.BatchNorm(8), "b1"));
        n.add(Node.of("b1_relu", new Op.ReLU(), "b1_bn"));
        n.add(Node.of("b2", new Op.Conv(8, 8, 3, 2, 1, 4, false), "b1_relu"));
        n.add(Node.of("b2_bn", new Op.BatchNorm(8), "b2"));
        n.add(Node.of("b2_relu", new Op.ReLU(), "b2_bn"));
        n.add(Node.of("b3", new Op.Conv(8, 16, 1, 1, 0, 1, false), "b2_relu"));
        n.add(Node.of("b3_bn", new Op.BatchNorm(16), "b3"));
        n.add(Node.of("b_add", new Op.Add(), "b_proj_bn", "b3_bn"));
        n.add(Node.of("b_relu", new Op.ReLU(), "b_add"));                               // 16 x 4 x 4
        n.add(Node.of("gap", new Op.GlobalAvgPool(), "b_relu"));
        n.add(Node.of("drop", new Op.Dropout(0.0), "gap"));
        n.add(Node.of("fc", new Op.Linear(16, classes), "drop"));
        return new ModelSpec("tiny-resnet", "root-2", new int[] {3, 8, 8}, classes, n);
    }

    static float[] randomInput(ModelSpec spec, int n, long seed) {
        int[] s = spec.input();
        float[] x = new float[n * s[0] * s[1] * s[2]];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    static int[] labels(int n, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        return y;
    }

    /** Max |a - b| and a description of the first values, for assertion messages. */
    static String diff(String label, float[] a, float[] b) {
        double max = 0;
        int at = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            if (d > max || Double.isNaN(d)) {
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                at = i;
            }
        }
        StringBuilder sb = new StringBuilder(label + ": max diff " + max + " at " + at + "; first values ");
        for (int i = 0; i < Math.min(4, a.length); i++) {
            sb.append(a[i]).append('/').append(b[i]).append(' ');
        }
        return sb.toString();
    }

    static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]);
            max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
        }
        return max;
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
