package org.deeproots.nn.runtime;

import org.deeproots.ops.spi.Kernels;

/** Inverted dropout; the identity (a copy) at inference. The mask seed comes from the workspace's counter. */
final class DropoutLayer extends Layer {
    final float p;

    DropoutLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes, double p) {
        super(name, slot, in, outShape, inShapes);
        this.p = (float) p;
    }

    @Override
    Object newState(int n) {
        return new float[n * product(outShape)]; // mask, same shape as the output
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        int size = ws.n() * product(outShape);
        if (training && p > 0) {
            k.dropoutForward(ws.act(slot), (float[]) ws.state(this), ws.act(in[0]), p, ws.nextSeed(slot), size);
        } else {
            System.arraycopy(ws.act(in[0]), 0, ws.act(slot), 0, size);
        }
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        float[] dIn = ws.gradIn(in[0]);
        if (dIn == null) {
            return;
        }
        int size = ws.n() * product(outShape);
        if (p > 0) {
            k.dropoutBackward(dIn, ws.gradOut(slot), (float[]) ws.state(this), size);
        } else {
            System.arraycopy(ws.gradOut(slot), 0, dIn, 0, size);
        }
        ws.gradDone(in[0], dIn);
    }
}
