package org.deeproots.reproduce.timing;

/**
 * One CPU timing result beside the paper's.
 *
 * @param model            model id
 * @param variant          variant id
 * @param batch            images per forward pass
 * @param threads          kernel threads
 * @param reps             timed runs (after warm-up) behind the median
 * @param msPerImage       median forward time per image, ms
 * @param ratioToOrig      the variant's time over orig's: the median over the timing rounds of the ratio within a
 *                         round (1 for orig)
 * @param multiplyAdds     our multiply-adds per image
 * @param params           our parameter count
 * @param paperMsPerImage  the paper's CPU time per image (NaN where it has none)
 * @param paperRatioToOrig the paper's time / its orig time (NaN where it has none)
 */
public record TimingRow(String model, String variant, int batch, int threads, int reps, double msPerImage,
        double ratioToOrig, long multiplyAdds, long params, double paperMsPerImage, double paperRatioToOrig) {

    /** Header of {@code cpu_timings.csv} (fixed by the issue). */
    public static final String CSV_HEADER =
            "model,variant,batch,threads,ms_per_image,ratio_to_orig,paper_ms_per_image,paper_ratio_to_orig";

    public String csv() {
        return model + "," + variant + "," + batch + "," + threads + "," + num(msPerImage, 4) + ","
                + num(ratioToOrig, 4) + "," + num(paperMsPerImage, 4) + "," + num(paperRatioToOrig, 4);
    }

    private static String num(double v, int d) {
        return org.deeproots.reproduce.report.Markdown.csv(v, d);
    }
}
