package org.deeproots.reproduce.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracySweepTest {
    final List<String> trained = new ArrayList<>();
    final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    Trainer trainer(int epochsWritten) {
        return (plan, run, dir) -> {
            trained.add(run.dirName());
            StringBuilder sb = new StringBuilder("epoch,train_loss,train_acc,test_loss,test_acc,images_per_s,seconds\n");
            for (int e = 1; e <= epochsWritten; e++) {
                sb.append(e).append(",0.1,0.9,0.2,0.9").append(run.seed()).append(",10,2\n");
            }
            Files.writeString(dir.resolve("metrics.csv"), sb.toString());
            Files.writeString(dir.resolve("net.ckpt"), "x");
        };
    }

    @Test
    void finishedRunsAreSkippedAndChangedRecipesRetrain(@TempDir Path root) throws IOException {
        SweepPlan plan = SweepPlan.nin("fashion-mnist", 2, 1, 32, 0.05, 500, 100);
        assertEquals(2 + SweepPlan.NIN_VARIANTS.size(), plan.runs().size());
        AccuracySweep sweep = new AccuracySweep(root, trainer(1), quiet);
        List<RunResult> first = sweep.run(plan);
        assertEquals(plan.runs().size(), trained.size());
        assertEquals(0.91, first.get(0).testAccuracy(), 1e-9);
        assertEquals(0.92, first.get(1).testAccuracy(), 1e-9);
        assertEquals(root.resolve("orig-seed1").resolve("net.ckpt"), first.get(0).checkpoint());

        trained.clear();
        List<RunResult> again = sweep.run(plan);
        assertTrue(trained.isEmpty(), "nothing retrained: " + trained);
        assertTrue(again.stream().allMatch(RunResult::resumed));
        assertEquals(0.92, again.get(1).testAccuracy(), 1e-9);

        // an interrupted run (metrics but no marker) is retrained, and only it
        Files.delete(root.resolve("root-8-seed1").resolve(AccuracySweep.DONE_FILE));
        assertEquals(List.of(new SweepRun("root-8", 1)), sweep.pending(plan));
        sweep.run(plan);
        assertEquals(List.of("root-8-seed1"), trained);

        // another recipe (more epochs) makes every run pending
        SweepPlan longer = SweepPlan.nin("fashion-mnist", 2, 2, 32, 0.05, 500, 100);
        assertEquals(longer.runs().size(), sweep.pending(longer).size());
    }

    @Test
    void aTrainerThatWritesTooFewEpochsFailsClearly(@TempDir Path root) {
        SweepPlan plan = new SweepPlan("nin", "d", List.of(new SweepRun("orig", 1)), 3, 8, 0.1, 0, 0);
        AccuracySweep sweep = new AccuracySweep(root, trainer(2), quiet);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sweep.run(plan));
        assertTrue(e.getMessage().contains("2 epochs") && e.getMessage().contains("expected 3"), e.getMessage());
    }

    @Test
    void badMetricsNameTheFileAndLine(@TempDir Path root) throws IOException {
        Path f = root.resolve("metrics.csv");
        Files.writeString(f, "epoch,test_acc\n1,0.5\n2,abc\n");
        IOException e = assertThrows(IOException.class, () -> Metrics.read(f));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains(f.toString()), e.getMessage());
        Files.writeString(f, "epoch,loss\n");
        assertThrows(IOException.class, () -> Metrics.read(f));
    }

    @Test
    void cliTrainerPassesTheRecipeToRootsTrain(@TempDir Path root) throws IOException {
        List<String[]> calls = new ArrayList<>();
        CliTrainer t = new CliTrainer(args -> {
            calls.add(args);
            return 0;
        }, List.of("--threads", "2"));
        SweepPlan plan = SweepPlan.nin("cifar10", 1, 3, 128, 0.1, 1000, 500);
        t.train(plan, new SweepRun("tree-4", 7), root);
        assertEquals(List.of("train", "--model", "nin", "--variant", "tree-4", "--data", "cifar10", "--epochs", "3",
                "--batch", "128", "--lr", "0.1", "--seed", "7", "--out", root.toString(), "--limit", "1000",
                "--test-limit", "500", "--threads", "2"), List.of(calls.get(0)));
        CliTrainer failing = new CliTrainer(args -> 2, List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> failing.train(plan, new SweepRun("orig", 1), root));
        assertTrue(e.getMessage().contains("exit code 2"), e.getMessage());
    }

    @Test
    void badPlansAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SweepPlan.nin("d", 0, 1, 8, 0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SweepRun("../x", 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SweepPlan("nin", "d", List.of(), 0, 8, 0.1, 0, 0));
    }
}
