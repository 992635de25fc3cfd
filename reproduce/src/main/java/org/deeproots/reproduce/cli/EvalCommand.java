package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots eval}: Evaluate a checkpoint (not built yet). */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint")
public final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots eval: not implemented yet");
        return 2;
    }
}
