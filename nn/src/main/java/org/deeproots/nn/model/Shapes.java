package org.deeproots.nn.model;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Shape helpers for {@link Op}. */
final class Shapes {
    private Shapes() {
    }

    static int[] single(List<int[]> in, String what) {
        if (in.size() != 1) {
            throw new IllegalArgumentException(what + ": expects 1 input, got " + in.size());
        }
        return in.get(0);
    }

    static void requireChannels(int[] s, int channels, String what) {
        if (s.length != 3 || s[0] != channels) {
            throw new IllegalArgumentException(what + ": expected input with " + channels + " channels (CxHxW), got "
                    + describe(List.of(s)));
        }
    }

    /** Pooling output size, Caffe/PyTorch rules (ceil mode drops a window that starts in the padding only). */
    static int poolOut(int in, int kernel, int stride, int pad, boolean ceil) {
        int span = in + 2 * pad - kernel;
        int o = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && pad > 0 && (o - 1) * stride >= in + pad) {
            o--;
        }
        return o;
    }

    static long product(int[] s) {
        long p = 1;
        for (int d : s) {
            p *= d;
        }
        return p;
    }

    static String describe(List<int[]> in) {
        return in.stream().map(s -> Arrays.stream(s).mapToObj(Integer::toString).collect(Collectors.joining("x")))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
