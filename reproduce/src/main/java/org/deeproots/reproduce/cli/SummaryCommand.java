package org.deeproots.reproduce.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeproots.nn.model.Cost;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Models;
import org.deeproots.reproduce.format.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code roots summary}: the per-layer table of one model, like a Keras or torchinfo summary. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = {"Per-layer table of one model: name, kind, groups, output shape, params, multiply-adds.",
            "1 multiply-add = 1 FLOP; only conv and fc layers carry multiply-adds and params (BN not counted)."})
public final class SummaryCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "nin, resnet50, resnet101, resnet152, resnet200 or googlenet")
    String model;

    @Option(names = "--variant", defaultValue = "orig", paramLabel = "V",
            description = "orig, root-N, tree-N or col-N as the model offers (default: ${DEFAULT-VALUE})")
    String variant;

    @Option(names = "--input", paramLabel = "CxHxW",
            description = "per-image input, e.g. 1x28x28 (default: the model's, 3x32x32 or 3x224x224)")
    String input;

    @Option(names = "--classes", paramLabel = "K", description = "number of classes (default: 10 or 1000)")
    Integer classes;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text, md or csv (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--weighted-only", description = "list only the layers with params or multiply-adds")
    boolean weightedOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!List.of("text", "md", "csv").contains(format)) {
            throw new IllegalArgumentException("unknown --format '" + format + "'; valid formats: text, md, csv");
        }
        int[] in = input == null ? Models.defaultInput(model) : Models.parseInput(input);
        int k = classes == null ? Models.defaultClasses(model) : classes;
        Cost cost = Cost.of(Models.create(model, variant, in, k));
        Cost orig = Cost.of(Models.create(model, "orig", in, k));
        PrintWriter out = spec.commandLine().getOut();
        out.print(render(cost, orig, format, weightedOnly));
        out.flush();
        return 0;
    }

    /** The summary of a cost in one of the formats; {@code orig} gives the percentages (may be the same cost). */
    public static String render(Cost cost, Cost orig, String format, boolean weightedOnly) {
        Tables t = new Tables("layer", "kind", "groups", "output", "params", "multiply-adds").rightAligned(2, 4, 5);
        boolean csv = format.equals("csv");
        for (Cost.Layer l : weightedOnly ? cost.weighted() : cost.layers()) {
            boolean weighted = l.params() > 0 || l.multiplyAdds() > 0;
            t.row(l.name(), l.kind(), l.kind().equals("conv") ? Integer.toString(l.groups()) : "", l.shape(),
                    number(l.params(), csv, weighted), number(l.multiplyAdds(), csv, weighted));
        }
        if (csv) {
            return t.csv();
        }
        ModelSpec m = cost.spec();
        StringBuilder b = new StringBuilder();
        String head = m.model() + " " + m.variant() + ", input " + Tables.shape(m.input()) + ", " + m.classes()
                + " classes, " + m.nodes().size() + " layers";
        b.append(format.equals("md") ? "### " + head + "\n\n" + t.markdown() + "\n" : head + "\n" + t.text());
        String bullet = format.equals("md") ? "- " : "";
        b.append(bullet).append("total params: ").append(Tables.count(cost.params())).append(" (")
                .append(Tables.percent(cost.paramsPercentOf(orig))).append(" of orig)\n");
        b.append(bullet).append("total multiply-adds per image: ").append(Tables.count(cost.multiplyAdds()))
                .append(" (").append(Tables.percent(cost.multiplyAddsPercentOf(orig))).append(" of orig)\n");
        b.append(bullet).append("1 multiply-add = 1 FLOP; biases, BN, ReLU and pooling are not counted in "
                + "multiply-adds; BN parameters are not counted\n");
        return b.toString();
    }

    /** CSV: plain digits; text and Markdown: thousands separators, "--" for layers without weights. */
    private static String number(long n, boolean csv, boolean weighted) {
        if (csv) {
            return Long.toString(n);
        }
        return weighted ? Tables.count(n) : "--";
    }
}
