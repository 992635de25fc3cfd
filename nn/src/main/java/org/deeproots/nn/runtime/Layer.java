package org.deeproots.nn.runtime;

import java.util.List;
import org.deeproots.ops.spi.Kernels;

/**
 * One node of a {@link Network} with an explicit forward and backward over {@link Kernels} (llm.c style).
 * A layer is shared by every thread that runs the network: it holds its parameters and its geometry per sample,
 * never per-call state; activations, saved state and gradients live in a {@link Workspace}.
 *
 * <p>Slots: slot 0 is the network input, slot {@code i + 1} is the output of node {@code i}.
 */
abstract class Layer {
    final String name;
    /** This layer's output slot. */
    final int slot;
    /** The slots it reads. */
    final int[] in;
    /** Per-sample output shape, e.g. (C, H, W) or (F). */
    final int[] outShape;
    /** Per-sample input shapes. */
    final int[][] inShapes;

    Layer(String name, int slot, int[] in, int[] outShape, int[][] inShapes) {
        this.name = name;
        this.slot = slot;
        this.in = in;
        this.outShape = outShape;
        this.inShapes = inShapes;
    }

    /** Parameters and buffers, in a fixed order. */
    List<Parameter> params() {
        return List.of();
    }

    /** Initialises the parameters (He normal weights, zero biases, unit gamma, ...) from a seed. */
    void init(long seed) {
    }

    /** Per-call saved state for a batch of n (e.g. batch-norm mean/invStd, max-pool argmax), or null. */
    Object newState(int n) {
        return null;
    }

    /** Whether the backward reads this layer's own output (then the output must not be overwritten in place). */
    boolean backwardReadsOutput() {
        return false;
    }

    /** Computes ws.act(slot) from the inputs' activations. */
    abstract void forward(Kernels k, Workspace ws, boolean training);

    /**
     * From ws.gradOut(slot) (complete), writes this layer's parameter gradients (overwriting) and adds the input
     * gradients through {@link Workspace#gradIn(int)} / {@link Workspace#gradDone(int, float[])}.
     */
    abstract void backward(Kernels k, Workspace ws);

    static int product(int[] s) {
        int p = 1;
        for (int d : s) {
            p *= d;
        }
        return p;
    }

    /** Spatial size H*W of a (C, H, W) shape, 1 for a flat (F) shape. */
    static int hw(int[] s) {
        return s.length == 3 ? s[1] * s[2] : 1;
    }

    @Override
    public String toString() {
        return name + " (" + getClass().getSimpleName() + ")";
    }
}
