package org.deeproots.ops.simd;

import org.deeproots.ops.scalar.ScalarKernels;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * The Vector API kernels. Convolution and linear layers are delegated to {@link VectorConv}.
 * (Work in progress: the other ops still delegate to the scalar reference.)
 */
final class VectorKernels implements Kernels {
    private final ScalarKernels scalar = ScalarKernels.INSTANCE;
    private final VectorConv conv = new VectorConv();

    VectorKernels() {
    }

    @Override
    public String name() {
        return "vector-" + SimdConstants.BIT_SIZE;
    }

    @Override
    public void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        conv.conv2dForward(out, in, weight, bias, g);
    }

    @Override
    public void conv2dBackwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        conv.conv2dBackwardInput(dIn, dOut, weight, g);
    }

    @Override
    public void conv2dBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        conv.conv2dBackwardWeight(dWeight, dBias, dOut, in, g);
    }

    @Override
    public void linearForward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g) {
        conv.linearForward(out, in, weight, bias, g);
    }

    @Override
    public void linearBackwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g) {
        conv.linearBackwardInput(dIn, dOut, weight, g);
    }

    @Override
    public void linearBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g) {
        conv.linearBackwardWeight(dWeight, dBias, dOut, in, g);
    }

    @Override
    public void batchNormForwardTraining(float[] out, float[] mean, float[] invStd, float[] runningMean,
                                         float[] runningVar, float[] in, float[] gamma, float[] beta,
                                         float momentum, float eps, BatchNormGeometry g) {
        scalar.batchNormForwardTraining(out, mean, invStd, runningMean, runningVar, in, gamma, beta, momentum, eps, g);
    }

    @Override
    public void batchNormForwardInference(float[] out, float[] in, float[] gamma, float[] beta, float[] runningMean,
                                          float[] runningVar, float eps, BatchNormGeometry g) {
        scalar.batchNormForwardInference(out, in, gamma, beta, runningMean, runningVar, eps, g);
    }

    @Override
    public void batchNormBackward(float[] dIn, float[] dGamma, float[] dBeta, float[] dOut, float[] in, float[] mean,
                                  float[] invStd, float[] gamma, BatchNormGeometry g) {
        scalar.batchNormBackward(dIn, dGamma, dBeta, dOut, in, mean, invStd, gamma, g);
    }

    @Override
    public void maxPool2dForward(float[] out, int[] argmax, float[] in, PoolGeometry g) {
        scalar.maxPool2dForward(out, argmax, in, g);
    }

    @Override
    public void maxPool2dBackward(float[] dIn, float[] dOut, int[] argmax, PoolGeometry g) {
        scalar.maxPool2dBackward(dIn, dOut, argmax, g);
    }

    @Override
    public void avgPool2dForward(float[] out, float[] in, PoolGeometry g) {
        scalar.avgPool2dForward(out, in, g);
    }

    @Override
    public void avgPool2dBackward(float[] dIn, float[] dOut, PoolGeometry g) {
        scalar.avgPool2dBackward(dIn, dOut, g);
    }

    @Override
    public void globalAvgPoolForward(float[] out, float[] in, int n, int c, int hw) {
        scalar.globalAvgPoolForward(out, in, n, c, hw);
    }

    @Override
    public void globalAvgPoolBackward(float[] dIn, float[] dOut, int n, int c, int hw) {
        scalar.globalAvgPoolBackward(dIn, dOut, n, c, hw);
    }

    @Override
    public void reluForward(float[] out, float[] in, int size) {
        scalar.reluForward(out, in, size);
    }

    @Override
    public void reluBackward(float[] dIn, float[] dOut, float[] out, int size) {
        scalar.reluBackward(dIn, dOut, out, size);
    }

    @Override
    public float softmaxCrossEntropyForward(float[] probs, float[] logits, int[] labels, int n, int classes) {
        return scalar.softmaxCrossEntropyForward(probs, logits, labels, n, classes);
    }

    @Override
    public void softmaxCrossEntropyBackward(float[] dLogits, float[] probs, int[] labels, int n, int classes) {
        scalar.softmaxCrossEntropyBackward(dLogits, probs, labels, n, classes);
    }

    @Override
    public void dropoutForward(float[] out, float[] mask, float[] in, float p, long seed, int size) {
        scalar.dropoutForward(out, mask, in, p, seed, size);
    }

    @Override
    public void dropoutBackward(float[] dIn, float[] dOut, float[] mask, int size) {
        scalar.dropoutBackward(dIn, dOut, mask, size);
    }

    @Override
    public void concatForward(float[] out, float[][] ins, int[] channels, int n, int hw) {
        scalar.concatForward(out, ins, channels, n, hw);
    }

    @Override
    public void concatBackward(float[][] dIns, float[] dOut, int[] channels, int n, int hw) {
        scalar.concatBackward(dIns, dOut, channels, n, hw);
    }

    @Override
    public void addForward(float[] out, float[] a, float[] b, int size) {
        scalar.addForward(out, a, b, size);
    }
}
