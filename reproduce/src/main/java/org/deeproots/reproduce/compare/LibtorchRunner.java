package org.deeproots.reproduce.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Times cases in libtorch in a child JVM: builds the bench module's {@code libtorch} Maven profile on first use
 * (same JAVA_HOME as this JVM), then runs {@code org.deeproots.bench.libtorch.LibtorchCompare} once per memory
 * layout with {@code OMP_NUM_THREADS=N} and {@code OPENBLAS_NUM_THREADS=1} (and glibc's heap kept: see
 * {@code MALLOC_MMAP_THRESHOLD_} below), and keeps each case's faster layout.
 * When the child dies in native code (it appends one CSV row per finished case), the case it died on is recorded
 * as failed in that layout and the child is restarted on the remaining cases.
 */
public final class LibtorchRunner {
    static final String MAIN = "org.deeproots.bench.libtorch.LibtorchCompare";
    static final List<String> LAYOUTS = List.of("nchw", "channels_last");

    /**
     * libtorch's best time for a case.
     *
     * @param ms     median ms per forward of the batch in the faster layout (NaN when no layout ran)
     * @param layout the faster layout, or a note why none ran
     * @param notes  per-layout failures, empty when both ran
     */
    public record Result(double ms, String layout, String notes) {
    }

    private final Path root;
    private final PrintStream log;

    public LibtorchRunner(Path projectRoot, PrintStream log) {
        this.root = projectRoot;
        this.log = log;
    }

    /**
     * The project root (holding {@code pom.xml} and {@code bench/pom.xml}) at or above {@code start}.
     *
     * @throws IllegalStateException when there is none
     */
    public static Path findProjectRoot(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isRegularFile(p.resolve("bench/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no deeproots source tree (pom.xml with bench/pom.xml) at or above " + start
                + "; roots bench compare builds its libtorch part from the sources: run it from the project or "
                + "pass --project DIR");
    }

    Path buildDir() {
        return root.resolve("bench/target/libtorch");
    }

    /**
     * True when the libtorch classes and classpath exist and the last successful build (its stamp file) is newer
     * than the sources. (Maven leaves up-to-date class files untouched, so their own times say nothing.)
     */
    boolean built() throws IOException {
        Path cls = buildDir().resolve("classes/org/deeproots/bench/libtorch/LibtorchCompare.class");
        Path cp = buildDir().resolve("libtorch.classpath");
        Path stamp = buildDir().resolve("built.stamp");
        if (!Files.isRegularFile(cls) || !Files.isRegularFile(cp) || !Files.isRegularFile(stamp)) {
            return false;
        }
        long built = Files.getLastModifiedTime(stamp).toMillis();
        for (Path src : List.of(root.resolve("bench/src/libtorch"), root.resolve("nn/src/main"),
                root.resolve("bench/pom.xml"))) {
            if (!Files.exists(src)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(src)) {
                if (s.filter(Files::isRegularFile).anyMatch(f -> lastModified(f) > built)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long lastModified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Builds the libtorch profile when needed (downloads libtorch's natives, about 100 MB, the first time). */
    public void ensureBuilt() throws IOException {
        if (built()) {
            return;
        }
        log.println("bench compare: building the libtorch profile (mvn -P libtorch -pl bench -am compile; the "
                + "first time downloads org.bytedeco:pytorch natives, ~100 MB) ...");
        Path out = Files.createTempFile("roots-libtorch-build", ".log");
        ProcessBuilder pb = new ProcessBuilder(mvn(), "-q", "-B", "-P", "libtorch", "-pl", "bench", "-am",
                "-DskipTests", "compile").directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        int rc = waitFor(pb, 30);
        if (rc == 0) {
            Files.writeString(buildDir().resolve("built.stamp"), "built by roots bench compare\n");
        }
        if (rc != 0 || !built()) {
            List<String> lines = Files.readAllLines(out);
            throw new IllegalStateException("building the libtorch profile failed (exit code " + rc + "); last lines "
                    + "of " + out + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15),
                            lines.size())));
        }
        Files.deleteIfExists(out);
    }

    private static String mvn() {
        String home = System.getenv("MAVEN_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn").toString();
        }
        return "mvn";
    }

    private static int waitFor(ProcessBuilder pb, int minutes) throws IOException {
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + pb.command().get(0) + ": " + e.getMessage()
                    + " (is Maven installed and on PATH?)", e);
        }
        try {
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", pb.command()) + " did not finish within " + minutes
                        + " minutes");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + pb.command().get(0), e);
        }
    }

    /** Times every case in both layouts; results by {@link CompareCase#key()}. */
    public Map<String, Result> time(List<CompareCase> cases, int threads) throws IOException {
        ensureBuilt();
        Map<String, Map<String, Double>> ms = new LinkedHashMap<>();
        Map<String, List<String>> failures = new LinkedHashMap<>();
        Path work = Files.createTempDirectory("roots-libtorch");
        for (String layout : LAYOUTS) {
            Path csv = work.resolve(layout + ".csv");
            List<CompareCase> remaining = new ArrayList<>(cases);
            while (!remaining.isEmpty()) {
                int rc = runChild(layout, remaining, threads, csv, work);
                Map<String, Double> done = read(csv);
                done.forEach((k, v) -> ms.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(layout, v));
                remaining.removeIf(c -> done.containsKey(c.key()));
                if (remaining.isEmpty()) {
                    break;
                }
                CompareCase dead = remaining.remove(0);
                String why = layout + (rc > 128 ? " crashed" : " failed") + " (exit " + rc + ")";
                failures.computeIfAbsent(dead.key(), k -> new ArrayList<>()).add(why);
                log.println("bench compare: libtorch " + dead.key() + " " + why + (rc > 128
                        ? ", a native crash; its JVM error report is in " + work + "/hs_err_*.log" : "")
                        + "; continuing with the rest");
            }
        }
        Map<String, Result> out = new LinkedHashMap<>();
        for (CompareCase c : cases) {
            Map<String, Double> byLayout = ms.getOrDefault(c.key(), Map.of());
            String best = null;
            for (Map.Entry<String, Double> e : byLayout.entrySet()) {
                if (best == null || e.getValue() < byLayout.get(best)) {
                    best = e.getKey();
                }
            }
            String notes = String.join("; ", failures.getOrDefault(c.key(), List.of()));
            out.put(c.key(), best == null ? new Result(Double.NaN, "none", notes)
                    : new Result(byLayout.get(best), best, notes));
        }
        return out;
    }

    private int runChild(String layout, List<CompareCase> cases, int threads, Path csv, Path work)
            throws IOException {
        Path cp = buildDir().resolve("libtorch.classpath");
        String classpath = buildDir().resolve("classes") + java.io.File.pathSeparator + Files.readString(cp).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + work.resolve("hs_err_%p.log"),
                "-cp", classpath, MAIN, "--threads", Integer.toString(threads), "--layout", layout, "--out",
                csv.toString()));
        for (CompareCase c : cases) {
            cmd.add("--case");
            cmd.add(c.childSpec());
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(work.resolve("child-" + layout + ".out").toFile());
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        // glibc serves blocks above its mmap threshold (at most 32 MiB) with mmap and unmaps them on free, so every
        // activation of 32 MiB and more (ResNet-50 at batch 10: 64x112x112 and 256x56x56 floats) is page-faulted
        // in afresh on every forward: measured here 869k page faults and 680-1500 ms per forward against 142k and
        // 376-388 ms with the heap kept. A long-running libtorch service would tune this (or use jemalloc).
        pb.environment().put("MALLOC_MMAP_THRESHOLD_", Long.toString(1L << 30));
        pb.environment().put("MALLOC_TRIM_THRESHOLD_", Long.toString(1L << 32));
        pb.environment().put("MALLOC_TOP_PAD_", Long.toString(1L << 30));
        return waitFor(pb, 60);
    }

    /** model,variant,batch -> ms from a child CSV (empty when it does not exist yet). */
    static Map<String, Double> read(Path csv) throws IOException {
        Map<String, Double> m = new LinkedHashMap<>();
        if (!Files.exists(csv)) {
            return m;
        }
        List<String> lines = Files.readAllLines(csv);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            if (f.length == 6) {
                try {
                    m.put(f[0] + "," + f[1] + "," + f[2], Double.parseDouble(f[5]));
                } catch (NumberFormatException e) {
                    throw new IOException(csv + " line " + (i + 1) + ": bad time '" + f[5] + "'", e);
                }
            }
        }
        return m;
    }
}
