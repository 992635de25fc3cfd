package org.deeproots.nn.runtime;

/**
 * Eval-mode inference for one thread: a {@link Network} plus its own {@link Workspace}. Create one per thread;
 * sessions of one network run concurrently.
 */
public final class InferenceSession {
    private final Network net;
    private final Workspace ws;

    InferenceSession(Network net) {
        this.net = net;
        this.ws = net.newWorkspace();
    }

    public Network network() {
        return net;
    }

    /** Logits (n, classes) of a batch (n, C, H, W), as a fresh array. */
    public float[] logits(float[] input, int n) {
        return net.forward(ws, input, n, false).clone();
    }

    /** Logits of the last call's batch without copying: valid until the next call. */
    public float[] logitsView(float[] input, int n) {
        return net.forward(ws, input, n, false);
    }

    /** Predicted class per image. */
    public int[] predict(float[] input, int n) {
        return Metrics.argmax(net.forward(ws, input, n, false), n, net.spec().classes());
    }

    /** Mean loss of the batch against labels (eval mode). */
    public float loss(float[] input, int n, int[] labels) {
        net.forward(ws, input, n, false);
        return net.loss(ws, labels);
    }
}
