package org.deeproots.nn.train;

import java.util.ArrayList;
import java.util.List;
import org.deeproots.nn.data.Augment;
import org.deeproots.nn.data.Batches;
import org.deeproots.nn.data.Dataset;
import org.deeproots.nn.runtime.InferenceSession;
import org.deeproots.nn.runtime.Metrics;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.runtime.Workspace;

/**
 * Trains a {@link Network} with mini-batch SGD (momentum, weight decay, warm-up then cosine/step schedule) and
 * evaluates it after epochs. Runs are reproducible: the network's seed fixes the initialisation and the
 * config's seed fixes the shuffle and the augmentation. A loss that becomes NaN or infinite stops the run with
 * an {@link IllegalStateException} that says where.
 *
 * <pre>{@code
 * Trainer t = new Trainer(net, TrainConfig.defaults(4, 64, 0.05, 1));
 * List<EpochResult> r = t.fit(train, train.size(), aug, test, test.size(), aug.forEval(), new TrainListener() {});
 * }</pre>
 */
public final class Trainer {
    private final Network net;
    private final TrainConfig cfg;
    private final Sgd sgd;
    private final Workspace ws;
    private final BatchStep stepper;

    /** Trains on the CPU network itself. */
    public Trainer(Network net, TrainConfig cfg) {
        this(net, cfg, null);
    }

    /**
     * Trains with the given step engine (e.g. a GPU backend); evaluation and checkpoints use {@code net} after
     * {@link BatchStep#syncToNetwork()}. A null engine means the CPU network.
     */
    public Trainer(Network net, TrainConfig cfg, BatchStep stepper) {
        this.net = net;
        this.cfg = cfg;
        this.sgd = new Sgd(net.parameters(), cfg.momentum(), cfg.weightDecay(), cfg.decayAll());
        this.ws = net.newWorkspace();
        this.stepper = stepper != null ? stepper : this::cpuStep;
    }

    private BatchStep.Result cpuStep(float[] images, int[] labels, int n, double lr) {
        float[] logits = net.forward(ws, images, n, true);
        int classes = net.spec().classes();
        float[] kept = java.util.Arrays.copyOf(logits, n * classes);
        float loss = net.backward(ws, labels);
        if (Float.isFinite(loss)) {
            sgd.step(lr);
        }
        return new BatchStep.Result(loss, kept);
    }

    public Network network() {
        return net;
    }

    /**
     * One SGD step on a batch; returns the batch's loss before the update.
     *
     * @throws IllegalStateException when the loss is not finite
     */
    public float step(float[] images, int[] labels, int n, double lr) {
        net.forward(ws, images, n, true);
        float loss = net.backward(ws, labels);
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException("training diverged: loss is " + loss + " (learning rate " + lr
                    + "); try a lower --lr");
        }
        sgd.step(lr);
        return loss;
    }

    /**
     * Trains for the configured epochs.
     *
     * @param trainCount images of train to use (the first ones)
     * @param testCount  images of test to evaluate on (0: no evaluation)
     * @return one result per epoch
     */
    public List<EpochResult> fit(Dataset train, int trainCount, Augment trainAug, Dataset test, int testCount,
                                 Augment testAug, TrainListener listener) {
        checkShape(train);
        Batches batches = new Batches(train, cfg.batch(), trainCount, trainAug, true, cfg.seed());
        LrSchedule schedule = cfg.scheduleFor(batches.batchesPerEpoch());
        List<EpochResult> results = new ArrayList<>();
        int step = 0;
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            long start = System.nanoTime();
            Batches.Epoch it = batches.epoch(epoch);
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            while (it.hasNext()) {
                Batches.Batch b = it.next();
                double lr = schedule.at(step);
                BatchStep.Result res = stepper.step(b.images(), b.labels(), b.n(), lr);
                step++;
                if (res == null) {
                    continue; // the engine cannot take this (last, smaller) batch
                }
                float loss = res.loss();
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("training diverged: loss is " + loss + " at epoch " + epoch
                            + ", step " + step + " (learning rate " + lr + "); try a lower --lr");
                }
                int right = Metrics.correctTopK(res.logits(), b.n(), net.spec().classes(), b.labels(), 1);
                lossSum += (double) loss * b.n();
                correct += right;
                seen += b.n();
                listener.batch(epoch, seen, batches.count(), lossSum / seen, correct / (double) seen,
                        (System.nanoTime() - start) / 1e9);
            }
            stepper.syncToNetwork();
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            double testLoss = Double.NaN;
            double testAcc = Double.NaN;
            if (test != null && testCount > 0 && (epoch % cfg.evalEvery() == 0 || epoch == cfg.epochs())) {
                listener.evaluating(epoch, Math.min(testCount, test.size()));
                Evaluation e = evaluate(net, test, testCount, testAug, cfg.batch());
                testLoss = e.loss();
                testAcc = e.top1();
            }
            EpochResult r = new EpochResult(epoch, lossSum / seen, correct / (double) seen, testLoss, testAcc,
                    seen / trainSeconds, (System.nanoTime() - start) / 1e9);
            results.add(r);
            listener.epoch(r);
        }
        return results;
    }

    private void checkShape(Dataset ds) {
        int[] want = net.spec().input();
        if (!java.util.Arrays.equals(want, ds.shape())) {
            throw new IllegalArgumentException("data " + ds.name() + " has images " + shape(ds.shape())
                    + " but the model " + net.spec() + " expects " + shape(want)
                    + "; build the model with the data's input shape");
        }
        if (ds.classes() > net.spec().classes()) {
            throw new IllegalArgumentException("data " + ds.name() + " has " + ds.classes() + " classes but the model "
                    + "has " + net.spec().classes() + " outputs");
        }
    }

    private static String shape(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    /**
     * Eval-mode loss, top-1 and top-5 accuracy over the first count images, with batch norm folded into the
     * convolutions for speed.
     */
    public static Evaluation evaluate(Network net, Dataset ds, int count, Augment aug, int batch) {
        InferenceSession s = net.foldBatchNorm().newSession();
        Batches batches = new Batches(ds, batch, count, aug, false, 0);
        Batches.Epoch it = batches.epoch(0);
        int classes = net.spec().classes();
        double loss = 0;
        long top1 = 0;
        long top5 = 0;
        int seen = 0;
        while (it.hasNext()) {
            Batches.Batch b = it.next();
            float[] logits = s.logitsView(b.images(), b.n());
            loss += Metrics.crossEntropySum(logits, b.n(), classes, b.labels());
            top1 += Metrics.correctTopK(logits, b.n(), classes, b.labels(), 1);
            top5 += Metrics.correctTopK(logits, b.n(), classes, b.labels(), Math.min(5, classes));
            seen += b.n();
        }
        return new Evaluation(seen, loss / seen, top1 / (double) seen, top5 / (double) seen);
    }
}
