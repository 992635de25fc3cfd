package org.deeproots.nn.runtime;

import org.deeproots.nn.model.Op;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.PoolGeometry;

/** Max or average pooling; max pooling saves the argmax for its backward. */
final class PoolLayer extends Layer {
    final Op.Pool op;

    PoolLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes, Op.Pool op) {
        super(name, slot, in, outShape, inShapes);
        this.op = op;
    }

    PoolGeometry geometry(int n) {
        int[] s = inShapes[0];
        return new PoolGeometry(n, s[0], s[1], s[2], op.kernel(), op.stride(), op.padding(), op.ceilMode());
    }

    @Override
    Object newState(int n) {
        return op.max() ? new int[n * product(outShape)] : null; // argmax (n, c, outH, outW)
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        if (op.max()) {
            // the argmax is only needed by the backward pass
            k.maxPool2dForward(ws.act(slot), training ? (int[]) ws.state(this) : null, ws.act(in[0]),
                    geometry(ws.n()));
        } else {
            k.avgPool2dForward(ws.act(slot), ws.act(in[0]), geometry(ws.n()));
        }
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        float[] dIn = ws.gradIn(in[0]);
        if (dIn == null) {
            return;
        }
        if (op.max()) {
            k.maxPool2dBackward(dIn, ws.gradOut(slot), (int[]) ws.state(this), geometry(ws.n()));
        } else {
            k.avgPool2dBackward(dIn, ws.gradOut(slot), geometry(ws.n()));
        }
        ws.gradDone(in[0], dIn);
    }
}
