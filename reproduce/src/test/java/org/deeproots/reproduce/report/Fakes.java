package org.deeproots.reproduce.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;
import org.deeproots.reproduce.sweep.ActivationProbe;
import org.deeproots.reproduce.sweep.Activations;
import org.deeproots.reproduce.sweep.Trainer;
import org.deeproots.reproduce.timing.ForwardEngine;
import org.deeproots.reproduce.timing.ModelCatalog;

/** Tiny models and fake collaborators for the report tests. */
public final class Fakes {
    private Fakes() {
    }

    /** groups of a variant name: orig 1, root-N / tree-N / col-N N (capped to 8). */
    static int groups(String variant) {
        return variant.equals("orig") ? 1 : Math.min(8, Integer.parseInt(variant.substring(variant.indexOf('-') + 1)));
    }

    /** A tiny conv net whose 3x3 conv has the variant's groups; named like the real NiN layers it needs. */
    public static final ModelCatalog CATALOG = (model, variant, input, classes) -> {
        int g = groups(variant);
        List<Node> nodes = new ArrayList<>();
        nodes.add(Node.of("conv1a", new Op.Conv(input[0], 16, 3, 1, 1, 1, true), ModelSpec.INPUT));
        nodes.add(Node.of("conv2c", new Op.Conv(16, 16, 1, 1, 0, 1, true), "conv1a"));
        nodes.add(Node.of("relu2c", new Op.ReLU(), "conv2c"));
        nodes.add(Node.of("pool2", new Op.Pool(true, 2, 2, 0, false), "relu2c"));
        nodes.add(Node.of("conv3a", new Op.Conv(16, 16, 3, 1, 1, g, true), "pool2"));
        nodes.add(Node.of("bn3a", new Op.BatchNorm(16), "conv3a"));
        nodes.add(Node.of("gap", new Op.GlobalAvgPool(), "bn3a"));
        nodes.add(Node.of("fc", new Op.Linear(16, classes), "gap"));
        return new ModelSpec(model, variant, input, classes, nodes);
    };

    /** A forward that does work proportional to the model's multiply-adds (no real network). */
    public static final class Engine implements ForwardEngine {
        public final AtomicInteger prepared = new AtomicInteger();
        public volatile double sink;

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String kernels() {
            return "fake-kernels";
        }

        @Override
        public Forward prepare(ModelSpec spec, int batch) {
            prepared.incrementAndGet();
            long work = spec.multiplyAdds() * batch / 50;
            return () -> {
                double s = 0;
                for (long i = 0; i < work; i++) {
                    s += Math.sqrt(i);
                }
                sink = s;
            };
        }
    }

    /** Paper rows for the test models, with values that are clearly not ours. */
    public static final PaperNumbers PAPER = new PaperNumbers() {
        @Override
        public List<PaperRow> rows(String model) {
            List<PaperRow> rows = new ArrayList<>();
            String[] variants = {"orig", "root-2", "root-4", "tree-2", "col-2"};
            for (int i = 0; i < variants.length; i++) {
                rows.add(new PaperRow(model, variants[i], 1_000_000 - 100_000 * i, 50_000 - 5_000 * i, 0.90 - 0.01 * i,
                        0.95 - 0.005 * i, 40 - 3 * i, 0.6));
            }
            return rows;
        }

        @Override
        public String source() {
            return "fake paper facts (test)";
        }
    };

    /** A trainer that writes a metrics file and a checkpoint, counting its calls. */
    public static final class CountingTrainer implements Trainer {
        public final AtomicInteger calls = new AtomicInteger();

        @Override
        public void train(org.deeproots.reproduce.sweep.SweepPlan plan, org.deeproots.reproduce.sweep.SweepRun run,
                Path outDir) throws IOException {
            calls.incrementAndGet();
            StringBuilder sb = new StringBuilder("epoch,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds\n");
            for (int e = 1; e <= plan.epochs(); e++) {
                double acc = 0.80 + 0.01 * e + 0.001 * run.seed() + 0.002 * groups(run.variant());
                sb.append(String.format(Locale.ROOT, "%d,0.5,0.8,0.6,%.4f,100,1.5%n", e, acc));
            }
            Files.writeString(outDir.resolve("metrics.csv"), sb.toString());
            Files.writeString(outDir.resolve("model.ckpt"), run.variant());
        }
    }

    /**
     * Activations whose conv3a channels copy conv2c channels within each filter group (plus noise), so the
     * correlation is block-diagonal with the variant's groups. conv2c at 8x8, conv3a at 4x4.
     */
    public static final ActivationProbe PROBE = (checkpoint, layers, images) -> {
        String variant;
        try {
            variant = Files.readString(checkpoint).trim();
        } catch (IOException e) {
            throw new IOException("fake probe cannot read " + checkpoint, e);
        }
        int g = groups(variant);
        int c = 16;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        float[] a = new float[images * c * 8 * 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        float[] b = new float[images * c * 4 * 4];
        int per = c / g;
        for (int n = 0; n < images; n++) {
            for (int ch = 0; ch < c; ch++) {
                int grp = ch / per;
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        double s = 0;
                        for (int k = grp * per; k < (grp + 1) * per; k++) {
                            s += a[((n * c + k) * 8 + 2 * y) * 8 + 2 * x];
                        }
                        b[((n * c + ch) * 4 + y) * 4 + x] = (float) (s + 0.3 * rnd.nextGaussian());
                    }
                }
            }
        }
        return List.of(new Activations(layers.get(0), a, images, c, 8, 8),
                new Activations(layers.get(1), b, images, c, 4, 4));
    };
}
