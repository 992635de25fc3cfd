package org.deeproots.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA binding against a host-only mock of libcuda.so.1, compiled here with gcc (skipped without gcc):
 * argument marshalling (handles, sizes, grid and block, kernel parameters) and CUDA errors turned into exceptions
 * that name the error.
 */
class CudaMockTest {
    @TempDir
    static Path dir;
    private static String lib;
    private static MethodHandle fail;
    private static MethodHandle log;
    private static MethodHandle reset;

    @BeforeAll
    static void buildMock() throws Exception {
        Path src = dir.resolve("mock_libcuda.c");
        try (InputStream in = CudaMockTest.class.getResourceAsStream("mock_libcuda.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path so = dir.resolve("libcuda.so.1");
        Process p;
        try {
            p = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-o", so.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "gcc not found, CUDA mock tests skipped: " + e.getMessage());
            return;
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "gcc timed out");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), "gcc failed: " + out);
        lib = so.toString();
        SymbolLookup l = SymbolLookup.libraryLookup(so, Arena.global()); // keeps the mock loaded, state shared
        Linker linker = Linker.nativeLinker();
        fail = linker.downcallHandle(l.find("mock_fail").orElseThrow(),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        log = linker.downcallHandle(l.find("mock_log").orElseThrow(), FunctionDescriptor.of(ADDRESS));
        reset = linker.downcallHandle(l.find("mock_reset").orElseThrow(), FunctionDescriptor.ofVoid());
    }

    @BeforeEach
    void resetMock() throws Throwable {
        reset.invoke();
    }

    private static void failNext(String fn, int code) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            fail.invoke(a.allocateFrom(fn), code);
        }
    }

    private static String callLog() throws Throwable {
        return ((MemorySegment) log.invoke()).reinterpret(1 << 16).getString(0);
    }

    private static CudaBackend open() {
        return CudaBackend.open(lib, KernelSource.ptx());
    }

    @Test
    void opensThePrimaryContextAndLoadsThePtx() throws Throwable {
        try (CudaBackend cu = open()) {
            assertEquals("Mock GPU 7 (sm_90, driver API 13.0)", cu.device());
        }
        String log = callLog();
        assertTrue(log.startsWith("cuInit flags=0\ncuDeviceGetCount\ncuDeviceGet ordinal=0\n"
                + "cuDeviceGetName len=256 dev=7\n"), log);
        assertTrue(log.contains("cuDeviceGetAttribute attr=75 dev=7\ncuDeviceGetAttribute attr=76 dev=7\n"), log);
        assertTrue(log.contains("cuDevicePrimaryCtxRetain dev=7\ncuCtxSetCurrent ctx=primary\n"), log);
        assertTrue(log.contains("cuModuleLoadData len=" + KernelSource.ptx().length() + " version=1\n"), log);
        assertTrue(log.endsWith("cuModuleUnload module=ok\ncuDevicePrimaryCtxRelease_v2 dev=7\n"), log);
    }

    @Test
    void marshalsBuffersScalarsAndLaunchGeometry() throws Throwable {
        try (CudaBackend cu = open()) {
            float[] a = new float[300];
            float[] b = new float[300];
            for (int i = 0; i < 300; i++) {
                a[i] = i - 150;
                b[i] = 0.5f * i;
            }
            DeviceBuffer da = cu.upload(a);
            DeviceBuffer db = cu.upload(b);
            DeviceBuffer out = cu.allocate(300);
            cu.addForward(out, da, db, 300);
            float[] sum = cu.download(out);
            for (int i = 0; i < 300; i++) {
                assertEquals(a[i] + b[i], sum[i], "add_fwd element " + i);
            }
            cu.reluForward(out, da, 300);
            float[] r = cu.download(out);
            assertEquals(0f, r[10]);
            assertEquals(149f, r[299]);
            cu.fill(out, -2.25f, 300);
            float[] filled = new float[300];
            java.util.Arrays.fill(filled, -2.25f);
            assertArrayEquals(filled, cu.download(out));
            cu.synchronize();
            TransferStats t = cu.transfers();
            assertEquals(2, t.uploads());
            assertEquals(2400, t.uploadBytes());
            assertEquals(3, t.downloads());
            assertEquals(3, t.launches());
        }
        String log = callLog();
        assertTrue(log.contains("cuMemAlloc_v2 bytes=1200\ncuMemcpyHtoD_v2 bytes=1200\n"), log);
        // 300 items in blocks of 128: a grid of 3
        assertTrue(log.contains("cuModuleGetFunction add_fwd module=ok\n"
                + "cuLaunchKernel add_fwd grid=3,1,1 block=128,1,1 shared=0 stream=(nil) extra=(nil)\n"), log);
        assertTrue(log.contains("cuMemcpyDtoH_v2 bytes=1200"), log);
        assertTrue(log.contains("cuCtxSynchronize"), log);
        assertEquals(3, log.split("cuMemFree_v2", -1).length - 1, "every buffer freed on close: " + log);
    }

    @Test
    void outOfMemoryNamesTheCudaError() throws Throwable {
        try (CudaBackend cu = open()) {
            failNext("cuMemAlloc_v2", 2);
            var e = assertThrows(OutOfDeviceMemoryException.class, () -> cu.allocate(1 << 20));
            assertEquals("CUDA device out of memory: cuMemAlloc_v2(4194304 bytes) returned "
                    + "CUDA_ERROR_OUT_OF_MEMORY (2); use a smaller batch or network", e.getMessage());
        }
    }

    @Test
    void unsupportedPtxSaysTheDriverIsTooOld() throws Throwable {
        failNext("cuModuleLoadData", 222);
        var e = assertThrows(GpuException.class, CudaMockTest::open);
        assertTrue(e.getMessage().startsWith("cuModuleLoadData returned CUDA_ERROR_UNSUPPORTED_PTX_VERSION (222): "
                + "the NVIDIA driver is too old for the PTX (ISA 9.0"), e.getMessage());
        assertTrue(callLog().endsWith("cuDevicePrimaryCtxRelease_v2 dev=7\n"), "context released on failure");
    }

    @Test
    void launchFailureNamesTheKernelAndError() throws Throwable {
        try (CudaBackend cu = open()) {
            DeviceBuffer x = cu.allocate(5);
            failNext("cuLaunchKernel", 719);
            var e = assertThrows(GpuException.class, () -> cu.reluForward(x, x, 5));
            assertEquals("cuLaunchKernel(relu_fwd) returned CUDA_ERROR_LAUNCH_FAILED (719)", e.getMessage());
        }
    }

    @Test
    void noDeviceMakesTheBackendUnavailable() throws Throwable {
        failNext("cuInit", 100);
        var e = assertThrows(BackendUnavailableException.class, CudaMockTest::open);
        assertEquals("cuInit: no CUDA-capable device (CUDA_ERROR_NO_DEVICE)", e.getMessage());
    }

    @Test
    void unknownErrorCodeStillReported() throws Throwable {
        try (CudaBackend cu = open()) {
            failNext("cuMemcpyHtoD_v2", 9999);
            DeviceBuffer x = cu.allocate(2);
            var e = assertThrows(GpuException.class, () -> cu.upload(x, new float[] {1, 2}));
            assertEquals("cuMemcpyHtoD_v2 returned CUDA error 9999 (9999)", e.getMessage());
        }
    }

    @Test
    void missingDriverMakesTheBackendUnavailable() {
        var e = assertThrows(BackendUnavailableException.class,
                () -> CudaBackend.open(dir.resolve("nope/libcuda.so.1").toString(), "").close());
        assertTrue(e.getMessage().contains("not found: no NVIDIA driver is installed"), e.getMessage());
    }
}
