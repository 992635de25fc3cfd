package org.deeproots.ops.simd;

import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The machine's FMA peak as the Vector API reaches it: a loop of 12 independent FMA chains (enough to hide the
 * FMA latency on two pipes) at this JVM's species, on 1 or N threads at once. The yardstick against which
 * {@code roots bench} reports kernel efficiency (GFLOP/s = 2 x FMA lanes / time).
 *
 * <p>Load this class only when the {@code jdk.incubator.vector} module is present (see
 * {@code org.deeproots.ops.KernelProvider#vectorBitSize()}).
 */
public final class GemmPeak {
    private static final int ITERS = 100_000;

    private GemmPeak() {
    }

    /**
     * Measured peak in GFLOP/s with {@code threads} threads running the FMA loop at once: the best of repeated
     * short runs over about {@code millis} milliseconds (best, so that a busy machine's pauses do not count).
     */
    public static double gflops(int threads, long millis) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        warmUp();
        double best = 0;
        long until = System.nanoTime() + millis * 1_000_000L;
        do {
            best = Math.max(best, once(threads));
        } while (System.nanoTime() < until);
        return best;
    }

    private static volatile boolean warm;

    /** Gets the FMA loop compiled by C2 before it is timed (interpreted, the Vector API is 1000x slower). */
    private static void warmUp() {
        if (warm) {
            return;
        }
        float sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += fmaLoop(100, i);
        }
        consume(sink);
        warm = true;
    }

    private static double once(int threads) {
        if (threads == 1) {
            long t0 = System.nanoTime();
            float sink = fmaLoop(ITERS, 1f);
            long t = System.nanoTime() - t0;
            consume(sink);
            return flops(1) / t;
        }
        CountDownLatch start = new CountDownLatch(1);
        long[] times = new long[threads];
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long t0 = System.nanoTime();
                float sink = fmaLoop(ITERS, id);
                times[id] = System.nanoTime() - t0;
                consume(sink);
            });
            ts[i].start();
        }
        start.countDown();
        long worst = 0;
        for (int i = 0; i < threads; i++) {
            try {
                ts[i].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the FMA peak", e);
            }
            worst = Math.max(worst, times[i]);
        }
        return flops(threads) / Math.max(1, worst);
    }

    private static double flops(int threads) {
        return 2.0 * 12 * ITERS * ConvTiles.L * threads;
    }

    private static volatile float blackhole;

    private static void consume(float v) {
        blackhole = v;
    }

    /** 12 independent FMA chains; returns their sum so the loop cannot be removed. */
    static float fmaLoop(int iters, float seed) {
        FloatVector m = FloatVector.broadcast(ConvTiles.S, 0.999999f);
        FloatVector c = FloatVector.broadcast(ConvTiles.S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(ConvTiles.S, seed);
        FloatVector a1 = a0.add(1f);
        FloatVector a2 = a0.add(2f);
        FloatVector a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f);
        FloatVector a5 = a0.add(5f);
        FloatVector a6 = a0.add(6f);
        FloatVector a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f);
        FloatVector a9 = a0.add(9f);
        FloatVector a10 = a0.add(10f);
        FloatVector a11 = a0.add(11f);
        for (int i = 0; i < iters; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
