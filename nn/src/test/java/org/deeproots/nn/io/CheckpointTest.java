package org.deeproots.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;
import org.deeproots.nn.runtime.Network;
import org.deeproots.nn.runtime.Parameter;
import org.deeproots.ops.KernelProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    static ModelSpec spec() {
        return new ModelSpec("tiny", "root-2", new int[] {2, 6, 6}, 3, List.of(
                Node.of("conv", new Op.Conv(2, 4, 3, 1, 1, 2, true), ModelSpec.INPUT),
                Node.of("bn", new Op.BatchNorm(4), "conv"),
                Node.of("relu", new Op.ReLU(), "bn"),
                Node.of("gap", new Op.GlobalAvgPool(), "relu"),
                Node.of("fc", new Op.Linear(4, 3), "gap")));
    }

    static Network net(long seed) {
        Network n = new Network(spec(), KernelProvider.scalar(), seed);
        n.parameter("bn.runningMean").data()[1] = 0.25f; // non-default running stats must survive
        n.parameter("bn.runningVar").data()[2] = 3.5f;
        return n;
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Network a = net(1);
        a.parameter("fc.weight").data()[0] = Float.intBitsToFloat(0x7fc00123); // a NaN payload, a denormal
        a.parameter("fc.weight").data()[1] = Float.MIN_VALUE;
        Path f = dir.resolve("m.ckpt");
        Checkpoint.save(f, a, Map.of("epoch", "3"));
        Checkpoint c = Checkpoint.read(f);
        assertEquals("tiny", c.model());
        assertEquals("root-2", c.variant());
        assertArrayEquals(new int[] {2, 6, 6}, c.input());
        assertEquals(3, c.classes());
        assertEquals("3", c.metadata().get("epoch"));
        Network b = net(99);
        c.restore(b);
        for (Parameter p : a.parameters()) {
            float[] x = p.data();
            float[] y = b.parameter(p.name()).data();
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), p.name() + "[" + i + "]");
            }
        }
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void crashMidWriteLeavesThePreviousCheckpoint() throws IOException {
        Path f = dir.resolve("m.ckpt");
        Checkpoint.save(f, net(1), Map.of());
        byte[] before = Files.readAllBytes(f);
        Checkpoint other = Checkpoint.of(net(2), Map.of());
        IOException e = assertThrows(IOException.class, () -> other.write(f, out -> new FilterOutputStream(out) {
            long written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 200) {
                    throw new IOException("simulated crash");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        }));
        assertEquals("simulated crash", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "the temporary file was removed");
        }
        Checkpoint.read(f).restore(net(3));
    }

    @Test
    void truncatedCorruptAndForeignFilesAreRefused() throws IOException {
        Path f = dir.resolve("m.ckpt");
        Checkpoint.save(f, net(1), Map.of());
        byte[] good = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, java.util.Arrays.copyOf(good, good.length / 2));
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(cut));
        assertTrue(e.getMessage().contains("cut.ckpt") && e.getMessage().contains("truncated or corrupt"),
                e.getMessage());
        Path flipped = dir.resolve("flip.ckpt");
        byte[] bad = good.clone();
        bad[good.length / 2] ^= 1;
        Files.write(flipped, bad);
        e = assertThrows(IOException.class, () -> Checkpoint.read(flipped));
        assertTrue(e.getMessage().contains("flip.ckpt") && e.getMessage().contains("CRC32"), e.getMessage());
        Path foreign = dir.resolve("foreign.ckpt");
        Files.writeString(foreign, "this is not a checkpoint at all");
        e = assertThrows(IOException.class, () -> Checkpoint.read(foreign));
        assertTrue(e.getMessage().contains("foreign.ckpt") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void restoreRefusesAnotherModel() throws IOException {
        Path f = dir.resolve("m.ckpt");
        Checkpoint.save(f, net(1), Map.of());
        ModelSpec other = new ModelSpec("tiny", "orig", new int[] {2, 6, 6}, 3, spec().nodes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.read(f).restore(new Network(other, KernelProvider.scalar(), 1)));
        assertTrue(e.getMessage().contains("root-2"), e.getMessage());
    }
}
