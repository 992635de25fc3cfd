package org.deeproots.reproduce.timing;

import java.util.SplittableRandom;
import org.deeproots.gpu.Backend;
import org.deeproots.gpu.GpuNetwork;
import org.deeproots.nn.model.ModelSpec;

/**
 * A GPU backend ({@code opencl} or {@code cuda}) as a {@link ForwardEngine}: the network resident on the device
 * with He-initialised weights, a fixed random input uploaded once, and each run a forward pass followed by
 * {@link Backend#synchronize()}, so the clock stops only when the device is done.
 */
public final class GpuEngine implements ForwardEngine {
    private final Backend backend;

    /** Takes ownership of nothing: the caller closes the backend after timing. */
    public GpuEngine(Backend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "deeproots-" + backend.name();
    }

    @Override
    public String kernels() {
        return backend.name() + " (" + backend.device() + ")";
    }

    @Override
    public Forward prepare(ModelSpec spec, int batch) {
        GpuNetwork net = new GpuNetwork(backend, spec, batch, 42);
        int[] in = spec.input();
        float[] x = new float[batch * in[0] * in[1] * in[2]]; // (N, C, H, W)
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        net.setInput(x);
        return new Forward() {
            @Override
            public void run() {
                net.forwardResident(false);
                backend.synchronize();
            }

            @Override
            public void close() {
                net.close();
            }
        };
    }
}
