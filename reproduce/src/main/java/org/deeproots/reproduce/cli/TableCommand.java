package org.deeproots.reproduce.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeproots.nn.model.Models;
import org.deeproots.reproduce.format.Tables;
import org.deeproots.reproduce.paper.CostComparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roots table}: our exact multiply-adds and parameters for every variant, beside the paper's, with the
 * difference and the reduction against orig.
 */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Multiply-adds and params of every variant, beside the paper's (1 multiply-add = 1 FLOP).",
            "Counts: conv and fc multiply-adds per image at the model's default input; params = conv weights "
                + "(+ conv biases where the network has them) + fc; BN not counted."})
public final class TableCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "all", paramLabel = "MODEL",
            description = "nin, resnet50, resnet101, resnet152, resnet200, googlenet or all (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT",
            description = "md (Markdown with notes) or csv (default: ${DEFAULT-VALUE})")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> models = selected(model);
        if (!format.equals("md") && !format.equals("csv")) {
            throw new IllegalArgumentException("unknown --format '" + format + "'; valid formats: md, csv");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(format.equals("csv") ? csv(models) : markdown(models));
        out.flush();
        return 0;
    }

    /** The models named by {@code --model}: one id or all of them. */
    static List<String> selected(String model) {
        if (model.equals("all")) {
            return Models.models();
        }
        if (!Models.models().contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "'; valid models: all, "
                    + String.join(", ", Models.models()));
        }
        return List.of(model);
    }

    /** The CSV table: header {@value CostComparison#CSV_HEADER}, one row per variant. */
    public static String csv(List<String> models) {
        Tables t = new Tables(CostComparison.CSV_HEADER.split(","));
        for (String m : models) {
            CostComparison.of(m).csvRows(t);
        }
        return t.csv();
    }

    /** The Markdown tables with their notes. */
    public static String markdown(List<String> models) {
        StringBuilder b = new StringBuilder();
        b.append("## Parameters and multiply-adds: ours beside the paper's\n\n");
        b.append("MA = multiply-adds per image; 1 multiply-add = 1 FLOP (the paper's convention). Ours count conv and "
                + "fc layers only (biases, BN, ReLU and pooling not counted); params = conv weights, conv biases "
                + "where the network has them (NiN, GoogLeNet; ResNet only conv1) and fc weights and biases; BN "
                + "parameters are not counted. \"vs orig\" is the change against the orig variant. The paper's "
                + "values come from its published tables; sources and the notes' paper.md: "
                + "reproduce/src/main/resources/org/deeproots/reproduce/paper/.\n\n");
        for (String m : models) {
            b.append(CostComparison.of(m).markdown()).append('\n');
        }
        return b.toString();
    }
}
