package org.deeproots.nn.model;

import java.util.List;

/**
 * One operation of a model graph, as data. Each op knows its output shape (C, H, W per sample, or (F) for
 * flat features) from its inputs' shapes, and its parameter count and multiply-adds (1 multiply-add = 1 FLOP,
 * the paper's convention).
 */
public sealed interface Op {

    /** Output shape per sample (without the batch dimension) from the inputs' per-sample shapes. */
    int[] outShape(List<int[]> in);

    /** Learned parameters counted by the cost model (conv/linear weights and biases; BN is not counted). */
    default long params() {
        return 0;
    }

    /** Multiply-adds per sample for an output of the given per-sample shape (conv and linear only). */
    default long multiplyAdds(int[] out) {
        return 0;
    }

    /** Short kind name for tables: conv, bn, relu, maxpool, avgpool, gap, linear, dropout, concat, add. */
    String kind();

    /** Groups for tables (1 where not applicable). */
    default int groups() {
        return 1;
    }

    /** Convolution with filter groups; weight (outChannels, inChannels/groups, kernel, kernel). */
    record Conv(int inChannels, int outChannels, int kernel, int stride, int padding, int groups, boolean bias)
            implements Op {
        public Conv {
            if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
                throw new IllegalArgumentException("groups=" + groups + " must divide inChannels=" + inChannels
                        + " and outChannels=" + outChannels);
            }
        }

        @Override
        public int[] outShape(List<int[]> in) {
            int[] s = Shapes.single(in, "conv");
            Shapes.requireChannels(s, inChannels, "conv");
            int oh = (s[1] + 2 * padding - kernel) / stride + 1;
            int ow = (s[2] + 2 * padding - kernel) / stride + 1;
            if (s[1] + 2 * padding < kernel || s[2] + 2 * padding < kernel) {
                throw new IllegalArgumentException("input " + s[1] + "x" + s[2] + " too small for a " + kernel + "x"
                        + kernel + " conv with padding " + padding);
            }
            return new int[] {outChannels, oh, ow};
        }

        @Override
        public long params() {
            return (long) outChannels * (inChannels / groups) * kernel * kernel + (bias ? outChannels : 0);
        }

        @Override
        public long multiplyAdds(int[] out) {
            return (long) out[0] * out[1] * out[2] * (inChannels / groups) * kernel * kernel;
        }

        @Override
        public String kind() {
            return "conv";
        }
    }

    /** Batch normalisation with learned scale and shift (not counted in params, as in the paper). */
    record BatchNorm(int channels) implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            int[] s = Shapes.single(in, "bn");
            Shapes.requireChannels(s, channels, "bn");
            return s;
        }

        @Override
        public String kind() {
            return "bn";
        }
    }

    record ReLU() implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            return Shapes.single(in, "relu");
        }

        @Override
        public String kind() {
            return "relu";
        }
    }

    /** Max or average pooling; ceilMode rounds the output size up (Caffe). */
    record Pool(boolean max, int kernel, int stride, int padding, boolean ceilMode) implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            int[] s = Shapes.single(in, kind());
            if (s[1] + 2 * padding < kernel || s[2] + 2 * padding < kernel) {
                throw new IllegalArgumentException("input " + s[1] + "x" + s[2] + " too small for a " + kernel + "x"
                        + kernel + " " + kind() + " with padding " + padding);
            }
            return new int[] {s[0], Shapes.poolOut(s[1], kernel, stride, padding, ceilMode),
                    Shapes.poolOut(s[2], kernel, stride, padding, ceilMode)};
        }

        @Override
        public String kind() {
            return max ? "maxpool" : "avgpool";
        }
    }

    /** Global average pooling: (C, H, W) to (C). */
    record GlobalAvgPool() implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            int[] s = Shapes.single(in, "gap");
            return new int[] {s[0]};
        }

        @Override
        public String kind() {
            return "gap";
        }
    }

    /** Fully connected layer over the flattened input; weight (outFeatures, inFeatures) and a bias. */
    record Linear(int inFeatures, int outFeatures) implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            int[] s = Shapes.single(in, "linear");
            long f = Shapes.product(s);
            if (f != inFeatures) {
                throw new IllegalArgumentException("linear: expected " + inFeatures + " input features, got " + f);
            }
            return new int[] {outFeatures};
        }

        @Override
        public long params() {
            return (long) inFeatures * outFeatures + outFeatures;
        }

        @Override
        public long multiplyAdds(int[] out) {
            return (long) inFeatures * outFeatures;
        }

        @Override
        public String kind() {
            return "linear";
        }
    }

    /** Inverted dropout with drop probability p (identity at inference). */
    record Dropout(double p) implements Op {
        public Dropout {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
            }
        }

        @Override
        public int[] outShape(List<int[]> in) {
            return Shapes.single(in, "dropout");
        }

        @Override
        public String kind() {
            return "dropout";
        }
    }

    /** Channel concatenation of inputs with equal H and W (Inception). */
    record Concat() implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            if (in.isEmpty()) {
                throw new IllegalArgumentException("concat needs at least one input");
            }
            int c = 0;
            int[] first = in.get(0);
            for (int[] s : in) {
                if (s.length != 3 || s[1] != first[1] || s[2] != first[2]) {
                    throw new IllegalArgumentException("concat: inputs must share H and W, got "
                            + Shapes.describe(in));
                }
                c += s[0];
            }
            return new int[] {c, first[1], first[2]};
        }

        @Override
        public String kind() {
            return "concat";
        }
    }

    /** Elementwise sum of two inputs of the same shape (residual connection). */
    record Add() implements Op {
        @Override
        public int[] outShape(List<int[]> in) {
            if (in.size() != 2 || !java.util.Arrays.equals(in.get(0), in.get(1))) {
                throw new IllegalArgumentException("add: needs two inputs of equal shape, got " + Shapes.describe(in));
            }
            return in.get(0).clone();
        }

        @Override
        public String kind() {
            return "add";
        }
    }
}
