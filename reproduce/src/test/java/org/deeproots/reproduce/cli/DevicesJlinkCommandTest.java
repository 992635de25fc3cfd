package org.deeproots.reproduce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeproots.gpu.BackendInfo;
import org.junit.jupiter.api.Test;

/** roots devices (CSV and Markdown) and roots jlink's refusal outside the packaged jars. */
class DevicesJlinkCommandTest {

    @Test
    void devicesCsvListsCpuOpenclCuda() {
        CliCapture r = CliCapture.run("devices", "--format", "csv");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("backend,available,device,reason", lines.get(0));
        assertEquals(4, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("cpu,true,\"host CPU"), lines.get(1));
        assertTrue(lines.get(2).startsWith("opencl,"), lines.get(2));
        assertTrue(lines.get(3).startsWith("cuda,"), lines.get(3));
    }

    @Test
    void renderQuotesReasonsAndWritesMarkdown() {
        List<BackendInfo> infos = List.of(new BackendInfo("cpu", true, "host", ""),
                new BackendInfo("cuda", false, "", "libcuda.so.1 not found: no driver, really"));
        assertEquals("backend,available,device,reason\ncpu,true,host,\n"
                + "cuda,false,,\"libcuda.so.1 not found: no driver, really\"\n", DevicesCommand.render(infos, "csv"));
        String md = DevicesCommand.render(infos, "md");
        assertTrue(md.startsWith("| backend | available | device | reason |"), md);
        assertTrue(md.contains("| cuda | false |"), md);
    }

    @Test
    void devicesRejectsAnUnknownFormat() {
        CliCapture r = CliCapture.run("devices", "--format", "xml");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown --format 'xml'; valid formats: md, csv"), r.err());
    }

    @Test
    void jlinkNeedsThePackagedJars() {
        CliCapture r = CliCapture.run("jlink", "--out", "target/jlink-test");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("roots jlink needs the packaged jars"), r.err());
    }
}
