package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots bench compare}: stub, to be written by the reproduction work. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare models (not implemented yet)")
public final class BenchCompareCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots bench compare: not implemented yet");
        return 2;
    }
}
