package org.deeproots.ops.simd;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeproots.ops.Parallel;

/**
 * Channel-last copies of convolution weights ({@link ConvDirect#pack}), kept between calls so that inference does
 * not re-pack the same weights on every forward (at 512 channels 3x3 that is 9 MiB of gathers and a 9 MiB
 * allocation per call).
 *
 * <p>An entry is keyed by the identity of the weight array and holds the layout it was packed for and a copy of the
 * weights it was packed from. Every call compares the array with that copy (a vectorised {@link Arrays#equals},
 * split over the threads for large arrays: a fraction of the cost of packing) and packs afresh when anything
 * changed, so weights updated in place (training, or a caller writing into the array) are never served stale.
 * Entries are immutable once published, so concurrent callers may share them; keys are weak, so an entry goes
 * with its weight array.
 */
final class PackCache {
    /** Floats per parallel slice of the comparison. */
    private static final int SLICE = 1 << 18;

    private record Entry(int groups, int icg, int taps, int opg, float[] copy, float[] packed) {
        boolean fits(ConvPlan p) {
            return groups == p.groups() && icg == p.icg() && taps == p.taps() && opg == p.opg();
        }
    }

    private final Map<float[], Entry> entries = Collections.synchronizedMap(new WeakHashMap<>());

    /** The weights of plan p packed for the channel tiles {@code tiles}: cached, or packed now. */
    float[] get(float[] weight, ConvPlan p, int[] tiles) {
        Entry e = entries.get(weight);
        if (e != null && e.fits(p) && same(e.copy, weight)) {
            return e.packed;
        }
        float[] packed = new float[weight.length];
        ConvDirect.pack(packed, weight, p, tiles);
        entries.put(weight, new Entry(p.groups(), p.icg(), p.taps(), p.opg(), weight.clone(), packed));
        return packed;
    }

    /** Number of entries (for tests). */
    int size() {
        return entries.size();
    }

    private static boolean same(float[] a, float[] b) {
        if (a.length != b.length) {
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
