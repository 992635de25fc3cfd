package org.deeproots.nn.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the nodes of one model while a family builder walks its spec. Every conv is created here so that a
 * bad group count is reported with the model, the variant and the layer name.
 */
final class GraphBuilder {
    private final String model;
    private final String variant;
    private final List<Node> nodes = new ArrayList<>();

    GraphBuilder(String model, String variant) {
        this.model = model;
        this.variant = variant;
    }

    /** Adds a node and returns its name (the handle later nodes read). */
    String add(String name, Op op, String... inputs) {
        nodes.add(Node.of(name, op, inputs));
        return name;
    }

    /** Adds a convolution, naming the layer in any validation error. */
    String conv(String name, String input, int inChannels, int outChannels, int kernel, int stride, int padding,
            int groups, boolean bias) {
        Op.Conv op;
        try {
            op = new Op.Conv(inChannels, outChannels, kernel, stride, padding, groups, bias);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(model + " " + variant + ", layer " + name + ": " + e.getMessage(), e);
        }
        return add(name, op, input);
    }

    /** conv, then BN, then ReLU; returns the ReLU's name. */
    String convBnRelu(String conv, String bn, String relu, String input, int inChannels, int outChannels, int kernel,
            int stride, int padding, int groups, boolean bias) {
        String c = conv(conv, input, inChannels, outChannels, kernel, stride, padding, groups, bias);
        String b = add(bn, new Op.BatchNorm(outChannels), c);
        return add(relu, new Op.ReLU(), b);
    }

    /** The finished spec; checks every shape once so that an input too small fails here, naming the layer. */
    ModelSpec build(int[] input, int classes) {
        ModelSpec spec = new ModelSpec(model, variant, input, classes, nodes);
        spec.shapes();
        return spec;
    }

    /** Per-sample shape of an already added node (checks the graph built so far). */
    int[] shapeOf(String name, int[] input, int classes) {
        return new ModelSpec(model, variant, input, classes, nodes).shapes().get(name);
    }

    static void checkInput(String model, int[] input, int classes) {
        if (input == null || input.length != 3) {
            throw new IllegalArgumentException(model + ": input must be CxHxW (3 numbers), got "
                    + (input == null ? "null" : java.util.Arrays.toString(input)));
        }
        if (input[0] < 1 || input[1] < 1 || input[2] < 1) {
            throw new IllegalArgumentException(model + ": input dimensions must be positive, got "
                    + input[0] + "x" + input[1] + "x" + input[2]);
        }
        if (classes < 1) {
            throw new IllegalArgumentException(model + ": classes must be at least 1, got " + classes);
        }
    }

    /** Groups of the root pattern at a given depth: n, n/2, n/4, ... never below 1. */
    static int halved(int n, int steps) {
        return Math.max(1, n >> steps);
    }

    static void requirePositive(String what, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(what + ": group count must be at least 1, got " + n);
        }
    }
}
