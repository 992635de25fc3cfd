package org.deeproots.nn.model;

/**
 * Builds Network-in-Network (Lin et al. 2014) for CIFAR-10 as used by Deep Roots (paper.md section 2.1).
 *
 * <pre>
 * input   N x 3 x 32 x 32
 * conv1a  5x5/192 pad 2, conv1b 1x1/160, conv1c 1x1/96      N x 96 x 32 x 32
 * pool1   max 3x3 stride 2, ceil mode                       N x 96 x 16 x 16
 * conv2a  5x5/192 pad 2, conv2b 1x1/192, conv2c 1x1/192     N x 192 x 16 x 16
 * pool2   avg 3x3 stride 2, ceil mode                       N x 192 x 8 x 8
 * conv3a  3x3/192 pad 1, conv3b 1x1/192, conv3c 1x1/classes N x classes x 8 x 8
 * pool3   global average                                    N x classes
 * </pre>
 *
 * <p>Departures and choices, each because the paper does not say:
 * <ul>
 * <li>Pooling types are not stated in the paper; we follow Caffe's NiN CIFAR-10 model (max 3x3/2 after conv1c,
 *     average 3x3/2 after conv2c, both ceil mode, then global average pooling). Any stride-2 pool gives the
 *     paper's 32/16/8 sizes, and pooling is not counted in the cost model.</li>
 * <li>Every conv has a bias (as the paper's parameter counts) and is followed by BN and ReLU (the paper trains
 *     with BN), except conv3c: it produces the class scores, so it has neither BN nor ReLU (Caffe's NiN has a
 *     ReLU there; logits that cannot go negative train worse with softmax).</li>
 * <li>No dropout unless the spec asks for it (the paper: no dropout).</li>
 * </ul>
 */
public final class NiN {
    /** Output channels of conv1a..conv3b; conv3c outputs the class count. */
    private static final int[] WIDTH = {192, 160, 96, 192, 192, 192, 192, 192};
    private static final int[] KERNEL = {5, 1, 1, 5, 1, 1, 3, 1, 1};

    private NiN() {
    }

    /** The graph of a NiN spec for a per-sample input {C, H, W}, e.g. {3, 32, 32} or Fashion-MNIST's {1, 28, 28}. */
    public static ModelSpec build(NiNSpec spec, int[] input, int classes) {
        GraphBuilder.checkInput("nin", input, classes);
        int[] groups = spec.groups();
        GraphBuilder g = new GraphBuilder("nin", spec.variant());
        String x = ModelSpec.INPUT;
        int c = input[0];
        for (int i = 0; i < NiNSpec.NAMES.length; i++) {
            String name = NiNSpec.NAMES[i];
            int out = i < WIDTH.length ? WIDTH[i] : classes;
            int k = KERNEL[i];
            if (i == NiNSpec.NAMES.length - 1) {
                // conv3c: class scores, no BN/ReLU (see class javadoc)
                x = g.conv(name, x, c, out, k, 1, k / 2, groups[i], true);
            } else {
                x = g.convBnRelu(name, name + "_bn", name + "_relu", x, c, out, k, 1, k / 2, groups[i], true);
            }
            c = out;
            if (name.equals("conv1c")) {
                x = g.add("pool1", new Op.Pool(true, 3, 2, 0, true), x); // N x 96 x 16 x 16
                if (spec.dropout() > 0) {
                    x = g.add("drop1", new Op.Dropout(spec.dropout()), x);
                }
            } else if (name.equals("conv2c")) {
                x = g.add("pool2", new Op.Pool(false, 3, 2, 0, true), x); // N x 192 x 8 x 8
                if (spec.dropout() > 0) {
                    x = g.add("drop2", new Op.Dropout(spec.dropout()), x);
                }
            }
        }
        g.add("pool3", new Op.GlobalAvgPool(), x); // N x classes
        return g.build(input, classes);
    }
}
