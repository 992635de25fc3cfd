package org.deeproots.nn.model;

/**
 * Builds residual networks (He et al. 2015) from a {@link ResNetSpec}, with Caffe-style layer names
 * ({@code conv1}, {@code res2a_branch2b}, {@code bn2a_branch2b}, {@code res4b12}...).
 *
 * <pre>
 * input   N x 3 x 224 x 224
 * conv1   7x7/64 stride 2 pad 3 (with bias), BN, ReLU  N x 64 x 112 x 112
 * pool1   max 3x3 stride 2                             N x 64 x 56 x 56
 * res2    N x 256 x 56 x 56     (bottleneck; basic: 64)
 * res3    N x 512 x 28 x 28
 * res4    N x 1024 x 14 x 14
 * res5    N x 2048 x 7 x 7
 * pool5   global average                               N x 2048
 * fc      2048 -> classes
 * </pre>
 *
 * <p>Each conv is followed by BN; ReLU after every BN except the last of a block, whose sum with the shortcut is
 * followed by ReLU (the original post-activation block). The first block of every stage has a projection shortcut
 * (1x1 conv + BN, stride as the block); later blocks use the identity. Only conv1 has a bias, as in the paper's
 * parameter counts (paper.md "Standard counts"). Choices the paper does not fix:
 * <ul>
 * <li>fb.resnet.torch's published ResNet-200 is the pre-activation variant; we build ResNet-200 post-activation
 *     like the others. Parameters and multiply-adds (BN not counted) are the same either way.</li>
 * <li>pool5 is a global average pool (Caffe's is 7x7 average, equal at 224x224 input), so smaller inputs work.</li>
 * </ul>
 */
public final class ResNet {
    private ResNet() {
    }

    /** The graph of a ResNet spec for a per-sample input {C, H, W}. */
    public static ModelSpec build(ResNetSpec spec, int[] input, int classes) {
        GraphBuilder.checkInput(spec.model(), input, classes);
        GraphBuilder g = new GraphBuilder(spec.model(), spec.variant());
        boolean caffe = spec.layout() == ResNetSpec.Layout.CAFFE;
        String x = g.convBnRelu("conv1", "bn_conv1", "conv1_relu", ModelSpec.INPUT, input[0], 64, 7, 2, 3, 1, true);
        // Caffe: 3x3/2 ceil mode, no padding; torch: 3x3/2 pad 1 floor mode (both 112 -> 56)
        x = g.add("pool1", caffe ? new Op.Pool(true, 3, 2, 0, true) : new Op.Pool(true, 3, 2, 1, false), x);
        int c = 64;
        int[] blocks = spec.blocksPerStage();
        int[] widths = spec.widthPerStage();
        int[] groups = spec.groupsPerStage();
        boolean deep = false;
        for (int b : blocks) {
            deep |= b > 6;
        }
        for (int s = 0; s < blocks.length; s++) {
            int stage = s + 2;
            int out = widths[s] * spec.block().expansion();
            for (int i = 0; i < blocks[s]; i++) {
                String id = "" + stage + blockName(i, deep && blocks[s] > 3);
                int stride = (i == 0 && s > 0) ? 2 : 1;
                boolean project = i == 0 && (stride != 1 || c != out);
                x = spec.block() == ResNetSpec.BlockKind.BOTTLENECK
                        ? bottleneck(g, id, x, c, widths[s], out, stride, groups[s], caffe, project)
                        : basic(g, id, x, c, out, stride, groups[s], project);
                c = out;
            }
        }
        x = g.add("pool5", new Op.GlobalAvgPool(), x); // N x c
        g.add("fc", new Op.Linear(c, classes), x); // N x classes
        return g.build(input, classes);
    }

    /** Caffe names: a, b, c... or, in deep nets' long stages, a, b1, b2... (MSRA's ResNet-101/152 release). */
    private static String blockName(int i, boolean numbered) {
        if (i == 0) {
            return "a";
        }
        if (numbered) {
            return "b" + i;
        }
        if (i >= 26) {
            throw new IllegalArgumentException("more than 26 blocks in a stage need numbered names");
        }
        return String.valueOf((char) ('a' + i));
    }

    private static String bottleneck(GraphBuilder g, String id, String x, int in, int width, int out, int stride,
            int groups, boolean caffe, boolean project) {
        String shortcut = x;
        if (project) {
            String p = g.conv("res" + id + "_branch1", x, in, out, 1, stride, 0, 1, false);
            shortcut = g.add("bn" + id + "_branch1", new Op.BatchNorm(out), p);
        }
        String y = g.convBnRelu("res" + id + "_branch2a", "bn" + id + "_branch2a", "res" + id + "_branch2a_relu", x,
                in, width, 1, caffe ? stride : 1, 0, 1, false);
        y = g.convBnRelu("res" + id + "_branch2b", "bn" + id + "_branch2b", "res" + id + "_branch2b_relu", y,
                width, width, 3, caffe ? 1 : stride, 1, groups, false);
        y = g.conv("res" + id + "_branch2c", y, width, out, 1, 1, 0, 1, false);
        y = g.add("bn" + id + "_branch2c", new Op.BatchNorm(out), y);
        y = g.add("res" + id, new Op.Add(), y, shortcut);
        return g.add("res" + id + "_relu", new Op.ReLU(), y);
    }

    private static String basic(GraphBuilder g, String id, String x, int in, int out, int stride, int groups,
            boolean project) {
        String shortcut = x;
        if (project) {
            String p = g.conv("res" + id + "_branch1", x, in, out, 1, stride, 0, 1, false);
            shortcut = g.add("bn" + id + "_branch1", new Op.BatchNorm(out), p);
        }
        // a basic block has no 1x1 to follow a grouped 3x3, so only its first 3x3 is grouped
        String y = g.convBnRelu("res" + id + "_branch2a", "bn" + id + "_branch2a", "res" + id + "_branch2a_relu", x,
                in, out, 3, stride, 1, groups, false);
        y = g.conv("res" + id + "_branch2b", y, out, out, 3, 1, 1, 1, false);
        y = g.add("bn" + id + "_branch2b", new Op.BatchNorm(out), y);
        y = g.add("res" + id, new Op.Add(), y, shortcut);
        return g.add("res" + id + "_relu", new Op.ReLU(), y);
    }
}
