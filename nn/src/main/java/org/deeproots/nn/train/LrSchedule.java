package org.deeproots.nn.train;

/**
 * Learning rate per step: a linear warm-up from 0 over the first {@code warmupSteps}, then constant, step decay
 * (times {@code gamma} every {@code stepEvery} steps) or cosine decay to 0 at {@code totalSteps}.
 */
public record LrSchedule(Kind kind, double base, int warmupSteps, int totalSteps, int stepEvery, double gamma) {
    public enum Kind { CONSTANT, STEP, COSINE }

    public LrSchedule {
        if (!(base > 0) || Double.isInfinite(base)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + base);
        }
        if (warmupSteps < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("warmupSteps must be >= 0 and totalSteps >= 1, got " + warmupSteps
                    + " and " + totalSteps);
        }
        if (kind == Kind.STEP && (stepEvery < 1 || !(gamma > 0))) {
            throw new IllegalArgumentException("step schedule needs stepEvery >= 1 and gamma > 0, got " + stepEvery
                    + " and " + gamma);
        }
    }

    public static LrSchedule cosine(double base, int warmupSteps, int totalSteps) {
        return new LrSchedule(Kind.COSINE, base, warmupSteps, totalSteps, 1, 1);
    }

    public static LrSchedule step(double base, int warmupSteps, int totalSteps, int stepEvery, double gamma) {
        return new LrSchedule(Kind.STEP, base, warmupSteps, totalSteps, stepEvery, gamma);
    }

    public static LrSchedule constant(double base) {
        return new LrSchedule(Kind.CONSTANT, base, 0, 1, 1, 1);
    }

    /** The rate for step (0-based). */
    public double at(int step) {
        if (step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        return switch (kind) {
            case CONSTANT -> base;
            case STEP -> base * Math.pow(gamma, step / stepEvery);
            case COSINE -> {
                int span = Math.max(1, totalSteps - warmupSteps);
                double t = Math.min(1.0, (step - warmupSteps) / (double) span);
                yield base * 0.5 * (1 + Math.cos(Math.PI * t));
            }
        };
    }
}
