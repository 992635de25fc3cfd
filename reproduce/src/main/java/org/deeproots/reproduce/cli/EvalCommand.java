package org.deeproots.reproduce.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeproots.nn.data.DataSets;
import org.deeproots.nn.io.Checkpoint;
import org.deeproots.nn.model.Models;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.train.Evaluation;
import org.deeproots.nn.train.Trainer;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;
import org.deeproots.reproduce.train.TrainRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code roots eval}: top-1 (and top-5) accuracy of a checkpoint on a test set. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint: top-1 (and top-5 "
        + "when there are more than 5 classes) accuracy on the test set")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "checkpoint file written by roots train")
    Path checkpoint;

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "fashion-mnist, mnist, cifar10 or a "
            + "directory (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--limit", defaultValue = "2147483647", description = "evaluate on the first N test images")
    int limit;

    @Option(names = "--batch", defaultValue = "100", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", description = "kernel threads (default: all processors)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Checkpoint c = Checkpoint.read(checkpoint);
        DataSets.TrainTest tt = DataSets.open(data, null, 1, limit, c.input());
        if (!java.util.Arrays.equals(tt.test().shape(), c.input())) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " is " + c.describe() + " but --data "
                    + data + " has images " + java.util.Arrays.toString(tt.test().shape()));
        }
        Network net = new Network(Models.create(c.model(), c.variant(), c.input(), c.classes()),
                KernelProvider.kernels(), 0);
        c.restore(net);
        long start = System.nanoTime();
        Evaluation e = Trainer.evaluate(net, tt.test(), limit, TrainRun.evalAugment(c), batch);
        double s = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s on %s (%d images): top-1 %.2f%%", c.describe(), tt.test().name(),
                e.images(), 100 * e.top1());
        if (c.classes() > 5) {
            System.out.printf(Locale.ROOT, ", top-5 %.2f%%", 100 * e.top5());
        }
        System.out.printf(Locale.ROOT, ", loss %.4f (%.1f s, %.0f img/s, kernels %s)%n", e.loss(), s,
                e.images() / s, net.kernels().name());
        return 0;
    }
}
