package org.deeproots.reproduce.report;

import java.util.ArrayList;
import java.util.List;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.reproduce.timing.ModelCatalog;

/** The cost tables of the report: params and multiply-adds of every variant, beside the paper's. */
public final class CostTables {
    private CostTables() {
    }

    /**
     * One model's variants at an input size.
     *
     * @param model    model id
     * @param variants variants, orig first
     * @param input    per-sample input {C, H, W}
     * @param classes  number of classes
     */
    public record Family(String model, List<String> variants, int[] input, int classes) {
        public Family {
            variants = List.copyOf(variants);
            input = input.clone();
        }
    }

    /** The paper's four families at their input sizes. */
    public static List<Family> paperFamilies() {
        List<String> resnet = List.of("orig", "root-2", "root-4", "root-8", "root-16", "root-32", "root-64");
        return List.of(
                new Family("nin", List.of("orig", "root-2", "root-4", "root-8", "root-16", "tree-2", "tree-4",
                        "tree-8", "tree-16", "col-2", "col-4", "col-8", "col-16"), new int[] {3, 32, 32}, 10),
                new Family("resnet50", resnet, new int[] {3, 224, 224}, 1000),
                new Family("resnet200", resnet, new int[] {3, 224, 224}, 1000),
                new Family("googlenet", List.of("orig", "root-2", "root-4", "root-8", "root-16"),
                        new int[] {3, 224, 224}, 1000));
    }

    /** Counts every variant of the families. */
    public static List<CostRow> compute(List<Family> families, ModelCatalog catalog, PaperNumbers paper) {
        List<CostRow> rows = new ArrayList<>();
        for (Family f : families) {
            for (String v : f.variants()) {
                ModelSpec spec = catalog.create(f.model(), v, f.input(), f.classes());
                PaperRow p = paper.row(f.model(), v).orElse(null);
                rows.add(new CostRow(f.model(), v, spec.multiplyAdds(), spec.params(),
                        p == null ? Double.NaN : p.multiplyAdds(), p == null ? Double.NaN : p.params()));
            }
        }
        return rows;
    }

    /** Markdown table of one model's rows, with the reduction against orig. */
    public static String markdown(List<CostRow> rows, String model) {
        Markdown t = new Markdown("variant", "multiply-adds (ours)", "of orig", "params (ours)", "of orig",
                "paper multiply-adds", "paper params", "ours - paper (MA)", "ours - paper (params)");
        CostRow orig = rows.stream().filter(r -> r.model().equals(model) && r.variant().equals("orig")).findFirst()
                .orElse(null);
        for (CostRow r : rows) {
            if (!r.model().equals(model)) {
                continue;
            }
            t.row(r.variant(), Markdown.count(r.multiplyAdds()),
                    orig == null ? "" : Markdown.percent((double) r.multiplyAdds() / orig.multiplyAdds()),
                    Markdown.count(r.params()),
                    orig == null ? "" : Markdown.percent((double) r.params() / orig.params()),
                    Markdown.count(r.paperMultiplyAdds()), Markdown.count(r.paperParams()),
                    signed(r.multiplyAdds() - r.paperMultiplyAdds()), signed(r.params() - r.paperParams()));
        }
        return t.toString();
    }

    static String signed(double d) {
        if (Double.isNaN(d)) {
            return "";
        }
        return (d > 0 ? "+" : d < 0 ? "-" : "") + Markdown.count(Math.abs(d));
    }
}
