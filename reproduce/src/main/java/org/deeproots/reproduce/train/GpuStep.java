package org.deeproots.reproduce.train;

import java.util.HashMap;
import java.util.Map;
import org.deeproots.gpu.Backend;
import org.deeproots.gpu.GpuNetwork;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.runtime.Parameter;
import org.deeproots.nn.train.BatchStep;
import org.deeproots.nn.train.TrainConfig;

/**
 * {@code roots train --device opencl|cuda}: the training steps run on a GPU backend with the parameters resident
 * there ({@link GpuNetwork#trainStep}); they start from the CPU network's initial weights and are copied back
 * into it after every epoch, for evaluation and checkpoints. The device network has a fixed batch size, so a
 * last smaller batch of an epoch is skipped. Weight decay applies to conv and linear weights only (the CPU
 * default; {@code decayAll} is not offered on the device).
 */
public final class GpuStep implements BatchStep, AutoCloseable {
    private final Network net;
    private final GpuNetwork gpu;
    private final TrainConfig cfg;

    public GpuStep(Backend backend, Network net, TrainConfig cfg) {
        this.net = net;
        this.cfg = cfg;
        this.gpu = new GpuNetwork(backend, net.spec(), cfg.batch(), net.seed());
        Map<String, float[]> init = new HashMap<>();
        for (Parameter p : net.parameters()) {
            init.put(p.name(), p.data());
        }
        gpu.load(init);
    }

    @Override
    public Result step(float[] images, int[] labels, int n, double lr) {
        if (n != cfg.batch()) {
            return null;
        }
        float loss = gpu.trainStep(images, labels, (float) lr, (float) cfg.momentum(), (float) cfg.weightDecay());
        return new Result(loss, gpu.logits());
    }

    @Override
    public void syncToNetwork() {
        for (Map.Entry<String, float[]> e : gpu.parameters().entrySet()) {
            float[] dst = net.parameter(e.getKey()).data();
            System.arraycopy(e.getValue(), 0, dst, 0, dst.length);
        }
    }

    @Override
    public void close() {
        gpu.close();
    }
}
