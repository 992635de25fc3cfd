package org.deeproots.nn.runtime;

import org.deeproots.ops.spi.Kernels;

/** Global average pooling (n, c, h, w) to (n, c). */
final class GlobalAvgPoolLayer extends Layer {
    GlobalAvgPoolLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes) {
        super(name, slot, in, outShape, inShapes);
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        k.globalAvgPoolForward(ws.act(slot), ws.act(in[0]), ws.n(), inShapes[0][0], hw(inShapes[0]));
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        float[] dIn = ws.gradIn(in[0]);
        if (dIn != null) {
            k.globalAvgPoolBackward(dIn, ws.gradOut(slot), ws.n(), inShapes[0][0], hw(inShapes[0]));
            ws.gradDone(in[0], dIn);
        }
    }
}
