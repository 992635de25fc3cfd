package org.deeproots.reproduce.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeproots.nn.train.LrSchedule;
import org.deeproots.nn.train.TrainConfig;
import org.deeproots.ops.Parallel;
import org.deeproots.reproduce.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code roots train}: trains a model on real data with SGD, writing metrics.csv and a checkpoint. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Train a model on real data (SGD with momentum, weight decay, warm-up then cosine/step schedule).",
        "Writes OUT/metrics.csv (one row per epoch), OUT/run.txt and OUT/<model>-<variant>.ckpt.",
        "The model is built with the data's input shape (Fashion-MNIST: 1x28x28, CIFAR-10: 3x32x32)."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "nin", description = "model id (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--variant", defaultValue = "orig", description = "variant, e.g. orig, root-8 (default: "
            + "${DEFAULT-VALUE})")
    String variant;

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, cifar10 or a "
            + "directory (IDX files, CIFAR-10 binary files, or train/ and test/ image folders); default: "
            + "${DEFAULT-VALUE}")
    String data;

    @Option(names = "--epochs", defaultValue = "4", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch", defaultValue = "64", description = "mini-batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--lr", defaultValue = "0.05", description = "base learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "weight decay on conv/linear weights "
            + "(default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine, step or constant (default: "
            + "${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0.2", description = "linear warm-up in epochs (default: "
            + "${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--step-epochs", defaultValue = "30", description = "step schedule: decay every N epochs")
    int stepEpochs;

    @Option(names = "--seed", defaultValue = "1", description = "seed of init, shuffle, augmentation (default: "
            + "${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--limit", defaultValue = "2147483647", description = "train on the first N training images")
    int limit;

    @Option(names = "--test-limit", defaultValue = "2147483647", description = "evaluate on the first N test images")
    int testLimit;

    @Option(names = "--augment", defaultValue = "auto", description = "none, mirror, crop, crop-mirror or auto "
            + "(crop-mirror for 3-channel data as the paper's NiN, mirror for 1-channel); default: ${DEFAULT-VALUE}")
    String augment;

    @Option(names = "--normalize", defaultValue = "meanstd", description = "mean (the paper's mean subtraction) or "
            + "meanstd (per-channel normalisation); default: ${DEFAULT-VALUE}")
    String normalize;

    @Option(names = "--out", defaultValue = "results", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, opencl or cuda: where the training steps "
            + "run (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--threads", description = "kernel threads (default: all processors)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        LrSchedule.Kind kind = switch (schedule) {
            case "cosine" -> LrSchedule.Kind.COSINE;
            case "step" -> LrSchedule.Kind.STEP;
            case "constant" -> LrSchedule.Kind.CONSTANT;
            default -> throw new IllegalArgumentException("--schedule must be cosine, step or constant, got "
                    + schedule);
        };
        if (limit < 1 || testLimit < 0) {
            throw new IllegalArgumentException("--limit must be >= 1 and --test-limit >= 0, got " + limit + " and "
                    + testLimit);
        }
        TrainConfig cfg = new TrainConfig(epochs, batch, lr, momentum, weightDecay, false, kind, warmup, stepEpochs,
                0.1, seed, 1);
        new TrainRun(model, variant, data, cfg, limit, testLimit, out, augment, normalize, device).run(System.out);
        return 0;
    }
}
