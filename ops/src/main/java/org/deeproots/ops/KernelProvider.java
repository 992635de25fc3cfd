package org.deeproots.ops;

import java.lang.System.Logger.Level;
import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.simd.SimdKernels;
import org.deeproots.ops.spi.Kernels;

/**
 * Chooses the kernel implementation once per JVM (Lucene's vectorization provider pattern).
 *
 * <p>{@code -Ddeeproots.vectorBitSize=0} forces the scalar reference; {@code 128}, {@code 256} or {@code 512}
 * force a vector width; without the property the CPU's preferred width is used when the
 * {@code jdk.incubator.vector} module is in the boot layer ({@code --add-modules jdk.incubator.vector}).
 * The Vector API classes are loaded only after that check, and every fallback to scalar is logged with its
 * reason. The choice is logged once, at INFO level, through {@link System.Logger}.
 *
 * <p>The vector width is fixed per JVM: the Vector API compiles to SIMD instructions only when the species is
 * a constant, so {@code org.deeproots.ops.simd} holds it in a {@code static final} field derived from the same
 * property. Tests and benchmarks that want another width run in another JVM (a surefire execution, a JMH fork).
 */
public final class KernelProvider {
    /** The system property that forces the implementation: 0 (scalar), 128, 256 or 512. */
    public static final String BIT_SIZE_PROPERTY = "deeproots.vectorBitSize";

    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    private KernelProvider() {
    }

    /** Holder idiom: the choice is made (and logged) on first use, once. */
    private static final class Holder {
        static final Kernels KERNELS;
        static final RuntimeException FAILURE;

        static {
            Kernels k = null;
            RuntimeException failure = null;
            try {
                k = select();
            } catch (RuntimeException e) {
                failure = e;
            }
            KERNELS = k;
            FAILURE = failure;
        }
    }

    /**
     * The kernels of this JVM, chosen on first call.
     *
     * @throws IllegalArgumentException when {@code deeproots.vectorBitSize} is not 0, 128, 256 or 512
     */
    public static Kernels kernels() {
        if (Holder.FAILURE != null) {
            throw Holder.FAILURE;
        }
        return Holder.KERNELS;
    }

    /** The scalar reference kernels. */
    public static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /**
     * The Vector API kernels at {@code bitSize} bits (for tests and benchmarks).
     *
     * @throws UnsupportedOperationException when the module is absent, the CPU lacks the width, or the width is
     *         not the one this JVM's {@code deeproots.vectorBitSize} fixed (see the class comment)
     */
    public static Kernels vector(int bitSize) {
        if (!vectorModulePresent()) {
            throw new UnsupportedOperationException("module jdk.incubator.vector is not in the boot layer; "
                    + "run java with --add-modules jdk.incubator.vector");
        }
        return SimdKernels.create(bitSize);
    }

    /** The vector width in bits that {@link #vector(int)} supports in this JVM, or 0 when it supports none. */
    public static int vectorBitSize() {
        if (!vectorModulePresent()) {
            return 0;
        }
        try {
            return SimdKernels.bitSize();
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Parses the property; -1 when it is absent (use the preferred width). */
    static int requestedBitSize(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        int bits;
        try {
            bits = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            bits = -2;
        }
        if (bits != 0 && bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException("-D" + BIT_SIZE_PROPERTY + " must be 0, 128, 256 or 512, got '"
                    + value + "'");
        }
        return bits;
    }

    private static Kernels select() {
        int bits = requestedBitSize(System.getProperty(BIT_SIZE_PROPERTY));
        if (bits == 0) {
            LOG.log(Level.INFO, "deeproots kernels: scalar (forced by -D" + BIT_SIZE_PROPERTY + "=0)");
            return scalar();
        }
        if (!vectorModulePresent()) {
            LOG.log(Level.WARNING, "deeproots kernels: scalar, because module jdk.incubator.vector is not in the "
                    + "boot layer (run java with --add-modules jdk.incubator.vector)");
            return scalar();
        }
        try {
            Kernels k = SimdKernels.create(bits < 0 ? SimdKernels.bitSize() : bits);
            LOG.log(Level.INFO, "deeproots kernels: " + k.name() + (bits < 0 ? " (the CPU's preferred width)"
                    : " (forced by -D" + BIT_SIZE_PROPERTY + "=" + bits + ")"));
            return k;
        } catch (UnsupportedOperationException e) {
            LOG.log(Level.WARNING, "deeproots kernels: scalar, because the vector kernels are unavailable: "
                    + e.getMessage());
            return scalar();
        }
    }
}
