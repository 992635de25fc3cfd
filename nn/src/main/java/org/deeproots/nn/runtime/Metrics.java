package org.deeproots.nn.runtime;

/** Accuracy helpers over logits (n, classes). */
public final class Metrics {
    private Metrics() {
    }

    /** Index of the largest logit per row (the first on ties). */
    public static int[] argmax(float[] logits, int n, int classes) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Number of rows whose label is among the k largest logits (ties count against the label). */
    public static int correctTopK(float[] logits, int n, int classes, int[] labels, int k) {
        int correct = 0;
        for (int i = 0; i < n; i++) {
            float target = logits[i * classes + labels[i]];
            int above = 0;
            for (int c = 0; c < classes; c++) {
                float v = logits[i * classes + c];
                if (v > target || (v == target && c < labels[i])) {
                    above++;
                }
            }
            if (above < k && !Float.isNaN(target)) {
                correct++;
            }
        }
        return correct;
    }

    /** Sum over rows of the softmax cross-entropy (in double, numerically stable). */
    public static double crossEntropySum(float[] logits, int n, int classes, int[] labels) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[i * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[i * classes + c] - max);
            }
            sum += Math.log(z) + max - logits[i * classes + labels[i]];
        }
        return sum;
    }
}
