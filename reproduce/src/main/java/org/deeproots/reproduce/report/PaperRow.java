package org.deeproots.reproduce.report;

/**
 * The paper's published numbers for one model variant, as the report needs them. Absent values are
 * {@link Double#NaN}. Filled from the project's copy of the paper's facts ({@code PaperFacts}), never typed in.
 *
 * @param model         model id ({@code nin}, {@code resnet50}, {@code resnet200}, {@code googlenet})
 * @param variant       variant id ({@code orig}, {@code root-8}, ...)
 * @param multiplyAdds  the paper's FLOPs (multiply-adds) as published (raw)
 * @param params        the paper's parameter count
 * @param top1Accuracy  top-1 accuracy (CIFAR-10 test for NiN, ILSVRC val for the others), fraction
 * @param top5Accuracy  top-5 accuracy (ImageNet models), fraction
 * @param cpuMsPerImage CPU forward time per image (Caffe + MKL, 2x Xeon E5-2680 v2)
 * @param gpuMsPerImage GPU forward time per image (Titan Z)
 */
public record PaperRow(String model, String variant, double multiplyAdds, double params, double top1Accuracy,
        double top5Accuracy, double cpuMsPerImage, double gpuMsPerImage) {

    /** A row with only the costs known. */
    public static PaperRow costsOnly(String model, String variant, double multiplyAdds, double params) {
        return new PaperRow(model, variant, multiplyAdds, params, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
}
