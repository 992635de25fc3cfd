package org.deeproots.reproduce.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeproots.nn.data.Augment;
import org.deeproots.nn.data.DataSets;
import org.deeproots.nn.io.Checkpoint;
import org.deeproots.gpu.Backend;
import org.deeproots.gpu.Devices;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Models;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.train.EpochResult;
import org.deeproots.nn.train.TrainConfig;
import org.deeproots.nn.train.TrainListener;
import org.deeproots.nn.train.Trainer;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.Parallel;

/**
 * One training run as {@code roots train} does it: opens the data, builds the model with the data's input shape,
 * trains with a progress bar, and writes {@code OUT/metrics.csv} (one row per epoch), {@code OUT/run.txt} (the
 * configuration echo) and {@code OUT/<model>-<variant>.ckpt} (after every epoch, atomically).
 *
 * @param augment {@code none}, {@code mirror}, {@code crop}, {@code crop-mirror} (the paper's NiN setup: 4-pixel
 *                pad, random crop, random mirror) or {@code auto} (crop-mirror for colour images, mirror for grey)
 * @param normalize {@code mean} (mean subtraction, the paper's) or {@code meanstd} (per-channel normalisation)
 * @param device    {@code cpu}, or {@code opencl}/{@code cuda} to run the training steps on that backend
 *                  ({@link GpuStep}); evaluation and checkpoints use the CPU network
 */
public record TrainRun(String model, String variant, String data, TrainConfig config, int limit, int testLimit,
                       Path out, String augment, String normalize, String device) {

    /** A run on the CPU. */
    public TrainRun(String model, String variant, String data, TrainConfig config, int limit, int testLimit,
                    Path out, String augment, String normalize) {
        this(model, variant, data, config, limit, testLimit, out, augment, normalize, "cpu");
    }

    /** Metadata keys of the checkpoint that eval needs. */
    public static final String META_MEAN = "normalize.mean";
    public static final String META_STD = "normalize.std";

    public List<EpochResult> run(PrintStream log) throws IOException {
        DataSets.TrainTest tt = DataSets.open(data, null, limit, testLimit, Models.defaultInput(model));
        int[] shape = tt.train().shape();
        int classes = tt.train().classes();
        ModelSpec spec = Models.create(model, variant, shape, classes);
        Network net = new Network(spec, KernelProvider.kernels(), config.seed());
        float[][] stats = Augment.channelStats(tt.train(), tt.train().size());
        float[] mean = stats[0];
        float[] std = normalize.equals("meanstd") ? stats[1] : null;
        if (!normalize.equals("mean") && !normalize.equals("meanstd")) {
            throw new IllegalArgumentException("--normalize must be mean or meanstd, got " + normalize);
        }
        String aug = augment.equals("auto") ? (shape[0] == 3 ? "crop-mirror" : "mirror") : augment;
        Augment trainAug = switch (aug) {
            case "none" -> new Augment(0, false, mean, std);
            case "mirror" -> new Augment(0, true, mean, std);
            case "crop" -> new Augment(4, false, mean, std);
            case "crop-mirror" -> new Augment(4, true, mean, std);
            default -> throw new IllegalArgumentException("--augment must be none, mirror, crop, crop-mirror or auto, "
                    + "got " + augment);
        };
        Files.createDirectories(out);
        Path ckpt = out.resolve(model + "-" + variant + ".ckpt");
        Path csv = out.resolve("metrics.csv");
        String echo = "model: " + spec + "\nspec: " + Models.spec(model, variant) + "\ndata: " + tt.name() + " train "
                + tt.train().size() + ", test " + tt.test().size() + "\nconfig: " + config + "\naugment: " + trainAug
                + "\nkernels: " + net.kernels().name() + ", threads " + Parallel.threads() + "\njvm: "
                + System.getProperty("java.vm.name") + " " + Runtime.version() + "\nlearned values: "
                + net.learnedValues() + ", multiply-adds per image: " + spec.multiplyAdds() + "\n";
        writeAtomically(out.resolve("run.txt"), echo);
        log.print(echo);
        List<String> rows = new ArrayList<>();
        rows.add(EpochResult.CSV_HEADER);
        ProgressBar bar = ProgressBar.stderr();
        GpuStep gpuStep = null;
        Backend backend = null;
        if (!device.equals("cpu")) {
            // unknown name: IllegalArgumentException; unavailable: BackendUnavailableException with the reason
            backend = Devices.open(device);
            gpuStep = new GpuStep(backend, net, config);
            log.println("device: " + backend.name() + " (" + backend.device() + "); a last smaller batch of each "
                    + "epoch is skipped");
        }
        Trainer trainer = new Trainer(net, config, gpuStep);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data", tt.name());
        meta.put(META_MEAN, join(mean));
        if (std != null) {
            meta.put(META_STD, join(std));
        }
        meta.put("config", config.toString());
        List<EpochResult> results = trainer.fit(tt.train(), tt.train().size(), trainAug, tt.test(), tt.test().size(),
                trainAug.forEval(), new TrainListener() {
                    @Override
                    public void batch(int epoch, int seen, int total, double loss, double acc, double seconds) {
                        bar.update("epoch " + epoch + "/" + config.epochs(), seen, total, loss, acc, seconds);
                    }

                    @Override
                    public void evaluating(int epoch, int images) {
                        log.println("epoch " + epoch + ": evaluating on " + images + " test images");
                    }

                    @Override
                    public void epoch(EpochResult r) {
                        rows.add(r.csvRow());
                        meta.put("epoch", Integer.toString(r.epoch()));
                        meta.put("test_acc", Double.toString(r.testAcc()));
                        try {
                            writeAtomically(csv, String.join("\n", rows) + "\n");
                            Checkpoint.save(ckpt, net, meta);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        log.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%%, "
                                + "%.1f img/s, %.0f s%n", r.epoch(), r.trainLoss(), 100 * r.trainAcc(),
                                r.testLoss(), 100 * r.testAcc(), r.imagesPerSecond(), r.seconds());
                    }
                });
        if (gpuStep != null) {
            gpuStep.close();
            backend.close();
        }
        log.println("wrote " + csv + " and " + ckpt);
        return results;
    }

    static String join(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }

    static float[] parse(String s) {
        if (s == null) {
            return null;
        }
        String[] p = s.split(",");
        float[] v = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Float.parseFloat(p[i]);
        }
        return v;
    }

    /** The normalisation a checkpoint was trained with. */
    public static Augment evalAugment(Checkpoint c) {
        return new Augment(0, false, parse(c.metadata().get(META_MEAN)), parse(c.metadata().get(META_STD)));
    }

    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
