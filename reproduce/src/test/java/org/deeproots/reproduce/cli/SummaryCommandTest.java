package org.deeproots.reproduce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SummaryCommandTest {

    @Test
    void perLayerTableWithTotals() {
        CliCapture r = CliCapture.run("summary", "nin", "--variant", "root-8");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("nin root-8, input 3x32x32, 10 classes"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("conv2a\\s+conv\\s+8\\s+192x16x16\\s+57,792\\s+14,745,600")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.matches("pool1\\s+maxpool\\s+96x16x16\\s+--\\s+--")), out);
        assertTrue(out.contains("total params: 314,954 (32.6% of orig)"), out);
        assertTrue(out.contains("total multiply-adds per image: 103,342,080 (46.4% of orig)"), out);
        assertTrue(out.contains("1 multiply-add = 1 FLOP"), out);
    }

    @Test
    void inputAndClassesOptions() {
        CliCapture r = CliCapture.run("summary", "resnet50", "--input", "1x28x28", "--classes", "10", "--format",
                "csv", "--weighted-only");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("layer,kind,groups,output,params,multiply-adds\n"), r.out());
        assertTrue(r.out().contains("\nconv1,conv,1,64x14x14,3200,"), r.out());
        assertTrue(r.out().contains("\nfc,linear,,10,20490,20480\n"), r.out());
    }

    @Test
    void badInputsExitNonZero() {
        CliCapture v = CliCapture.run("summary", "resnet50", "--variant", "tree-4");
        assertEquals(2, v.exit());
        assertTrue(v.err().contains("valid variants: orig, root-2"), v.err());
        CliCapture small = CliCapture.run("summary", "googlenet", "--input", "3x32x32");
        assertEquals(2, small.exit());
        assertTrue(small.err().contains("too small"), small.err());
        CliCapture shape = CliCapture.run("summary", "nin", "--input", "32x32");
        assertEquals(2, shape.exit());
        assertTrue(shape.err().contains("CxHxW"), shape.err());
        assertNotEquals(0, CliCapture.run("summary").exit());
    }
}
