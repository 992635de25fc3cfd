package org.deeproots.reproduce.timing;

import java.util.List;

/**
 * The CPU timing part of {@code roots reproduce}: models, variants, batches and how many runs.
 *
 * @param models          what to time, in order
 * @param warmup          untimed runs per variant
 * @param minReps         fewest timed runs per variant
 * @param maxReps         most timed runs per variant
 * @param secondsPerVariant rough time budget for the timed runs of one variant
 */
public record TimingPlan(List<ModelTiming> models, int warmup, int minReps, int maxReps, double secondsPerVariant) {
    public TimingPlan {
        models = List.copyOf(models);
    }

    /** NiN at this batch (the paper does not state its NiN batch). */
    public static final int NIN_BATCH = 64;
    /** ResNet-50's timing batch in the paper ({@code Batch Size} column of its data). */
    public static final int RESNET50_BATCH = 10;
    /** GoogLeNet's timing batch in the paper. */
    public static final int GOOGLENET_BATCH = 32;

    static final List<String> NIN_VARIANTS = List.of("orig", "root-2", "root-4", "root-8", "root-16", "tree-2",
            "tree-4", "tree-8", "tree-16", "col-2", "col-4", "col-8", "col-16");
    static final List<String> RESNET_VARIANTS = List.of("orig", "root-2", "root-4", "root-8", "root-16", "root-32",
            "root-64");
    static final List<String> GOOGLENET_VARIANTS = List.of("orig", "root-2", "root-4", "root-8", "root-16");

    /** The full plan: every variant the paper timed, at the paper's batch sizes. */
    public static TimingPlan standard() {
        return new TimingPlan(List.of(
                new ModelTiming("nin", NIN_VARIANTS, NIN_BATCH, new int[] {3, 32, 32}, 10),
                new ModelTiming("resnet50", RESNET_VARIANTS, RESNET50_BATCH, new int[] {3, 224, 224}, 1000),
                new ModelTiming("googlenet", GOOGLENET_VARIANTS, GOOGLENET_BATCH, new int[] {3, 224, 224}, 1000)),
                2, 3, 45, 12.0);
    }

    /** A smoke run: the end points of each family only, fewer runs. */
    public static TimingPlan quick() {
        return new TimingPlan(List.of(
                new ModelTiming("nin", List.of("orig", "root-8", "tree-8", "col-8"), NIN_BATCH,
                        new int[] {3, 32, 32}, 10),
                new ModelTiming("resnet50", List.of("orig", "root-64"), RESNET50_BATCH, new int[] {3, 224, 224}, 1000),
                new ModelTiming("googlenet", List.of("orig", "root-16"), GOOGLENET_BATCH, new int[] {3, 224, 224},
                        1000)),
                1, 2, 3, 1.0);
    }

    /** Number of variants over all models. */
    public int variantCount() {
        return models.stream().mapToInt(m -> m.variants().size()).sum();
    }
}
