package org.deeproots.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The work distribution: every item exactly once, failures surface on the caller, the pool survives them. */
class ParallelTest {
    private int before;

    @BeforeEach
    void threads() {
        before = Parallel.threads();
        Parallel.setThreads(3);
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(before);
    }

    @Test
    void everyItemRunsExactlyOnce() {
        for (int count : new int[] {0, 1, 2, 3, 7, 1000}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(count, 1));
            Parallel.forRange(count, seen::incrementAndGet);
            for (int i = 0; i < count; i++) {
                assertEquals(1, seen.get(i), "count " + count + ", item " + i);
            }
        }
    }

    @Test
    void concurrentCallersAndCallsAfterTheWorkersParkedComplete() throws Exception {
        // two threads calling at once: one gets the workers, the other runs its items itself
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int c = 0; c < 2; c++) {
                done.add(callers.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        AtomicIntegerArray seen = new AtomicIntegerArray(37);
                        Parallel.forRange(37, seen::incrementAndGet);
                        for (int i = 0; i < 37; i++) {
                            assertEquals(1, seen.get(i), "round " + round + ", item " + i);
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            callers.shutdown();
        }
        // calls spaced wider than the workers spin: they park and must be woken (and take part: in 20 calls of
        // 2 ms, a worker runs some items)
        java.util.Set<Thread> ran = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (int round = 0; round < 20; round++) {
            Thread.sleep(3);
            AtomicIntegerArray seen = new AtomicIntegerArray(100);
            Parallel.forRange(100, i -> {
                seen.incrementAndGet(i);
                ran.add(Thread.currentThread());
                java.util.concurrent.locks.LockSupport.parkNanos(20_000); // long enough for the workers to join in
            });
            for (int i = 0; i < 100; i++) {
                assertEquals(1, seen.get(i), "round " + round + ", item " + i);
            }
        }
        assertTrue(ran.size() > 1, "only the calling thread ran items: the parked workers were not woken");
    }

    @Test
    void nestedCallsComplete() {
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        Parallel.forRange(8, i -> Parallel.forRange(8, j -> seen.incrementAndGet(i * 8 + j)));
        for (int i = 0; i < 64; i++) {
            assertEquals(1, seen.get(i), "item " + i);
        }
    }

    @Test
    void aFailingItemIsRethrownAndThePoolStaysUsable() {
        IllegalStateException boom = new IllegalStateException("item 5 failed");
        for (int attempt = 0; attempt < 20; attempt++) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> Parallel.forRange(50, i -> {
                if (i == 5) {
                    throw boom;
                }
            }));
            // from a worker, ForkJoinTask.join may rethrow a copy whose cause is the original
            assertSame(boom, e == boom ? e : e.getCause(), "attempt " + attempt);
        }
        AtomicIntegerArray seen = new AtomicIntegerArray(10);
        Parallel.forRange(10, seen::incrementAndGet);
        for (int i = 0; i < 10; i++) {
            assertEquals(1, seen.get(i));
        }
    }
}
