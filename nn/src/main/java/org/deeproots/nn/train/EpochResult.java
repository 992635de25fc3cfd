package org.deeproots.nn.train;

/**
 * The figures of one epoch (one row of {@code metrics.csv}); test figures are NaN when the epoch was not
 * evaluated.
 */
public record EpochResult(int epoch, double trainLoss, double trainAcc, double testLoss, double testAcc,
                          double imagesPerSecond, double seconds) {
    /** The CSV header, exactly as the issue specifies. */
    public static final String CSV_HEADER = "epoch,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds";

    public String csvRow() {
        return epoch + "," + f(trainLoss) + "," + f(trainAcc) + "," + f(testLoss) + "," + f(testAcc) + ","
                + String.format(java.util.Locale.ROOT, "%.1f", imagesPerSecond) + ","
                + String.format(java.util.Locale.ROOT, "%.1f", seconds);
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.5f", v);
    }
}
