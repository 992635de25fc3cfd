package org.deeproots.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Opens the OpenCL backend once per test class. Skips cleanly when there is no OpenCL platform, except in CI
 * ({@code CI=true}) with a PoCL ICD registered in /etc/OpenCL/vendors: there the tests must run, so the backend
 * being unavailable is a failure.
 */
final class OpenClEnv {
    private OpenClEnv() {
    }

    /** True when CI=true and /etc/OpenCL/vendors lists a pocl ICD. */
    static boolean mustRun() {
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) {
            return false;
        }
        Path vendors = Path.of("/etc/OpenCL/vendors");
        if (!Files.isDirectory(vendors)) {
            return false;
        }
        try (Stream<Path> s = Files.list(vendors)) {
            return s.anyMatch(p -> p.getFileName().toString().toLowerCase().contains("pocl"));
        } catch (IOException e) {
            return false;
        }
    }

    /** The backend, or a skipped test (failed in CI with PoCL) when OpenCL is unavailable. */
    static OpenClBackend open() {
        try {
            return OpenClBackend.open();
        } catch (BackendUnavailableException e) {
            if (mustRun()) {
                throw new AssertionError("CI=true and PoCL is registered in /etc/OpenCL/vendors, but the OpenCL "
                        + "backend is unavailable: " + e.getMessage(), e);
            }
            assumeTrue(false, "OpenCL backend unavailable, tests skipped: " + e.getMessage());
            throw e;
        }
    }
}
