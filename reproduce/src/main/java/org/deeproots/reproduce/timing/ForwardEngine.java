package org.deeproots.reproduce.timing;

import org.deeproots.nn.model.ModelSpec;

/**
 * Something that can run a model's forward pass at a fixed batch: deeproots' CPU runtime, a GPU backend, or a
 * fake in tests. Timing code sees only this interface.
 */
public interface ForwardEngine {

    /** Short name for tables, e.g. {@code deeproots-cpu}. */
    String name();

    /** The kernels' description (vector width), recorded with the results. */
    String kernels();

    /** Builds the network (weights initialised, buffers allocated) for a batch of {@code batch} images. */
    Forward prepare(ModelSpec spec, int batch);

    /** A prepared network; {@link #run()} does one forward pass of the whole batch on fixed input data. */
    interface Forward extends AutoCloseable {
        void run();

        @Override
        default void close() {
        }
    }
}
