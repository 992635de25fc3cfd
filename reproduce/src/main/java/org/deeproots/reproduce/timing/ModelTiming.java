package org.deeproots.reproduce.timing;

import java.util.List;

/**
 * Which variants of one model to time, at which batch and input size.
 *
 * @param model    model id
 * @param variants variants to time; the first must be {@code orig} (ratios are taken against it)
 * @param batch    images per forward pass
 * @param input    per-sample input {C, H, W}
 * @param classes  number of classes
 */
public record ModelTiming(String model, List<String> variants, int batch, int[] input, int classes) {
    public ModelTiming {
        variants = List.copyOf(variants);
        input = input.clone();
        if (variants.isEmpty() || !variants.get(0).equals("orig")) {
            throw new IllegalArgumentException("variants of " + model + " must start with orig, got " + variants);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch + " for " + model);
        }
    }

    @Override
    public int[] input() {
        return input.clone();
    }
}
