package org.deeproots.ops.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Packed copies: re-packed when the weights change in place, unless their owner froze them. */
class PackCacheTest {

    @Test
    void changedWeightsAreRepackedFrozenOnesAreNot() {
        PackCache cache = new PackCache();
        AtomicInteger packs = new AtomicInteger();
        float[] w = {1, 2, 3};
        float[] first = cache.get(w, "layout", 3, dst -> {
            packs.incrementAndGet();
            System.arraycopy(w, 0, dst, 0, 3);
        });
        assertSame(first, cache.get(w, "layout", 3, dst -> packs.incrementAndGet()), "unchanged: served");
        assertEquals(1, packs.get());
        w[1] = 5;
        cache.get(w, "layout", 3, dst -> packs.incrementAndGet());
        assertEquals(2, packs.get(), "changed in place: packed again");

        float[] frozen = {1, 2, 3};
        cache.freeze(frozen);
        float[] packed = cache.get(frozen, "layout", 3, dst -> packs.incrementAndGet());
        assertEquals(3, packs.get());
        frozen[0] = 7; // against the promise: the cache no longer looks
        assertSame(packed, cache.get(frozen, "layout", 3, dst -> packs.incrementAndGet()));
        cache.get(frozen, "other layout", 3, dst -> packs.incrementAndGet());
        assertEquals(4, packs.get(), "a new layout of a frozen array is still packed");
    }
}
