package org.deeproots.bench;

import java.util.concurrent.TimeUnit;
import org.deeproots.ops.KernelProvider;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.Kernels;
import org.deeproots.reproduce.bench.OpBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Convolution kernels on the layer shapes of {@code roots bench ops} ({@link OpBench#LAYERS}), through the public
 * {@link KernelProvider}: {@link Vector} runs the Vector API kernels, {@link Scalar} the reference, chosen by the
 * fork's {@code -Ddeeproots.vectorBitSize} (Lucene's scalar/vector pairs). Each trial checks its last result
 * against the scalar reference, so a wrong kernel cannot post a good time.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ConvBench -p layer=res3_3x3 -p groups=1,8}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public abstract class ConvBench {
    @Param({"res2_3x3", "res3_3x3", "res4_3x3", "res5_3x3", "res2_1x1", "nin_conv2a", "nin_conv3a"})
    public String layer;

    @Param({"1", "8", "32"})
    public int groups;

    @Param({"1", "10"})
    public int batch;

    @Param({"conv_fwd", "conv_bwd_input", "conv_bwd_weight"})
    public String op;

    private Kernels kernels;
    private ConvGeometry g;
    private float[] a;
    private float[] b;
    private float[] result;
    private float[] bias;

    @Setup
    public void setup() {
        OpBench.Layer l = OpBench.layer(layer);
        if (!java.util.Arrays.stream(l.groups()).anyMatch(x -> x == groups)) {
            // keep the parameter grid rectangular: a layer without this group count runs dense
            groups = 1;
        }
        g = l.geometry(batch, groups);
        kernels = KernelProvider.kernels();
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        switch (op) {
            case "conv_fwd" -> {
                a = random(g.inputSize(), r);
                b = random(g.weightSize(), r);
                result = new float[g.outputSize()];
            }
            case "conv_bwd_input" -> {
                a = random(g.outputSize(), r);
                b = random(g.weightSize(), r);
                result = new float[g.inputSize()];
            }
            case "conv_bwd_weight" -> {
                a = random(g.outputSize(), r);
                b = random(g.inputSize(), r);
                result = new float[g.weightSize()];
                bias = new float[g.outC()];
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
    }

    @Benchmark
    public float[] conv() {
        run(kernels, result);
        return result;
    }

    private void run(Kernels k, float[] out) {
        switch (op) {
            case "conv_fwd" -> k.conv2dForward(out, a, b, null, g);
            case "conv_bwd_input" -> k.conv2dBackwardInput(out, a, b, g);
            default -> k.conv2dBackwardWeight(out, bias, a, b, g);
        }
    }

    @TearDown
    public void check() {
        if (kernels == KernelProvider.scalar()) {
            return;
        }
        float[] ref = new float[result.length];
        run(KernelProvider.scalar(), ref);
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(ref[i] - result[i]) / (1 + Math.abs(ref[i])));
        }
        if (!(worst < 1e-3)) {
            throw new IllegalStateException(op + " " + g + ": result differs from the scalar reference by " + worst);
        }
    }

    private static float[] random(int size, java.util.SplittableRandom r) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** The Vector API kernels at the CPU's preferred width. */
    @Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch"})
    public static class Vector extends ConvBench {
    }

    /** The scalar reference (vectors off). */
    @Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g",
        "-XX:+AlwaysPreTouch", "-Ddeeproots.vectorBitSize=0"})
    public static class Scalar extends ConvBench {
    }
}
