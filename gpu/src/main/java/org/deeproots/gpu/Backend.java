package org.deeproots.gpu;

import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * A compute device with the op set the networks need, over {@link DeviceBuffer}s that stay on the device between
 * ops. The ops have the semantics of {@link org.deeproots.ops.spi.Kernels} (same argument order: outputs, saved
 * state, inputs, geometry; outputs overwritten; same batch-norm running-statistics, pooling and dropout
 * conventions), so results match {@code ScalarKernels} up to float rounding. Buffer sizes must equal what the
 * geometry needs, else {@link IllegalArgumentException} naming the argument.
 *
 * <p>Implementations: {@link CpuBackend} (host arrays through a {@code Kernels}), {@link OpenClBackend} and
 * {@link CudaBackend} (FFM bindings, single-source kernels). A TornadoVM backend would be another implementation.
 * A backend is used from one thread at a time. Host copies happen only in {@link #upload} and {@link #download}
 * (and the loss read-back of {@link #softmaxCrossEntropyForward}); {@link #transfers()} counts them.
 */
public interface Backend extends AutoCloseable {

    /** Backend id: {@code cpu}, {@code opencl} or {@code cuda}. */
    String name();

    /** The device in words, e.g. {@code NVIDIA H100 80GB HBM3 (sm_90)}. */
    String device();

    /** A new device buffer of {@code elements} 4-byte values, contents undefined. */
    DeviceBuffer allocate(int elements);

    /** Copies {@code src} to the device; {@code src.length} must equal {@code dst.elements()}. */
    void upload(DeviceBuffer dst, float[] src);

    void upload(DeviceBuffer dst, int[] src);

    /** Copies the device buffer to {@code dst}; {@code dst.length} must equal {@code src.elements()}. */
    void download(float[] dst, DeviceBuffer src);

    void download(int[] dst, DeviceBuffer src);

    /** Allocates a buffer holding a copy of {@code host}. */
    default DeviceBuffer upload(float[] host) {
        DeviceBuffer b = allocate(host.length);
        upload(b, host);
        return b;
    }

    /** Allocates a buffer holding a copy of {@code host}. */
    default DeviceBuffer upload(int[] host) {
        DeviceBuffer b = allocate(host.length);
        upload(b, host);
        return b;
    }

    /** Downloads a whole float buffer into a new array. */
    default float[] download(DeviceBuffer src) {
        float[] host = new float[src.elements()];
        download(host, src);
        return host;
    }

    /** Host/device copies and launches so far. */
    TransferStats transfers();

    /** Waits until every queued op has finished (before stopping a clock). */
    void synchronize();

    /** Frees every resource of the backend. */
    @Override
    void close();

    // ---- device-side helpers (no host copy) --------------------------------------------------------

    /** dst[i] = src[i] for i < size (device to device). */
    void copy(DeviceBuffer dst, DeviceBuffer src, int size);

    /** dst[i] = value for i < size. */
    void fill(DeviceBuffer dst, float value, int size);

    /**
     * SGD with momentum and weight decay in PyTorch's form: {@code v = momentum * v + grad + weightDecay * param;
     * param -= lr * v}.
     */
    void sgdUpdate(DeviceBuffer param, DeviceBuffer velocity, DeviceBuffer grad, float lr, float momentum,
                   float weightDecay, int size);

    // ---- the Kernels op set ------------------------------------------------------------------------

    /** out (n, outC, outH, outW) = conv(in (n, inC, h, w), weight (outC, inC/groups, kh, kw)) + bias (nullable). */
    void conv2dForward(DeviceBuffer out, DeviceBuffer in, DeviceBuffer weight, DeviceBuffer bias, ConvGeometry g);

    /** dIn (n, inC, h, w) from dOut (n, outC, outH, outW) and weight. */
    void conv2dBackwardInput(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer weight, ConvGeometry g);

    /** dWeight (outC, inC/groups, kh, kw) and dBias (outC, nullable) from dOut and the forward input. */
    void conv2dBackwardWeight(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dOut, DeviceBuffer in,
                              ConvGeometry g);

    /** out (n, out) = in (n, in) x weight (out, in)^T + bias (out, nullable). */
    void linearForward(DeviceBuffer out, DeviceBuffer in, DeviceBuffer weight, DeviceBuffer bias, LinearGeometry g);

    /** dIn (n, in) = dOut (n, out) x weight (out, in). */
    void linearBackwardInput(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer weight, LinearGeometry g);

    /** dWeight (out, in) = dOut^T x in; dBias (out, nullable) = column sums of dOut. */
    void linearBackwardWeight(DeviceBuffer dWeight, DeviceBuffer dBias, DeviceBuffer dOut, DeviceBuffer in,
                              LinearGeometry g);

    /** Training-mode batch norm; see {@link org.deeproots.ops.spi.Kernels#batchNormForwardTraining}. */
    void batchNormForwardTraining(DeviceBuffer out, DeviceBuffer mean, DeviceBuffer invStd, DeviceBuffer runningMean,
                                  DeviceBuffer runningVar, DeviceBuffer in, DeviceBuffer gamma, DeviceBuffer beta,
                                  float momentum, float eps, BatchNormGeometry g);

    /** Inference-mode batch norm with the running statistics. */
    void batchNormForwardInference(DeviceBuffer out, DeviceBuffer in, DeviceBuffer gamma, DeviceBuffer beta,
                                   DeviceBuffer runningMean, DeviceBuffer runningVar, float eps, BatchNormGeometry g);

    /** Backward of the training-mode forward: dIn, dGamma (c), dBeta (c). */
    void batchNormBackward(DeviceBuffer dIn, DeviceBuffer dGamma, DeviceBuffer dBeta, DeviceBuffer dOut,
                           DeviceBuffer in, DeviceBuffer mean, DeviceBuffer invStd, DeviceBuffer gamma,
                           BatchNormGeometry g);

    /** Max pooling; argmax (int, size of out) gets the flat input index of each maximum. */
    void maxPool2dForward(DeviceBuffer out, DeviceBuffer argmax, DeviceBuffer in, PoolGeometry g);

    void maxPool2dBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer argmax, PoolGeometry g);

    /** Average pooling with Caffe's divisor (the window clipped to the padded input). */
    void avgPool2dForward(DeviceBuffer out, DeviceBuffer in, PoolGeometry g);

    void avgPool2dBackward(DeviceBuffer dIn, DeviceBuffer dOut, PoolGeometry g);

    /** out (n, c) = mean over hw of in (n, c, hw). */
    void globalAvgPoolForward(DeviceBuffer out, DeviceBuffer in, int n, int c, int hw);

    void globalAvgPoolBackward(DeviceBuffer dIn, DeviceBuffer dOut, int n, int c, int hw);

    /** out = max(in, 0); out may be in. */
    void reluForward(DeviceBuffer out, DeviceBuffer in, int size);

    /** dIn = out > 0 ? dOut : 0; dIn may be dOut. */
    void reluBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer out, int size);

    /**
     * probs (n, classes) = softmax(logits); returns the mean cross-entropy against labels (int, n). Reads back n
     * per-sample losses (a counted download). A label out of range throws IllegalArgumentException.
     */
    float softmaxCrossEntropyForward(DeviceBuffer probs, DeviceBuffer logits, DeviceBuffer labels, int n,
                                     int classes);

    /** dLogits = (probs - onehot(labels)) / n. */
    void softmaxCrossEntropyBackward(DeviceBuffer dLogits, DeviceBuffer probs, DeviceBuffer labels, int n,
                                     int classes);

    /** Inverted dropout with the CPU kernels' mask (a function of seed and index only). */
    void dropoutForward(DeviceBuffer out, DeviceBuffer mask, DeviceBuffer in, float p, long seed, int size);

    void dropoutBackward(DeviceBuffer dIn, DeviceBuffer dOut, DeviceBuffer mask, int size);

    /** Channel concat: out (n, sum(channels), hw) from ins[k] (n, channels[k], hw). */
    void concatForward(DeviceBuffer out, DeviceBuffer[] ins, int[] channels, int n, int hw);

    /** Splits dOut (n, sum(channels), hw) into dIns[k] (n, channels[k], hw). */
    void concatBackward(DeviceBuffer[] dIns, DeviceBuffer dOut, int[] channels, int n, int hw);

    /** out = a + b (residual add); out may alias a or b. */
    void addForward(DeviceBuffer out, DeviceBuffer a, DeviceBuffer b, int size);
}
