package org.deeproots.reproduce.report;

import org.deeproots.gpu.Devices;
import org.deeproots.ops.KernelProvider;
import org.deeproots.reproduce.paper.PaperFacts;
import org.deeproots.reproduce.sweep.ActivationProbe;
import org.deeproots.reproduce.sweep.NinActivationProbe;
import org.deeproots.reproduce.timing.CpuEngine;
import org.deeproots.reproduce.timing.GpuEngine;
import org.deeproots.reproduce.timing.ForwardEngine;

/** The real implementations behind the reproduction's interfaces (runtime, paper facts, GPU backends). */
public final class Collaborators {
    private Collaborators() {
    }

    /**
     * The forward engine for a device.
     *
     * @throws IllegalArgumentException for an unknown device name
     * @throws IllegalStateException    when the device's backend is not available
     */
    public static ForwardEngine forDevice(String device) {
        switch (device) {
            case "cpu" -> {
                return new CpuEngine(KernelProvider.kernels());
            }
            case "opencl", "cuda" -> {
                // BackendUnavailableException (an IllegalStateException) says why the device cannot run here
                return new GpuEngine(Devices.open(device));
            }
            default -> throw new IllegalArgumentException("--device must be cpu, opencl or cuda, got '" + device + "'");
        }
    }

    /** The paper's numbers. */
    public static PaperNumbers paperNumbers() {
        return new PaperFactsNumbers(PaperFacts.load());
    }

    /** Loads trained NiN checkpoints and records layer outputs on the test images of {@code data}. */
    public static ActivationProbe activationProbe(String data) {
        return new NinActivationProbe(data, KernelProvider.kernels());
    }
}
