package org.deeproots.nn.runtime;

import org.deeproots.ops.spi.Kernels;

/** Channel concatenation (Inception); its backward splits the gradient back to the inputs. */
final class ConcatLayer extends Layer {
    final int[] channels;

    ConcatLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes) {
        super(name, slot, in, outShape, inShapes);
        channels = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            channels[i] = inShapes[i][0];
        }
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        float[][] ins = new float[in.length][];
        for (int i = 0; i < in.length; i++) {
            ins[i] = ws.act(in[i]);
        }
        k.concatForward(ws.act(slot), ins, channels, ws.n(), hw(outShape));
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        float[][] dIns = new float[in.length][];
        boolean[] scratch = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            dIns[i] = ws.gradIn(in[i]);
            if (dIns[i] == null) { // the kernel writes every part
                dIns[i] = ws.scratch(ws.n() * product(inShapes[i]));
                scratch[i] = true;
            }
        }
        k.concatBackward(dIns, ws.gradOut(slot), channels, ws.n(), hw(outShape));
        for (int i = 0; i < in.length; i++) {
            if (scratch[i]) {
                ws.release(dIns[i]);
            } else {
                ws.gradDone(in[i], dIns[i]);
            }
        }
    }
}
