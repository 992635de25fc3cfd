package org.deeproots.nn.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as data: a graph of {@link Node}s in topological order (each node reads only earlier nodes or
 * {@link #INPUT}); the last node is the output (class logits). Built by the family builders (NiN, ResNet,
 * GoogLeNet); the runtime, the cost model, the GPU backends and the reports all walk the same list.
 *
 * @param model   model id, e.g. {@code resnet50}
 * @param variant variant id, e.g. {@code orig}, {@code root-8}
 * @param input   per-sample input shape {C, H, W}
 * @param classes number of classes
 * @param nodes   the graph, topologically ordered
 */
public record ModelSpec(String model, String variant, int[] input, int classes, List<Node> nodes) {
    /** Name under which nodes refer to the network input. */
    public static final String INPUT = "input";

    public ModelSpec {
        input = input.clone();
        nodes = List.copyOf(nodes);
        if (input.length != 3) {
            throw new IllegalArgumentException("input must be CxHxW, got " + input.length + " dimensions");
        }
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("model " + model + ": no nodes");
        }
        Map<String, Boolean> seen = new HashMap<>();
        seen.put(INPUT, true);
        for (Node n : nodes) {
            for (String i : n.inputs()) {
                if (!seen.containsKey(i)) {
                    throw new IllegalArgumentException("model " + model + ": node " + n.name() + " reads '" + i
                            + "', which is not an earlier node");
                }
            }
            if (seen.put(n.name(), true) != null) {
                throw new IllegalArgumentException("model " + model + ": duplicate node name " + n.name());
            }
        }
    }

    @Override
    public int[] input() {
        return input.clone();
    }

    public Node output() {
        return nodes.get(nodes.size() - 1);
    }

    /**
     * Per-sample output shape of every node, in node order (plus {@link #INPUT}).
     *
     * @throws IllegalArgumentException when a node's input does not fit (e.g. an input too small for the network)
     */
    public Map<String, int[]> shapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put(INPUT, input.clone());
        for (Node n : nodes) {
            List<int[]> in = new ArrayList<>(n.inputs().size());
            for (String i : n.inputs()) {
                in.add(shapes.get(i));
            }
            try {
                shapes.put(n.name(), n.op().outShape(in));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(model + " " + variant + ", layer " + n.name() + ": " + e.getMessage()
                        + " (network input " + input[0] + "x" + input[1] + "x" + input[2] + ")", e);
            }
        }
        return shapes;
    }

    /** Total learned parameters as the cost model counts them. */
    public long params() {
        long p = 0;
        for (Node n : nodes) {
            p += n.op().params();
        }
        return p;
    }

    /** Total multiply-adds per image (conv and linear layers). */
    public long multiplyAdds() {
        Map<String, int[]> s = shapes();
        long m = 0;
        for (Node n : nodes) {
            m += n.op().multiplyAdds(s.get(n.name()));
        }
        return m;
    }

    @Override
    public String toString() {
        return model + "/" + variant + " " + input[0] + "x" + input[1] + "x" + input[2] + " classes=" + classes
                + " (" + nodes.size() + " nodes)";
    }
}
