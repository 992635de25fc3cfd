package org.deeproots.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;
import org.deeproots.tensor.Init;

/**
 * A {@link ModelSpec} run on a {@link Backend} for a fixed batch size, with every activation, gradient and
 * parameter resident on the device: a forward pass (inference or training mode) and a training step (forward,
 * softmax cross-entropy, backward, SGD with momentum). Host copies: the input and labels up, the logits (or the
 * per-sample losses) down; nothing else unless {@link #parameters()} or {@link #load(Map)} is called.
 *
 * <p>Parameter names follow the CPU runtime ({@code <node>.weight}, {@code .bias}, {@code .gamma}, {@code .beta},
 * {@code .runningMean}, {@code .runningVar}), so weights can be copied from a CPU network with {@link #load(Map)}.
 * Initialisation from a seed uses the same distributions as the CPU runtime (He normal conv weights, N(0, 1/in)
 * linear weights, zero biases, unit gamma and running variance) but not necessarily the same random stream.
 * Batch norm uses momentum 0.1 and eps 1e-5; weight decay applies to weights only.
 */
public final class GpuNetwork implements AutoCloseable {
    static final float BN_MOMENTUM = 0.1f;
    static final float BN_EPS = 1e-5f;

    /** One node: its op, input slots (-1 = the network input), per-sample output shape and device buffers. */
    private final class Layer {
        final Node node;
        final int[] inputs;       // indices into layers, -1 for the network input
        final int[] shape;        // per-sample output shape: {C, H, W} or {F}
        final int size;           // n * prod(shape)
        final DeviceBuffer out;   // (n, shape...)
        DeviceBuffer grad;        // (n, shape...), made by the first training step
        boolean gradSet;          // grad holds this step's gradient
        final Map<String, DeviceBuffer> params = new LinkedHashMap<>(); // name -> (param shape)
        final Map<String, DeviceBuffer> grads = new HashMap<>();        // learned name -> gradient
        final Map<String, DeviceBuffer> velocity = new HashMap<>();     // learned name -> SGD momentum buffer
        DeviceBuffer mean;        // (c) batch norm saved state
        DeviceBuffer invStd;      // (c)
        DeviceBuffer argmax;      // (n, c, oh, ow) int, max pooling
        DeviceBuffer mask;        // (n, shape...) dropout

        Layer(Node node, int[] inputs, int[] shape) {
            this.node = node;
            this.inputs = inputs;
            this.shape = shape;
            long s = batch;
            for (int d : shape) {
                s *= d;
            }
            this.size = Math.toIntExact(s);
            this.out = backend.allocate(size);
        }
    }

    private final Backend backend;
    private final ModelSpec spec;
    private final int batch;
    private final int[] inputShape;      // {C, H, W}
    private final int inputSize;         // batch * C * H * W
    private final DeviceBuffer input;    // (n, C, H, W)
    private final DeviceBuffer labels;   // (n) int
    private final DeviceBuffer probs;    // (n, classes)
    private final List<Layer> layers = new ArrayList<>();
    private final Map<Integer, List<DeviceBuffer>> scratch = new HashMap<>(); // size -> free gradient buffers
    private long steps;
    private final long seed;

    /**
     * Allocates the network on {@code backend} for batches of {@code batch} and initialises it from {@code seed}.
     *
     * @throws IllegalArgumentException when the spec does not fit (e.g. the input is too small) or batch < 1
     * @throws OutOfDeviceMemoryException when the device cannot hold it
     */
    public GpuNetwork(Backend backend, ModelSpec spec, int batch, long seed) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        this.backend = backend;
        this.spec = spec;
        this.batch = batch;
        this.seed = seed;
        this.inputShape = spec.input();
        this.inputSize = Math.toIntExact((long) batch * inputShape[0] * inputShape[1] * inputShape[2]);
        Map<String, int[]> shapes = spec.shapes();
        Map<String, Integer> index = new HashMap<>();
        index.put(ModelSpec.INPUT, -1);
        try {
            input = backend.allocate(inputSize);
            labels = backend.allocate(batch);
            probs = backend.allocate(batch * spec.classes());
            SplittableRandom seeds = new SplittableRandom(seed);
            for (Node n : spec.nodes()) {
                int[] in = n.inputs().stream().mapToInt(index::get).toArray();
                Layer l = new Layer(n, in, shapes.get(n.name()));
                index.put(n.name(), layers.size());
                layers.add(l);
                createParams(l, seeds.nextLong());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        int[] last = layers.get(layers.size() - 1).shape;
        if (last.length != 1 || last[0] != spec.classes()) {
            close();
            throw new IllegalArgumentException("model " + spec.model() + ": last node " + spec.output().name()
                    + " gives shape " + Arrays.toString(last) + ", expected (" + spec.classes() + ") logits");
        }
    }

    private void createParams(Layer l, long layerSeed) {
        String name = l.node.name();
        switch (l.node.op()) {
            case Op.Conv c -> {
                float[] w = new float[c.outChannels() * (c.inChannels() / c.groups()) * c.kernel() * c.kernel()];
                Init.heNormal(w, c.inChannels() / c.groups() * c.kernel() * c.kernel(), layerSeed);
                l.params.put(name + ".weight", backend.upload(w));
                if (c.bias()) {
                    l.params.put(name + ".bias", backend.upload(new float[c.outChannels()]));
                }
            }
            case Op.Linear f -> {
                float[] w = new float[f.outFeatures() * f.inFeatures()];
                Init.normal(w, 0, Math.sqrt(1.0 / f.inFeatures()), layerSeed);
                l.params.put(name + ".weight", backend.upload(w));
                l.params.put(name + ".bias", backend.upload(new float[f.outFeatures()]));
            }
            case Op.BatchNorm b -> {
                float[] ones = new float[b.channels()];
                Arrays.fill(ones, 1f);
                l.params.put(name + ".gamma", backend.upload(ones));
                l.params.put(name + ".beta", backend.upload(new float[b.channels()]));
                l.params.put(name + ".runningMean", backend.upload(new float[b.channels()]));
                l.params.put(name + ".runningVar", backend.upload(ones));
                l.mean = backend.allocate(b.channels());
                l.invStd = backend.allocate(b.channels());
            }
            case Op.Pool p when p.max() -> l.argmax = backend.allocate(l.size);
            case Op.Dropout d -> l.mask = backend.allocate(l.size);
            default -> {
            }
        }
    }

    private static boolean learned(String name) {
        return !name.endsWith(".runningMean") && !name.endsWith(".runningVar");
    }

    public Backend backend() {
        return backend;
    }

    public ModelSpec spec() {
        return spec;
    }

    public int batch() {
        return batch;
    }

    // ---- forward ---------------------------------------------------------------------------------------

    /**
     * Inference forward pass of one batch: uploads {@code input} (n, C, H, W), returns the logits (n, classes).
     */
    public float[] forward(float[] input) {
        setInput(input);
        forwardResident(false);
        return backend.download(layers.get(layers.size() - 1).out);
    }

    /** Downloads the logits (n, classes) of the last forward pass (or training step). */
    public float[] logits() {
        return backend.download(layers.get(layers.size() - 1).out);
    }

    /** Uploads a batch (n, C, H, W) into the resident input buffer. */
    public void setInput(float[] host) {
        if (host.length != inputSize) {
            throw new IllegalArgumentException("input has " + host.length + " values, expected " + inputSize
                    + " (batch " + batch + " x " + inputShape[0] + "x" + inputShape[1] + "x" + inputShape[2] + ")");
        }
        backend.upload(input, host);
    }

    /**
     * Runs the forward pass on the resident input without any host copy (for timing: call
     * {@link Backend#synchronize()} before stopping the clock). Training mode uses batch statistics and dropout.
     */
    public void forwardResident(boolean training) {
        for (Layer l : layers) {
            forward(l, training);
        }
    }

    private DeviceBuffer in(Layer l, int k) {
        int i = l.inputs[k];
        return i < 0 ? input : layers.get(i).out;
    }

    private int[] inShape(Layer l, int k) {
        int i = l.inputs[k];
        return i < 0 ? inputShape : layers.get(i).shape;
    }

    private DeviceBuffer p(Layer l, String role) {
        return l.params.get(l.node.name() + "." + role);
    }

    private void forward(Layer l, boolean training) {
        int[] s = inShape(l, 0);
        switch (l.node.op()) {
            case Op.Conv c -> backend.conv2dForward(l.out, in(l, 0), p(l, "weight"), p(l, "bias"), conv(c, s));
            case Op.BatchNorm b -> {
                BatchNormGeometry g = new BatchNormGeometry(batch, s[0], hw(s));
                if (training) {
                    backend.batchNormForwardTraining(l.out, l.mean, l.invStd, p(l, "runningMean"),
                            p(l, "runningVar"), in(l, 0), p(l, "gamma"), p(l, "beta"), BN_MOMENTUM, BN_EPS, g);
                } else {
                    backend.batchNormForwardInference(l.out, in(l, 0), p(l, "gamma"), p(l, "beta"),
                            p(l, "runningMean"), p(l, "runningVar"), BN_EPS, g);
                }
            }
            case Op.ReLU r -> backend.reluForward(l.out, in(l, 0), l.size);
            case Op.Pool p -> {
                if (p.max()) {
                    backend.maxPool2dForward(l.out, l.argmax, in(l, 0), pool(p, s));
                } else {
                    backend.avgPool2dForward(l.out, in(l, 0), pool(p, s));
                }
            }
            case Op.GlobalAvgPool g -> backend.globalAvgPoolForward(l.out, in(l, 0), batch, s[0], hw(s));
            case Op.Linear f -> backend.linearForward(l.out, in(l, 0), p(l, "weight"), p(l, "bias"),
                    new LinearGeometry(batch, f.inFeatures(), f.outFeatures()));
            case Op.Dropout d -> {
                if (training && d.p() > 0) {
                    long maskSeed = seed * 0x9E3779B97F4A7C15L + steps * 1_000_003L + layers.indexOf(l);
                    backend.dropoutForward(l.out, l.mask, in(l, 0), (float) d.p(), maskSeed, l.size);
                } else {
                    backend.copy(l.out, in(l, 0), l.size);
                }
            }
            case Op.Concat c -> {
                DeviceBuffer[] ins = new DeviceBuffer[l.inputs.length];
                int[] channels = new int[l.inputs.length];
                for (int k = 0; k < ins.length; k++) {
                    ins[k] = in(l, k);
                    channels[k] = inShape(l, k)[0];
                }
                backend.concatForward(l.out, ins, channels, batch, hw(s));
            }
            case Op.Add a -> backend.addForward(l.out, in(l, 0), in(l, 1), l.size);
        }
    }

    private ConvGeometry conv(Op.Conv c, int[] s) {
        return new ConvGeometry(batch, c.inChannels(), c.outChannels(), c.groups(), s[1], s[2], c.kernel(),
                c.kernel(), c.stride(), c.padding());
    }

    private PoolGeometry pool(Op.Pool p, int[] s) {
        return new PoolGeometry(batch, s[0], s[1], s[2], p.kernel(), p.stride(), p.padding(), p.ceilMode());
    }

    private static int hw(int[] s) {
        return s.length == 3 ? s[1] * s[2] : 1;
    }

    // ---- training ----------------------------------------------------------------------------------

    /**
     * One SGD step on a batch: forward in training mode, softmax cross-entropy against {@code labels} (n),
     * backward, then {@code v = momentum v + grad + weightDecay w; w -= lr v} for every learned tensor (weight
     * decay on weights only). Returns the mean loss of the batch before the update.
     */
    public float trainStep(float[] input, int[] labels, float lr, float momentum, float weightDecay) {
        if (labels.length != batch) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries, expected batch " + batch);
        }
        setInput(input);
        backend.upload(this.labels, labels);
        forwardResident(true);
        Layer last = layers.get(layers.size() - 1);
        float loss = backend.softmaxCrossEntropyForward(probs, last.out, this.labels, batch, spec.classes());
        ensureGrads();
        for (Layer l : layers) {
            l.gradSet = false;
        }
        backend.softmaxCrossEntropyBackward(last.grad, probs, this.labels, batch, spec.classes());
        last.gradSet = true;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Layer l = layers.get(i);
            if (l.gradSet) {
                backward(l);
            }
        }
        for (Layer l : layers) {
            for (var e : l.grads.entrySet()) {
                DeviceBuffer w = l.params.get(e.getKey());
                float decay = e.getKey().endsWith(".weight") ? weightDecay : 0f;
                backend.sgdUpdate(w, l.velocity.get(e.getKey()), e.getValue(), lr, momentum, decay, w.elements());
            }
        }
        steps++;
        return loss;
    }

    private void ensureGrads() {
        for (Layer l : layers) {
            if (l.grad != null) {
                continue;
            }
            l.grad = backend.allocate(l.size);
            for (var e : l.params.entrySet()) {
                if (learned(e.getKey())) {
                    int n = e.getValue().elements();
                    l.grads.put(e.getKey(), backend.allocate(n));
                    DeviceBuffer v = backend.allocate(n);
                    backend.fill(v, 0f, n);
                    l.velocity.put(e.getKey(), v);
                }
            }
        }
    }

    /** Where input k's gradient goes: its own buffer on first write in this step, else scratch to be added. */
    private DeviceBuffer target(Layer l, int k, List<Runnable> pending) {
        int i = l.inputs[k];
        if (i < 0) {
            return null;
        }
        Layer src = layers.get(i);
        if (!src.gradSet) {
            src.gradSet = true;
            return src.grad;
        }
        DeviceBuffer tmp = takeScratch(src.size);
        pending.add(() -> {
            backend.addForward(src.grad, src.grad, tmp, src.size);
            scratch.get(src.size).add(tmp);
        });
        return tmp;
    }

    private DeviceBuffer takeScratch(int size) {
        List<DeviceBuffer> free = scratch.computeIfAbsent(size, s -> new ArrayList<>());
        return free.isEmpty() ? backend.allocate(size) : free.remove(free.size() - 1);
    }

    private void backward(Layer l) {
        List<Runnable> pending = new ArrayList<>();
        int[] s = inShape(l, 0);
        DeviceBuffer dOut = l.grad;
        String name = l.node.name();
        switch (l.node.op()) {
            case Op.Conv c -> {
                ConvGeometry g = conv(c, s);
                backend.conv2dBackwardWeight(l.grads.get(name + ".weight"), l.grads.get(name + ".bias"), dOut,
                        in(l, 0), g);
                DeviceBuffer t = target(l, 0, pending);
                if (t != null) {
                    backend.conv2dBackwardInput(t, dOut, p(l, "weight"), g);
                }
            }
            case Op.BatchNorm b -> {
                DeviceBuffer t = target(l, 0, pending);
                DeviceBuffer dIn = t != null ? t : takeScratch(l.size); // dGamma/dBeta are needed regardless
                backend.batchNormBackward(dIn, l.grads.get(name + ".gamma"), l.grads.get(name + ".beta"), dOut,
                        in(l, 0), l.mean, l.invStd, p(l, "gamma"), new BatchNormGeometry(batch, s[0], hw(s)));
                if (t == null) {
                    scratch.get(l.size).add(dIn);
                }
            }
            case Op.ReLU r -> {
                DeviceBuffer t = target(l, 0, pending);
                if (t != null) {
                    backend.reluBackward(t, dOut, l.out, l.size);
                }
            }
            case Op.Pool p -> {
                DeviceBuffer t = target(l, 0, pending);
                if (t != null && p.max()) {
                    backend.maxPool2dBackward(t, dOut, l.argmax, pool(p, s));
                } else if (t != null) {
                    backend.avgPool2dBackward(t, dOut, pool(p, s));
                }
            }
            case Op.GlobalAvgPool g -> {
                DeviceBuffer t = target(l, 0, pending);
                if (t != null) {
                    backend.globalAvgPoolBackward(t, dOut, batch, s[0], hw(s));
                }
            }
            case Op.Linear f -> {
                LinearGeometry g = new LinearGeometry(batch, f.inFeatures(), f.outFeatures());
                backend.linearBackwardWeight(l.grads.get(name + ".weight"), l.grads.get(name + ".bias"), dOut,
                        in(l, 0), g);
                DeviceBuffer t = target(l, 0, pending);
                if (t != null) {
                    backend.linearBackwardInput(t, dOut, p(l, "weight"), g);
                }
            }
            case Op.Dropout d -> {
                DeviceBuffer t = target(l, 0, pending);
                if (t != null && d.p() > 0) {
                    backend.dropoutBackward(t, dOut, l.mask, l.size);
                } else if (t != null) {
                    backend.copy(t, dOut, l.size);
                }
            }
            case Op.Concat c -> {
                DeviceBuffer[] ts = new DeviceBuffer[l.inputs.length];
                int[] channels = new int[l.inputs.length];
                boolean any = false;
                for (int k = 0; k < ts.length; k++) {
                    ts[k] = target(l, k, pending);
                    channels[k] = inShape(l, k)[0];
                    if (ts[k] == null) {
                        ts[k] = takeScratch(batch * channels[k] * hw(s)); // the network input: discarded
                        DeviceBuffer discard = ts[k];
                        pending.add(() -> scratch.get(discard.elements()).add(discard));
                    } else {
                        any = true;
                    }
                }
                if (any) {
                    backend.concatBackward(ts, dOut, channels, batch, hw(s));
                }
            }
            case Op.Add a -> {
                for (int k = 0; k < 2; k++) {
                    DeviceBuffer t = target(l, k, pending);
                    if (t != null) {
                        backend.copy(t, dOut, l.size);
                    }
                }
            }
        }
        pending.forEach(Runnable::run);
    }

    // ---- parameters --------------------------------------------------------------------------------

    /** Downloads every parameter and running statistic by name (CPU runtime names). */
    public Map<String, float[]> parameters() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            for (var e : l.params.entrySet()) {
                out.put(e.getKey(), backend.download(e.getValue()));
            }
        }
        return out;
    }

    /**
     * Uploads parameters by name, e.g. from a CPU network ({@code p.name() -> p.data()}); every tensor of this
     * network must be given with its exact size; unknown names are rejected.
     */
    public void load(Map<String, float[]> values) {
        Map<String, DeviceBuffer> all = new LinkedHashMap<>();
        for (Layer l : layers) {
            all.putAll(l.params);
        }
        for (String k : values.keySet()) {
            if (!all.containsKey(k)) {
                throw new IllegalArgumentException("parameter " + k + " is not in " + spec.model() + "/"
                        + spec.variant());
            }
        }
        for (var e : all.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is missing");
            }
            if (v.length != e.getValue().elements()) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has " + v.length + " values, expected "
                        + e.getValue().elements());
            }
        }
        for (var e : all.entrySet()) {
            backend.upload(e.getValue(), values.get(e.getKey()));
        }
    }

    /** Frees every device buffer of the network (the backend stays open). */
    @Override
    public void close() {
        List<DeviceBuffer> all = new ArrayList<>();
        for (DeviceBuffer b : new DeviceBuffer[] {input, labels, probs}) {
            if (b != null) {
                all.add(b);
            }
        }
        for (Layer l : layers) {
            all.add(l.out);
            all.addAll(l.params.values());
            all.addAll(l.grads.values());
            all.addAll(l.velocity.values());
            for (DeviceBuffer b : new DeviceBuffer[] {l.grad, l.mean, l.invStd, l.argmax, l.mask}) {
                if (b != null) {
                    all.add(b);
                }
            }
        }
        scratch.values().forEach(all::addAll);
        all.forEach(DeviceBuffer::close);
        layers.clear();
        scratch.clear();
    }

    @Override
    public String toString() {
        return "GpuNetwork(" + spec + ", batch " + batch + ", on " + backend.name() + ")";
    }
}
