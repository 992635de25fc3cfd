package org.deeproots.nn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeproots.nn.data.Augment;
import org.deeproots.nn.data.ByteImageDataset;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;
import org.deeproots.nn.runtime.Network;
import org.deeproots.ops.KernelProvider;
import org.junit.jupiter.api.Test;

class TrainerTest {
    /** Two classes: a uniform bright 3x3 block or a checkerboard block, at a varying place on 1x6x6 images. */
    static ByteImageDataset squares(int n) {
        byte[] px = new byte[n * 36];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            labels[i] = (byte) c;
            int oy = i / 2 % 4;
            int ox = i / 8 % 4;
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    boolean on = c == 0 || (x + y) % 2 == 0;
                    px[i * 36 + (oy + y) * 6 + ox + x] = (byte) (on ? 150 + (i * 13 + y * 5 + x) % 100 : 0);
                }
            }
        }
        return new ByteImageDataset("squares", px, labels, new int[] {1, 6, 6}, 2);
    }

    static ModelSpec spec() {
        return new ModelSpec("tiny", "orig", new int[] {1, 6, 6}, 2, List.of(
                Node.of("conv", new Op.Conv(1, 4, 3, 1, 1, 1, true), ModelSpec.INPUT),
                Node.of("bn", new Op.BatchNorm(4), "conv"),
                Node.of("relu", new Op.ReLU(), "bn"),
                Node.of("conv2", new Op.Conv(4, 2, 1, 1, 0, 2, true), "relu"),
                Node.of("gap", new Op.GlobalAvgPool(), "conv2")));
    }

    @Test
    void learnsASimpleTaskAndIsReproducible() {
        ByteImageDataset ds = squares(64);
        TrainConfig cfg = TrainConfig.defaults(3, 8, 0.1, 4);
        List<EpochResult> a = new Trainer(new Network(spec(), KernelProvider.kernels(), 1), cfg)
                .fit(ds, 64, new Augment(0, true, null, null), ds, 64, Augment.none(), new TrainListener() { });
        List<EpochResult> b = new Trainer(new Network(spec(), KernelProvider.kernels(), 1), cfg)
                .fit(ds, 64, new Augment(0, true, null, null), ds, 64, Augment.none(), new TrainListener() { });
        assertEquals(3, a.size());
        assertTrue(a.get(2).testAcc() > 0.9, "test accuracy " + a.get(2).testAcc());
        assertTrue(a.get(2).trainLoss() < a.get(0).trainLoss());
        for (int i = 0; i < 3; i++) {
            assertEquals(a.get(i).trainLoss(), b.get(i).trainLoss(), 0.0, "same seed, same run");
            assertEquals(a.get(i).testAcc(), b.get(i).testAcc(), 0.0);
        }
        assertTrue(a.get(0).csvRow().startsWith("1,"));
        assertEquals(7, a.get(0).csvRow().split(",", -1).length);
    }

    @Test
    void nanLossAbortsWithAClearMessage() {
        ByteImageDataset ds = squares(16);
        TrainConfig cfg = TrainConfig.defaults(2, 8, 1e30, 4);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(new Network(spec(), KernelProvider.kernels(), 1), cfg)
                        .fit(ds, 16, Augment.none(), ds, 16, Augment.none(), new TrainListener() { }));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("--lr"), e.getMessage());
    }

    @Test
    void wrongInputShapeIsRefused() {
        ByteImageDataset ds = new ByteImageDataset("d", new byte[2 * 49], new byte[2], new int[] {1, 7, 7}, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(new Network(spec(), KernelProvider.kernels(), 1), TrainConfig.defaults(1, 2, 0.1, 1))
                        .fit(ds, 2, Augment.none(), ds, 2, Augment.none(), new TrainListener() { }));
        assertTrue(e.getMessage().contains("1x7x7") && e.getMessage().contains("1x6x6"), e.getMessage());
    }

    @Test
    void schedulesWarmUpThenDecay() {
        LrSchedule c = LrSchedule.cosine(1.0, 10, 110);
        assertEquals(0.1, c.at(0), 1e-12);
        assertEquals(1.0, c.at(9), 1e-12);
        assertEquals(1.0, c.at(10), 1e-12);
        assertEquals(0.5, c.at(60), 1e-12);
        assertEquals(0.0, c.at(110), 1e-12);
        LrSchedule s = LrSchedule.step(1.0, 0, 100, 30, 0.1);
        assertEquals(1.0, s.at(29), 1e-12);
        assertEquals(0.1, s.at(30), 1e-12);
        assertEquals(0.01, s.at(60), 1e-12);
    }

    @Test
    void sgdDecaysWeightsButNotBatchNormOrBias() {
        Network net = new Network(spec(), KernelProvider.scalar(), 1);
        float w = net.parameter("conv.weight").data()[0];
        float g = net.parameter("bn.gamma").data()[0];
        float b = net.parameter("conv.bias").data()[0] = 0.5f;
        new Sgd(net.parameters(), 0.9, 0.1, false).step(1.0); // all gradients are zero before any backward
        assertEquals(w - 0.1f * w, net.parameter("conv.weight").data()[0], 1e-6);
        assertEquals(g, net.parameter("bn.gamma").data()[0], 0f);
        assertEquals(b, net.parameter("conv.bias").data()[0], 0f);
    }
}
