package org.deeproots.nn.runtime;

import java.util.Arrays;

/**
 * One named tensor of a {@link Network}: a learned parameter (with a gradient of the same size) or a
 * non-learned buffer such as batch-norm running statistics ({@link #grad()} is {@code null}).
 *
 * <p>Names are {@code <node>.<role>}, e.g. {@code conv1.weight}, {@code bn1.runningMean}; checkpoints store
 * parameters by name.
 */
public final class Parameter {
    /** What a tensor is, which decides its initialisation and whether weight decay applies. */
    public enum Role {
        WEIGHT, BIAS, BN_GAMMA, BN_BETA, RUNNING_MEAN, RUNNING_VAR;

        /** True for tensors the optimizer updates. */
        public boolean learned() {
            return this != RUNNING_MEAN && this != RUNNING_VAR;
        }

        /** True where weight decay applies by default (weights only, not biases or batch-norm parameters). */
        public boolean decayByDefault() {
            return this == WEIGHT;
        }
    }

    private final String name;
    private final Role role;
    private final int[] shape;
    private final float[] data;
    private final float[] grad;

    Parameter(String name, Role role, int... shape) {
        this.name = name;
        this.role = role;
        this.shape = shape.clone();
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        this.data = new float[Math.toIntExact(size)];
        this.grad = role.learned() ? new float[data.length] : null;
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /** The tensor's shape, e.g. (outC, inC/groups, k, k) for a conv weight. */
    public int[] shape() {
        return shape.clone();
    }

    /** The values (not a copy); the network reads them on every forward. */
    public float[] data() {
        return data;
    }

    /** The gradient of the last backward (not a copy), or null for a non-learned buffer. */
    public float[] grad() {
        return grad;
    }

    public int size() {
        return data.length;
    }

    @Override
    public String toString() {
        return name + " " + Arrays.toString(shape);
    }
}
