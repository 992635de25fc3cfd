package org.deeproots.ops;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The kernels' worker threads. The count comes from {@code -Ddeeproots.threads=N} (default: available
 * processors) and can be changed with {@link #setThreads(int)}. Work is split into independent output ranges,
 * so results do not depend on the thread count.
 */
public final class Parallel {
    private static volatile ForkJoinPool pool = newPool(Integer.getInteger("deeproots.threads",
            Runtime.getRuntime().availableProcessors()));

    private Parallel() {
    }

    private static ForkJoinPool newPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return new ForkJoinPool(threads);
    }

    public static int threads() {
        return pool.getParallelism();
    }

    /** Replaces the pool (not while kernels run). */
    public static synchronized void setThreads(int threads) {
        if (threads == threads()) {
            return;
        }
        ForkJoinPool old = pool;
        pool = newPool(threads);
        old.shutdown();
    }

    /** Runs body(i) for i in [0, count), in parallel when there is more than one thread and item. */
    public static void forRange(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        ForkJoinPool p = pool;
        if (count == 1 || p.getParallelism() == 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        if (ForkJoinTask.getPool() == p) {
            IntStream.range(0, count).parallel().forEach(body);
            return;
        }
        p.submit(() -> IntStream.range(0, count).parallel().forEach(body)).join();
    }
}
