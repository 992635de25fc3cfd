package org.deeproots.ops.simd;

import org.deeproots.ops.spi.Kernels;

/**
 * The public entry to the Vector API kernels, used by {@code org.deeproots.ops.KernelProvider} only after it has
 * checked that the {@code jdk.incubator.vector} module is present (this class loads the Vector API classes).
 */
public final class SimdKernels {
    private SimdKernels() {
    }

    /**
     * The vector width of this JVM in bits (from {@code -Ddeeproots.vectorBitSize}, else the CPU's preferred one).
     *
     * @throws UnsupportedOperationException when the CPU cannot run that width as SIMD instructions
     */
    public static int bitSize() {
        SimdConstants.checkSupported();
        return SimdConstants.BIT_SIZE;
    }

    /**
     * Creates the vector kernels.
     *
     * @throws UnsupportedOperationException when {@code bitSize} is not this JVM's width or the CPU lacks it
     */
    public static Kernels create(int bitSize) {
        SimdConstants.checkSupported();
        if (bitSize != SimdConstants.BIT_SIZE) {
            throw new UnsupportedOperationException("vector kernels in this JVM are fixed at " + SimdConstants.BIT_SIZE
                    + " bits (set -Ddeeproots.vectorBitSize=" + bitSize + " at start-up for " + bitSize + "), got "
                    + bitSize);
        }
        return new VectorKernels();
    }
}
