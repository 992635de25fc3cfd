package org.deeproots.reproduce.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeproots.nn.data.Augment;
import org.deeproots.nn.data.DataSets;
import org.deeproots.nn.data.Dataset;
import org.deeproots.nn.io.Checkpoint;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Models;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.runtime.InferenceSession;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.runtime.Parameter;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.reproduce.train.TrainRun;

/**
 * Records layer responses of a trained checkpoint on the first test images of a data set. For each layer it
 * runs the network cut after that layer's ReLU ({@code <layer>_relu} when the model has one: Caffe's in-place
 * ReLU leaves the post-ReLU values in the layer's blob), with the checkpoint's weights copied in by name.
 */
public final class NinActivationProbe implements ActivationProbe {
    private final String data;
    private final Kernels kernels;

    public NinActivationProbe(String data, Kernels kernels) {
        this.data = data;
        this.kernels = kernels;
    }

    @Override
    public List<Activations> capture(Path checkpoint, List<String> layers, int images) throws IOException {
        Checkpoint ck = Checkpoint.read(checkpoint);
        ModelSpec full = Models.create(ck.model(), ck.variant(), ck.input(), ck.classes());
        Network trained = new Network(full, kernels, 1);
        ck.restore(trained);
        DataSets.TrainTest tt = DataSets.open(data, null, 1, images, ck.input());
        Dataset test = tt.test();
        int n = Math.min(images, test.size());
        int[] shape = test.shape();
        if (shape[0] != ck.input()[0] || shape[1] != ck.input()[1] || shape[2] != ck.input()[2]) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " expects input " + ck.describe()
                    + " but data " + data + " has images " + shape[0] + "x" + shape[1] + "x" + shape[2]);
        }
        Augment norm = TrainRun.evalAugment(ck);
        float[] raw = new float[test.imageSize()];
        float[] x = new float[n * test.imageSize()]; // (n, C, H, W)
        for (int i = 0; i < n; i++) {
            test.image(i, raw, 0);
            norm.apply(raw, x, i * test.imageSize(), shape, null);
        }
        List<Activations> out = new ArrayList<>();
        for (String layer : layers) {
            out.add(run(full, trained, layer, x, n));
        }
        return out;
    }

    private Activations run(ModelSpec full, Network trained, String layer, float[] x, int n) {
        String cut = full.nodes().stream().anyMatch(nd -> nd.name().equals(layer + "_relu")) ? layer + "_relu"
                : layer;
        List<Node> nodes = new ArrayList<>();
        for (Node nd : full.nodes()) {
            nodes.add(nd);
            if (nd.name().equals(cut)) {
                break;
            }
        }
        if (!nodes.get(nodes.size() - 1).name().equals(cut)) {
            throw new IllegalArgumentException(full + " has no layer " + layer);
        }
        Map<String, int[]> shapes = full.shapes();
        int[] s = shapes.get(cut); // (C, H, W)
        ModelSpec part = new ModelSpec(full.model(), full.variant(), full.input(), s[0] * s[1] * s[2], nodes);
        Network net = new Network(part, kernels, 1);
        for (Parameter p : net.parameters()) {
            float[] src = trained.parameter(p.name()).data();
            System.arraycopy(src, 0, p.data(), 0, src.length);
        }
        float[] y = net.newSession().logits(x, n); // (n, C*H*W)
        return new Activations(cut, y, n, s[0], s[1], s[2]);
    }
}
