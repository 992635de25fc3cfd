package org.deeproots.nn.model;

/**
 * Builds GoogLeNet (Inception v1) from a {@link GoogLeNetSpec}, with Caffe's layer names
 * ({@code conv1/7x7_s2}, {@code inception_3a/3x3}, {@code loss3/classifier}...).
 *
 * <pre>
 * input          N x 3 x 224 x 224
 * conv1/7x7_s2   7x7/64 stride 2 pad 3          N x 64 x 112 x 112
 * pool1/3x3_s2   max 3x3/2 ceil                 N x 64 x 56 x 56
 * conv2/3x3_reduce 1x1/64, conv2/3x3 3x3/192    N x 192 x 56 x 56
 * pool2/3x3_s2                                  N x 192 x 28 x 28
 * inception_3a, 3b                              N x 480 x 28 x 28
 * pool3/3x3_s2                                  N x 480 x 14 x 14
 * inception_4a .. 4e                            N x 832 x 14 x 14
 * pool4/3x3_s2                                  N x 832 x 7 x 7
 * inception_5a, 5b                              N x 1024 x 7 x 7
 * pool5/7x7_s1   global average                 N x 1024
 * dropout 0.4, loss3/classifier 1024 -> classes
 * </pre>
 *
 * <p>Every conv has a bias (as the paper's counts) and is followed by BN and ReLU (the paper trains GoogLeNet with
 * BN). Departures: the two LRN layers of the original are omitted (BN replaces them; they have no parameters or
 * multiply-adds); pool5 is a global average pool (equal to Caffe's 7x7 average at 224x224). Max pools use Caffe's
 * ceil mode. Auxiliary heads, when switched on, are side branches ending in {@code loss1/classifier} and
 * {@code loss2/classifier}; the graph's output stays {@code loss3/classifier}.
 */
public final class GoogLeNet {
    private GoogLeNet() {
    }

    /** The graph of a GoogLeNet spec for a per-sample input {C, H, W} (at least about 48x48). */
    public static ModelSpec build(GoogLeNetSpec spec, int[] input, int classes) {
        GraphBuilder.checkInput("googlenet", input, classes);
        GraphBuilder g = new GraphBuilder("googlenet", spec.variant());
        String x = g.convBnRelu("conv1/7x7_s2", "conv1/7x7_s2_bn", "conv1/relu_7x7", ModelSpec.INPUT, input[0], 64,
                7, 2, 3, 1, true);
        x = g.add("pool1/3x3_s2", new Op.Pool(true, 3, 2, 0, true), x); // N x 64 x 56 x 56
        x = g.convBnRelu("conv2/3x3_reduce", "conv2/3x3_reduce_bn", "conv2/relu_3x3_reduce", x, 64, 64, 1, 1, 0, 1,
                true);
        x = g.convBnRelu("conv2/3x3", "conv2/3x3_bn", "conv2/relu_3x3", x, 64, 192, 3, 1, 1, spec.conv2Groups(),
                true);
        x = g.add("pool2/3x3_s2", new Op.Pool(true, 3, 2, 0, true), x); // N x 192 x 28 x 28
        int c = 192;
        for (InceptionSpec m : spec.modules()) {
            if (m.in() != c) {
                throw new IllegalArgumentException("googlenet " + spec.variant() + ", " + m.name() + ": expects "
                        + m.in() + " input channels, the previous layer gives " + c);
            }
            x = inception(g, m, x);
            c = m.out();
            if (m.name().equals("inception_3b")) {
                x = g.add("pool3/3x3_s2", new Op.Pool(true, 3, 2, 0, true), x); // N x 480 x 14 x 14
            } else if (m.name().equals("inception_4e")) {
                x = g.add("pool4/3x3_s2", new Op.Pool(true, 3, 2, 0, true), x); // N x 832 x 7 x 7
            }
            if (spec.auxHeads() && m.name().equals("inception_4a")) {
                auxHead(g, "loss1", x, c, input, classes);
            } else if (spec.auxHeads() && m.name().equals("inception_4d")) {
                auxHead(g, "loss2", x, c, input, classes);
            }
        }
        x = g.add("pool5/7x7_s1", new Op.GlobalAvgPool(), x); // N x 1024
        if (spec.dropout() > 0) {
            x = g.add("pool5/drop_7x7_s1", new Op.Dropout(spec.dropout()), x);
        }
        g.add("loss3/classifier", new Op.Linear(c, classes), x); // N x classes
        return g.build(input, classes);
    }

    /** Auxiliary classifier (Caffe's loss1/loss2 towers): avg 5x5/3, 1x1/128, fc 1024, dropout 0.7, fc. */
    private static void auxHead(GraphBuilder g, String n, String x, int c, int[] input, int classes) {
        String p = g.add(n + "/ave_pool", new Op.Pool(false, 5, 3, 0, true), x); // N x c x 4 x 4 at 224
        String y = g.convBnRelu(n + "/conv", n + "/conv_bn", n + "/relu_conv", p, c, 128, 1, 1, 0, 1, true);
        int[] s = g.shapeOf(y, input, classes);
        y = g.add(n + "/fc", new Op.Linear(s[0] * s[1] * s[2], 1024), y);
        y = g.add(n + "/relu_fc", new Op.ReLU(), y);
        y = g.add(n + "/drop_fc", new Op.Dropout(0.7), y);
        g.add(n + "/classifier", new Op.Linear(1024, classes), y);
    }

    private static String inception(GraphBuilder g, InceptionSpec m, String x) {
        String n = m.name() + "/";
        String b1 = g.convBnRelu(n + "1x1", n + "1x1_bn", n + "relu_1x1", x, m.in(), m.c1x1(), 1, 1, 0, 1, true);
        String b2 = g.convBnRelu(n + "3x3_reduce", n + "3x3_reduce_bn", n + "relu_3x3_reduce", x, m.in(),
                m.c3x3red(), 1, 1, 0, 1, true);
        b2 = g.convBnRelu(n + "3x3", n + "3x3_bn", n + "relu_3x3", b2, m.c3x3red(), m.c3x3(), 3, 1, 1, m.groups(),
                true);
        String b3 = g.convBnRelu(n + "5x5_reduce", n + "5x5_reduce_bn", n + "relu_5x5_reduce", x, m.in(),
                m.c5x5red(), 1, 1, 0, 1, true);
        b3 = g.convBnRelu(n + "5x5", n + "5x5_bn", n + "relu_5x5", b3, m.c5x5red(), m.c5x5(), 5, 1, 2, m.groups(),
                true);
        String b4 = g.add(n + "pool", new Op.Pool(true, 3, 1, 1, true), x);
        b4 = g.convBnRelu(n + "pool_proj", n + "pool_proj_bn", n + "relu_pool_proj", b4, m.in(), m.poolProj(), 1, 1,
                0, 1, true);
        return g.add(n + "output", new Op.Concat(), b1, b2, b3, b4);
    }
}
