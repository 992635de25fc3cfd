package org.deeproots.reproduce.report;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.deeproots.reproduce.paper.PaperFacts;

/** {@link PaperNumbers} read from the project's copy of the paper's tables ({@link PaperFacts}). */
public final class PaperFactsNumbers implements PaperNumbers {
    private final PaperFacts facts;

    public PaperFactsNumbers(PaperFacts facts) {
        this.facts = facts;
    }

    @Override
    public List<PaperRow> rows(String model) {
        return facts.rows(model).stream().map(r -> new PaperRow(r.model(), r.variant(), d(r.multiplyAdds()),
                d(r.params()), d(r.top1()), d(r.top5()), d(r.cpuMsPerImage()), d(r.gpuMsPerImage()))).toList();
    }

    private static double d(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : Double.NaN;
    }

    private static double d(OptionalDouble v) {
        return v.isPresent() ? v.getAsDouble() : Double.NaN;
    }

    @Override
    public String source() {
        return "the project's paper facts (`reproduce/src/main/resources/org/deeproots/reproduce/paper/*.csv`, "
                + "compiled from the authors' thesis sources, data CSVs and poster; see shared/paper.md)";
    }
}
