package org.deeproots.reproduce.compare;

import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.reproduce.timing.ForwardEngine;
import org.deeproots.reproduce.timing.ForwardTimer;
import org.deeproots.reproduce.timing.ModelCatalog;

/** Times compare cases in this JVM: whole models through a {@link ForwardEngine}, single layers on the kernels. */
public final class DeeprootsSide {
    private final ForwardEngine engine;
    private final Kernels kernels;
    private final ModelCatalog catalog;
    private final ForwardTimer timer;

    public DeeprootsSide(ForwardEngine engine, Kernels kernels, ModelCatalog catalog, ForwardTimer timer) {
        this.engine = engine;
        this.kernels = kernels;
        this.catalog = catalog;
        this.timer = timer;
    }

    /** Median ms per forward pass of the case's batch. */
    public double time(CompareCase c) {
        if (!c.layer()) {
            ModelSpec spec = catalog.create(c.model(), c.variant(), defaultInput(c.model()), defaultClasses(c.model()));
            try (ForwardEngine.Forward f = engine.prepare(spec, c.batch())) {
                return timer.time(f).medianMsPerBatch();
            }
        }
        ConvGeometry g = new ConvGeometry(c.batch(), c.channels(), c.channels(), c.groups(), c.size(), c.size(), 3, 3,
                1, 1);
        SplittableRandom r = new SplittableRandom(1);
        float[] in = new float[c.batch() * c.channels() * c.size() * c.size()]; // (N, C, H, W)
        float[] w = new float[c.channels() * (c.channels() / c.groups()) * 9];  // (C, C/groups, 3, 3)
        float[] out = new float[in.length];                                      // (N, C, H, W)
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.1);
        }
        kernels.freeze(w); // inference, as libtorch's side: packed weights are not re-checked every call
        return timer.time(() -> kernels.conv2dForward(out, in, w, null, g)).medianMsPerBatch();
    }

    static int[] defaultInput(String model) {
        return model.equals("nin") ? new int[] {3, 32, 32} : new int[] {3, 224, 224};
    }

    static int defaultClasses(String model) {
        return model.equals("nin") ? 10 : 1000;
    }
}
