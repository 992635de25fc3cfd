package org.deeproots.reproduce.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeproots.reproduce.Roots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roots jlink}: a self-contained bundle for machines without Java (e.g. a GPU host):
 * {@code DIR/deeproots-runtime.tar.gz} holding {@code deeproots/java} (a jlink'd Java 25 with only the modules the
 * jars need, found by jdeps, plus jdk.incubator.vector), {@code deeproots/lib} (the jars), {@code deeproots/roots}
 * (the launcher) and {@code deeproots/gpu} (check.sh and torch_bench.py). Needs a JDK (jlink, jdeps) and the
 * packaged jars (run through ./roots).
 */
@Command(name = "jlink", mixinStandardHelpOptions = true,
        description = {"Build a jlink'd Java 25 runtime with the deeproots jars as a tar.gz, for machines without "
                + "Java (e.g. a GPU host: unpack it and run deeproots/gpu/check.sh)."})
public final class JlinkCommand implements Callable<Integer> {
    /** File name of the bundle. */
    public static final String BUNDLE = "deeproots-runtime.tar.gz";
    /** Modules always linked (the Vector API is loaded reflectively, so jdeps may not see it). */
    static final List<String> BASE_MODULES = List.of("java.base", "jdk.incubator.vector");

    @Option(names = "--out", defaultValue = "dist", paramLabel = "DIR",
            description = "directory for " + BUNDLE + " (default: ${DEFAULT-VALUE})")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter log = spec.commandLine().getErr();
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path jlink = javaHome.resolve("bin/jlink");
        if (!Files.isExecutable(jlink)) {
            throw new IllegalStateException("jlink not found at " + jlink + ": run roots jlink with a JDK 25, not a JRE");
        }
        List<Path> jars = applicationJars();
        Files.createDirectories(out);
        Path staging = Files.createTempDirectory(out, ".jlink-");
        try {
            Path root = staging.resolve("deeproots");
            Path lib = Files.createDirectories(root.resolve("lib"));
            for (Path j : jars) {
                Files.copy(j, lib.resolve(j.getFileName()));
            }
            List<String> modules = modules(javaHome.resolve("bin/jdeps"), jars, log);
            log.println("roots jlink: linking " + String.join(",", modules) + " from " + javaHome);
            log.flush();
            run(List.of(jlink.toString(), "--add-modules", String.join(",", modules), "--strip-debug",
                    "--no-man-pages", "--no-header-files", "--compress=zip-9", "--output",
                    root.resolve("java").toString()), 600);
            Path gpu = Files.createDirectories(root.resolve("gpu"));
            for (String s : List.of("check.sh", "torch_bench.py")) {
                copyResource("/org/deeproots/gpu/check/" + s, gpu.resolve(s));
            }
            Path launcher = root.resolve("roots");
            Files.writeString(launcher, """
                    #!/usr/bin/env bash
                    # deeproots launcher of the jlink'd bundle: runs the roots CLI on the bundled Java.
                    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
                    exec "$here/java/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \\
                      ${ROOTS_JAVA_OPTS:-} -cp "$here/lib/*" org.deeproots.reproduce.Roots "$@"
                    """, StandardCharsets.UTF_8);
            executable(launcher);
            Path tmp = out.resolve(BUNDLE + ".tmp");
            run(List.of("tar", "-czf", tmp.toString(), "-C", staging.toString(), "deeproots"), 600);
            Path bundle = Files.move(tmp, out.resolve(BUNDLE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().printf("%s (%.1f MB): unpack with tar -xzf, then run deeproots/roots or "
                    + "deeproots/gpu/check.sh%n", bundle, Files.size(bundle) / 1e6);
            spec.commandLine().getOut().flush();
            return 0;
        } finally {
            deleteTree(staging);
        }
    }

    /** The jar holding the CLI and the jars beside it in lib/ (the ./roots layout). */
    static List<Path> applicationJars() throws IOException {
        Path self;
        try {
            self = Path.of(Roots.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the deeproots jar: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(self) || !self.toString().endsWith(".jar")) {
            throw new IllegalStateException("roots jlink needs the packaged jars, but the CLI runs from " + self
                    + "; build with mvn package and run ./roots jlink");
        }
        List<Path> jars = new ArrayList<>(List.of(self));
        Path lib = self.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> s = Files.list(lib)) {
                s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
        }
        return jars;
    }

    /** BASE_MODULES plus what jdeps finds the jars use (BASE_MODULES alone when jdeps is missing or fails). */
    static List<String> modules(Path jdeps, List<Path> jars, PrintWriter log) {
        TreeSet<String> m = new TreeSet<>(BASE_MODULES);
        if (Files.isExecutable(jdeps)) {
            List<String> cmd = new ArrayList<>(List.of(jdeps.toString(), "--print-module-deps",
                    "--ignore-missing-deps", "--multi-release", "25"));
            jars.forEach(j -> cmd.add(j.toString()));
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0 && !text.isEmpty()) {
                    for (String s : text.lines().reduce((a, b) -> b).orElse("").split(",")) {
                        if (!s.isBlank()) {
                            m.add(s.strip());
                        }
                    }
                } else {
                    log.println("roots jlink: jdeps gave no module list; linking " + m);
                }
            } catch (IOException | InterruptedException e) {
                log.println("roots jlink: jdeps failed (" + e.getMessage() + "); linking " + m);
            }
        }
        return List.copyOf(m);
    }

    private static void run(List<String> cmd, int timeoutS) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(cmd.get(0) + " did not finish in " + timeoutS + " s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): " + text.strip());
        }
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = JlinkCommand.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("resource " + name + " is missing from the deeproots-gpu jar");
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        executable(to);
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
