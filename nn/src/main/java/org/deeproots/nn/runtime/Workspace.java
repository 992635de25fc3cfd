package org.deeproots.nn.runtime;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-call state of one {@link Network}: activations, saved state (batch-norm statistics, max-pool argmax,
 * dropout masks), gradients of activations and scratch buffers. A workspace belongs to one thread at a time;
 * several threads run one network at once, each with its own workspace. Buffers are kept between calls and
 * re-planned only when the batch size or the mode changes.
 *
 * <p>At inference the activation buffers are shared by liveness (a buffer is reused once every reader of its
 * node has run), so memory stays near the two or three largest activations; in training every activation is
 * kept for the backward pass. ReLU and the residual add work in place where an input has no other reader.
 */
public final class Workspace {
    private final Network net;
    private int n = -1;
    private boolean training;
    private float[][] act;       // per slot: (n, per-sample shape)
    private Object[] state;      // per layer
    private float[][] grad;      // per slot: gradient of the loss w.r.t. the activation
    private byte[] gradState;    // 0 none, 1 handed out, 2 written
    private final Map<Integer, ArrayDeque<float[]>> pool = new HashMap<>();
    private float[] probs;       // (n, classes)
    private long calls;
    private final boolean reuse;

    Workspace(Network net) {
        this(net, true);
    }

    /** reuse = false gives every activation its own buffer, never in place (a test oracle for the plan). */
    Workspace(Network net, boolean reuse) {
        this.net = net;
        this.reuse = reuse;
    }

    /** The batch size this workspace is planned for (-1 before the first call). */
    public int n() {
        return n;
    }

    void prepare(int batch, boolean train) {
        if (batch == n && train == training && act != null) {
            return;
        }
        n = batch;
        training = train;
        Layer[] layers = net.layers();
        int slots = layers.length + 1;
        act = new float[slots][];
        state = new Object[layers.length];
        grad = new float[slots][];
        gradState = new byte[slots];
        pool.clear();
        Map<Integer, ArrayDeque<float[]>> free = new HashMap<>(); // inference plan: buffers free for reuse
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            state[i] = l.newState(n);
            int size = n * net.sampleSize(l.slot);
            if (reuse && net.aliasOf(l.slot) >= 0) {
                act[l.slot] = act[net.aliasOf(l.slot)];
            } else {
                ArrayDeque<float[]> q = train || !reuse ? null : free.get(size);
                act[l.slot] = q == null || q.isEmpty() ? new float[size] : q.pop();
            }
            if (!train) {
                for (int s : l.in) { // free the inputs this layer reads last
                    if (s != 0 && net.lastUse(s) == i && act[s] != act[l.slot]) {
                        free.computeIfAbsent(act[s].length, k -> new ArrayDeque<>()).push(act[s]);
                    }
                }
            }
        }
        probs = new float[n * net.spec().classes()];
    }

    float[] act(int slot) {
        return act[slot];
    }

    void setInput(float[] input) {
        act[0] = input;
    }

    Object state(Layer l) {
        return state[l.slot - 1];
    }

    float[] probs() {
        return probs;
    }

    /** A distinct seed per forward call and layer, for dropout masks. */
    long nextSeed(int slot) {
        return net.seed() * 0x9E3779B97F4A7C15L + calls * 1_000_003L + slot;
    }

    void countCall() {
        calls++;
    }

    // ---- gradients -----------------------------------------------------------------------------------

    void startBackward() {
        Arrays.fill(gradState, (byte) 0);
        Arrays.fill(grad, null);
    }

    /** The complete gradient of a slot, or null when nothing downstream sent one. */
    float[] gradOut(int slot) {
        return gradState[slot] == 2 ? grad[slot] : null;
    }

    /** Sets the gradient of a slot directly (the loss gradient of the logits). */
    void setGrad(int slot, float[] g) {
        grad[slot] = g;
        gradState[slot] = 2;
    }

    /**
     * A buffer to write the gradient of slot into (it is overwritten); null for the network input, whose
     * gradient nobody needs. Pass it back to {@link #gradDone}, which sums it in when the slot already has a
     * gradient from another reader.
     */
    float[] gradIn(int slot) {
        if (slot == 0) {
            return null;
        }
        int size = n * net.sampleSize(slot);
        if (gradState[slot] == 0) {
            grad[slot] = take(size);
            gradState[slot] = 1;
            return grad[slot];
        }
        return take(size);
    }

    void gradDone(int slot, float[] buf) {
        if (buf == grad[slot]) {
            gradState[slot] = 2;
            return;
        }
        float[] g = grad[slot]; // second reader: accumulate (kernels overwrite their outputs)
        for (int i = 0; i < g.length; i++) {
            g[i] += buf[i];
        }
        release(buf);
    }

    /** Returns a slot's gradient buffer to the pool once its layer's backward is done. */
    void dropGrad(int slot) {
        if (grad[slot] != null && gradState[slot] != 0) {
            release(grad[slot]);
        }
        grad[slot] = null;
        gradState[slot] = 0;
    }

    float[] scratch(int size) {
        return take(size);
    }

    void release(float[] buf) {
        pool.computeIfAbsent(buf.length, k -> new ArrayDeque<>()).push(buf);
    }

    private float[] take(int size) {
        ArrayDeque<float[]> q = pool.get(size);
        return q == null || q.isEmpty() ? new float[size] : q.pop();
    }
}
