package org.deeproots.nn.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;
import org.deeproots.ops.spi.Kernels;

/**
 * A {@link ModelSpec} instantiated into a runnable network on a {@link Kernels} implementation: parameters
 * (He-normal initialised from a seed), explicit forward and backward per layer, softmax cross-entropy loss.
 *
 * <p>Threads: the network holds only parameters and immutable structure. Each call takes a {@link Workspace}
 * with the per-call state, so inference from several threads at once is safe with one workspace per thread
 * (see {@link #newSession()}). Training (forward with {@code training = true}, {@link #backward}, optimizer
 * updates) changes parameters and batch-norm running statistics and must not run concurrently with anything.
 *
 * <pre>{@code
 * Network net = new Network(spec, KernelProvider.kernels(), 42);
 * Workspace ws = net.newWorkspace();
 * float[] logits = net.forward(ws, images, n, true); // images (n, C, H, W)
 * float loss = net.backward(ws, labels);              // fills every Parameter.grad()
 * }</pre>
 */
public final class Network {
    private final ModelSpec spec;
    private final Kernels kernels;
    private final long seed;
    private final Layer[] layers;
    private final int[] sampleSize;   // per slot: elements per sample
    private final int[] lastUse;      // per slot: index of the last layer reading it (-1: none)
    private final int[] aliasOf;      // per slot: the input slot whose buffer the output overwrites, or -1
    private final List<Parameter> parameters;
    private final Map<String, Parameter> byName;

    /**
     * Builds the network and initialises its parameters from {@code seed} (the same seed gives the same weights).
     *
     * @throws IllegalArgumentException when the spec's output is not one score per class
     */
    public Network(ModelSpec spec, Kernels kernels, long seed) {
        this.spec = spec;
        this.kernels = kernels;
        this.seed = seed;
        Map<String, int[]> shapes = spec.shapes();
        List<Node> nodes = spec.nodes();
        Map<String, Integer> slotOf = new HashMap<>();
        slotOf.put(ModelSpec.INPUT, 0);
        layers = new Layer[nodes.size()];
        sampleSize = new int[nodes.size() + 1];
        sampleSize[0] = Layer.product(spec.input());
        lastUse = new int[nodes.size() + 1];
        Arrays.fill(lastUse, -1);
        int[] readers = new int[nodes.size() + 1];
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            int slot = i + 1;
            int[] in = new int[node.inputs().size()];
            int[][] inShapes = new int[in.length][];
            for (int j = 0; j < in.length; j++) {
                in[j] = slotOf.get(node.inputs().get(j));
                inShapes[j] = shapes.get(node.inputs().get(j));
                lastUse[in[j]] = i;
                readers[in[j]]++;
            }
            int[] out = shapes.get(node.name());
            layers[i] = create(node, slot, in, out, inShapes);
            sampleSize[slot] = Layer.product(out);
            slotOf.put(node.name(), slot);
        }
        if (sampleSize[nodes.size()] != spec.classes()) {
            throw new IllegalArgumentException(spec + ": output node " + spec.output().name() + " gives "
                    + sampleSize[nodes.size()] + " values per sample, expected one per class (" + spec.classes() + ")");
        }
        aliasOf = new int[nodes.size() + 1];
        Arrays.fill(aliasOf, -1);
        for (Layer l : layers) {
            // ReLU and residual add overwrite an input that nothing else reads and whose backward does not need it
            if (l instanceof ReluLayer || l instanceof AddLayer) {
                for (int i = l.in.length - 1; i >= 0 && aliasOf[l.slot] < 0; i--) {
                    int s = l.in[i];
                    if (s != 0 && readers[s] == 1 && !layers[s - 1].backwardReadsOutput()) {
                        aliasOf[l.slot] = s;
                    }
                }
            }
        }
        for (Layer l : layers) {
            // a ReLU overwriting a residual sum in place: the add applies it at inference
            if (l instanceof ReluLayer r && aliasOf[l.slot] == l.in[0] && l.in[0] != 0
                    && layers[l.in[0] - 1] instanceof AddLayer add) {
                add.fusedRelu = l.slot;
                r.fusedAtInference = true;
            }
            // a ReLU overwriting a convolution's output in place: the convolution applies it (its backward reads
            // only its input, and the ReLU's backward reads the same rectified buffer either way)
            if (l instanceof ReluLayer r && aliasOf[l.slot] == l.in[0] && l.in[0] != 0
                    && layers[l.in[0] - 1] instanceof ConvLayer conv) {
                conv.fusedRelu = l.slot;
                r.fusedWithConv = true;
            }
        }
        List<Parameter> ps = new ArrayList<>();
        Map<String, Parameter> names = new LinkedHashMap<>();
        SplittableRandom seeds = new SplittableRandom(seed);
        for (Layer l : layers) {
            l.init(seeds.nextLong());
            for (Parameter p : l.params()) {
                ps.add(p);
                names.put(p.name(), p);
            }
        }
        parameters = Collections.unmodifiableList(ps);
        byName = Collections.unmodifiableMap(names);
    }

    private static Layer create(Node node, int slot, int[] in, int[] out, int[][] inShapes) {
        String name = node.name();
        return switch (node.op()) {
            case Op.Conv c -> new ConvLayer(name, slot, in, out, inShapes, c);
            case Op.BatchNorm b -> new BatchNormLayer(name, slot, in, out, inShapes, b.channels());
            case Op.ReLU r -> new ReluLayer(name, slot, in, out, inShapes);
            case Op.Pool p -> new PoolLayer(name, slot, in, out, inShapes, p);
            case Op.GlobalAvgPool g -> new GlobalAvgPoolLayer(name, slot, in, out, inShapes);
            case Op.Linear l -> new LinearLayer(name, slot, in, out, inShapes, l);
            case Op.Dropout d -> new DropoutLayer(name, slot, in, out, inShapes, d.p());
            case Op.Concat c -> new ConcatLayer(name, slot, in, out, inShapes);
            case Op.Add a -> new AddLayer(name, slot, in, out, inShapes);
        };
    }

    public ModelSpec spec() {
        return spec;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** The initialisation seed. */
    public long seed() {
        return seed;
    }

    /** Every parameter and buffer (batch-norm running statistics), in node order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameter or buffer of that name, e.g. {@code conv1.weight}. */
    public Parameter parameter(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter '" + name + "' in " + spec);
        }
        return p;
    }

    /** Number of learned values (weights, biases, batch-norm gamma and beta). */
    public long learnedValues() {
        long s = 0;
        for (Parameter p : parameters) {
            if (p.role().learned()) {
                s += p.size();
            }
        }
        return s;
    }

    /** A new workspace for one thread's calls. */
    public Workspace newWorkspace() {
        return new Workspace(this);
    }

    /** A new inference session (eval mode, its own workspace) for one thread. */
    public InferenceSession newSession() {
        return new InferenceSession(this);
    }

    /**
     * Runs the network on a batch and returns the logits {@code (n, classes)}. The returned array belongs to the
     * workspace and is overwritten by its next call. In training mode batch norm uses (and updates) batch
     * statistics and dropout is active, and every activation is kept for {@link #backward}.
     *
     * @param input (n, C, H, W) images, used in place (not copied, not modified)
     */
    public float[] forward(Workspace ws, float[] input, int n, boolean training) {
        if (n < 1) {
            throw new IllegalArgumentException("batch size n must be >= 1, got " + n);
        }
        if (input.length != n * sampleSize[0]) {
            throw new IllegalArgumentException("input: " + spec + " needs n * " + sampleSize[0] + " = "
                    + (long) n * sampleSize[0] + " values for n=" + n + ", got " + input.length);
        }
        ws.prepare(n, training);
        ws.setInput(input);
        ws.countCall();
        for (Layer l : layers) {
            l.forward(kernels, ws, training);
        }
        return ws.act(layers.length);
    }

    /**
     * Mean softmax cross-entropy of the logits of the last forward against labels, without a backward pass.
     */
    public float loss(Workspace ws, int[] labels) {
        checkLabels(ws, labels);
        return kernels.softmaxCrossEntropyForward(ws.probs(), ws.act(layers.length), labels, ws.n(),
                spec.classes());
    }

    /**
     * Backward pass from the mean softmax cross-entropy of the last training-mode forward: overwrites every
     * learned parameter's gradient and returns the loss.
     */
    public float backward(Workspace ws, int[] labels) {
        float loss = loss(ws, labels);
        int n = ws.n();
        int out = layers.length;
        ws.startBackward();
        float[] dLogits = ws.scratch(n * spec.classes()); // (n, classes)
        kernels.softmaxCrossEntropyBackward(dLogits, ws.probs(), labels, n, spec.classes());
        ws.setGrad(out, dLogits);
        for (int i = layers.length - 1; i >= 0; i--) {
            Layer l = layers[i];
            if (ws.gradOut(l.slot) == null) { // no path to the loss: zero gradients
                for (Parameter p : l.params()) {
                    if (p.grad() != null) {
                        Arrays.fill(p.grad(), 0f);
                    }
                }
            } else {
                l.backward(kernels, ws);
            }
            ws.dropGrad(l.slot);
        }
        return loss;
    }

    private void checkLabels(Workspace ws, int[] labels) {
        if (ws.n() < 1) {
            throw new IllegalStateException("loss/backward called before forward");
        }
        if (labels.length != ws.n()) {
            throw new IllegalArgumentException("labels: expected " + ws.n() + " (the batch size), got "
                    + labels.length);
        }
    }

    /**
     * An inference-only copy in which every convolution followed by batch norm (the conv's only reader) is folded
     * into one convolution with bias: {@code w' = w * gamma / sqrt(var + eps)},
     * {@code b' = (b - mean) * gamma / sqrt(var + eps) + beta}. Use it in eval mode only; it shares no arrays with
     * this network. Its parameters are frozen ({@link org.deeproots.ops.spi.Kernels#freeze}): the kernels keep
     * their packed weights without comparing them on every call, so do not change them; fold again after training.
     */
    public Network foldBatchNorm() {
        return BatchNormFolding.fold(this);
    }

    /**
     * The activation of a node after a training-mode forward (n, per-sample shape), for tests and inspection; it
     * is the workspace's buffer, not a copy. After an eval-mode forward buffers are shared by liveness, so only
     * the output is meaningful then. An in-place ReLU shares its input node's buffer.
     */
    public float[] activation(Workspace ws, String node) {
        for (Layer l : layers) {
            if (l.name.equals(node)) {
                return ws.act(l.slot);
            }
        }
        throw new IllegalArgumentException("no node '" + node + "' in " + spec);
    }

    // ---- package-private structure access for Workspace and BatchNormFolding ------------------------------

    Layer[] layers() {
        return layers;
    }

    int sampleSize(int slot) {
        return sampleSize[slot];
    }

    int lastUse(int slot) {
        return lastUse[slot];
    }

    /** The input slot whose buffer this slot's output overwrites in place, or -1. */
    int aliasOf(int slot) {
        return aliasOf[slot];
    }

    @Override
    public String toString() {
        return "Network(" + spec + ", kernels=" + kernels.name() + ")";
    }
}
