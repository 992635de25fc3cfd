package org.deeproots.reproduce.timing;

/**
 * Repeated timings of one forward pass of a whole batch, after warm-up.
 *
 * @param msPerBatch wall time of each timed run, milliseconds
 * @param warmup     untimed runs done first
 */
public record Measurement(double[] msPerBatch, int warmup) {
    public Measurement {
        if (msPerBatch.length == 0) {
            throw new IllegalArgumentException("a measurement needs at least one timed run");
        }
        msPerBatch = msPerBatch.clone();
    }

    @Override
    public double[] msPerBatch() {
        return msPerBatch.clone();
    }

    public int reps() {
        return msPerBatch.length;
    }

    public double medianMsPerBatch() {
        return Stats.median(msPerBatch);
    }
}
