package org.deeproots.nn.runtime;

import java.util.ArrayList;
import java.util.List;
import org.deeproots.nn.model.Op;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.tensor.Init;

/**
 * Convolution with filter groups; He-normal weights with fanIn = inChannels/groups * k * k.
 *
 * <p>Backward input of a stride-1 convolution runs as a forward convolution of dOut with the flipped,
 * per-group transposed weights and padding {@code k - 1 - padding} (the textbook identity): the forward kernels
 * are the most tuned ones, and on the NiN layers this was 1.4x (5x5) to 3.5x (1x1) faster than
 * {@code conv2dBackwardInput} here (vector-512, noisy shared 2-core machine). Strided convolutions use
 * {@code conv2dBackwardInput}. The finite-difference tests cover both paths.
 */
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

    /**
     * The slot of the ReLU that overwrites this convolution's output in place, or -1 (set by {@link Network}). When
     * the workspace gives both the same buffer, the convolution applies the ReLU as it writes its output
     * ({@link Kernels#conv2dReluForward}) and the ReLU layer does nothing: one pass over the activation less. The
     * values, and everything the backward pass reads, are the same.
     */
    int fusedRelu = -1;

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        float[] out = ws.act(slot);
        float[] b = bias == null ? null : bias.data();
        if (fusedRelu >= 0 && ws.act(fusedRelu) == out) {
            k.conv2dReluForward(out, ws.act(in[0]), weight.data(), b, geometry(ws.n()));
        } else {
            k.conv2dForward(out, ws.act(in[0]), weight.data(), b, geometry(ws.n()));
        }
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        ConvGeometry g = geometry(ws.n());
        float[] dOut = ws.gradOut(slot); // (n, outC, outH, outW)
        k.conv2dBackwardWeight(weight.grad(), bias == null ? null : bias.grad(), dOut, ws.act(in[0]), g);
        float[] dIn = ws.gradIn(in[0]); // (n, inC, h, w), null for the network input
        if (dIn != null) {
            if (op.stride() == 1 && op.padding() <= op.kernel() - 1) {
                float[] flipped = ws.scratch(weight.size()); // (inC, outC/groups, k, k)
                flipTranspose(weight.data(), flipped);
                k.conv2dForward(dIn, dOut, flipped, null, ConvGeometry.of(g.n(), op.outChannels(), op.inChannels(),
                        op.groups(), g.outH(), g.outW(), op.kernel(), 1, op.kernel() - 1 - op.padding()));
                ws.release(flipped);
            } else {
                k.conv2dBackwardInput(dIn, dOut, weight.data(), g);
            }
            ws.gradDone(in[0], dIn);
        }
    }

    /** w (outC, inC/g, k, k) to t (inC, outC/g, k, k) with t[g, ci, co, y, x] = w[g, co, ci, k-1-y, k-1-x]. */
    private void flipTranspose(float[] w, float[] t) {
        int groups = op.groups();
        int inPer = op.inChannels() / groups;
        int outPer = op.outChannels() / groups;
        int kk = op.kernel() * op.kernel();
        for (int gr = 0; gr < groups; gr++) {
            for (int co = 0; co < outPer; co++) {
                for (int ci = 0; ci < inPer; ci++) {
                    int src = ((gr * outPer + co) * inPer + ci) * kk;
                    int dst = ((gr * inPer + ci) * outPer + co) * kk;
                    for (int j = 0; j < kk; j++) {
                        t[dst + j] = w[src + kk - 1 - j];
                    }
                }
            }
        }
    }
}
