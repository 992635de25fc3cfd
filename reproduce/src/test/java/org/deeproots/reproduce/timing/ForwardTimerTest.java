package org.deeproots.reproduce.timing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ForwardTimerTest {

    @Test
    void repsFitTheBudgetWithinBounds() {
        ForwardTimer t = new ForwardTimer(1, 3, 7, 2.0);
        assertEquals(3, t.repsFor(5000)); // slow: the minimum
        assertEquals(7, t.repsFor(1));    // fast: the maximum
        assertEquals(4, t.repsFor(500));  // 2 s / 0.5 s
    }

    @Test
    void warmupIsNotTimedAndEveryRunIsMeasuredWithTheClock() {
        AtomicLong now = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        // each run advances the fake clock by 100 ms * run number
        ForwardTimer t = new ForwardTimer(2, 2, 3, 0.25, now::get);
        Measurement m = t.time(() -> now.addAndGet(100_000_000L * runs.incrementAndGet()));
        assertEquals(4, runs.get(), "2 warm-up + 2 timed (0.25 s budget / 0.2 s last warm-up run)");
        assertArrayEquals(new double[] {300, 400}, m.msPerBatch(), 1e-9);
        assertEquals(350, m.medianMsPerBatch(), 1e-9);
    }

    @Test
    void warmupLastsAtLeastItsTime() {
        AtomicLong now = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        // 2 warm-up runs at least, and 1 s: 100 ms runs warm up 10 times, then 3 timed runs (0.3 s budget)
        ForwardTimer t = new ForwardTimer(2, 1.0, 3, 5, 0.3, now::get);
        Measurement m = t.time(() -> {
            runs.incrementAndGet();
            now.addAndGet(100_000_000L);
        });
        assertEquals(13, runs.get());
        assertEquals(3, m.reps());
        assertThrows(IllegalArgumentException.class, () -> new ForwardTimer(1, -1.0, 1, 1, 1.0));
    }

    @Test
    void warmupGoesOnWhileRunsAreUnsteady() {
        AtomicLong now = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        // 1 s of warm-up at least; runs take 400, 300, 200, 100, then 10 ms: the last 3 agree within 25% only
        // after three runs of 10 ms, so the warm-up ends at run 7, and 3 timed runs follow
        long[] ms = {400, 300, 200, 100, 10};
        ForwardTimer t = new ForwardTimer(1, 1.0, 3, 3, 0.01, now::get);
        Measurement m = t.time(() -> now.addAndGet(ms[Math.min(runs.getAndIncrement(), ms.length - 1)] * 1_000_000L));
        assertEquals(7, m.warmup());
        assertEquals(10, runs.get());
    }

    @Test
    void aTightCapCutsRunsBelowTheMinimumButKeepsOne() {
        AtomicLong now = new AtomicLong();
        ForwardTimer t = new ForwardTimer(1, 3, 7, 100.0, now::get);
        // every run takes 1 s; cap 3.5 s: 1 s warm-up leaves room for 2 timed runs (not the minimum 3)
        assertEquals(2, t.time(() -> now.addAndGet(1_000_000_000L), 3.5).reps());
        // a cap already spent by the warm-up still gives one timed run
        assertEquals(1, t.time(() -> now.addAndGet(1_000_000_000L), 0.5).reps());
        // no cap: the budget rules (7 runs fit 100 s)
        assertEquals(7, t.time(() -> now.addAndGet(1_000_000_000L)).reps());
    }

    @Test
    void interleavedRoundsRunEveryForwardInTurn() {
        AtomicLong now = new AtomicLong();
        StringBuilder order = new StringBuilder();
        ForwardTimer t = new ForwardTimer(1, 1, 5, 1.5, now::get);
        ForwardEngine.Forward a = named('a', 1, order, now);
        ForwardEngine.Forward b = named('b', 2, order, now);
        // round = 3 s; budget 1.5 s per forward = 3 s for both: one round... with no cap
        Measurement[] m = t.timeInterleaved(java.util.List.of(a, b), Double.POSITIVE_INFINITY);
        assertEquals("abab", order.toString());
        assertArrayEquals(new double[] {1000}, m[0].msPerBatch(), 1e-9);
        assertArrayEquals(new double[] {2000}, m[1].msPerBatch(), 1e-9);
        // a generous budget but a cap of 10 s: 3 s of warm-up leaves room for 2 rounds
        ForwardTimer wide = new ForwardTimer(1, 1, 5, 100, now::get);
        order.setLength(0);
        m = wide.timeInterleaved(java.util.List.of(a, b), 10);
        assertEquals("ababab", order.toString());
        assertEquals(2, m[0].reps());
    }

    @Test
    void interleavedTimingWarmsUpInRoundsForTheWarmUpTime() {
        AtomicLong now = new AtomicLong();
        StringBuilder order = new StringBuilder();
        ForwardEngine.Forward a = named('a', 1, order, now);
        ForwardEngine.Forward b = named('b', 2, order, now);
        // 1 warm-up run each (3 s), then untimed rounds of 3 s until 7 s have passed (2 more), then 1 timed round
        ForwardTimer t = new ForwardTimer(1, 7, 1, 1, 1.5, now::get);
        Measurement[] m = t.timeInterleaved(java.util.List.of(a, b), Double.POSITIVE_INFINITY);
        assertEquals("abababab", order.toString());
        assertEquals(3, m[0].warmup());
        assertArrayEquals(new double[] {2000}, m[1].msPerBatch(), 1e-9);
        // the warm-up rounds stop at a third of the cap: 12 s -> 4 s, so one round after the warm-up runs
        order.setLength(0);
        m = t.timeInterleaved(java.util.List.of(a, b), 12);
        assertEquals("ababab", order.toString());
        assertEquals(2, m[0].warmup());
    }

    /** A forward that appends its name to order and advances the clock by the given seconds. */
    private static ForwardEngine.Forward named(char name, long seconds, StringBuilder order, AtomicLong now) {
        return () -> {
            order.append(name);
            now.addAndGet(seconds * 1_000_000_000L);
        };
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ForwardTimer(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ForwardTimer(1, 3, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new ForwardTimer(1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Stats.median(new double[0]));
        assertEquals(2.5, Stats.median(new double[] {4, 1, 2, 3}));
    }

    @Test
    void ratiosArePairedByRound() {
        // a machine whose runs jump between two speeds (x1 and x1.1): the variant takes 0.9 of orig in every round,
        // but orig's median lands on the fast runs and the variant's on the slow ones
        double[] orig = {100, 100, 100, 110, 110};
        double[] variant = {90, 99, 99, 99, 99};
        assertEquals(0.99, Stats.median(variant) / Stats.median(orig), 1e-12);
        assertEquals(0.9, Stats.medianRatio(variant, orig), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Stats.medianRatio(new double[2], new double[3]));
    }

    @Test
    void plansStartWithOrig() {
        assertThrows(IllegalArgumentException.class,
                () -> new ModelTiming("nin", java.util.List.of("root-2"), 4, new int[] {3, 8, 8}, 10));
        assertEquals(25, TimingPlan.standard().variantCount());
    }
}
