package org.deeproots.reproduce.timing;

import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.runtime.InferenceSession;
import org.deeproots.nn.runtime.Network;
import org.deeproots.ops.spi.Kernels;

/**
 * deeproots' CPU runtime as a {@link ForwardEngine}: the network with He-initialised weights, batch norm folded
 * into the preceding convolutions (inference), one eval-mode session, and a fixed random input batch.
 */
public final class CpuEngine implements ForwardEngine {
    private final Kernels kernels;

    public CpuEngine(Kernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public String name() {
        return "deeproots-cpu";
    }

    @Override
    public String kernels() {
        return kernels.name();
    }

    @Override
    public Forward prepare(ModelSpec spec, int batch) {
        InferenceSession session = new Network(spec, kernels, 42).foldBatchNorm().newSession();
        int[] in = spec.input();
        float[] x = new float[batch * in[0] * in[1] * in[2]]; // (N, C, H, W)
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return () -> session.logitsView(x, batch);
    }
}
