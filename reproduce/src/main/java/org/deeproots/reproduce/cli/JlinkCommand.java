package org.deeproots.reproduce.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code roots jlink}: Build a jlink'd Java runtime for machines without Java (not built yet). */
@Command(name = "jlink", mixinStandardHelpOptions = true, description = "Build a jlink'd Java runtime for machines without Java")
public final class JlinkCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("roots jlink: not implemented yet");
        return 2;
    }
}
