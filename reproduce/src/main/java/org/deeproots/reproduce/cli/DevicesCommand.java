package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots devices}: List compute backends (cpu, opencl, cuda) and why one is unavailable (not built yet). */
@Command(name = "devices", mixinStandardHelpOptions = true, description = "List compute backends (cpu, opencl, cuda) and why one is unavailable")
public final class DevicesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots devices: not implemented yet");
        return 2;
    }
}
