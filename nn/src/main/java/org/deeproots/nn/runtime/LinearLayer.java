package org.deeproots.nn.runtime;

import java.util.List;
import org.deeproots.nn.model.Op;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.tensor.Init;

/** Fully connected layer over the flattened input; weight N(0, 1/inFeatures), zero bias. */
final class LinearLayer extends Layer {
    final Op.Linear op;
    final Parameter weight; // (out, in)
    final Parameter bias;   // (out)

    LinearLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes, Op.Linear op) {
        super(name, slot, in, outShape, inShapes);
        this.op = op;
        this.weight = new Parameter(name + ".weight", Parameter.Role.WEIGHT, op.outFeatures(), op.inFeatures());
        this.bias = new Parameter(name + ".bias", Parameter.Role.BIAS, op.outFeatures());
    }

    @Override
    List<Parameter> params() {
        return List.of(weight, bias);
    }

    @Override
    void init(long seed) {
        // LeCun normal for the classifier (no ReLU follows it), as He init assumes a rectifier
        Init.normal(weight.data(), 0, Math.sqrt(1.0 / op.inFeatures()), seed);
        Init.zeros(bias.data());
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        k.linearForward(ws.act(slot), ws.act(in[0]), weight.data(), bias.data(),
                new LinearGeometry(ws.n(), op.inFeatures(), op.outFeatures()));
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        LinearGeometry g = new LinearGeometry(ws.n(), op.inFeatures(), op.outFeatures());
        float[] dOut = ws.gradOut(slot);
        k.linearBackwardWeight(weight.grad(), bias.grad(), dOut, ws.act(in[0]), g);
        float[] dIn = ws.gradIn(in[0]);
        if (dIn != null) {
            k.linearBackwardInput(dIn, dOut, weight.data(), g);
            ws.gradDone(in[0], dIn);
        }
    }
}
