package org.deeproots.ops.simd;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.deeproots.ops.Parallel;

/**
 * Packed copies of weight arrays (channel-last conv weights for {@link ConvDirect}, 8-row panels for
 * {@link Gemm1x1}), kept between calls so that inference does not re-pack the same weights on every forward (at
 * 512 channels 3x3 that is 9 MiB of gathers and a 9 MiB allocation per call).
 *
 * <p>Entries are keyed by the identity of the weight array and by a layout (any value with equals: the packing
 * and its geometry; up to {@value #LAYOUTS} layouts per array), and hold a copy of the weights they were packed
 * from. Every call compares the array with that copy (a vectorised {@link Arrays#equals}, split over the threads for
 * large arrays: a fraction of the cost of packing) and packs afresh when anything changed, so weights updated in
 * place (training, or a caller writing into the array) are never served stale; arrays frozen by their owner
 * ({@link org.deeproots.ops.spi.Kernels#freeze}, a folded inference network) skip that comparison and keep no
 * copy. Entries are immutable once
 * published, so concurrent callers may share them; keys are weak, so entries go with their weight array.
 */
final class PackCache {
    /** Floats per parallel slice of the comparison. */
    private static final int SLICE = 1 << 18;
    /** Layouts kept per weight array (most recent first). */
    static final int LAYOUTS = 3;

    private record Entry(Object layout, float[] copy, float[] packed) {
    }

    private final Map<float[], Entry[]> entries = Collections.synchronizedMap(new WeakHashMap<>());
    /** Arrays whose owner promised they will not change ({@link #freeze}): served without comparison. */
    private final Set<float[]> frozen = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** See {@link org.deeproots.ops.spi.Kernels#freeze}: entries of this array are served without comparing it. */
    void freeze(float[] weight) {
        frozen.add(weight);
    }

    /**
     * The weights packed in {@code layout}: cached, or packed now by {@code pack} into a new array of
     * {@code packedLength} floats.
     */
    float[] get(float[] weight, Object layout, int packedLength, Consumer<float[]> pack) {
        Entry[] list = entries.get(weight);
        boolean trusted = frozen.contains(weight);
        if (list != null) {
            for (Entry e : list) {
                if (e.layout.equals(layout) && (trusted || same(e.copy, weight))) {
                    return e.packed;
                }
            }
        }
        float[] packed = new float[packedLength];
        pack.accept(packed);
        java.util.List<Entry> next = new java.util.ArrayList<>(LAYOUTS);
        next.add(new Entry(layout, trusted ? null : weight.clone(), packed));
        if (list != null) {
            for (Entry e : list) {
                if (next.size() < LAYOUTS && !e.layout.equals(layout)) {
                    next.add(e);
                }
            }
        }
        entries.put(weight, next.toArray(Entry[]::new));
        return packed;
    }

    private static boolean same(float[] a, float[] b) {
        if (a == null || a.length != b.length) { // no copy: packed while frozen
            return false;
        }
        int slices = (a.length + SLICE - 1) / SLICE;
        if (slices == 1) {
            return Arrays.equals(a, b);
        }
        AtomicBoolean differs = new AtomicBoolean();
        Parallel.forRange(slices, i -> {
            if (!differs.get()) {
                int from = i * SLICE;
                int to = Math.min(a.length, from + SLICE);
                if (!Arrays.equals(a, from, to, b, from, to)) {
                    differs.set(true);
                }
            }
        });
        return !differs.get();
    }
}
