package org.deeproots.reproduce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeproots.reproduce.Roots;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code roots train} and {@code roots eval} end to end on small IDX files (NiN root-4 at 1x8x8). */
class TrainEvalCommandTest {
    @TempDir
    Path dir;

    static void writeIdx(Path images, Path labels, int n, int side) throws IOException {
        try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(images))) {
            d.writeInt(0x803);
            d.writeInt(n);
            d.writeInt(side);
            d.writeInt(side);
            for (int i = 0; i < n * side * side; i++) {
                d.writeByte((i * 31 + i / 7) & 0xff);
            }
        }
        try (DataOutputStream d = new DataOutputStream(Files.newOutputStream(labels))) {
            d.writeInt(0x801);
            d.writeInt(n);
            for (int i = 0; i < n; i++) {
                d.writeByte(i % 10);
            }
        }
    }

    @Test
    void trainWritesMetricsAndCheckpointThenEvalReadsIt() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        writeIdx(data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"), 16, 8);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"), 8, 8);
        Path out = dir.resolve("out");
        int code = Roots.run("train", "--model", "nin", "--variant", "root-4", "--data", data.toString(), "--epochs",
                "2", "--batch", "8", "--limit", "12", "--lr", "0.01", "--out", out.toString(), "--threads", "1");
        assertEquals(0, code);
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("epoch,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds", csv.get(0));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(2).startsWith("2,"), csv.get(2));
        assertEquals(7, csv.get(1).split(",", -1).length);
        Path ckpt = out.resolve("nin-root-4.ckpt");
        assertTrue(Files.isRegularFile(ckpt));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(0, Roots.run("eval", ckpt.toString(), "--data", data.toString()));
        } finally {
            System.setOut(old);
        }
        String text = buf.toString();
        assertTrue(text.contains("top-1") && text.contains("top-5") && text.contains("8 images"), text);
    }

    @Test
    void trainOnOpenClWritesMetricsAndACheckpointTheCpuCanEvaluate() throws IOException {
        var cl = org.deeproots.gpu.Devices.probe("opencl");
        org.junit.jupiter.api.Assumptions.assumeTrue(cl.available(), "no OpenCL device here: " + cl.reason());
        Path data = Files.createDirectories(dir.resolve("data"));
        writeIdx(data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"), 16, 8);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"), 8, 8);
        Path out = dir.resolve("out-cl");
        assertEquals(0, Roots.run("train", "--model", "nin", "--variant", "root-4", "--data", data.toString(),
                "--epochs", "1", "--batch", "8", "--limit", "16", "--lr", "0.01", "--out", out.toString(),
                "--device", "opencl"));
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(2, csv.size(), csv.toString());
        double trainLoss = Double.parseDouble(csv.get(1).split(",")[1]);
        assertTrue(Double.isFinite(trainLoss) && trainLoss > 0, csv.get(1));
        assertEquals(0, Roots.run("eval", out.resolve("nin-root-4.ckpt").toString(), "--data", data.toString()));
    }

    @Test
    void unknownOrUnavailableDeviceExitsWithCode2() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        writeIdx(data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"), 16, 8);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"), 8, 8);
        assertEquals(2, Roots.run("train", "--data", data.toString(), "--limit", "8", "--epochs", "1", "--out",
                dir.resolve("o2").toString(), "--device", "tpu"));
        if (!org.deeproots.gpu.Devices.probe("cuda").available()) {
            assertEquals(2, Roots.run("train", "--data", data.toString(), "--limit", "8", "--epochs", "1", "--out",
                    dir.resolve("o3").toString(), "--device", "cuda"));
        }
    }

    @Test
    void missingDataAndBadCheckpointExitWithCode2() throws IOException {
        assertEquals(2, Roots.run("train", "--data", dir.resolve("none").toString(), "--out",
                dir.resolve("o").toString()));
        Path bad = dir.resolve("bad.ckpt");
        Files.writeString(bad, "garbage garbage garbage");
        assertEquals(2, Roots.run("eval", bad.toString()));
    }
}
