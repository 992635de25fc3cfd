package org.deeproots.reproduce.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeproots.reproduce.sweep.SweepPlan;
import org.deeproots.reproduce.sweep.SweepRun;
import org.deeproots.reproduce.timing.ModelTiming;
import org.deeproots.reproduce.timing.TimingPlan;
import org.deeproots.reproduce.timing.TimingRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproductionTest {
    static final Environment ENV = new Environment(2, "fake-kernels", "test jvm", "test cpu", 2, "test os", "now");

    static Reproduction.Config config(Path out, SweepPlan sweep) {
        TimingPlan plan = new TimingPlan(List.of(
                new ModelTiming("nin", List.of("orig", "root-2", "root-4", "tree-2", "col-2"), 4,
                        new int[] {3, 16, 16}, 10),
                new ModelTiming("resnet50", List.of("orig", "root-4"), 2, new int[] {3, 16, 16}, 10)),
                1, 2, 3, 0.05);
        List<CostTables.Family> families = List.of(
                new CostTables.Family("nin", List.of("orig", "root-2", "root-4", "tree-2", "col-2"),
                        new int[] {3, 16, 16}, 10),
                new CostTables.Family("resnet50", List.of("orig", "root-4"), new int[] {3, 16, 16}, 10));
        return new Reproduction.Config(out, "roots reproduce --test", plan, families, sweep, null, 3, "resnet50",
                "root-4", 60);
    }

    static Reproduction reproduction(Fakes.CountingTrainer trainer, PrintStream log) {
        return new Reproduction(new Fakes.Engine(), Fakes.CATALOG, Fakes.PAPER, trainer, Fakes.PROBE, ENV, log);
    }

    @Test
    void writesReportCsvAndFiguresWithoutAccuracy(@TempDir Path out) throws IOException {
        Files.writeString(out.resolve("compare.csv"), "model,variant,batch,threads,deeproots_ms,libtorch_ms,ratio\n"
                + "resnet50,orig,10,2,300.0,200.0,1.5\nresnet50,root-64,10,2,150.0,140.0,1.0714\n"
                + "res2_3x3,g64,1,2,0.5,,\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path report = reproduction(new Fakes.CountingTrainer(), new PrintStream(log, true, StandardCharsets.UTF_8))
                .run(config(out, null));
        String md = Files.readString(report);
        String progress = log.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("Estimated time"), progress);
        assertTrue(progress.contains("[7/7]"), "progress per variant: " + progress);

        List<String> csv = Files.readAllLines(out.resolve("cpu_timings.csv"));
        assertEquals("model,variant,batch,threads,ms_per_image,ratio_to_orig,paper_ms_per_image,paper_ratio_to_orig",
                csv.get(0));
        assertEquals(8, csv.size());
        assertTrue(csv.get(1).startsWith("nin,orig,4,2,"), csv.get(1));
        assertTrue(csv.get(1).contains(",1.0000,40.0000,1.0000"), "orig ratio 1 and the paper's orig: " + csv.get(1));
        assertTrue(csv.get(2).endsWith(",37.0000,0.9250"), "paper root-2 row: " + csv.get(2));

        for (String section : List.of("## Environment", "## Cost tables", "### nin", "## CPU forward timings",
                "## Accuracy (NiN sweep)", "## Figures", "## Where our numbers differ")) {
            assertTrue(md.contains(section), "report lacks " + section + ":\n" + md);
        }
        assertTrue(md.contains("test cpu") && md.contains("fake-kernels"), "environment recorded");
        assertTrue(md.contains("fake paper facts (test)"), "paper source cited");
        assertTrue(md.contains("Not run: `roots reproduce --accuracy`"), md);
        assertFalse(md.contains("No `compare.csv`"), md);
        assertTrue(md.contains("needs trained NiN checkpoints"), md);
        assertTrue(md.contains("ratio 1.50 (target: within 1.5x): met"), md);
        assertTrue(md.contains("faster than libtorch's same variant: 0 of 1 (target: all): NOT met"), md);
        assertTrue(md.contains("| res2_3x3 | g64 | 1 | 2 | 0.50 |  |"), "missing libtorch time stays empty:\n" + md);
        // paper's params beside ours: 45,000 is the fake paper's root-2 params
        assertTrue(md.contains("| 45,000 |"), md);

        List<String> pngs = List.of("nin_error_vs_params.png", "nin_error_vs_flops.png",
                "resnet50_error_vs_params.png", "resnet50_error_vs_flops.png", "cpu_time_vs_multiply_adds.png",
                "speedup_vs_flop_reduction.png", "resnet50_layer_flops.png", "resnet50_layer_params.png");
        for (String f : pngs) {
            assertNonTrivialPng(out.resolve(f));
            assertTrue(md.contains("](" + f + ")"), "report embeds " + f);
        }
        try (Stream<Path> s = Files.list(out)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void accuracySweepFeedsTableAndCorrelationAndResumes(@TempDir Path out) throws IOException {
        SweepPlan sweep = new SweepPlan("nin", "fake-data", List.of(new SweepRun("orig", 1), new SweepRun("orig", 2),
                new SweepRun("root-4", 1), new SweepRun("root-8", 1)), 2, 8, 0.1, 100, 50);
        Fakes.CountingTrainer trainer = new Fakes.CountingTrainer();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Path report = reproduction(trainer, quiet).run(config(out, sweep));
        assertEquals(4, trainer.calls.get());
        String md = Files.readString(report);
        assertTrue(md.contains("| orig | 2 | 0.8235 |"), "orig mean over two seeds (0.8225, 0.8245):\n" + md);
        assertTrue(md.contains("Mean |corr| inside the 2 diagonal blocks"), md);
        assertNonTrivialPng(out.resolve("nin_correlation_orig.png"));
        assertNonTrivialPng(out.resolve("nin_correlation_root-8.png"));
        assertTrue(md.contains("](nin_correlation_root-4.png)"), md);

        // a second run retrains nothing
        reproduction(trainer, quiet).run(config(out, sweep));
        assertEquals(4, trainer.calls.get(), "finished runs are not retrained");
    }

    static void assertNonTrivialPng(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), "missing " + file);
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is not a readable image");
        assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300, file + " too small: " + img.getWidth() + "x"
                + img.getHeight());
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        assertTrue(colours.size() >= 8, file + " has only " + colours.size() + " colours: blank?");
    }

    @Test
    void timingRowCsvHasEmptyCellsForMissingPaperValues() {
        TimingRow r = new TimingRow("nin", "root-32", 64, 2, 3, 1.5, 0.5, 10, 10, Double.NaN, Double.NaN);
        assertEquals("nin,root-32,64,2,1.5000,0.5000,,", r.csv());
    }
}
