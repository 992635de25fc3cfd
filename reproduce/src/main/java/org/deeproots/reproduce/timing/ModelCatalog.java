package org.deeproots.reproduce.timing;

import org.deeproots.nn.model.ModelSpec;

/** Builds model specs by name (the real one is the nn model registry; tests pass tiny models). */
@FunctionalInterface
public interface ModelCatalog {
    /**
     * @param model   model id, e.g. {@code resnet50}
     * @param variant variant id, e.g. {@code root-8}
     * @param input   per-sample input {C, H, W}
     * @param classes number of classes
     */
    ModelSpec create(String model, String variant, int[] input, int classes);
}
