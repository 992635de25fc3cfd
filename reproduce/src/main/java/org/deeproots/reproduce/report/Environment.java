package org.deeproots.reproduce.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Where a run happened: recorded with every result so numbers can be compared honestly.
 *
 * @param threads    kernel threads used
 * @param kernels    the kernel provider's name (states the vector width), e.g. {@code vector-512}
 * @param jvm        JVM vendor, name and version
 * @param cpuModel   CPU model from /proc/cpuinfo (or os.arch when unavailable)
 * @param cores      available processors seen by the JVM
 * @param os         operating system name and version
 * @param startedAt  ISO time the run started
 */
public record Environment(int threads, String kernels, String jvm, String cpuModel, int cores, String os,
        String startedAt) {

    /** Detects the environment of this JVM. */
    public static Environment detect(int threads, String kernels) {
        String jvm = System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.vm.name", "?") + " "
                + System.getProperty("java.runtime.version", System.getProperty("java.version", "?"));
        return new Environment(threads, kernels, jvm, cpuModel(Path.of("/proc/cpuinfo")),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "?"),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }

    /** The first "model name" line of a cpuinfo file, or os.arch when it cannot be read. */
    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            for (String l : lines) {
                if (l.startsWith("model name")) {
                    int colon = l.indexOf(':');
                    return colon < 0 ? l.trim() : l.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: not Linux, or not readable
        }
        return "unknown (" + System.getProperty("os.arch", "?") + ")";
    }

    /** Markdown bullet list. */
    public String markdown() {
        return "- CPU: " + cpuModel + " (" + cores + " cores visible to the JVM)\n"
                + "- Threads used by the kernels: " + threads + "\n"
                + "- Kernels (vector width): " + kernels + "\n"
                + "- JVM: " + jvm + "\n"
                + "- OS: " + os + "\n"
                + "- Run started: " + startedAt + "\n";
    }
}
