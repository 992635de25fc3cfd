package org.deeproots.nn.runtime;

import org.deeproots.ops.spi.Kernels;

/**
 * ReLU, computed in place when its input has no other reader (see {@link Network}); then fused into the convolution
 * it follows, and at inference into the residual add it follows.
 */
final class ReluLayer extends Layer {
    ReluLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes) {
        super(name, slot, in, outShape, inShapes);
    }

    @Override
    boolean backwardReadsOutput() {
        return true;
    }

    /**
     * True when this ReLU overwrites a residual add's output in place and the add applies it at inference
     * ({@link AddLayer#fusedRelu}): one pass over the activation instead of two.
     */
    boolean fusedAtInference;

    /**
     * True when this ReLU overwrites a convolution's output in place and the convolution applies it
     * ({@link ConvLayer#fusedRelu}), in training and at inference.
     */
    boolean fusedWithConv;

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        if (fusedAtInference && !training && ws.act(slot) == ws.act(in[0])) {
            return;
        }
        if (fusedWithConv && ws.act(slot) == ws.act(in[0])) {
            return;
        }
        k.reluForward(ws.act(slot), ws.act(in[0]), ws.n() * product(outShape));
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        float[] dIn = ws.gradIn(in[0]);
        if (dIn != null) {
            k.reluBackward(dIn, ws.gradOut(slot), ws.act(slot), ws.n() * product(outShape));
            ws.gradDone(in[0], dIn);
        }
    }
}
