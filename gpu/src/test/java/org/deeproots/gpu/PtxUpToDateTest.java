package org.deeproots.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed PTX (kernels/deeproots.ptx) must be what nvcc makes of the committed kernel sources. Uses the PTX
 * the Maven build compiled (target/ptx, when nvcc is on the PATH), else compiles with nvcc here; skipped when there
 * is no nvcc. Comment lines (nvcc's version banner) are ignored, so another nvcc 13.x build does not fail it.
 */
class PtxUpToDateTest {

    static Path nvcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "nvcc");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void committedPtxMatchesAFreshCompile(@TempDir Path tmp) throws Exception {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not on the PATH: the committed PTX is not re-checked here");
        Path kernels = Path.of("src/main/resources/org/deeproots/gpu/kernels");
        assertTrue(Files.isDirectory(kernels), "run from the gpu module: " + kernels.toAbsolutePath());
        Path fresh = Path.of("target/ptx/deeproots.ptx");
        if (!Files.exists(fresh) || Files.getLastModifiedTime(fresh).compareTo(newestSource(kernels)) < 0) {
            fresh = tmp.resolve("deeproots.ptx");
            Process p = new ProcessBuilder(nvcc.toString(), "--ptx", "-arch=sm_90", "-x", "cu", "-o", fresh.toString(),
                    kernels.resolve("all.c").toString()).redirectErrorStream(true).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "nvcc timed out");
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.exitValue(), "nvcc failed:\n" + log);
        }
        String committed = code(Files.readString(kernels.resolve(KernelSource.PTX)));
        String compiled = code(Files.readString(fresh));
        assertTrue(committed.equals(compiled), "kernels/deeproots.ptx is stale: the kernel sources changed since it "
                + "was compiled. Refresh it with: mvn -pl gpu -am process-classes -Dptx.update=true");
        assertEquals(KernelSource.ptx(), Files.readString(kernels.resolve(KernelSource.PTX)),
                "the class path carries the committed PTX");
    }

    private static java.nio.file.attribute.FileTime newestSource(Path kernels) throws Exception {
        try (var s = Files.list(kernels)) {
            return s.filter(p -> !p.toString().endsWith(".ptx")).map(p -> {
                try {
                    return Files.getLastModifiedTime(p);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).max(java.nio.file.attribute.FileTime::compareTo).orElseThrow();
        }
    }

    /** The PTX without comment lines. */
    static String code(String ptx) {
        List<String> lines = ptx.lines().filter(l -> !l.startsWith("//")).toList();
        return lines.stream().collect(Collectors.joining("\n"));
    }

    @Test
    void ptxTargetsSm90AndHasEveryKernel() {
        String ptx = KernelSource.ptx();
        assertTrue(ptx.contains("\n.target sm_90\n"), "target sm_90");
        assertEquals("9.0", Cuda.ptxVersion(ptx));
        for (String k : List.of("conv2d_fwd", "conv2d_fwd_tiled", "conv2d_bwd_input", "conv2d_bwd_weight",
                "conv2d_bwd_weight_tiled", "sum_parts", "channel_sum", "linear_fwd",
                "linear_bwd_input", "linear_bwd_weight", "bn_stats", "bn_apply", "bn_inference", "bn_bwd_reduce",
                "bn_bwd_input", "maxpool_fwd", "maxpool_bwd", "avgpool_fwd", "avgpool_bwd", "gap_fwd", "gap_bwd",
                "relu_fwd", "relu_bwd", "add_fwd", "fill_f", "concat_fwd_part", "concat_bwd_part", "softmax_ce_fwd",
                "softmax_ce_bwd", "dropout_fwd", "mul_fwd", "sgd_update")) {
            assertTrue(ptx.contains(".entry " + k + "("), "PTX has kernel " + k);
        }
    }
}
