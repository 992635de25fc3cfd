package org.deeproots.reproduce.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * One thing timed in both deeproots and libtorch: a whole model variant, or one 3x3 convolution layer shape
 * (stride 1, padding 1, square input, equal in and out channels) with a number of groups.
 *
 * @param layer    true for a single conv layer, false for a whole model
 * @param model    model id, or the layer id (e.g. {@code res2_3x3})
 * @param variant  variant id, or {@code g<groups>} for a layer
 * @param batch    images per forward pass
 * @param channels layer: in = out channels (0 for models)
 * @param size     layer: input height = width (0 for models)
 * @param groups   layer: filter groups (0 for models)
 */
public record CompareCase(boolean layer, String model, String variant, int batch, int channels, int size,
        int groups) {

    public static CompareCase model(String model, String variant, int batch) {
        return new CompareCase(false, model, variant, batch, 0, 0, 0);
    }

    public static CompareCase conv3x3(String id, int channels, int size, int groups, int batch) {
        return new CompareCase(true, id, "g" + groups, batch, channels, size, groups);
    }

    /** The argument for the libtorch child ({@code --case}). */
    public String childSpec() {
        return layer ? "layer:" + model + ":" + channels + ":" + size + ":" + groups + ":" + batch
                : "model:" + model + ":" + variant + ":" + batch;
    }

    /** model,variant,batch: the key that joins both sides' rows. */
    public String key() {
        return model + "," + variant + "," + batch;
    }

    /** The ResNet-50 3x3 stage shapes: id, channels, spatial size, and the groups root-2..64 give that stage. */
    static final Object[][] RESNET50_3X3 = {{"res2_3x3", 64, 56, 64}, {"res3_3x3", 128, 28, 32},
        {"res4_3x3", 256, 14, 16}, {"res5_3x3", 512, 7, 8}};

    /**
     * ResNet-50 orig and root-2..64 at each batch, then each stage's 3x3 layer at every group count a root
     * variant uses there (root-N has N groups in res2, N/2 in res3, ...).
     *
     * @param quick only orig and root-64, and only dense and the largest group count per layer
     */
    public static List<CompareCase> resnet50(List<Integer> batches, boolean quick) {
        List<String> variants = quick ? List.of("orig", "root-64")
                : List.of("orig", "root-2", "root-4", "root-8", "root-16", "root-32", "root-64");
        List<CompareCase> cases = new ArrayList<>();
        for (int b : batches) {
            for (String v : variants) {
                cases.add(model("resnet50", v, b));
            }
        }
        for (int b : batches) {
            for (Object[] l : RESNET50_3X3) {
                int maxGroups = (Integer) l[3];
                for (int g = 1; g <= maxGroups; g *= 2) {
                    if (!quick || g == 1 || g == maxGroups) {
                        cases.add(conv3x3((String) l[0], (Integer) l[1], (Integer) l[2], g, b));
                    }
                }
            }
        }
        return cases;
    }
}
