package org.deeproots.reproduce.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeproots.gpu.Backend;
import org.deeproots.gpu.DeviceBuffer;
import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.PoolGeometry;
import org.deeproots.reproduce.bench.OpBench.Layer;
import org.deeproots.reproduce.bench.OpBench.Op;

/**
 * {@code roots bench ops --device opencl|cuda}: the same ops and shapes as the CPU bench, on device-resident
 * buffers (uploaded once per shape, not timed); each run launches the op and waits for the device
 * ({@link Backend#synchronize()}), so the clock covers the kernels and nothing else. Buffers are kept per shape and
 * freed by {@link #close()}.
 */
public final class DeviceOpTasks implements OpBench.Tasks, AutoCloseable {
    private final Backend b;
    private final Map<String, Runnable> tasks = new HashMap<>();
    private final List<DeviceBuffer> buffers = new ArrayList<>();

    public DeviceOpTasks(Backend backend) {
        this.b = backend;
    }

    @Override
    public Runnable task(Op op, Layer l, int batch, int groups) {
        return tasks.computeIfAbsent(op + "/" + l.id() + "/" + batch + "/" + groups, key -> make(op, l, batch, groups));
    }

    private Runnable make(Op op, Layer l, int batch, int groups) {
        ConvGeometry g = l.geometry(batch, groups);
        SplittableRandom r = new SplittableRandom(42);
        Runnable launch = switch (op) {
            case CONV_FWD -> {
                DeviceBuffer in = random(g.inputSize(), r);
                DeviceBuffer w = random(g.weightSize(), r);
                DeviceBuffer out = alloc(g.outputSize());
                yield () -> b.conv2dForward(out, in, w, null, g);
            }
            case CONV_BWD_INPUT -> {
                DeviceBuffer dOut = random(g.outputSize(), r);
                DeviceBuffer w = random(g.weightSize(), r);
                DeviceBuffer dIn = alloc(g.inputSize());
                yield () -> b.conv2dBackwardInput(dIn, dOut, w, g);
            }
            case CONV_BWD_WEIGHT -> {
                DeviceBuffer dOut = random(g.outputSize(), r);
                DeviceBuffer in = random(g.inputSize(), r);
                DeviceBuffer dW = alloc(g.weightSize());
                DeviceBuffer dB = alloc(g.outC());
                yield () -> b.conv2dBackwardWeight(dW, dB, dOut, in, g);
            }
            case BN_FWD, BN_BWD -> {
                BatchNormGeometry bn = new BatchNormGeometry(batch, g.outC(), g.outH() * g.outW());
                DeviceBuffer in = random(bn.size(), r);
                DeviceBuffer out = alloc(bn.size());
                DeviceBuffer mean = alloc(bn.c());
                DeviceBuffer invStd = alloc(bn.c());
                DeviceBuffer rm = alloc(bn.c());
                DeviceBuffer rv = alloc(bn.c());
                DeviceBuffer gamma = random(bn.c(), r);
                DeviceBuffer beta = random(bn.c(), r);
                Runnable fwd = () -> b.batchNormForwardTraining(out, mean, invStd, rm, rv, in, gamma, beta, 0.1f, 1e-5f,
                        bn);
                if (op == Op.BN_FWD) {
                    yield fwd;
                }
                fwd.run();
                DeviceBuffer dOut = random(bn.size(), r);
                DeviceBuffer dIn = alloc(bn.size());
                DeviceBuffer dGamma = alloc(bn.c());
                DeviceBuffer dBeta = alloc(bn.c());
                yield () -> b.batchNormBackward(dIn, dGamma, dBeta, dOut, in, mean, invStd, gamma, bn);
            }
            case POOL_FWD, POOL_BWD -> {
                PoolGeometry p = OpBench.pool(l, batch);
                DeviceBuffer in = random(p.inputSize(), r);
                DeviceBuffer out = alloc(p.outputSize());
                DeviceBuffer argmax = alloc(p.outputSize());
                Runnable fwd = () -> b.maxPool2dForward(out, argmax, in, p);
                if (op == Op.POOL_FWD) {
                    yield fwd;
                }
                fwd.run();
                DeviceBuffer dOut = random(p.outputSize(), r);
                DeviceBuffer dIn = alloc(p.inputSize());
                yield () -> b.maxPool2dBackward(dIn, dOut, argmax, p);
            }
        };
        b.synchronize();
        return () -> {
            launch.run();
            b.synchronize();
        };
    }

    private DeviceBuffer alloc(int elements) {
        DeviceBuffer d = b.allocate(elements);
        buffers.add(d);
        return d;
    }

    private DeviceBuffer random(int elements, SplittableRandom r) {
        DeviceBuffer d = alloc(elements);
        b.upload(d, OpBench.random(elements, r));
        return d;
    }

    /** Frees every buffer made for the tasks. */
    @Override
    public void close() {
        for (DeviceBuffer d : buffers) {
            d.close();
        }
        buffers.clear();
        tasks.clear();
    }
}
