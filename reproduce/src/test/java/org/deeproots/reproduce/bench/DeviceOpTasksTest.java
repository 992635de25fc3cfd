package org.deeproots.reproduce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.deeproots.gpu.Backend;
import org.deeproots.gpu.BackendInfo;
import org.deeproots.gpu.Devices;
import org.deeproots.reproduce.bench.OpBench.Layer;
import org.deeproots.reproduce.bench.OpBench.Op;
import org.deeproots.reproduce.bench.OpBench.Row;
import org.junit.jupiter.api.Test;

/** {@code roots bench ops --device}: every op runs on the GPU backend (PoCL in CI); no timing is asserted. */
class DeviceOpTasksTest {
    private static final Layer TINY = new Layer("tiny", 4, 8, 6, 3, 1, new int[] {1, 2, 4});

    @Test
    void everyOpRunsOnOpenClAndRowsHaveAnEmptyPeakFraction() {
        BackendInfo cl = Devices.probe("opencl");
        assumeTrue(cl.available(), "no OpenCL device here: " + cl.reason());
        try (Backend b = Devices.open("opencl"); DeviceOpTasks tasks = new DeviceOpTasks(b)) {
            List<Row> rows = OpBench.run(tasks, List.of(Op.values()), List.of(TINY), new int[] {2}, new int[] {1, 4},
                    1, Double.NaN, new OpBench.Settings(0, 1, 1, 0), r -> { });
            assertEquals(3 * 2 + 4, rows.size());
            for (Row r : rows) {
                assertTrue(r.ms() >= 0, r.toString());
                assertTrue(r.csv().endsWith(","), "peak_fraction must be empty for a device: " + r.csv());
            }
            // buffers are made once per shape and reused: a timed run launches kernels but copies nothing
            Runnable conv = tasks.task(Op.CONV_FWD, TINY, 2, 4);
            assertSame(conv, tasks.task(Op.CONV_FWD, TINY, 2, 4));
            var before = b.transfers();
            conv.run();
            var delta = b.transfers().minus(before);
            assertEquals(0, delta.uploads() + delta.downloads(), delta.toString());
            assertTrue(delta.launches() >= 1, delta.toString());
        }
    }
}
