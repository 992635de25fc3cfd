package org.deeproots.reproduce.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.deeproots.gpu.BackendInfo;
import org.deeproots.gpu.Devices;
import org.deeproots.nn.model.Models;
import org.deeproots.reproduce.report.Collaborators;
import org.junit.jupiter.api.Test;

/** {@code --device} of roots reproduce: a GPU backend as the forward engine, or a clear refusal. */
class GpuEngineTest {

    @Test
    void openClEngineRunsATinyNetwork() {
        BackendInfo cl = Devices.probe("opencl");
        assumeTrue(cl.available(), "no OpenCL device here: " + cl.reason());
        ForwardEngine engine = Collaborators.forDevice("opencl");
        assertEquals("deeproots-opencl", engine.name());
        assertTrue(engine.kernels().startsWith("opencl"), engine.kernels());
        try (ForwardEngine.Forward f = engine.prepare(Models.create("nin", "root-4", new int[] {1, 8, 8}, 3), 2)) {
            f.run();
            f.run();
        }
    }

    @Test
    void unavailableDeviceIsRefusedWithItsReason() {
        BackendInfo cuda = Devices.probe("cuda");
        assumeTrue(!cuda.available(), "a CUDA device is present");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Collaborators.forDevice("cuda"));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void unknownDeviceIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Collaborators.forDevice("tpu"));
        assertTrue(e.getMessage().contains("tpu"), e.getMessage());
    }
}
