package org.deeproots.ops.simd;

import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;

/**
 * Convolution and fully connected kernels of {@link VectorKernels}, which delegates its conv2d* and linear*
 * methods here with the same signatures as {@link org.deeproots.ops.spi.Kernels}.
 *
 * <p>PLACEHOLDER owned by the conv work (issue 3): it delegates to the scalar reference until the fast
 * grouped-convolution / GEMM kernels replace it.
 */
final class VectorConv {
    private final ScalarKernels scalar = ScalarKernels.INSTANCE;

    VectorConv() {
    }

    void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        scalar.conv2dForward(out, in, weight, bias, g);
    }

    void conv2dBackwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        scalar.conv2dBackwardInput(dIn, dOut, weight, g);
    }

    void conv2dBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        scalar.conv2dBackwardWeight(dWeight, dBias, dOut, in, g);
    }

    void linearForward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g) {
        scalar.linearForward(out, in, weight, bias, g);
    }

    void linearBackwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g) {
        scalar.linearBackwardInput(dIn, dOut, weight, g);
    }

    void linearBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g) {
        scalar.linearBackwardWeight(dWeight, dBias, dOut, in, g);
    }
}
