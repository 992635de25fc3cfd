package org.deeproots.reproduce.paper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.deeproots.nn.model.Cost;
import org.deeproots.nn.model.Models;
import org.deeproots.reproduce.format.Tables;

/**
 * Our exact parameter and multiply-add counts for every variant of a model at its default input, beside the
 * paper's, with notes that measure how the two differ (constant offsets, an inflated metric). Used by
 * {@code roots table} and the reproduction report.
 *
 * @param model   model id
 * @param input   per-sample input {C, H, W}
 * @param classes class count
 * @param entries one per variant, {@code orig} first
 * @param notes   what the differences are, computed from the entries
 */
public record CostComparison(String model, int[] input, int classes, List<Entry> entries, List<String> notes) {

    /** The CSV header of {@code roots table --format csv}. */
    public static final String CSV_HEADER = "model,variant,multiply_adds,params,paper_multiply_adds,paper_params";

    /**
     * One variant.
     *
     * @param variant           variant id
     * @param multiplyAdds      ours, per image (1 multiply-add = 1 FLOP)
     * @param params            ours
     * @param paperMultiplyAdds the paper's FLOPs column, if it has the row
     * @param paperParams       the paper's params, if it has the row
     */
    public record Entry(String variant, long multiplyAdds, long params, OptionalLong paperMultiplyAdds,
            OptionalLong paperParams) {
    }

    public CostComparison {
        input = input.clone();
        entries = List.copyOf(entries);
        notes = List.copyOf(notes);
    }

    @Override
    public int[] input() {
        return input.clone();
    }

    /** Computes the comparison for a registered model (see {@link Models#models()}). */
    public static CostComparison of(String model) {
        PaperFacts facts = PaperFacts.load();
        Map<String, Cost> costs = new HashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (String v : Models.variants(model)) {
            Cost c = Cost.of(Models.create(model, v));
            costs.put(v, c);
            var row = facts.find(model, v);
            entries.add(new Entry(v, c.multiplyAdds(), c.params(),
                    row.map(PaperFacts.Row::multiplyAdds).orElse(OptionalLong.empty()),
                    row.map(PaperFacts.Row::params).orElse(OptionalLong.empty())));
        }
        List<String> notes = new ArrayList<>();
        if (entries.stream().allMatch(e -> e.paperMultiplyAdds().isEmpty() && e.paperParams().isEmpty())) {
            notes.add("The paper does not report " + model + "; our counts are given for comparison only.");
            return new CostComparison(model, Models.defaultInput(model), Models.defaultClasses(model), entries,
                    notes);
        }
        multiplyAddNotes(model, entries, costs, notes);
        offsetNote("params", entries, e -> e.params(), e -> e.paperParams(), notes);
        supersededNote(model, facts, notes);
        return new CostComparison(model, Models.defaultInput(model), Models.defaultClasses(model), entries, notes);
    }

    private static void multiplyAddNotes(String model, List<Entry> entries, Map<String, Cost> costs,
            List<String> notes) {
        double minRatio = Double.MAX_VALUE;
        double maxRatio = 0;
        int n = 0;
        for (Entry e : entries) {
            if (e.paperMultiplyAdds().isPresent()) {
                double r = (double) e.paperMultiplyAdds().getAsLong() / e.multiplyAdds();
                minRatio = Math.min(minRatio, r);
                maxRatio = Math.max(maxRatio, r);
                n++;
            }
        }
        if (n > 0 && minRatio > 2) {
            notes.add(String.format(java.util.Locale.ROOT, "The paper's FLOPs column is %.1fx to %.1fx our per-image "
                    + "multiply-adds in its %d rows: it is not per-image multiply-adds, so its reductions against orig "
                    + "are not comparable with ours.", minRatio, maxRatio, n));
            widthHypothesis(entries, costs).ifPresent(notes::add);
            return;
        }
        offsetNote("multiply-adds", entries, Entry::multiplyAdds, Entry::paperMultiplyAdds, notes);
    }

    /**
     * paper.md (section 4.1) infers that the ResNet-200 FLOPs column multiplies each 3x3 conv's multiply-adds
     * by its stage's bottleneck width. Under that hypothesis the paper's drop from orig to a variant equals the sum,
     * over the grouped 3x3 convs, of our multiply-add drop times the conv's width; this checks it row by row.
     */
    private static java.util.Optional<String> widthHypothesis(List<Entry> entries, Map<String, Cost> costs) {
        Entry orig = entries.get(0);
        if (orig.paperMultiplyAdds().isEmpty()) {
            return java.util.Optional.empty();
        }
        Map<String, Cost.Layer> base = new HashMap<>();
        for (Cost.Layer l : costs.get(orig.variant()).layers()) {
            base.put(l.name(), l);
        }
        int rows = 0;
        int fit = 0;
        for (Entry e : entries.subList(1, entries.size())) {
            if (e.paperMultiplyAdds().isEmpty()) {
                continue;
            }
            rows++;
            long predicted = 0;
            for (Cost.Layer l : costs.get(e.variant()).layers()) {
                Cost.Layer b = base.get(l.name());
                if (l.kind().equals("conv") && b != null && b.multiplyAdds() != l.multiplyAdds()) {
                    predicted += (b.multiplyAdds() - l.multiplyAdds()) * (long) l.outShape()[0];
                }
            }
            long published = orig.paperMultiplyAdds().getAsLong() - e.paperMultiplyAdds().getAsLong();
            if (predicted == published) {
                fit++;
            }
        }
        return java.util.Optional.of("Hypothesis (paper.md): that column multiplies each 3x3 conv's "
                + "multiply-adds by its stage's bottleneck width. Our per-layer counts under it reproduce the paper's "
                + "FLOP drop from orig exactly in " + fit + " of " + rows + " variant rows.");
    }

    /** Where an earlier published table of the model exists, how it differs from the one shown. */
    private static void supersededNote(String model, PaperFacts facts, List<String> notes) {
        List<PaperFacts.Row> old = facts.superseded(model);
        if (old.isEmpty()) {
            return;
        }
        List<String> diffs = new ArrayList<>();
        for (PaperFacts.Row r : old) {
            facts.find(model, r.variant()).ifPresent(p -> {
                if (!r.multiplyAdds().equals(p.multiplyAdds()) && r.multiplyAdds().isPresent()
                        && p.multiplyAdds().isPresent()) {
                    diffs.add(r.variant() + " multiply-adds " + Tables.signed(r.multiplyAdds().getAsLong()
                            - p.multiplyAdds().getAsLong()));
                }
                if (!r.params().equals(p.params()) && r.params().isPresent() && p.params().isPresent()) {
                    diffs.add(r.variant() + " params " + Tables.signed(r.params().getAsLong()
                            - p.params().getAsLong()));
                }
            });
        }
        notes.add("The paper values shown are from table " + facts.rows(model).get(0).table() + "; the earlier table "
                + old.get(0).table() + " (" + old.size() + " rows) "
                + (diffs.isEmpty() ? "has the same values." : "differs in: " + String.join(", ", diffs) + "."));
    }

    private static void offsetNote(String what, List<Entry> entries, java.util.function.ToLongFunction<Entry> ours,
            java.util.function.Function<Entry, OptionalLong> paper, List<String> notes) {
        List<Long> diffs = new ArrayList<>();
        List<String> variants = new ArrayList<>();
        for (Entry e : entries) {
            if (paper.apply(e).isPresent()) {
                diffs.add(paper.apply(e).getAsLong() - ours.applyAsLong(e));
                variants.add(e.variant());
            }
        }
        if (diffs.isEmpty()) {
            notes.add("The paper has no " + what + " for this model.");
            return;
        }
        long first = diffs.get(0);
        boolean constant = diffs.stream().allMatch(d -> d == first);
        if (constant && first == 0) {
            notes.add("The paper's " + what + " equal ours exactly in all " + diffs.size() + " rows it has.");
        } else if (constant) {
            notes.add("The paper's " + what + " = ours " + (first > 0 ? "+ " : "- ") + Tables.count(Math.abs(first))
                    + " in all " + diffs.size() + " rows it has: a constant offset the source does not explain "
                    + "(paper.md).");
        } else {
            int lo = 0;
            int hi = 0;
            for (int i = 1; i < diffs.size(); i++) {
                lo = diffs.get(i) < diffs.get(lo) ? i : lo;
                hi = diffs.get(i) > diffs.get(hi) ? i : hi;
            }
            notes.add("The paper's " + what + " differ from ours by a varying amount, from "
                    + Tables.signed(diffs.get(lo)) + " (" + variants.get(lo) + ") to " + Tables.signed(diffs.get(hi))
                    + " (" + variants.get(hi) + "); the source's counting is unknown (paper.md).");
        }
    }

    /** The Markdown section: heading, table, notes. */
    public String markdown() {
        Tables t = new Tables("variant", "MA", "params", "paper MA", "paper params", "paper - ours (MA)",
                "paper - ours (params)", "MA vs orig", "params vs orig", "paper MA vs orig", "paper params vs orig")
                .rightAligned(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        Entry o = entries.get(0);
        for (Entry e : entries) {
            t.row(e.variant(), Tables.count(e.multiplyAdds()), Tables.count(e.params()),
                    opt(e.paperMultiplyAdds()), opt(e.paperParams()),
                    diff(e.paperMultiplyAdds(), e.multiplyAdds()), diff(e.paperParams(), e.params()),
                    Tables.change(100.0 * e.multiplyAdds() / o.multiplyAdds() - 100),
                    Tables.change(100.0 * e.params() / o.params() - 100),
                    change(e.paperMultiplyAdds(), o.paperMultiplyAdds()), change(e.paperParams(), o.paperParams()));
        }
        StringBuilder b = new StringBuilder();
        b.append("### ").append(model).append(" (input ").append(Tables.shape(input)).append(", ").append(classes)
                .append(" classes)\n\n");
        b.append(t.markdown()).append('\n');
        for (String n : notes) {
            b.append("- ").append(n).append('\n');
        }
        return b.toString();
    }

    /** Adds this model's rows to a table with the {@link #CSV_HEADER} columns. */
    public void csvRows(Tables t) {
        for (Entry e : entries) {
            t.row(model, e.variant(), Long.toString(e.multiplyAdds()), Long.toString(e.params()),
                    e.paperMultiplyAdds().isPresent() ? Long.toString(e.paperMultiplyAdds().getAsLong()) : "",
                    e.paperParams().isPresent() ? Long.toString(e.paperParams().getAsLong()) : "");
        }
    }

    private static String opt(OptionalLong v) {
        return v.isPresent() ? Tables.count(v.getAsLong()) : "";
    }

    private static String diff(OptionalLong paper, long ours) {
        return paper.isPresent() ? Tables.signed(paper.getAsLong() - ours) : "";
    }

    private static String change(OptionalLong v, OptionalLong orig) {
        return v.isPresent() && orig.isPresent()
                ? Tables.change(100.0 * v.getAsLong() / orig.getAsLong() - 100) : "";
    }
}
