package org.deeproots.nn.model;

import java.util.List;

/**
 * One node of a model graph: a unique name (Caffe-style, e.g. {@code res2a_branch2b}), its op, and the names of
 * the nodes it reads ({@link ModelSpec#INPUT} for the image).
 */
public record Node(String name, Op op, List<String> inputs) {
    public Node {
        inputs = List.copyOf(inputs);
    }

    public static Node of(String name, Op op, String... inputs) {
        return new Node(name, op, List.of(inputs));
    }
}
