package org.deeproots.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeproots.ops.spi.ConvGeometry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Every op of the OpenCL backend (PoCL in CI) against ScalarKernels, plus its failure messages. */
class OpenClBackendTest {
    private static OpenClBackend cl;

    @BeforeAll
    static void open() {
        cl = OpenClEnv.open();
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyOpMatchesScalarKernels() {
        List<OpCheck.Result> results = OpCheck.run(cl, 20170721L);
        assertTrue(results.size() > 150, "expected the full sweep, got " + results.size() + " comparisons");
        return results.stream().map(r -> DynamicTest.dynamicTest(r.op() + " " + r.geometry(),
                () -> assertTrue(r.pass(), r.toString())));
    }

    @Test
    void copiesAreCounted() {
        TransferStats before = cl.transfers();
        DeviceBuffer b = cl.upload(new float[] {1, -2, 3});
        cl.reluForward(b, b, 3);
        float[] out = cl.download(b);
        TransferStats d = cl.transfers().minus(before);
        assertEquals(1, d.uploads());
        assertEquals(12, d.uploadBytes());
        assertEquals(1, d.downloads());
        assertEquals(12, d.downloadBytes());
        assertEquals(1, d.launches());
        assertEquals(List.of(1f, 0f, 3f), List.of(out[0], out[1], out[2]));
        b.close();
    }

    @Test
    void badArgumentsAreNamed() {
        ConvGeometry g = ConvGeometry.of(1, 2, 2, 1, 4, 4, 3, 1, 1);
        DeviceBuffer in = cl.allocate(g.inputSize());
        DeviceBuffer w = cl.allocate(g.weightSize());
        DeviceBuffer small = cl.allocate(3);
        var e = assertThrows(IllegalArgumentException.class, () -> cl.conv2dForward(small, in, w, null, g));
        assertEquals("out has 3 elements, expected 32", e.getMessage());
        DeviceBuffer foreign = new CpuBackend(org.deeproots.ops.scalar.ScalarKernels.INSTANCE).allocate(32);
        e = assertThrows(IllegalArgumentException.class, () -> cl.conv2dForward(foreign, in, w, null, g));
        assertTrue(e.getMessage().contains("out belongs to backend cpu"), e.getMessage());
        in.close();
        w.close();
        small.close();
    }

    @Test
    void labelOutOfRangeThrows() {
        DeviceBuffer logits = cl.upload(new float[] {1, 2, 3, 4});
        DeviceBuffer probs = cl.allocate(4);
        DeviceBuffer labels = cl.upload(new int[] {1, 2});
        var e = assertThrows(IllegalArgumentException.class,
                () -> cl.softmaxCrossEntropyForward(probs, logits, labels, 2, 2));
        assertEquals("labels[1]=2 is out of range [0, 2)", e.getMessage());
    }

    @Test
    void outOfDeviceMemoryIsClear() {
        var e = assertThrows(OutOfDeviceMemoryException.class, () -> cl.allocateBytes(Long.MAX_VALUE / 2));
        assertTrue(e.getMessage().startsWith("OpenCL device out of memory"), e.getMessage());
        assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), e.getMessage());
    }

    @Test
    void buildFailureCarriesTheBuildLog() {
        String broken = KernelSource.resource("dr_gpu.h") + "\nKERNEL broken(GLOBAL float *out) { out[0] = undefined_x; }\n";
        var e = assertThrows(GpuException.class, () -> OpenClBackend.open(OpenClBackend.LIBRARY, broken).close());
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"), e.getMessage());
        assertTrue(e.getMessage().contains("build log:"), e.getMessage());
        assertTrue(e.getMessage().contains("undefined_x"), e.getMessage());
    }

    @Test
    void missingLoaderMakesTheBackendUnavailable() {
        var e = assertThrows(BackendUnavailableException.class,
                () -> OpenClBackend.open("/nonexistent/libOpenCL.so.1", "").close());
        assertTrue(e.getMessage().startsWith("/nonexistent/libOpenCL.so.1 not found"), e.getMessage());
    }

    @Test
    void devicesOpenByNameAndFallBackToTheCpu() {
        var e = assertThrows(IllegalArgumentException.class, () -> Devices.open("tpu"));
        assertEquals("device must be one of [cpu, opencl, cuda], got 'tpu'", e.getMessage());
        List<String> warnings = new ArrayList<>();
        try (Backend b = Devices.openOrCpu("cuda", warnings::add)) { // no NVIDIA driver on CI machines
            if (b.name().equals("cpu")) {
                assertEquals(1, warnings.size());
                assertTrue(warnings.get(0).startsWith("device cuda unavailable ("), warnings.get(0));
            }
        }
        try (Backend b = Devices.openOrCpu("cpu", warnings::add)) {
            assertEquals("cpu", b.name());
        }
    }

    /** With an empty vendors directory the ICD loader finds no platform: probe says so (fresh JVM). */
    @Test
    void noPlatformIsReported(@TempDir Path empty) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                ProbeMain.class.getName(), "opencl"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OCL_ICD_VENDORS", empty.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish");
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(out.contains("available=false"), out);
        assertTrue(out.contains("no OpenCL platform"), out);
        assertTrue(Files.isDirectory(empty));
    }
}
