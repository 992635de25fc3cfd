package org.deeproots.reproduce;

import java.util.concurrent.Callable;
import org.deeproots.reproduce.cli.BenchCommand;
import org.deeproots.reproduce.cli.DevicesCommand;
import org.deeproots.reproduce.cli.EvalCommand;
import org.deeproots.reproduce.cli.JlinkCommand;
import org.deeproots.reproduce.cli.ReproduceCommand;
import org.deeproots.reproduce.cli.SummaryCommand;
import org.deeproots.reproduce.cli.TableCommand;
import org.deeproots.reproduce.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code roots} command line. Without a subcommand it runs the main job (see {@link #call()}). */
@Command(name = "roots", mixinStandardHelpOptions = true, version = "deeproots 0.1.0",
        description = "Deep Roots (Ioannou et al., CVPR 2017) in pure Java: cost tables, kernels, training and the "
                + "paper's reproduction.",
        subcommands = {TableCommand.class, SummaryCommand.class, BenchCommand.class, TrainCommand.class,
                EvalCommand.class, ReproduceCommand.class, DevicesCommand.class, JlinkCommand.class,
                CommandLine.HelpCommand.class})
public final class Roots implements Callable<Integer> {

    /** The main job: the full reproduction on its defaults. */
    @Override
    public Integer call() {
        return new CommandLine(new ReproduceCommand()).execute();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Roots());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException) {
                cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }
}
