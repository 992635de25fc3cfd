package org.deeproots.gpu;

import java.util.List;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;

/** Two tiny networks that use every op: the GPU network tests and {@link SelfTest} run them on each backend. */
public final class TinyNets {
    private TinyNets() {
    }

    /** NiN-like: grouped convs with bias, BN, max and avg pooling (ceil mode), dropout, an Inception concat, GAP. */
    public static ModelSpec ninLike() {
        return new ModelSpec("tiny-nin", "root-2", new int[] {3, 11, 11}, 5, List.of(
                Node.of("conv1", new Op.Conv(3, 8, 3, 1, 1, 1, true), ModelSpec.INPUT),
                Node.of("relu1", new Op.ReLU(), "conv1"),
                Node.of("cccp1", new Op.Conv(8, 8, 1, 1, 0, 2, true), "relu1"),
                Node.of("bn1", new Op.BatchNorm(8), "cccp1"),
                Node.of("relu2", new Op.ReLU(), "bn1"),
                Node.of("pool1", new Op.Pool(true, 3, 2, 0, true), "relu2"),
                Node.of("drop", new Op.Dropout(0.5), "pool1"),
                Node.of("a", new Op.Conv(8, 4, 1, 1, 0, 4, false), "drop"),
                Node.of("b", new Op.Conv(8, 6, 3, 1, 1, 2, false), "drop"),
                Node.of("cat", new Op.Concat(), "a", "b", "drop"),
                Node.of("pool2", new Op.Pool(false, 3, 1, 1, false), "cat"),
                Node.of("cccp2", new Op.Conv(18, 5, 1, 1, 0, 1, true), "pool2"),
                Node.of("gap", new Op.GlobalAvgPool(), "cccp2")));
    }

    /** ResNet-like: stem, one grouped bottleneck with a projection shortcut, residual add, GAP, linear. */
    public static ModelSpec resnetLike() {
        return new ModelSpec("tiny-resnet", "root-2", new int[] {3, 16, 16}, 4, List.of(
                Node.of("conv1", new Op.Conv(3, 8, 3, 2, 1, 1, false), ModelSpec.INPUT),
                Node.of("bn1", new Op.BatchNorm(8), "conv1"),
                Node.of("relu1", new Op.ReLU(), "bn1"),
                Node.of("pool1", new Op.Pool(true, 3, 2, 1, false), "relu1"),
                Node.of("b2a", new Op.Conv(8, 8, 1, 1, 0, 1, false), "pool1"),
                Node.of("b2a_bn", new Op.BatchNorm(8), "b2a"),
                Node.of("b2a_relu", new Op.ReLU(), "b2a_bn"),
                Node.of("b2b", new Op.Conv(8, 8, 3, 1, 1, 2, false), "b2a_relu"),
                Node.of("b2b_bn", new Op.BatchNorm(8), "b2b"),
                Node.of("b2b_relu", new Op.ReLU(), "b2b_bn"),
                Node.of("b2c", new Op.Conv(8, 16, 1, 1, 0, 1, false), "b2b_relu"),
                Node.of("b2c_bn", new Op.BatchNorm(16), "b2c"),
                Node.of("b1", new Op.Conv(8, 16, 1, 1, 0, 1, false), "pool1"),
                Node.of("b1_bn", new Op.BatchNorm(16), "b1"),
                Node.of("add", new Op.Add(), "b2c_bn", "b1_bn"),
                Node.of("relu2", new Op.ReLU(), "add"),
                Node.of("gap", new Op.GlobalAvgPool(), "relu2"),
                Node.of("fc", new Op.Linear(16, 4), "gap")));
    }

}
