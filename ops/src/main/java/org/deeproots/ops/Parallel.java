package org.deeproots.ops;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

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

    /**
     * Runs body(i) for i in [0, count), in parallel when there is more than one thread and item. Items are handed
     * out from a shared counter to the calling thread and up to threads - 1 pool workers, one at a time (or in runs
     * of count / (16 x threads) when there are more), so a thread that is held up (another process on its core)
     * takes fewer items instead of delaying the whole call.
     * The first exception thrown by body is rethrown here once every thread has stopped.
     */
    public static void forRange(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        ForkJoinPool p = pool;
        int helpers = Math.min(p.getParallelism(), count) - 1;
        if (helpers <= 0) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        // many small items (a copy per 7x7 plane: 20480 of them in a 2048-channel layer at batch 10) are claimed
        // in runs, about 16 per thread, so that the shared counter is not fought over per item
        int grain = Math.max(1, count / (16 * (helpers + 1)));
        Runnable drain = () -> {
            for (int i0 = next.getAndAdd(grain); i0 < count; i0 = next.getAndAdd(grain)) {
                int end = Math.min(count, i0 + grain);
                for (int i = i0; i < end; i++) {
                    try {
                        body.accept(i);
                    } catch (RuntimeException | Error e) {
                        next.set(count); // the others stop after their current item
                        throw e;
                    }
                }
            }
        };
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[helpers];
        for (int k = 0; k < helpers; k++) {
            tasks[k] = p.submit(drain);
        }
        Throwable failure = null;
        try {
            drain.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }
}
