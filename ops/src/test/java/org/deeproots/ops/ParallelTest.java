package org.deeproots.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
