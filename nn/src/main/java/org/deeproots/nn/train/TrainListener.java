package org.deeproots.nn.train;

/** Progress callbacks of a {@link Trainer} (progress bars, logs). Default methods do nothing. */
public interface TrainListener {
    /**
     * After each training batch.
     *
     * @param seen      images trained so far in this epoch
     * @param total     images per epoch
     * @param loss      mean loss of the epoch so far
     * @param accuracy  training accuracy of the epoch so far
     * @param seconds   seconds since the epoch started
     */
    default void batch(int epoch, int seen, int total, double loss, double accuracy, double seconds) {
    }

    /** When an evaluation starts. */
    default void evaluating(int epoch, int images) {
    }

    /** After each epoch (and its evaluation). */
    default void epoch(EpochResult result) {
    }
}
