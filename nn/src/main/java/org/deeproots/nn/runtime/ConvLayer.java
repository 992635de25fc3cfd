package org.deeproots.nn.runtime;

import java.util.ArrayList;
import java.util.List;
import org.deeproots.nn.model.Op;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.tensor.Init;

/** Convolution with filter groups; He-normal weights with fanIn = inChannels/groups * k * k. */
final class ConvLayer extends Layer {
    final Op.Conv op;
    final Parameter weight; // (outC, inC/groups, k, k)
    final Parameter bias;   // (outC), or null

    ConvLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes, Op.Conv op) {
        super(name, slot, in, outShape, inShapes);
        this.op = op;
        this.weight = new Parameter(name + ".weight", Parameter.Role.WEIGHT, op.outChannels(),
                op.inChannels() / op.groups(), op.kernel(), op.kernel());
        this.bias = op.bias() ? new Parameter(name + ".bias", Parameter.Role.BIAS, op.outChannels()) : null;
    }

    ConvGeometry geometry(int n) {
        int[] s = inShapes[0];
        return ConvGeometry.of(n, op.inChannels(), op.outChannels(), op.groups(), s[1], s[2], op.kernel(),
                op.stride(), op.padding());
    }

    @Override
    List<Parameter> params() {
        List<Parameter> p = new ArrayList<>(2);
        p.add(weight);
        if (bias != null) {
            p.add(bias);
        }
        return p;
    }

    @Override
    void init(long seed) {
        Init.heNormal(weight.data(), op.inChannels() / op.groups() * op.kernel() * op.kernel(), seed);
        if (bias != null) {
            Init.zeros(bias.data());
        }
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        k.conv2dForward(ws.act(slot), ws.act(in[0]), weight.data(), bias == null ? null : bias.data(),
                geometry(ws.n()));
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        ConvGeometry g = geometry(ws.n());
        float[] dOut = ws.gradOut(slot); // (n, outC, outH, outW)
        k.conv2dBackwardWeight(weight.grad(), bias == null ? null : bias.grad(), dOut, ws.act(in[0]), g);
        float[] dIn = ws.gradIn(in[0]); // (n, inC, h, w), null for the network input
        if (dIn != null) {
            k.conv2dBackwardInput(dIn, dOut, weight.data(), g);
            ws.gradDone(in[0], dIn);
        }
    }
}
