package org.deeproots.reproduce.figures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;
import org.deeproots.reproduce.report.AtomicFiles;
import org.deeproots.reproduce.report.CostRow;
import org.deeproots.reproduce.report.PaperNumbers;
import org.deeproots.reproduce.report.PaperRow;
import org.deeproots.reproduce.sweep.AccuracyRow;
import org.deeproots.reproduce.timing.TimingRow;

/** The report's figures, written as PNG files into an output folder. Each method returns what it wrote. */
public final class ReportFigures {
    private final Path outDir;
    private final PaperNumbers paper;
    private final List<Figure> written = new ArrayList<>();

    public ReportFigures(Path outDir, PaperNumbers paper) {
        this.outDir = outDir;
        this.paper = paper;
    }

    public List<Figure> written() {
        return List.copyOf(written);
    }

    private void write(String file, byte[] png, String title, String caption) throws IOException {
        AtomicFiles.writeBytes(outDir.resolve(file), png);
        written.add(new Figure(file, title, caption));
    }

    /** Family of a variant for the legend: orig, root, tree or col. */
    static String family(String variant) {
        int dash = variant.indexOf('-');
        return dash < 0 ? variant : variant.substring(0, dash);
    }

    /** A point label: the number of a root variant ({@code 8} for root-8), t8 / c8 for tree-8 / col-8, empty for orig. */
    static String number(String variant) {
        int dash = variant.indexOf('-');
        if (dash < 0) {
            return "";
        }
        String f = variant.substring(0, dash);
        return (f.equals("root") ? "" : f.substring(0, 1)) + variant.substring(dash + 1);
    }

    /**
     * Error (1 - accuracy) against params and against multiply-adds for one family: the paper's points always,
     * ours where we trained. {@code top5} picks the paper's top-5 accuracy (ImageNet models) instead of top-1.
     */
    public void errorVsCost(String model, String label, boolean top5, List<AccuracyRow> ours) throws IOException {
        for (boolean flops : new boolean[] {false, true}) {
            Map<String, List<double[]>> paperPts = new LinkedHashMap<>();
            Map<String, List<String>> paperLbl = new LinkedHashMap<>();
            for (PaperRow r : paper.rows(model)) {
                double acc = top5 ? r.top5Accuracy() : r.top1Accuracy();
                double x = flops ? r.multiplyAdds() : r.params();
                if (Double.isNaN(acc) || Double.isNaN(x)) {
                    continue;
                }
                String f = family(r.variant());
                paperPts.computeIfAbsent(f, k -> new ArrayList<>()).add(new double[] {x, 1 - acc});
                paperLbl.computeIfAbsent(f, k -> new ArrayList<>()).add(number(r.variant()));
            }
            Map<String, List<double[]>> ourPts = new LinkedHashMap<>();
            Map<String, List<String>> ourLbl = new LinkedHashMap<>();
            Map<String, List<Double>> ourErr = new LinkedHashMap<>();
            for (AccuracyRow r : ours) {
                if (!r.model().equals(model) || r.params() < 0) {
                    continue;
                }
                String f = family(r.variant());
                ourPts.computeIfAbsent(f, k -> new ArrayList<>())
                        .add(new double[] {flops ? r.multiplyAdds() : r.params(), 1 - r.meanAccuracy()});
                ourLbl.computeIfAbsent(f, k -> new ArrayList<>()).add(number(r.variant()));
                ourErr.computeIfAbsent(f, k -> new ArrayList<>()).add(r.stdAccuracy());
            }
            List<Series> series = new ArrayList<>();
            paperPts.forEach((f, pts) -> series.add(series("paper " + f, pts, paperLbl.get(f), null)));
            ourPts.forEach((f, pts) -> series.add(series("ours " + f, pts, ourLbl.get(f), ourErr.get(f))));
            if (series.isEmpty()) {
                continue;
            }
            String what = flops ? "multiply-adds" : "params";
            String file = model + "_error_vs_" + (flops ? "flops" : "params") + ".png";
            String err = top5 ? "top-5 error" : "error";
            write(file, Plots.scatter(label + ": " + err + " against " + what, what + (flops ? " (1 MA = 1 FLOP)" : ""),
                    err, series, false, false), label + " " + err + " vs " + what,
                    "Paper's points from the project's paper facts" + (ourPts.isEmpty()
                            ? "; no accuracy of ours for this family (run with --accuracy for NiN; we do not train "
                                    + "ImageNet models)" : "; ours from this run's training sweep (mean over seeds, "
                                    + "error bar = std over seeds), on our data set, not the paper's")
                            + ".");
        }
    }

    private static Series series(String name, List<double[]> pts, List<String> labels, List<Double> err) {
        double[] x = new double[pts.size()];
        double[] y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pts.get(i)[0];
            y[i] = pts.get(i)[1];
        }
        double[] e = null;
        if (err != null && err.stream().anyMatch(d -> d > 0)) {
            e = err.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return new Series(name, x, y, labels.toArray(String[]::new), e, false);
    }

    /** CPU time per image against multiply-adds, ours and the paper's, log-log. */
    public void cpuTimeVsMultiplyAdds(List<TimingRow> timings) throws IOException {
        List<Series> series = new ArrayList<>();
        for (String model : models(timings)) {
            List<double[]> ours = new ArrayList<>();
            List<String> ol = new ArrayList<>();
            List<double[]> theirs = new ArrayList<>();
            List<String> tl = new ArrayList<>();
            for (TimingRow r : timings) {
                if (!r.model().equals(model)) {
                    continue;
                }
                ours.add(new double[] {r.multiplyAdds(), r.msPerImage()});
                ol.add(number(r.variant()));
            }
            for (PaperRow p : paper.rows(model)) {
                if (!Double.isNaN(p.cpuMsPerImage()) && !Double.isNaN(p.multiplyAdds())) {
                    theirs.add(new double[] {p.multiplyAdds(), p.cpuMsPerImage()});
                    tl.add(number(p.variant()));
                }
            }
            series.add(series("ours " + model, ours, ol, null));
            if (!theirs.isEmpty()) {
                series.add(series("paper " + model, theirs, tl, null));
            }
        }
        write("cpu_time_vs_multiply_adds.png", Plots.scatter("CPU forward time per image against multiply-adds",
                "multiply-adds per image", "ms per image", series, true, true), "CPU time vs multiply-adds",
                "Ours: this run's median CPU forward time per image; paper: Caffe + MKL on 2x Xeon E5-2680 v2 "
                        + "(different machine, so compare the slopes, not the levels).");
    }

    /** Time ratio against multiply-add ratio (both relative to orig), with the ideal y = x line. */
    public void speedupVsFlopReduction(List<TimingRow> timings) throws IOException {
        List<Series> series = new ArrayList<>();
        double lo = 1;
        for (String model : models(timings)) {
            TimingRow orig = timings.stream().filter(r -> r.model().equals(model) && r.variant().equals("orig"))
                    .findFirst().orElse(null);
            if (orig == null) {
                continue;
            }
            List<double[]> ours = new ArrayList<>();
            List<String> ol = new ArrayList<>();
            for (TimingRow r : timings) {
                if (r.model().equals(model)) {
                    double x = (double) r.multiplyAdds() / orig.multiplyAdds();
                    ours.add(new double[] {x, r.ratioToOrig()});
                    ol.add(number(r.variant()));
                    lo = Math.min(lo, Math.min(x, r.ratioToOrig()));
                }
            }
            series.add(series("ours " + model, ours, ol, null));
            PaperRow porig = paper.row(model, "orig").orElse(null);
            List<double[]> theirs = new ArrayList<>();
            List<String> tl = new ArrayList<>();
            for (PaperRow p : paper.rows(model)) {
                if (porig != null && !Double.isNaN(p.cpuMsPerImage()) && !Double.isNaN(p.multiplyAdds())) {
                    double x = p.multiplyAdds() / porig.multiplyAdds();
                    theirs.add(new double[] {x, p.cpuMsPerImage() / porig.cpuMsPerImage()});
                    tl.add(number(p.variant()));
                    lo = Math.min(lo, x);
                }
            }
            if (!theirs.isEmpty()) {
                series.add(series("paper " + model, theirs, tl, null));
            }
        }
        double start = Math.max(0, Math.floor(lo * 10) / 10);
        series.add(new Series("time = FLOPs (ideal)", new double[] {start, 1}, new double[] {start, 1}, null, null,
                true));
        write("speedup_vs_flop_reduction.png", Plots.scatter("Time against multiply-adds, both as a fraction of orig",
                "multiply-adds / orig's", "CPU time / orig's", series, false, false), "Speed-up vs FLOP reduction",
                "Points on the y = x line turn every saved FLOP into saved time; above it, grouping saves "
                        + "less time than FLOPs. Ours from this run, the paper's from its CPU column.");
    }

    /** Per-layer multiply-adds and params of two variants of a model (conv and linear layers). */
    public void perLayer(ModelSpec a, ModelSpec b) throws IOException {
        if (!a.model().equals(b.model())) {
            throw new IllegalArgumentException("per-layer comparison of different models: " + a.model() + " vs "
                    + b.model());
        }
        Map<String, int[]> sa = a.shapes();
        Map<String, int[]> sb = b.shapes();
        List<String> layers = new ArrayList<>();
        List<Double> maA = new ArrayList<>();
        List<Double> maB = new ArrayList<>();
        List<Double> pA = new ArrayList<>();
        List<Double> pB = new ArrayList<>();
        Map<String, Op> opsB = new LinkedHashMap<>();
        for (Node n : b.nodes()) {
            opsB.put(n.name(), n.op());
        }
        for (Node n : a.nodes()) {
            if (!(n.op() instanceof Op.Conv || n.op() instanceof Op.Linear)) {
                continue;
            }
            Op ob = opsB.get(n.name());
            if (ob == null) {
                throw new IllegalArgumentException("layer " + n.name() + " of " + a.variant() + " is missing in "
                        + b.variant());
            }
            layers.add(n.name());
            maA.add((double) n.op().multiplyAdds(sa.get(n.name())));
            maB.add((double) ob.multiplyAdds(sb.get(n.name())));
            pA.add((double) n.op().params());
            pB.add((double) ob.params());
        }
        String m = a.model();
        List<String> names = List.of(a.variant(), b.variant());
        write(m + "_layer_flops.png", Plots.bars(m + " multiply-adds per layer: " + a.variant() + " vs " + b.variant(),
                "multiply-adds per image", layers, names, List.of(toArray(maA), toArray(maB)), false),
                m + " per-layer multiply-adds", "Computed from our model specs (the paper's supplementary figure).");
        write(m + "_layer_params.png", Plots.bars(m + " parameters per layer: " + a.variant() + " vs " + b.variant(),
                "parameters", layers, names, List.of(toArray(pA), toArray(pB)), false),
                m + " per-layer params", "Computed from our model specs (the paper's supplementary figure).");
    }

    /** Absolute filter-correlation heatmap of one trained variant (rows: first layer, columns: second). */
    public void correlation(String variant, String layerA, String layerB, double[][] corr, String note)
            throws IOException {
        write("nin_correlation_" + variant + ".png", Plots.heatmap("NiN " + variant + ": |correlation| " + layerA
                + " -> " + layerB, layerB + " filters", layerA + " filters", corr, 0, 1),
                "NiN " + variant + " inter-layer correlation", note);
    }

    private static List<String> models(List<TimingRow> timings) {
        List<String> m = new ArrayList<>();
        for (TimingRow r : timings) {
            if (!m.contains(r.model())) {
                m.add(r.model());
            }
        }
        return m;
    }

    private static double[] toArray(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
