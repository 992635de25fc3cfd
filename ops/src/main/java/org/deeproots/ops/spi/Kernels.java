package org.deeproots.ops.spi;

/**
 * The closed set of CPU kernels that the networks need, forward and backward.
 *
 * <p>Conventions (llm.c style): arguments are ordered outputs, then saved state, then inputs and parameters,
 * then the geometry record. Every output array is <b>overwritten</b>, never accumulated into (the caller sums
 * gradients where a tensor feeds several layers). Layouts are NCHW, flat row-major {@code float[]}; array
 * lengths are checked against the geometry and a mismatch throws {@link IllegalArgumentException} naming the
 * argument and both sizes. Implementations are stateless and safe to call from several threads at once;
 * results do not depend on the thread count beyond float rounding. NaN inputs propagate.
 *
 * <p>Implementations: {@code org.deeproots.ops.scalar.ScalarKernels} (the reference, the test oracle) and the
 * Vector API kernels in {@code org.deeproots.ops.simd}; {@code org.deeproots.ops.KernelProvider} picks one.
 */
public interface Kernels {

    /** Short name for logs and result files, e.g. {@code scalar} or {@code vector-512}. */
    String name();

    /**
     * The caller's promise that {@code weights} will not change from now on (an inference-only copy of a model's
     * parameters). Kernels that keep packed or transformed copies of weights between calls compare the array with
     * the copy it was packed from on every call, so that weights updated in place are never served stale; for a
     * frozen array they skip that comparison (at batch 1 it read about a tenth of a layer's time) and keep no copy.
     * Changing a frozen array afterwards leaves the kernels using its old values: make a new array instead. No
     * effect in kernels without such caches.
     */
    default void freeze(float[] weights) {
    }

    // ---- convolution -------------------------------------------------------------------------------

    /** out (n, outC, outH, outW) = conv(in (n, inC, h, w), weight (outC, inC/groups, kh, kw)) + bias (outC, nullable). */
    void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g);

    /** dIn (n, inC, h, w) from dOut (n, outC, outH, outW) and weight. */
    void conv2dBackwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g);

    /** dWeight (outC, inC/groups, kh, kw) and dBias (outC, nullable: skipped) from dOut and the forward input. */
    void conv2dBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g);

    // ---- fully connected (GEMM) --------------------------------------------------------------------

    /** out (n, out) = in (n, in) x weight (out, in)^T + bias (out, nullable). */
    void linearForward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g);

    /** dIn (n, in) = dOut (n, out) x weight (out, in). */
    void linearBackwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g);

    /** dWeight (out, in) = dOut^T x in; dBias (out, nullable) = column sums of dOut. */
    void linearBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g);

    // ---- batch norm --------------------------------------------------------------------------------

    /**
     * Training mode: normalises with the batch statistics, saves them (mean (c), invStd (c) = 1/sqrt(var + eps),
     * biased variance) and updates runningMean/runningVar in place:
     * {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased variance for runningVar
     * (PyTorch's convention).
     */
    void batchNormForwardTraining(float[] out, float[] mean, float[] invStd, float[] runningMean,
                                  float[] runningVar, float[] in, float[] gamma, float[] beta,
                                  float momentum, float eps, BatchNormGeometry g);

    /** Inference mode: out = gamma * (in - runningMean) / sqrt(runningVar + eps) + beta. */
    void batchNormForwardInference(float[] out, float[] in, float[] gamma, float[] beta, float[] runningMean,
                                   float[] runningVar, float eps, BatchNormGeometry g);

    /** Backward of the training-mode forward: dIn, dGamma (c), dBeta (c). */
    void batchNormBackward(float[] dIn, float[] dGamma, float[] dBeta, float[] dOut, float[] in, float[] mean,
                           float[] invStd, float[] gamma, BatchNormGeometry g);

    // ---- pooling -----------------------------------------------------------------------------------

    /**
     * Max pooling; argmax (same size as out) receives the flat index into {@code in} of each maximum. Ties go to
     * the first element in row-major window order; a NaN in a window wins (propagates). {@code argmax} may be null
     * when no backward follows (inference): then only the maxima are computed.
     */
    void maxPool2dForward(float[] out, int[] argmax, float[] in, PoolGeometry g);

    void maxPool2dBackward(float[] dIn, float[] dOut, int[] argmax, PoolGeometry g);

    /**
     * Average pooling; the divisor is the window size clipped to the padded input (Caffe's convention: padding
     * counts, the part of a ceil-mode window beyond the padding does not).
     */
    void avgPool2dForward(float[] out, float[] in, PoolGeometry g);

    void avgPool2dBackward(float[] dIn, float[] dOut, PoolGeometry g);

    /** out (n, c) = mean over hw of in (n, c, hw). */
    void globalAvgPoolForward(float[] out, float[] in, int n, int c, int hw);

    void globalAvgPoolBackward(float[] dIn, float[] dOut, int n, int c, int hw);

    // ---- elementwise and the rest -------------------------------------------------------------------

    /**
     * {@link #conv2dForward} followed by {@link #reluForward} in place on out: the same values. The inference and
     * training runtimes call it where a ReLU is the convolution's only reader; an implementation may apply the ReLU
     * while each part of the output is still in cache, instead of a second pass over memory.
     */
    default void conv2dReluForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        conv2dForward(out, in, weight, bias, g);
        reluForward(out, out, g.outputSize());
    }

    /** out[i] = max(in[i], 0) for i < size; NaN stays NaN. out may be in (in place). */
    void reluForward(float[] out, float[] in, int size);

    /** dIn[i] = out[i] > 0 ? dOut[i] : 0, with out the forward output. dIn may be dOut. */
    void reluBackward(float[] dIn, float[] dOut, float[] out, int size);

    /**
     * Softmax of logits (n, classes) into probs, and the mean cross-entropy loss over the batch against
     * labels (n) in [0, classes), which is returned. A label out of range throws IllegalArgumentException.
     */
    float softmaxCrossEntropyForward(float[] probs, float[] logits, int[] labels, int n, int classes);

    /** dLogits = (probs - onehot(labels)) / n: the gradient of the mean loss. */
    void softmaxCrossEntropyBackward(float[] dLogits, float[] probs, int[] labels, int n, int classes);

    /**
     * Inverted dropout: mask[i] = 0 with probability p, else 1/(1-p); out = in * mask. The mask is a function of
     * (seed, i) only, so it is the same for every thread count and implementation.
     */
    void dropoutForward(float[] out, float[] mask, float[] in, float p, long seed, int size);

    void dropoutBackward(float[] dIn, float[] dOut, float[] mask, int size);

    /** Channel concat: out (n, sum(channels), hw) from ins[k] (n, channels[k], hw). */
    void concatForward(float[] out, float[][] ins, int[] channels, int n, int hw);

    /** Splits dOut (n, sum(channels), hw) back into dIns[k] (n, channels[k], hw). */
    void concatBackward(float[][] dIns, float[] dOut, int[] channels, int n, int hw);

    /** out = a + b (residual add); out may alias a or b. Its backward is the identity on both inputs. */
    void addForward(float[] out, float[] a, float[] b, int size);

    /**
     * out = max(a + b, 0): a residual add followed by ReLU, as one pass over memory (the inference runtime fuses
     * the two where the ReLU is the add's only reader); NaN stays NaN; out may alias a or b. The default is
     * {@link #addForward} then {@link #reluForward} in place, which gives the same values.
     */
    default void addReluForward(float[] out, float[] a, float[] b, int size) {
        addForward(out, a, b, size);
        reluForward(out, out, size);
    }
}
