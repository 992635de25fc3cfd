package org.deeproots.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeproots.ops.KernelProvider;

/**
 * Entry points for the command line: list the backends ({@link #probe()}) and open one by name
 * ({@link #open(String)}), as {@code --device cpu|opencl|cuda} does.
 *
 * <pre>{@code
 * try (Backend b = Devices.open("opencl")) {   // BackendUnavailableException says why not
 *     GpuNetwork net = new GpuNetwork(b, Models.create("nin", "root-4"), 64, 42L);
 * }
 * }</pre>
 */
public final class Devices {
    /** Backend names in the order they are listed. */
    public static final List<String> NAMES = List.of("cpu", "opencl", "cuda");

    private Devices() {
    }

    /**
     * Opens the named backend: {@code cpu} (the CPU kernels of {@link KernelProvider}), {@code opencl} or
     * {@code cuda}.
     *
     * @throws IllegalArgumentException for an unknown name
     * @throws BackendUnavailableException when the backend cannot run here (the message says why)
     */
    public static Backend open(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> new CpuBackend(KernelProvider.kernels());
            case "opencl" -> OpenClBackend.open();
            case "cuda" -> CudaBackend.open();
            default -> throw new IllegalArgumentException("device must be one of " + NAMES + ", got '" + name + "'");
        };
    }

    /**
     * Opens the named backend, or the CPU backend when it is unavailable here: the reason goes to {@code warn}
     * (e.g. {@code System.err::println}), so that a run asked for {@code cuda} on a machine without a driver still
     * runs, on the CPU kernels. An unknown name still throws IllegalArgumentException.
     */
    public static Backend openOrCpu(String name, java.util.function.Consumer<String> warn) {
        try {
            return open(name);
        } catch (BackendUnavailableException e) {
            warn.accept("device " + name + " unavailable (" + oneLine(e.getMessage()) + "); running on the CPU");
            return open("cpu");
        }
    }

    /** Opens every backend once to see whether it runs here; never throws for an unavailable one. */
    public static List<BackendInfo> probe() {
        List<BackendInfo> out = new ArrayList<>();
        for (String n : NAMES) {
            out.add(probe(n));
        }
        return out;
    }

    /** Probes one backend by name. */
    public static BackendInfo probe(String name) {
        try (Backend b = open(name)) {
            return new BackendInfo(name, true, b.device(), "");
        } catch (GpuException | LinkageError e) {
            return new BackendInfo(name, false, "", oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }
}
