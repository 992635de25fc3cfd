package org.deeproots.nn.model;

import java.util.ArrayList;
import java.util.List;

/**
 * GoogLeNet (Inception v1, Szegedy et al. 2014) as data: the groups of the conv2 3x3, the nine Inception modules,
 * the auxiliary heads switch and the dropout before the classifier.
 *
 * <p>root-N (paper.md section 4.2, table "GoogLeNet. Filter groups in each conv. layer and Inception module"):
 * conv2 3x3 N groups, inception 3a/3b N/2, 4a-4e N/4, 5a/5b N/8 (3x3 and 5x5 convs only, never below 1).
 *
 * @param variant     variant id, e.g. {@code root-4}
 * @param conv2Groups filter groups of conv2/3x3
 * @param modules     inception_3a .. inception_5b
 * @param auxHeads    whether to add the two auxiliary classifiers (after 4a and 4d); off by default, and the
 *                    paper's counts are for the main tower only
 * @param dropout     drop probability before the classifier (0.4 as in the original)
 */
public record GoogLeNetSpec(String variant, int conv2Groups, List<InceptionSpec> modules, boolean auxHeads,
        double dropout) {
    public GoogLeNetSpec {
        modules = List.copyOf(modules);
        if (conv2Groups < 1) {
            throw new IllegalArgumentException("googlenet " + variant + ": conv2Groups must be at least 1, got "
                    + conv2Groups);
        }
        if (modules.size() != 9) {
            throw new IllegalArgumentException("googlenet " + variant + ": needs 9 inception modules, got "
                    + modules.size());
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("googlenet " + variant + ": dropout must be in [0, 1), got "
                    + dropout);
        }
    }

    /** The original filter counts (Szegedy et al. 2014, table 1), ungrouped. */
    private static final List<InceptionSpec> MODULES = List.of(
            new InceptionSpec("inception_3a", 192, 64, 96, 128, 16, 32, 32, 1),
            new InceptionSpec("inception_3b", 256, 128, 128, 192, 32, 96, 64, 1),
            new InceptionSpec("inception_4a", 480, 192, 96, 208, 16, 48, 64, 1),
            new InceptionSpec("inception_4b", 512, 160, 112, 224, 24, 64, 64, 1),
            new InceptionSpec("inception_4c", 512, 128, 128, 256, 24, 64, 64, 1),
            new InceptionSpec("inception_4d", 512, 112, 144, 288, 32, 64, 64, 1),
            new InceptionSpec("inception_4e", 528, 256, 160, 320, 32, 128, 128, 1),
            new InceptionSpec("inception_5a", 832, 256, 160, 320, 32, 128, 128, 1),
            new InceptionSpec("inception_5b", 832, 384, 192, 384, 48, 128, 128, 1));

    /** The standard network: no groups, no aux heads, dropout 0.4. */
    public static GoogLeNetSpec orig() {
        return new GoogLeNetSpec("orig", 1, MODULES, false, 0.4);
    }

    /** root-N: conv2 N groups, incp.3 N/2, incp.4 N/4, incp.5 N/8 (at least 1). */
    public static GoogLeNetSpec root(int n) {
        GraphBuilder.requirePositive("googlenet root-" + n, n);
        List<InceptionSpec> m = new ArrayList<>();
        for (InceptionSpec s : MODULES) {
            int stage = s.name().charAt(s.name().length() - 2) - '0'; // 3, 4 or 5
            m.add(s.withGroups(GraphBuilder.halved(n, stage - 2)));
        }
        return new GoogLeNetSpec("root-" + n, n, m, false, 0.4);
    }

    public GoogLeNetSpec withAuxHeads(boolean on) {
        return new GoogLeNetSpec(variant, conv2Groups, modules, on, dropout);
    }

    public GoogLeNetSpec withDropout(double p) {
        return new GoogLeNetSpec(variant, conv2Groups, modules, auxHeads, p);
    }

    /** Builds the graph for a per-sample input {C, H, W} and a number of classes. */
    public ModelSpec build(int[] input, int classes) {
        return GoogLeNet.build(this, input, classes);
    }
}
