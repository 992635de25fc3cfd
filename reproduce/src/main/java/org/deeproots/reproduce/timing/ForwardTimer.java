package org.deeproots.reproduce.timing;

import java.util.function.LongSupplier;

/**
 * Times a prepared forward pass: {@code warmup} untimed runs, then as many timed runs as fit in a time budget
 * (estimated from the last warm-up run), between {@code minReps} and {@code maxReps}. The report uses the median.
 */
public final class ForwardTimer {
    /** Most seconds a timed warm-up is extended while its runs are still unsteady. */
    static final double EXTRA_WARMUP_SECONDS = 5;
    private final int warmup;
    private final int minReps;
    private final int maxReps;
    private final double budgetSeconds;
    private final LongSupplier nanoClock;
    private final double warmupSeconds;

    /**
     * @param warmup        untimed runs (>= 1: the first run includes one-off costs)
     * @param minReps       fewest timed runs (>= 1)
     * @param maxReps       most timed runs (>= minReps)
     * @param budgetSeconds time the timed runs of one variant should take, roughly
     */
    public ForwardTimer(int warmup, int minReps, int maxReps, double budgetSeconds) {
        this(warmup, minReps, maxReps, budgetSeconds, System::nanoTime);
    }

    ForwardTimer(int warmup, int minReps, int maxReps, double budgetSeconds, LongSupplier nanoClock) {
        this(warmup, 0, minReps, maxReps, budgetSeconds, nanoClock);
    }

    /**
     * As {@link #ForwardTimer(int, int, int, double)}, warming up for at least {@code warmupSeconds} too (and at
     * least {@code warmup} runs): a single layer of a millisecond needs thousands of calls before the JIT has
     * compiled its kernels, a handful of runs would time the interpreter.
     */
    public ForwardTimer(int warmup, double warmupSeconds, int minReps, int maxReps, double budgetSeconds) {
        this(warmup, warmupSeconds, minReps, maxReps, budgetSeconds, System::nanoTime);
    }

    ForwardTimer(int warmup, double warmupSeconds, int minReps, int maxReps, double budgetSeconds,
                 LongSupplier nanoClock) {
        if (!(warmupSeconds >= 0)) {
            throw new IllegalArgumentException("warmupSeconds must be >= 0, got " + warmupSeconds);
        }
        this.warmupSeconds = warmupSeconds;
        if (warmup < 1) {
            throw new IllegalArgumentException("warmup must be >= 1, got " + warmup);
        }
        if (minReps < 1 || maxReps < minReps) {
            throw new IllegalArgumentException("need 1 <= minReps <= maxReps, got minReps=" + minReps + " maxReps="
                    + maxReps);
        }
        if (!(budgetSeconds > 0)) {
            throw new IllegalArgumentException("budgetSeconds must be > 0, got " + budgetSeconds);
        }
        this.warmup = warmup;
        this.minReps = minReps;
        this.maxReps = maxReps;
        this.budgetSeconds = budgetSeconds;
        this.nanoClock = nanoClock;
    }

    public int warmup() {
        return warmup;
    }

    public int minReps() {
        return minReps;
    }

    public int maxReps() {
        return maxReps;
    }

    /** Timed runs that fit the budget when one run takes {@code msPerRun}. */
    public int repsFor(double msPerRun) {
        double fit = budgetSeconds * 1000.0 / Math.max(msPerRun, 1e-6);
        return (int) Math.max(minReps, Math.min(maxReps, Math.floor(fit)));
    }

    /** Runs the warm-up and the timed runs. */
    public Measurement time(ForwardEngine.Forward forward) {
        return time(forward, Double.POSITIVE_INFINITY);
    }

    /**
     * Runs the warm-up and the timed runs, with a hard cap on the whole (warm-up included): when the cap is
     * tighter than the budget, fewer runs than {@code minReps} are made, but always at least one.
     *
     * @param capSeconds the most this call should take
     */
    public Measurement time(ForwardEngine.Forward forward, double capSeconds) {
        long start = nanoClock.getAsLong();
        double last = 0;
        int warmed = 0;
        double[] recent = {Double.POSITIVE_INFINITY, 0, 0}; // the last 3 warm-up runs
        for (; warmed < warmup || warmingUp(start, recent); warmed++) {
            last = timeOnce(forward);
            recent[warmed % 3] = last;
        }
        int reps = repsFor(last);
        double left = capSeconds * 1000.0 - (nanoClock.getAsLong() - start) / 1e6;
        if (reps * last > left) {
            reps = (int) Math.max(1, Math.floor(left / Math.max(last, 1e-6)));
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            ms[i] = timeOnce(forward);
        }
        return new Measurement(ms, warmed);
    }

    /**
     * With a warm-up time: true until it has passed, and then while the last 3 runs still differ by more than 25%
     * (the JIT may still be compiling: a layer at 0.3 ms in steady state timed 1.5 ms after 1.5 s), for at most
     * {@link #EXTRA_WARMUP_SECONDS} more.
     */
    private boolean warmingUp(long start, double[] recent) {
        double seconds = (nanoClock.getAsLong() - start) / 1e9;
        if (seconds < warmupSeconds) {
            return true;
        }
        double lo = Math.min(recent[0], Math.min(recent[1], recent[2]));
        double hi = Math.max(recent[0], Math.max(recent[1], recent[2]));
        return warmupSeconds > 0 && hi > 1.25 * lo && seconds < warmupSeconds + EXTRA_WARMUP_SECONDS;
    }

    /**
     * Times several prepared forwards of one model in rounds (each round runs every forward once, in order), so
     * that a change in the machine's load hits all of them alike and their ratios stay fair. Each is warmed up
     * first ({@code warmup} runs); then, with a warm-up time, untimed rounds run until that time has passed (at most
     * a third of {@code capSeconds}), so that the JIT has compiled every forward's kernels, with the profiles of all
     * of them, before any is timed. The number of timed rounds fits {@code budgetSeconds} per forward, between
     * {@code minReps} and {@code maxReps}, and is cut (to at least one) when the rounds would not fit
     * {@code capSeconds}.
     *
     * @return one measurement per forward, in the order given
     */
    public Measurement[] timeInterleaved(java.util.List<ForwardEngine.Forward> forwards, double capSeconds) {
        long start = nanoClock.getAsLong();
        int k = forwards.size();
        double round = 0;
        for (ForwardEngine.Forward f : forwards) {
            double last = 0;
            for (int i = 0; i < warmup; i++) {
                last = timeOnce(f);
            }
            round += last;
        }
        int warmed = warmup;
        double warmLimit = Math.min(warmupSeconds, capSeconds / 3);
        while ((nanoClock.getAsLong() - start) / 1e9 < warmLimit) {
            round = 0;
            for (ForwardEngine.Forward f : forwards) {
                round += timeOnce(f);
            }
            warmed++;
        }
        int reps = repsFor(round / k);
        double left = capSeconds * 1000.0 - (nanoClock.getAsLong() - start) / 1e6;
        if (reps * round > left) {
            reps = (int) Math.max(1, Math.floor(left / Math.max(round, 1e-6)));
        }
        double[][] ms = new double[k][reps];
        for (int r = 0; r < reps; r++) {
            for (int i = 0; i < k; i++) {
                ms[i][r] = timeOnce(forwards.get(i));
            }
        }
        Measurement[] out = new Measurement[k];
        for (int i = 0; i < k; i++) {
            out[i] = new Measurement(ms[i], warmed);
        }
        return out;
    }

    private double timeOnce(ForwardEngine.Forward forward) {
        long t0 = nanoClock.getAsLong();
        forward.run();
        return (nanoClock.getAsLong() - t0) / 1e6;
    }
}
