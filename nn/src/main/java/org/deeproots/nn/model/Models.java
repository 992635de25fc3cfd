package org.deeproots.nn.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of models and variants: the one way the rest of the project names a network.
 *
 * <pre>{@code
 * ModelSpec m = Models.create("resnet50", "root-8");                           // 3x224x224, 1000 classes
 * ModelSpec f = Models.create("nin", "root-4", new int[] {1, 28, 28}, 10);     // Fashion-MNIST
 * }</pre>
 *
 * <p>Model ids: {@code nin, resnet50, resnet101, resnet152, resnet200, googlenet}. Variants: {@code orig} and the
 * paper's {@code root-N}; NiN also {@code tree-N} and {@code col-N}.
 *
 * <p>"paper.md" in this package's javadoc is the project's compilation of the paper's facts,
 * {@code reproduce/src/main/resources/org/deeproots/reproduce/paper/paper.md}.
 */
public final class Models {

    /** One registered family: its default input and classes, its variants, and how to make each spec. */
    private record Family(int[] input, int classes, List<String> variants, java.util.function.Function<String,
            Record> spec, Builder builder) {
    }

    @FunctionalInterface
    private interface Builder {
        ModelSpec build(Record spec, int[] input, int classes);
    }

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        int[] cifar = {3, 32, 32};
        int[] imagenet = {3, 224, 224};
        Map<String, Record> nin = new LinkedHashMap<>();
        nin.put("orig", NiNSpec.orig());
        for (int n : new int[] {2, 4, 8, 16, 32}) {
            nin.put("root-" + n, NiNSpec.root(n));
        }
        for (int n : new int[] {2, 4, 8, 16}) {
            nin.put("tree-" + n, NiNSpec.tree(n));
        }
        for (int n : new int[] {2, 4, 8, 16}) {
            nin.put("col-" + n, NiNSpec.col(n));
        }
        register("nin", cifar, 10, nin, (s, in, k) -> ((NiNSpec) s).build(in, k));
        resnet(ResNetSpec.resnet50(), imagenet);
        resnet(ResNetSpec.resnet101(), imagenet);
        resnet(ResNetSpec.resnet152(), imagenet);
        resnet(ResNetSpec.resnet200(), imagenet);
        Map<String, Record> googlenet = new LinkedHashMap<>();
        googlenet.put("orig", GoogLeNetSpec.orig());
        for (int n : new int[] {2, 4, 8, 16}) {
            googlenet.put("root-" + n, GoogLeNetSpec.root(n));
        }
        register("googlenet", imagenet, 1000, googlenet, (s, in, k) -> ((GoogLeNetSpec) s).build(in, k));
    }

    private static void resnet(ResNetSpec orig, int[] input) {
        Map<String, Record> v = new LinkedHashMap<>();
        v.put("orig", orig);
        for (int n : new int[] {2, 4, 8, 16, 32, 64}) {
            v.put("root-" + n, orig.withRoot(n));
        }
        register(orig.model(), input, 1000, v, (s, in, k) -> ((ResNetSpec) s).build(in, k));
    }

    private static void register(String model, int[] input, int classes, Map<String, Record> variants,
            Builder builder) {
        Map<String, Record> copy = Map.copyOf(variants);
        FAMILIES.put(model, new Family(input, classes, List.copyOf(variants.keySet()), copy::get, builder));
    }

    private Models() {
    }

    /** Model ids, in a fixed order. */
    public static List<String> models() {
        return List.copyOf(FAMILIES.keySet());
    }

    /** Variant ids of a model, {@code orig} first. */
    public static List<String> variants(String model) {
        return family(model).variants();
    }

    /** Default per-sample input {C, H, W}: 3x32x32 for NiN (CIFAR-10), 3x224x224 for the ImageNet nets. */
    public static int[] defaultInput(String model) {
        return family(model).input().clone();
    }

    /** Default number of classes: 10 for NiN, 1000 for the ImageNet nets. */
    public static int defaultClasses(String model) {
        return family(model).classes();
    }

    /** The variant's spec record ({@link NiNSpec}, {@link ResNetSpec} or {@link GoogLeNetSpec}), e.g. to echo it. */
    public static Record spec(String model, String variant) {
        Family f = family(model);
        Record r = f.spec().apply(variant);
        if (r == null) {
            throw new IllegalArgumentException("unknown variant '" + variant + "' for model " + model
                    + "; valid variants: " + String.join(", ", f.variants()));
        }
        return r;
    }

    /** The model at its default input size and class count. */
    public static ModelSpec create(String model, String variant) {
        Family f = family(model);
        return create(model, variant, f.input(), f.classes());
    }

    /**
     * The model for a per-sample input {C, H, W} and a class count.
     *
     * @throws IllegalArgumentException for an unknown model or variant (the message lists the valid ones), a bad
     *                                  input or class count, or an input too small for the network (naming the
     *                                  layer where it no longer fits)
     */
    public static ModelSpec create(String model, String variant, int[] inputCHW, int classes) {
        Record spec = spec(model, variant);
        return family(model).builder().build(spec, inputCHW, classes);
    }

    /** Parses an input size written {@code CxHxW}, e.g. {@code 1x28x28}. */
    public static int[] parseInput(String chw) {
        String[] p = chw == null ? new String[0] : chw.trim().split("[xX,]");
        if (p.length != 3) {
            throw new IllegalArgumentException("input must be written CxHxW, e.g. 3x32x32, got '" + chw + "'");
        }
        int[] r = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                r[i] = Integer.parseInt(p[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("input must be written CxHxW, e.g. 3x32x32, got '" + chw + "'");
            }
            if (r[i] < 1) {
                throw new IllegalArgumentException("input dimensions must be positive, got '" + chw + "'");
            }
        }
        return r;
    }

    private static Family family(String model) {
        Family f = model == null ? null : FAMILIES.get(model);
        if (f == null) {
            throw new IllegalArgumentException("unknown model '" + model + "'; valid models: "
                    + String.join(", ", FAMILIES.keySet()));
        }
        return f;
    }
}
