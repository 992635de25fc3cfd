package org.deeproots.reproduce.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeproots.nn.model.Models;
import org.deeproots.ops.Parallel;
import org.deeproots.reproduce.Roots;
import org.deeproots.reproduce.report.Collaborators;
import org.deeproots.reproduce.report.CostTables;
import org.deeproots.reproduce.report.Environment;
import org.deeproots.reproduce.report.PaperNumbers;
import org.deeproots.reproduce.report.Reproduction;
import org.deeproots.reproduce.sweep.CliTrainer;
import org.deeproots.reproduce.sweep.SweepPlan;
import org.deeproots.reproduce.timing.ForwardEngine;
import org.deeproots.reproduce.timing.TimingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code roots reproduce}: the paper's evidence regenerated on this machine: cost tables, CPU timings beside the
 * paper's, the optional NiN accuracy sweep, figures, and {@code OUT/report.md}.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = {"Reproduce the paper: cost tables, CPU timings, figures and OUT/report.md.",
            "Without --accuracy it takes about 10 minutes on 2 cores (--quick: a few minutes)."})
public final class ReproduceCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "Smoke run: end-point variants only, fewer timed runs.")
    boolean quick;

    @Option(names = "--accuracy", description = "Also train the NiN sweep (long; resumable: finished runs are kept).")
    boolean accuracy;

    @Option(names = "--data", defaultValue = "fashion-mnist",
            description = "Training data for --accuracy: fashion-mnist, cifar10 or a folder (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--threads", description = "Kernel threads (default: all processors).")
    Integer threads;

    @Option(names = "--out", defaultValue = "results", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, opencl or cuda (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--epochs", defaultValue = "2", description = "--accuracy: epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--limit", defaultValue = "10000",
            description = "--accuracy: training images per epoch, 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--test-limit", defaultValue = "0",
            description = "--accuracy: test images evaluated, 0 = all (default: ${DEFAULT-VALUE}).")
    int testLimit;

    @Option(names = "--seeds", defaultValue = "3",
            description = "--accuracy: seeds for orig (the paper used 5; default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--batch", defaultValue = "64", description = "--accuracy: mini-batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.05", description = "--accuracy: learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--time-budget",
            description = "Minutes the CPU timings may take; runs per variant are cut to fit (default: 8, --quick: 3).")
    Double timeBudget;

    @Option(names = "--checkpoints",
            description = "Folder of earlier sweep runs (<variant>-seed<N>/) for the correlation heatmaps "
                    + "(default: OUT/sweep).")
    Path checkpoints;

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true");
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + t);
        }
        double budget = timeBudget != null ? timeBudget : quick ? 3 : 8;
        if (!(budget > 0)) {
            throw new IllegalArgumentException("--time-budget must be > 0 minutes, got " + budget);
        }
        Parallel.setThreads(t);
        ForwardEngine engine = Collaborators.forDevice(device);
        PaperNumbers paper = Collaborators.paperNumbers();
        Environment env = Environment.detect(t, engine.kernels());
        SweepPlan sweep = accuracy ? SweepPlan.nin(data, seeds, epochs, batch, lr, limit, testLimit) : null;
        List<String> trainExtra = new ArrayList<>();
        Reproduction r = new Reproduction(engine, Models::create, paper,
                new CliTrainer(Roots::run, trainExtra), Collaborators.activationProbe(data), env, System.out);
        r.run(new Reproduction.Config(out, commandLine(), quick ? TimingPlan.quick() : TimingPlan.standard(),
                CostTables.paperFamilies(), sweep, checkpoints, 256, "resnet50", "root-64", budget * 60));
        return 0;
    }

    private String commandLine() {
        StringBuilder sb = new StringBuilder("roots reproduce");
        if (quick) {
            sb.append(" --quick");
        }
        if (accuracy) {
            sb.append(" --accuracy --data ").append(data).append(" --epochs ").append(epochs).append(" --limit ")
                    .append(limit).append(" --test-limit ").append(testLimit).append(" --seeds ").append(seeds);
        }
        if (threads != null) {
            sb.append(" --threads ").append(threads);
        }
        sb.append(" --out ").append(out);
        if (!device.equals("cpu")) {
            sb.append(" --device ").append(device);
        }
        return sb.toString();
    }
}
