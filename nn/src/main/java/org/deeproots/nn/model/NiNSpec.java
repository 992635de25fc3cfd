package org.deeproots.nn.model;

import java.util.Arrays;

/**
 * Network-in-Network for CIFAR-10 as data: the filter groups of its nine convolutions and the dropout rate.
 *
 * <p>Layers, in order: conv1a 5x5/192, conv1b 1x1/160, conv1c 1x1/96, conv2a 5x5/192, conv2b 1x1/192,
 * conv2c 1x1/192, conv3a 3x3/192, conv3b 1x1/192, conv3c 1x1/classes (paper.md section 2.1). Group counts come from
 * the paper's table "Network-in-Network. Filter groups in each convolutional layer" (paper.md section 2.2); only the
 * spatial convs conv2a and conv3a are ever grouped.
 *
 * @param variant variant id, e.g. {@code root-8}
 * @param groups  filter groups of the nine convs, in the order above
 * @param dropout drop probability after pool1 and pool2 (as Caffe's NiN); 0 = no dropout layers (the paper's
 *                setting: "having found it to have little effect")
 */
public record NiNSpec(String variant, int[] groups, double dropout) {
    /** Layer names, in order. */
    static final String[] NAMES = {"conv1a", "conv1b", "conv1c", "conv2a", "conv2b", "conv2c", "conv3a", "conv3b",
        "conv3c"};
    static final int CONV2A = 3;
    static final int CONV3A = 6;

    public NiNSpec {
        groups = groups.clone();
        if (groups.length != NAMES.length) {
            throw new IllegalArgumentException("nin " + variant + ": groups needs " + NAMES.length
                    + " entries (one per conv), got " + groups.length);
        }
        for (int i = 0; i < groups.length; i++) {
            if (groups[i] < 1) {
                throw new IllegalArgumentException("nin " + variant + ", layer " + NAMES[i]
                        + ": groups must be at least 1, got " + groups[i]);
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("nin " + variant + ": dropout must be in [0, 1), got " + dropout);
        }
    }

    @Override
    public int[] groups() {
        return groups.clone();
    }

    /** The standard network: no groups anywhere. */
    public static NiNSpec orig() {
        return new NiNSpec("orig", new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, 0);
    }

    /** root-N (groups decrease with depth): conv2a N groups, conv3a N/2 (at least 1); paper.md table 2.2. */
    public static NiNSpec root(int n) {
        GraphBuilder.requirePositive("nin root-" + n, n);
        return withSpatial("root-" + n, n, GraphBuilder.halved(n, 1));
    }

    /** tree-N (groups increase with depth): conv2a N, conv3a 2N; derived in paper.md section 2.2. */
    public static NiNSpec tree(int n) {
        GraphBuilder.requirePositive("nin tree-" + n, n);
        return withSpatial("tree-" + n, n, 2 * n);
    }

    /** col-N (constant groups): conv2a N, conv3a N; derived in paper.md section 2.2. */
    public static NiNSpec col(int n) {
        GraphBuilder.requirePositive("nin col-" + n, n);
        return withSpatial("col-" + n, n, n);
    }

    private static NiNSpec withSpatial(String variant, int conv2a, int conv3a) {
        int[] g = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        g[CONV2A] = conv2a;
        g[CONV3A] = conv3a;
        return new NiNSpec(variant, g, 0);
    }

    /** The same groups with dropout p after pool1 and pool2. */
    public NiNSpec withDropout(double p) {
        return new NiNSpec(variant, groups, p);
    }

    /** Builds the graph for a per-sample input {C, H, W} and a number of classes. */
    public ModelSpec build(int[] input, int classes) {
        return NiN.build(this, input, classes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NiNSpec s && s.variant.equals(variant) && Arrays.equals(s.groups, groups)
                && Double.compare(s.dropout, dropout) == 0;
    }

    @Override
    public int hashCode() {
        return variant.hashCode() * 31 + Arrays.hashCode(groups) + Double.hashCode(dropout);
    }

    @Override
    public String toString() {
        return "NiNSpec[variant=" + variant + ", groups=" + Arrays.toString(groups) + ", dropout=" + dropout + "]";
    }
}
