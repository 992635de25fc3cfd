package org.deeproots.reproduce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableCommandTest {

    @Test
    void csvHeaderAndRows() {
        CliCapture r = CliCapture.run("table", "--model", "resnet50", "--format", "csv");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("model,variant,multiply_adds,params,paper_multiply_adds,paper_params", lines.get(0));
        assertEquals(8, lines.size(), r.out());
        assertEquals("resnet50,orig,3857973248,25503976,3857974312,25503976", lines.get(1));
        assertEquals("resnet50,root-64,2114859008,15312808,2114860072,15312808", lines.get(7));
    }

    @Test
    void csvLeavesPaperColumnsEmptyWhereThePaperHasNoValue() {
        CliCapture r = CliCapture.run("table", "--model", "nin", "--format", "csv");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\nnin,root-32,88301568,209546,,\n"), r.out());
        assertTrue(r.out().contains("\nnin,tree-16,91324416,213578,91325834,213578\n"), r.out());
    }

    @Test
    void allModelsByDefault() {
        CliCapture r = CliCapture.run("table", "--format", "csv");
        assertEquals(0, r.exit(), r.err());
        long rows = r.out().lines().count() - 1;
        assertEquals(14 + 7 + 7 + 7 + 7 + 5, rows);
    }

    @Test
    void markdownNotesComputedOffsets() {
        CliCapture r = CliCapture.run("table");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.contains("1 multiply-add = 1 FLOP"), out);
        assertTrue(out.contains("| root-8 | 103,342,080 | 314,954 | 103,343,498 | 314,954 | +1,418 | 0 |"), out);
        assertTrue(out.contains("multiply-adds = ours + 1,418 in all 13 rows"), out);
        assertTrue(out.contains("multiply-adds = ours + 1,064 in all 7 rows"), out);
        assertTrue(out.contains("params = ours - 2,046,016 in all 7 rows"), out);
        assertTrue(out.contains("params = ours + 11,811,024 in all 5 rows"), out);
        assertTrue(out.contains("not per-image multiply-adds"), out);
        assertTrue(out.contains("exactly in 6 of 6 variant rows"), out);
        assertTrue(out.contains("resnet200-cvpr (3 rows) differs in: root-8 multiply-adds -3,048"), out);
        assertTrue(out.contains("googlenet") && out.contains("varying amount"), out);
    }

    @Test
    void badModelAndFormatExitNonZeroWithTheValidValues() {
        CliCapture r = CliCapture.run("table", "--model", "alexnet");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown model 'alexnet'"), r.err());
        assertTrue(r.err().contains("nin, resnet50"), r.err());
        assertFalse(r.out().contains("|"));
        CliCapture f = CliCapture.run("table", "--format", "xml");
        assertEquals(2, f.exit());
        assertTrue(f.err().contains("valid formats: md, csv"), f.err());
    }
}
