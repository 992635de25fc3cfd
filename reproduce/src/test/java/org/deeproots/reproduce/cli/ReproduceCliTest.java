package org.deeproots.reproduce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.deeproots.reproduce.Roots;
import org.junit.jupiter.api.Test;

class ReproduceCliTest {

    static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badArgumentsGiveExitCode2AndNameTheOption() {
        int[] rc = new int[1];
        String err = stderrOf(() -> rc[0] = Roots.run("reproduce", "--threads", "0"));
        assertEquals(2, rc[0]);
        assertTrue(err.contains("--threads"), err);
        err = stderrOf(() -> rc[0] = Roots.run("reproduce", "--device", "tpu"));
        assertEquals(2, rc[0]);
        assertTrue(err.contains("--device") && err.contains("tpu"), err);
        err = stderrOf(() -> rc[0] = Roots.run("reproduce", "--time-budget", "0"));
        assertEquals(2, rc[0]);
        assertTrue(err.contains("--time-budget"), err);
        err = stderrOf(() -> rc[0] = Roots.run("bench", "compare", "--format", "xml"));
        assertEquals(2, rc[0]);
        assertTrue(err.contains("--format"), err);
    }
}
