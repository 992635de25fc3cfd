package org.deeproots.reproduce.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Loads a trained checkpoint and records the responses of named layers on test images (the runtime's job). */
@FunctionalInterface
public interface ActivationProbe {
    /**
     * @param checkpoint a checkpoint written by training
     * @param layers     node names whose outputs to record
     * @param images     how many test images to run
     * @return one entry per layer, in the order asked
     */
    List<Activations> capture(Path checkpoint, List<String> layers, int images) throws IOException;
}
