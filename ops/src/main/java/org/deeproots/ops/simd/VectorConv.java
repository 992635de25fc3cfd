package org.deeproots.ops.simd;

import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;

/**
 * Convolution and fully connected kernels of {@link VectorKernels}, which delegates its conv2d* and linear*
 * methods here with the same signatures as {@link org.deeproots.ops.spi.Kernels}: checked arguments, then
 * {@link ConvDirect}, {@link ConvBackward}, {@link GemmLinear}.
 *
 * <p>Choice per shape: every convolution, dense or grouped, any kernel size, runs the direct position-vectorised
 * kernel of {@link ConvDirect}; stride 1 works on padded rows in place, strides > 1 on im2col bands. A 1x1
 * stride-1 convolution is then exactly a GEMM (weight (outC x inC) times input (inC x HW)) on the same register
 * tiles. The output-channel tile (8, 4, 2 or 1 channels) follows the channels per group, so depthwise layers
 * use all lanes; the channel-vectorised tiles (32 output channels x 10 positions, weights packed channel-last,
 * cached between calls in {@link PackCache}) take over when a group has a multiple of 2 x lanes output channels
 * (or exactly one vector of them with 3-wide taps: 1 x 20 tiles that reuse each broadcast input across the row of
 * taps) and the call has enough
 * positions to pay for the packing (see {@link ConvDirect#channelMode}); otherwise "same" stride-1 layers read
 * their input in place with masked loads ({@link MaskedConv}). Backward input is a forward
 * convolution with transposed, flipped weights; backward weight is dot products along positions.
 *
 * <p>Stride-2 convolutions of images with few channels (the 7x7 stems of ResNet and GoogLeNet) run as a stride-1
 * convolution of the four sample phases of the input ({@link Polyphase}), which needs no im2col band.
 *
 * <p>Exceptions: 1x1 convolutions without padding (forward and backward input, any stride and group count) run
 * as a plain GEMM in {@link Gemm1x1}, and their weight gradient in {@link Gemm1x1Grad} (dot products along
 * positions, or from 2 images on a GEMM over positions, {@link Gemm1x1GradT}); 3x3
 * stride-1 convolutions with wide enough groups (forward and backward input) by Winograd's F(4x4, 3x3) in
 * {@link Winograd}, or F(2x2, 3x3) in {@link Winograd2x2} (forward) where a call has too few 4x4 tiles for it;
 * depthwise 3x3 stride-1 forward passes plane by plane in place ({@link Depthwise}).
 */
final class VectorConv {
    VectorConv() {
    }

    void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g) {
        conv2dForward(out, in, weight, bias, g, false);
    }

    /** out = conv(in, weight) + bias, then max(out, 0) where {@code relu} (applied by each path to its own output). */
    void conv2dForward(float[] out, float[] in, float[] weight, float[] bias, ConvGeometry g, boolean relu) {
        check("out", out, g.outputSize());
        check("in", in, g.inputSize());
        check("weight", weight, g.weightSize());
        checkOptional("bias", bias, g.outC());
        if (Gemm1x1.enabled && Gemm1x1.applies(g)) {
            Gemm1x1.forward(out, in, weight, bias, g, relu);
            return;
        }
        if (Depthwise.applies(g)) {
            Depthwise.forward(out, in, weight, bias, g, relu);
            return;
        }
        if (Winograd.applies(g)) {
            Winograd.forward(out, in, weight, bias, g, true, relu);
            return;
        }
        if (Winograd2x2.applies(g)) {
            Winograd2x2.forward(out, in, weight, bias, g, relu);
            return;
        }
        if (Polyphase.applies(g)) {
            Polyphase.forward(out, in, weight, bias, g, relu);
            return;
        }
        ConvPlan p = ConvPlan.of(g.n(), g.inC(), g.h(), g.w(), g.groups(), g.outC(), g.kh(), g.kw(), g.stride(), 1,
                g.pad(), g.pad(), g.outH(), g.outW());
        ConvDirect.forward(out, in, weight, bias, p, true, relu);
    }

    void conv2dBackwardInput(float[] dIn, float[] dOut, float[] weight, ConvGeometry g) {
        check("dIn", dIn, g.inputSize());
        check("dOut", dOut, g.outputSize());
        check("weight", weight, g.weightSize());
        if (Gemm1x1.enabled && Gemm1x1.applies(g)) {
            Gemm1x1.backwardInput(dIn, dOut, weight, g);
            return;
        }
        ConvBackward.backwardInput(dIn, dOut, weight, g);
    }

    void conv2dBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, ConvGeometry g) {
        check("dWeight", dWeight, g.weightSize());
        checkOptional("dBias", dBias, g.outC());
        check("dOut", dOut, g.outputSize());
        check("in", in, g.inputSize());
        if (Gemm1x1.enabled && Gemm1x1.applies(g)) {
            Gemm1x1Grad.backwardWeight(dWeight, dBias, dOut, in, g);
            return;
        }
        ConvBackward.backwardWeight(dWeight, dBias, dOut, in, g);
    }

    void linearForward(float[] out, float[] in, float[] weight, float[] bias, LinearGeometry g) {
        check("out", out, g.n() * g.out());
        check("in", in, g.n() * g.in());
        check("weight", weight, g.out() * g.in());
        checkOptional("bias", bias, g.out());
        GemmLinear.forward(out, in, weight, bias, g);
    }

    void linearBackwardInput(float[] dIn, float[] dOut, float[] weight, LinearGeometry g) {
        check("dIn", dIn, g.n() * g.in());
        check("dOut", dOut, g.n() * g.out());
        check("weight", weight, g.out() * g.in());
        GemmLinear.backwardInput(dIn, dOut, weight, g);
    }

    void linearBackwardWeight(float[] dWeight, float[] dBias, float[] dOut, float[] in, LinearGeometry g) {
        check("dWeight", dWeight, g.out() * g.in());
        checkOptional("dBias", dBias, g.out());
        check("dOut", dOut, g.n() * g.out());
        check("in", in, g.n() * g.in());
        GemmLinear.backwardWeight(dWeight, dBias, dOut, in, g);
    }

    private static void check(String name, float[] a, int size) {
        if (a == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (a.length != size) {
            throw new IllegalArgumentException(name + " has length " + a.length + " but the geometry needs " + size);
        }
    }

    private static void checkOptional(String name, float[] a, int size) {
        if (a != null && a.length != size) {
            throw new IllegalArgumentException(name + " has length " + a.length + " but the geometry needs " + size);
        }
    }
}
