package org.deeproots.reproduce.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeproots.gpu.BackendInfo;
import org.deeproots.gpu.Devices;
import org.deeproots.reproduce.format.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code roots devices}: the compute backends (cpu, opencl, cuda), whether each runs here, on which device, and
 * why not. Each backend is opened once (OpenCL builds its kernels, CUDA loads its PTX) and closed again.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = {"List compute backends (cpu, opencl, cuda), the device of each and why one is unavailable.",
            "Use one with --device on bench, train and reproduce."})
public final class DevicesCommand implements Callable<Integer> {
    /** Header of the CSV output. */
    public static final String CSV_HEADER = "backend,available,device,reason";

    @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT",
            description = "md (Markdown table) or csv (default: ${DEFAULT-VALUE})")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!format.equals("md") && !format.equals("csv")) {
            throw new IllegalArgumentException("unknown --format '" + format + "'; valid formats: md, csv");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(render(Devices.probe(), format));
        out.flush();
        return 0;
    }

    /** The probe results as CSV ({@value #CSV_HEADER}) or a Markdown table. */
    static String render(List<BackendInfo> infos, String format) {
        Tables t = new Tables(CSV_HEADER.split(","));
        for (BackendInfo i : infos) {
            t.row(i.backend(), Boolean.toString(i.available()), i.device(), i.reason());
        }
        return format.equals("csv") ? t.csv() : t.markdown();
    }
}
