package org.deeproots.ops;

import org.deeproots.ops.scalar.ScalarKernels;

/**
 * Folds an inference-mode batch norm into the convolution (or linear layer) before it, so that inference runs
 * one op instead of two: with {@code scale = gamma / sqrt(runningVar + eps)} per output channel,
 * {@code weight' = weight * scale} and {@code bias' = (bias - runningMean) * scale + beta}. Computed in double,
 * returned as new arrays; the inputs are not modified.
 */
public final class BatchNormFold {
    private BatchNormFold() {
    }

    /**
     * The folded parameters.
     *
     * @param weight (outC, ...) like the conv's weight
     * @param bias   (outC)
     */
    public record Folded(float[] weight, float[] bias) {
    }

    /**
     * Folds the batch norm (gamma, beta, runningMean, runningVar: each (outC)) into the layer's weight
     * (outC, rest...) and optional bias (outC; null means zero).
     *
     * @throws IllegalArgumentException when a length does not match outC = gamma.length, or eps is negative
     */
    public static Folded fold(float[] weight, float[] bias, float[] gamma, float[] beta, float[] runningMean,
                              float[] runningVar, float eps) {
        if (gamma == null || gamma.length == 0) {
            throw new IllegalArgumentException("gamma must hold one value per output channel, got "
                    + (gamma == null ? "null" : "length 0"));
        }
        int outC = gamma.length;
        ScalarKernels.checkLength("beta", beta, outC);
        ScalarKernels.checkLength("runningMean", runningMean, outC);
        ScalarKernels.checkLength("runningVar", runningVar, outC);
        ScalarKernels.checkOptional("bias", bias, outC);
        ScalarKernels.checkBatchNormScalars(0, eps);
        if (weight == null || weight.length == 0 || weight.length % outC != 0) {
            throw new IllegalArgumentException("weight has length " + (weight == null ? "null" : weight.length)
                    + ", not a positive multiple of outC=" + outC);
        }
        int perChannel = weight.length / outC;
        float[] w = new float[weight.length]; // (outC, perChannel)
        float[] b = new float[outC];           // (outC)
        for (int oc = 0; oc < outC; oc++) {
            double scale = gamma[oc] / Math.sqrt((double) runningVar[oc] + eps);
            for (int i = 0; i < perChannel; i++) {
                w[oc * perChannel + i] = (float) (weight[oc * perChannel + i] * scale);
            }
            double b0 = bias == null ? 0 : bias[oc];
            b[oc] = (float) ((b0 - runningMean[oc]) * scale + beta[oc]);
        }
        return new Folded(w, b);
    }
}
