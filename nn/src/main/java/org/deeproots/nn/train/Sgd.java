package org.deeproots.nn.train;

import java.util.ArrayList;
import java.util.List;
import org.deeproots.nn.runtime.Parameter;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, PyTorch's formulation:
 * {@code g = grad + decay * w; v = momentum * v + g; w -= lr * v}. Weight decay applies to conv and linear
 * weights only unless {@code decayAll}: biases and batch-norm gamma/beta are not decayed by default.
 */
public final class Sgd {
    private final List<Parameter> params = new ArrayList<>();
    private final List<float[]> velocity = new ArrayList<>();
    private final List<Boolean> decay = new ArrayList<>();
    private final double momentum;
    private final double weightDecay;

    public Sgd(List<Parameter> all, double momentum, double weightDecay, boolean decayAll) {
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        for (Parameter p : all) {
            if (p.role().learned()) {
                params.add(p);
                velocity.add(new float[p.size()]);
                decay.add(decayAll || p.role().decayByDefault());
            }
        }
    }

    /** One update with learning rate lr from the parameters' current gradients. */
    public void step(double lr) {
        float m = (float) momentum;
        float rate = (float) lr;
        for (int k = 0; k < params.size(); k++) {
            float[] w = params.get(k).data();
            float[] g = params.get(k).grad();
            float[] v = velocity.get(k);
            float wd = decay.get(k) ? (float) weightDecay : 0f;
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] + wd * w[i];
                v[i] = m * v[i] + gi;
                w[i] -= rate * v[i];
            }
        }
    }
}
