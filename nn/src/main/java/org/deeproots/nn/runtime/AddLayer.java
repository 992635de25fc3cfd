package org.deeproots.nn.runtime;

import org.deeproots.ops.spi.Kernels;

/** Elementwise sum of two inputs (residual connection); its backward passes dOut to both. */
final class AddLayer extends Layer {
    AddLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes) {
        super(name, slot, in, outShape, inShapes);
    }

    /**
     * The slot of the ReLU that overwrites this sum in place, or -1 (set by {@link Network}). At inference, when the
     * workspace gives both the same buffer, the add applies that ReLU and the ReLU layer skips.
     */
    int fusedRelu = -1;

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        if (fusedRelu >= 0 && !training && ws.act(fusedRelu) == ws.act(slot)) {
            k.addReluForward(ws.act(slot), ws.act(in[0]), ws.act(in[1]), ws.n() * product(outShape));
        } else {
            k.addForward(ws.act(slot), ws.act(in[0]), ws.act(in[1]), ws.n() * product(outShape));
        }
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        int size = ws.n() * product(outShape);
        float[] dOut = ws.gradOut(slot);
        for (int i : in) {
            float[] dIn = ws.gradIn(i);
            if (dIn != null) {
                System.arraycopy(dOut, 0, dIn, 0, size);
                ws.gradDone(i, dIn);
            }
        }
    }
}
