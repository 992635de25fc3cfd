package org.deeproots.nn.runtime;

import java.util.List;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.tensor.Init;

/** Batch normalisation over (n, c, hw) with learned gamma/beta and running statistics (PyTorch defaults). */
final class BatchNormLayer extends Layer {
    static final float EPS = 1e-5f;
    static final float MOMENTUM = 0.1f;

    final int channels;
    final Parameter gamma;       // (c)
    final Parameter beta;        // (c)
    final Parameter runningMean; // (c)
    final Parameter runningVar;  // (c)

    /** Saved batch statistics of the last training forward. */
    record State(float[] mean, float[] invStd) { // (c), (c)
    }

    BatchNormLayer(String name, int slot, int[] in, int[] outShape, int[][] inShapes, int channels) {
        super(name, slot, in, outShape, inShapes);
        this.channels = channels;
        this.gamma = new Parameter(name + ".gamma", Parameter.Role.BN_GAMMA, channels);
        this.beta = new Parameter(name + ".beta", Parameter.Role.BN_BETA, channels);
        this.runningMean = new Parameter(name + ".runningMean", Parameter.Role.RUNNING_MEAN, channels);
        this.runningVar = new Parameter(name + ".runningVar", Parameter.Role.RUNNING_VAR, channels);
    }

    BatchNormGeometry geometry(int n) {
        return new BatchNormGeometry(n, channels, hw(outShape));
    }

    @Override
    List<Parameter> params() {
        return List.of(gamma, beta, runningMean, runningVar);
    }

    @Override
    void init(long seed) {
        Init.constant(gamma.data(), 1f);
        Init.zeros(beta.data());
        Init.zeros(runningMean.data());
        Init.constant(runningVar.data(), 1f);
    }

    @Override
    Object newState(int n) {
        return new State(new float[channels], new float[channels]);
    }

    @Override
    void forward(Kernels k, Workspace ws, boolean training) {
        BatchNormGeometry g = geometry(ws.n());
        if (training) {
            State s = (State) ws.state(this);
            k.batchNormForwardTraining(ws.act(slot), s.mean(), s.invStd(), runningMean.data(), runningVar.data(),
                    ws.act(in[0]), gamma.data(), beta.data(), MOMENTUM, EPS, g);
        } else {
            k.batchNormForwardInference(ws.act(slot), ws.act(in[0]), gamma.data(), beta.data(), runningMean.data(),
                    runningVar.data(), EPS, g);
        }
    }

    @Override
    void backward(Kernels k, Workspace ws) {
        BatchNormGeometry g = geometry(ws.n());
        State s = (State) ws.state(this);
        float[] dIn = ws.gradIn(in[0]);
        boolean scratch = dIn == null; // the kernel always writes dIn
        if (scratch) {
            dIn = ws.scratch(g.size());
        }
        k.batchNormBackward(dIn, gamma.grad(), beta.grad(), ws.gradOut(slot), ws.act(in[0]), s.mean(), s.invStd(),
                gamma.data(), g);
        if (scratch) {
            ws.release(dIn);
        } else {
            ws.gradDone(in[0], dIn);
        }
    }
}
