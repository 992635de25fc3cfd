package org.deeproots.reproduce.report;

import java.util.List;
import org.deeproots.reproduce.figures.Figure;
import org.deeproots.reproduce.sweep.AccuracyRow;
import org.deeproots.reproduce.timing.TimingRow;

/**
 * Everything {@code report.md} shows; every number in it comes from this run or from {@link PaperNumbers}.
 *
 * @param env            where the run happened
 * @param command        the command line that produced it
 * @param timingMethod   how the timings were taken (warm-up, repetitions, batch choices)
 * @param costs          cost rows of every family
 * @param timings        CPU timing rows (may be empty)
 * @param accuracy       accuracy rows (empty without --accuracy)
 * @param accuracyStatus one line on the accuracy part: its recipe and data, or why it is absent
 * @param figures        figures written beside the report
 * @param notes          extra findings of this run (e.g. correlation block contrast), one per line
 * @param compare        rows of an earlier {@code roots bench compare} found in the output folder (may be empty)
 * @param compareSource  where those rows came from (file and time)
 * @param paper          the paper's numbers
 * @param elapsedSeconds wall time of the whole run
 */
public record ReportData(Environment env, String command, String timingMethod, List<CostRow> costs,
        List<TimingRow> timings, List<AccuracyRow> accuracy, String accuracyStatus, List<Figure> figures,
        List<String> notes, List<org.deeproots.reproduce.compare.CompareRow> compare, String compareSource,
        PaperNumbers paper, double elapsedSeconds) {
    public ReportData {
        costs = List.copyOf(costs);
        timings = List.copyOf(timings);
        accuracy = List.copyOf(accuracy);
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
        compare = List.copyOf(compare);
    }
}
