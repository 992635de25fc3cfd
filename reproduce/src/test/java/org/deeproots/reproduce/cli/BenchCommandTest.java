package org.deeproots.reproduce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code roots bench} and its subcommands: exit codes and output format (not timings). */
class BenchCommandTest {

    @Test
    void benchAlonePrintsTheSubcommands() {
        CliCapture c = CliCapture.run("bench");
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("ops") && c.err().contains("peak") && c.err().contains("compare"), c.err());
    }

    @Test
    void compareRefusesBadBatchesBeforeTimingAnything() {
        // the real compare builds libtorch and times for minutes: only its argument checks belong in a unit test
        CliCapture c = CliCapture.run("bench", "compare", "--batch", "0");
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("--batch"), c.err());
    }

    @Test
    void opsPrintsCsvRows() {
        CliCapture c = CliCapture.run("bench", "ops", "--quick", "--format", "csv", "--layer", "nin_conv3a",
                "--batch", "1", "--groups", "16", "--op", "conv_fwd", "pool_fwd", "--threads", "1");
        assertEquals(0, c.exit(), c.err());
        String[] lines = c.out().trim().split("\n");
        assertEquals("op,layer,batch,groups,threads,ms,gflops,peak_fraction", lines[0]);
        assertEquals(3, lines.length, c.out());
        assertTrue(lines[1].startsWith("conv_fwd,nin_conv3a,1,16,1,"), lines[1]);
        assertTrue(lines[2].startsWith("pool_fwd,nin_conv3a,1,1,1,"), lines[2]);
    }

    @Test
    void badArgumentsAreNamed() {
        CliCapture c = CliCapture.run("bench", "ops", "--format", "xml");
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("--format"), c.err());
        c = CliCapture.run("bench", "ops", "--layer", "res9_3x3");
        assertEquals(2, c.exit());
        assertTrue(c.err().contains("res9_3x3"), c.err());
    }
}
