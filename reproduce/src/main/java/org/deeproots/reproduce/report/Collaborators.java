package org.deeproots.reproduce.report;

import org.deeproots.reproduce.sweep.ActivationProbe;
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
            case "cpu" -> throw new IllegalStateException("the CPU runtime (org.deeproots.nn.runtime) is not built "
                    + "yet; timings need it");
            case "opencl", "cuda" -> throw new IllegalStateException("--device " + device
                    + ": GPU forward timing is not wired into roots reproduce yet");
            default -> throw new IllegalArgumentException("--device must be cpu, opencl or cuda, got '" + device + "'");
        }
    }

    /** The paper's numbers. */
    public static PaperNumbers paperNumbers() {
        return PaperNumbers.NONE;
    }

    /** Loads trained checkpoints and records layer outputs (null while the runtime cannot). */
    public static ActivationProbe activationProbe() {
        return null;
    }
}
