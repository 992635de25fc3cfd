package org.deeproots.nn.train;

/**
 * A training recipe.
 *
 * @param epochs        passes over the training images
 * @param batch         mini-batch size
 * @param lr            base learning rate
 * @param momentum      SGD momentum
 * @param weightDecay   L2 weight decay on conv/linear weights
 * @param decayAll      also decay biases and batch-norm parameters
 * @param schedule      cosine, step or constant after the warm-up
 * @param warmupEpochs  linear warm-up length in epochs (fractions allowed)
 * @param stepEpochs    for the step schedule: decay every this many epochs
 * @param stepGamma     for the step schedule: the decay factor
 * @param seed          seed of the initialisation, the shuffle and the augmentation
 * @param evalEvery     evaluate on the test set every this many epochs (and after the last)
 */
public record TrainConfig(int epochs, int batch, double lr, double momentum, double weightDecay, boolean decayAll,
                          LrSchedule.Kind schedule, double warmupEpochs, int stepEpochs, double stepGamma, long seed,
                          int evalEvery) {
    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        if (!(lr > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        if (warmupEpochs < 0) {
            throw new IllegalArgumentException("warmupEpochs must be >= 0, got " + warmupEpochs);
        }
        if (evalEvery < 1) {
            throw new IllegalArgumentException("evalEvery must be >= 1, got " + evalEvery);
        }
    }

    /** The default recipe: SGD momentum 0.9, weight decay 5e-4, cosine with a short warm-up. */
    public static TrainConfig defaults(int epochs, int batch, double lr, long seed) {
        return new TrainConfig(epochs, batch, lr, 0.9, 5e-4, false, LrSchedule.Kind.COSINE, 0.2, 30, 0.1, seed, 1);
    }

    /** The schedule for a run with this many batches per epoch. */
    public LrSchedule scheduleFor(int batchesPerEpoch) {
        int total = epochs * batchesPerEpoch;
        int warm = (int) Math.round(warmupEpochs * batchesPerEpoch);
        return new LrSchedule(schedule, lr, Math.min(warm, total - 1), total,
                Math.max(1, stepEpochs * batchesPerEpoch), stepGamma);
    }
}
