package org.deeproots.reproduce.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareTest {

    @Test
    void resnet50CasesCoverEveryVariantAndTheGroupsEachStageUses() {
        List<CompareCase> all = CompareCase.resnet50(List.of(1, 10), false);
        assertEquals(2 * 7 + 2 * (7 + 6 + 5 + 4), all.size());
        assertTrue(all.contains(CompareCase.model("resnet50", "root-64", 10)));
        assertTrue(all.contains(CompareCase.conv3x3("res2_3x3", 64, 56, 64, 1)));
        assertTrue(all.contains(CompareCase.conv3x3("res5_3x3", 512, 7, 8, 10)));
        assertTrue(all.stream().noneMatch(c -> c.model().equals("res5_3x3") && c.groups() == 16),
                "root-64 gives res5 only 8 groups");
        assertEquals("layer:res3_3x3:128:28:32:10", CompareCase.conv3x3("res3_3x3", 128, 28, 32, 10).childSpec());
        assertEquals("model:resnet50:orig:1", CompareCase.model("resnet50", "orig", 1).childSpec());
        assertEquals(2 + 8, CompareCase.resnet50(List.of(1), true).size());
    }

    @Test
    void csvHasTheIssuesHeaderAndEmptyCellsWhereLibtorchFailed() {
        String csv = CompareTable.csv(List.of(new CompareRow("resnet50", "orig", 10, 2, 200, 100, "nchw"),
                new CompareRow("resnet50", "root-64", 10, 2, 90, Double.NaN, "none")));
        assertEquals("model,variant,batch,threads,deeproots_ms,libtorch_ms,ratio\n"
                + "resnet50,orig,10,2,200.0000,100.0000,2.0000\n"
                + "resnet50,root-64,10,2,90.0000,,\n", csv);
        assertTrue(CompareTable.markdown(List.of(new CompareRow("res2_3x3", "g8", 1, 2, 1, 2, "channels_last")))
                .contains("| res2_3x3 | g8 | 1 | 2 | 1.00 | 2.00 | channels_last | 0.50 |"));
    }

    @Test
    void childCsvIsReadByKeyAndBadTimesNameTheLine(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.csv");
        assertTrue(LibtorchRunner.read(f).isEmpty(), "missing file: nothing done yet");
        Files.writeString(f, "model,variant,batch,threads,layout,ms\nresnet50,orig,10,2,nchw,123.5\n");
        assertEquals(Map.of("resnet50,orig,10", 123.5), LibtorchRunner.read(f));
        Files.writeString(f, "model,variant,batch,threads,layout,ms\nresnet50,orig,10,2,nchw,x\n");
        IOException e = assertThrows(IOException.class, () -> LibtorchRunner.read(f));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void projectRootIsFoundUpwardsOrRefusedClearly(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("bench"));
        Files.writeString(dir.resolve("pom.xml"), "<project/>");
        Files.writeString(dir.resolve("bench/pom.xml"), "<project/>");
        Path deep = Files.createDirectories(dir.resolve("reproduce/target"));
        assertEquals(dir.toAbsolutePath(), LibtorchRunner.findProjectRoot(deep));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LibtorchRunner.findProjectRoot(dir.getRoot()));
        assertTrue(e.getMessage().contains("--project"), e.getMessage());
    }
}
