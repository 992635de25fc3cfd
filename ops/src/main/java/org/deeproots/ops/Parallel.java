package org.deeproots.ops;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The kernels' worker threads. The count comes from {@code -Ddeeproots.threads=N} (default: available
 * processors) and can be changed with {@link #setThreads(int)}. Work is split into independent output ranges,
 * so results do not depend on the thread count.
 *
 * <p>A call runs on the calling thread and threads - 1 daemon workers. Between calls the workers spin for
 * {@code -Ddeeproots.spinMicros} microseconds (default {@value #DEFAULT_SPIN_MICROS}) before they park: a model's
 * forward pass makes its calls back to back, and waking a parked thread took about 25 us per call on the 2-core
 * machine (measured: a round trip of an empty two-item call, median 22-28 us with a fork-join pool, whose workers
 * park at once), a quarter of a small layer's time at batch 1. OpenMP runtimes spin the same way (libtorch's for
 * 200 ms).
 *
 * <p>One call at a time uses the workers: a call made while they are busy (another thread's kernels, or a kernel
 * called from inside a work item) runs its items on its own thread.
 */
public final class Parallel {
    static final int DEFAULT_SPIN_MICROS = 100;
    private static final long SPIN_NANOS = 1000L * Integer.getInteger("deeproots.spinMicros", DEFAULT_SPIN_MICROS);

    private static volatile Team team = new Team(Integer.getInteger("deeproots.threads",
            Runtime.getRuntime().availableProcessors()));

    private Parallel() {
    }

    public static int threads() {
        return team.size;
    }

    /** Replaces the workers (not while kernels run). */
    public static synchronized void setThreads(int threads) {
        if (threads == threads()) {
            return;
        }
        Team old = team;
        team = new Team(threads);
        old.shutdown();
    }

    /**
     * Runs body(i) for i in [0, count), in parallel when there is more than one thread and item. Items are handed
     * out from a shared counter to the calling thread and the workers, one at a time (or in runs of count / (16 x
     * threads) when there are more), so a thread that is held up (another process on its core) takes fewer items
     * instead of delaying the whole call. The first exception thrown by body is rethrown here once every thread
     * has stopped working on the call.
     */
    public static void forRange(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        Team t = team;
        if (Math.min(t.size, count) < 2 || !t.busy.compareAndSet(false, true)) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            t.run(count, body);
        } finally {
            t.busy.set(false);
        }
    }

    /** One call: its items, the next unclaimed one, the threads working on it, its first failure. */
    private static final class Job {
        final IntConsumer body;
        final int count;
        final int grain;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger active = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(IntConsumer body, int count, int threads) {
            this.body = body;
            this.count = count;
            // many small items (a copy per 7x7 plane: 20480 of them in a 2048-channel layer at batch 10) are
            // claimed in runs, about 16 per thread, so that the shared counter is not fought over per item
            this.grain = Math.max(1, count / (16 * threads));
        }

        /** Claims and runs items until none is left; a failure stops the other threads after their item. */
        void drain() {
            for (int i0 = next.getAndAdd(grain); i0 < count; i0 = next.getAndAdd(grain)) {
                int end = Math.min(count, i0 + grain);
                for (int i = i0; i < end; i++) {
                    try {
                        body.accept(i);
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                        next.set(count);
                        return;
                    }
                }
            }
        }
    }

    private static final class Team {
        final int size;
        final AtomicBoolean busy = new AtomicBoolean();
        final Worker[] workers;
        volatile Job job;
        volatile boolean shutdown;

        Team(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + size);
            }
            this.size = size;
            workers = new Worker[size - 1];
            for (int k = 0; k < workers.length; k++) {
                workers[k] = new Worker(this);
                Thread t = Thread.ofPlatform().daemon().name("deeproots-worker-" + k).unstarted(workers[k]);
                workers[k].thread = t;
                t.start();
            }
        }

        void run(int count, IntConsumer body) {
            Job j = new Job(body, count, size);
            job = j;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            j.drain();
            // every item is claimed; wait for those the workers are still running. A worker that joins later
            // finds nothing left to claim.
            long start = System.nanoTime();
            while (j.active.get() > 0) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable f = j.failure.get();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error err) {
                throw err;
            }
        }

        void shutdown() {
            shutdown = true;
            for (Worker w : workers) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    private static final class Worker implements Runnable {
        final Team team;
        Thread thread;
        volatile boolean parked;

        Worker(Team team) {
            this.team = team;
        }

        @Override
        public void run() {
            Job done = null;
            while (!team.shutdown) {
                Job j = team.job;
                if (j != done && j != null) {
                    done = j;
                    j.active.incrementAndGet();
                    try {
                        j.drain();
                    } finally {
                        j.active.decrementAndGet();
                    }
                    continue;
                }
                long start = System.nanoTime();
                while (team.job == done && !team.shutdown && System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                }
                if (team.job == done && !team.shutdown) {
                    parked = true;
                    if (team.job == done && !team.shutdown) { // the caller unparks only threads it sees parked
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
