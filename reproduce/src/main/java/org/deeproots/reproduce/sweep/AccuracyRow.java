package org.deeproots.reproduce.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeproots.reproduce.report.CostRow;
import org.deeproots.reproduce.report.PaperNumbers;
import org.deeproots.reproduce.report.PaperRow;
import org.deeproots.reproduce.timing.Stats;

/**
 * Accuracy of one variant over its seeds, beside its costs and the paper's accuracy.
 *
 * @param model         model id
 * @param variant       variant id
 * @param runs          seeds trained
 * @param meanAccuracy  mean final test accuracy, fraction
 * @param stdAccuracy   sample standard deviation over seeds (0 for one run)
 * @param multiplyAdds  our multiply-adds (-1 when unknown)
 * @param params        our params (-1 when unknown)
 * @param paperAccuracy the paper's accuracy (CIFAR-10), NaN where absent
 */
public record AccuracyRow(String model, String variant, int runs, double meanAccuracy, double stdAccuracy,
        long multiplyAdds, long params, double paperAccuracy) {

    /** Groups run results by variant (in first-seen order) and joins costs and the paper's numbers. */
    public static List<AccuracyRow> summarize(String model, List<RunResult> results, List<CostRow> costs,
            PaperNumbers paper) {
        Map<String, List<Double>> byVariant = new LinkedHashMap<>();
        for (RunResult r : results) {
            byVariant.computeIfAbsent(r.run().variant(), k -> new ArrayList<>()).add(r.testAccuracy());
        }
        List<AccuracyRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : byVariant.entrySet()) {
            double[] acc = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            CostRow c = costs.stream().filter(x -> x.model().equals(model) && x.variant().equals(e.getKey()))
                    .findFirst().orElse(null);
            double pa = paper.row(model, e.getKey()).map(PaperRow::top1Accuracy).orElse(Double.NaN);
            rows.add(new AccuracyRow(model, e.getKey(), acc.length, Stats.mean(acc), Stats.std(acc),
                    c == null ? -1 : c.multiplyAdds(), c == null ? -1 : c.params(), pa));
        }
        return rows;
    }
}
