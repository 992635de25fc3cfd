package org.deeproots.reproduce.report;

import java.util.List;
import java.util.Optional;

/** Where the report takes the paper's numbers from (the real one wraps {@code PaperFacts}; tests use fakes). */
public interface PaperNumbers {

    /** The paper's rows for a model, orig first, in the paper's order; empty when the paper has none. */
    List<PaperRow> rows(String model);

    /** The paper's row for one variant, if the paper has it. */
    default Optional<PaperRow> row(String model, String variant) {
        return rows(model).stream().filter(r -> r.variant().equals(variant)).findFirst();
    }

    /** The paper's standard deviation of NiN orig accuracy over its seeds (NaN when unknown). */
    default double ninOrigAccuracyStd() {
        return Double.NaN;
    }

    /** One line naming where these numbers come from, printed under the tables. */
    String source();

    /** No paper numbers at all. */
    PaperNumbers NONE = new PaperNumbers() {
        @Override
        public List<PaperRow> rows(String model) {
            return List.of();
        }

        @Override
        public String source() {
            return "no paper numbers";
        }
    };
}
