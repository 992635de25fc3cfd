package org.deeproots.nn.train;

/**
 * Where a training step runs: on the CPU {@link org.deeproots.nn.runtime.Network} (the {@link Trainer}'s default)
 * or elsewhere, e.g. a GPU backend holding its own copy of the parameters.
 */
public interface BatchStep {

    /** The outcome of one step: the batch's mean loss before the update and its logits (n, classes). */
    record Result(float loss, float[] logits) {
    }

    /**
     * Forward in training mode, softmax cross-entropy, backward and the SGD update on one batch of n images.
     *
     * @return the result, or null when this engine cannot take a batch of n (the trainer skips it)
     */
    Result step(float[] images, int[] labels, int n, double lr);

    /** Copies the parameters back into the CPU network (before evaluation and checkpoints); a no-op on the CPU. */
    default void syncToNetwork() {
    }
}
