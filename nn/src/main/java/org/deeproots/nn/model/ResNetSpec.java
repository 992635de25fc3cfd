package org.deeproots.nn.model;

import java.util.Arrays;

/**
 * A residual network as data (torchvision style): block kind, blocks per stage, bottleneck widths, the filter groups
 * of each stage's 3x3 convs, and where a downsampling block puts its stride.
 *
 * <p>Deep Roots groups only the 3x3 conv of every block (branch2b of a bottleneck); 1x1 convs, projection shortcuts,
 * conv1 and the fc layer stay ungrouped. root-N means N groups in res2, N/2 in res3, N/4 in res4, N/8 in res5 (never
 * below 1): paper.md section 3.1, table "ResNet 50. Filter groups in each conv. layer"; ResNet-200 follows the same
 * pattern (paper.md section 4.1).
 *
 * @param model          model id, e.g. {@code resnet50}
 * @param variant        variant id, e.g. {@code orig}, {@code root-8}
 * @param block          basic (two 3x3) or bottleneck (1x1, 3x3, 1x1) blocks
 * @param blocksPerStage blocks in res2..res5, e.g. {3, 4, 6, 3}
 * @param widthPerStage  bottleneck (inner) width per stage, e.g. {64, 128, 256, 512}
 * @param groupsPerStage filter groups of the 3x3 convs per stage
 * @param layout         where a downsampling block strides
 */
public record ResNetSpec(String model, String variant, BlockKind block, int[] blocksPerStage, int[] widthPerStage,
        int[] groupsPerStage, Layout layout) {

    /** Residual block kinds; expansion = output channels / inner width. */
    public enum BlockKind {
        BASIC(1), BOTTLENECK(4);

        private final int expansion;

        BlockKind(int expansion) {
            this.expansion = expansion;
        }

        public int expansion() {
            return expansion;
        }
    }

    /** Where a downsampling bottleneck block puts its stride 2. */
    public enum Layout {
        /** Caffe / MSRA (He et al. 2015 release): stride 2 in the first 1x1 (branch2a); max pool 3x3/2 ceil mode. */
        CAFFE,
        /** fb.resnet.torch (and torchvision "v1.5"): stride 2 in the 3x3 (branch2b); max pool 3x3/2 pad 1. */
        TORCH
    }

    public ResNetSpec {
        blocksPerStage = blocksPerStage.clone();
        widthPerStage = widthPerStage.clone();
        groupsPerStage = groupsPerStage.clone();
        int stages = blocksPerStage.length;
        if (stages < 1 || widthPerStage.length != stages || groupsPerStage.length != stages) {
            throw new IllegalArgumentException(model + " " + variant + ": blocksPerStage, widthPerStage and "
                    + "groupsPerStage need the same number (>= 1) of stages, got " + blocksPerStage.length + ", "
                    + widthPerStage.length + ", " + groupsPerStage.length);
        }
        for (int s = 0; s < stages; s++) {
            if (blocksPerStage[s] < 1 || widthPerStage[s] < 1 || groupsPerStage[s] < 1) {
                throw new IllegalArgumentException(model + " " + variant + ", stage res" + (s + 2)
                        + ": blocks, width and groups must be at least 1, got " + blocksPerStage[s] + ", "
                        + widthPerStage[s] + ", " + groupsPerStage[s]);
            }
        }
    }

    @Override
    public int[] blocksPerStage() {
        return blocksPerStage.clone();
    }

    @Override
    public int[] widthPerStage() {
        return widthPerStage.clone();
    }

    @Override
    public int[] groupsPerStage() {
        return groupsPerStage.clone();
    }

    private static final int[] WIDTHS = {64, 128, 256, 512};
    private static final int[] NO_GROUPS = {1, 1, 1, 1};

    /** ResNet-18 (basic blocks {2, 2, 2, 2}); not in the paper, offered for small experiments. */
    public static ResNetSpec resnet18() {
        return new ResNetSpec("resnet18", "orig", BlockKind.BASIC, new int[] {2, 2, 2, 2}, WIDTHS, NO_GROUPS,
                Layout.TORCH);
    }

    /** ResNet-50, bottleneck {3, 4, 6, 3}, Caffe layout (the MSRA Caffe model the paper used, paper.md 3.1). */
    public static ResNetSpec resnet50() {
        return new ResNetSpec("resnet50", "orig", BlockKind.BOTTLENECK, new int[] {3, 4, 6, 3}, WIDTHS, NO_GROUPS,
                Layout.CAFFE);
    }

    /** ResNet-101, bottleneck {3, 4, 23, 3}; not in the paper; Caffe layout, as MSRA's released Caffe model. */
    public static ResNetSpec resnet101() {
        return new ResNetSpec("resnet101", "orig", BlockKind.BOTTLENECK, new int[] {3, 4, 23, 3}, WIDTHS,
                NO_GROUPS, Layout.CAFFE);
    }

    /** ResNet-152, bottleneck {3, 8, 36, 3}; not in the paper; Caffe layout, as MSRA's released Caffe model. */
    public static ResNetSpec resnet152() {
        return new ResNetSpec("resnet152", "orig", BlockKind.BOTTLENECK, new int[] {3, 8, 36, 3}, WIDTHS,
                NO_GROUPS, Layout.CAFFE);
    }

    /** ResNet-200, bottleneck {3, 24, 36, 3}, fb.resnet.torch layout (the paper's baseline code, paper.md 4.1). */
    public static ResNetSpec resnet200() {
        return new ResNetSpec("resnet200", "orig", BlockKind.BOTTLENECK, new int[] {3, 24, 36, 3}, WIDTHS,
                NO_GROUPS, Layout.TORCH);
    }

    /**
     * The root-N variant: N groups in the first stage's 3x3 convs, halving with each later stage down to 1
     * (paper.md table "ResNet 50. Filter groups in each conv. layer").
     */
    public ResNetSpec withRoot(int n) {
        GraphBuilder.requirePositive(model + " root-" + n, n);
        int[] g = new int[blocksPerStage.length];
        for (int s = 0; s < g.length; s++) {
            g[s] = GraphBuilder.halved(n, s);
        }
        return withGroups("root-" + n, g);
    }

    /** The same network with explicit groups per stage and a new variant id. */
    public ResNetSpec withGroups(String newVariant, int... groups) {
        return new ResNetSpec(model, newVariant, block, blocksPerStage, widthPerStage, groups, layout);
    }

    /** The same network with another stride layout. */
    public ResNetSpec withLayout(Layout newLayout) {
        return new ResNetSpec(model, variant, block, blocksPerStage, widthPerStage, groupsPerStage, newLayout);
    }

    /** Builds the graph for a per-sample input {C, H, W} and a number of classes. */
    public ModelSpec build(int[] input, int classes) {
        return ResNet.build(this, input, classes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResNetSpec s && s.model.equals(model) && s.variant.equals(variant) && s.block == block
                && Arrays.equals(s.blocksPerStage, blocksPerStage) && Arrays.equals(s.widthPerStage, widthPerStage)
                && Arrays.equals(s.groupsPerStage, groupsPerStage) && s.layout == layout;
    }

    @Override
    public int hashCode() {
        return ((model.hashCode() * 31 + variant.hashCode()) * 31 + Arrays.hashCode(blocksPerStage)) * 31
                + Arrays.hashCode(groupsPerStage) + layout.hashCode();
    }

    @Override
    public String toString() {
        return "ResNetSpec[model=" + model + ", variant=" + variant + ", block=" + block + ", blocksPerStage="
                + Arrays.toString(blocksPerStage) + ", widthPerStage=" + Arrays.toString(widthPerStage)
                + ", groupsPerStage=" + Arrays.toString(groupsPerStage) + ", layout=" + layout + "]";
    }
}
