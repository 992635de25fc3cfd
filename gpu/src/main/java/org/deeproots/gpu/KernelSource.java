package org.deeproots.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The single-source kernels as resources: {@code kernels/all.c} with its {@code #include "x"} lines resolved
 * (the OpenCL program source), and the PTX that nvcc made from the same file ({@code kernels/deeproots.ptx}).
 */
public final class KernelSource {
    /** Resource folder of the kernels. */
    public static final String DIR = "/org/deeproots/gpu/kernels/";
    /** Name of the committed PTX resource. */
    public static final String PTX = "deeproots.ptx";

    private KernelSource() {
    }

    /** OpenCL C source: all.c with every local include inlined once. */
    public static String openClSource() {
        StringBuilder out = new StringBuilder();
        inline("all.c", out, new HashSet<>());
        return out.toString();
    }

    private static void inline(String file, StringBuilder out, Set<String> seen) {
        if (!seen.add(file)) {
            return;
        }
        for (String line : resource(file).split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("#include \"") && t.endsWith("\"")) {
                inline(t.substring("#include \"".length(), t.length() - 1), out, seen);
            } else {
                out.append(line).append('\n');
            }
        }
    }

    /** The committed PTX (CUDA), compiled by {@code nvcc --ptx -arch=sm_90} from all.c. */
    public static String ptx() {
        return resource(PTX);
    }

    /** Text of a resource in the kernels folder. */
    public static String resource(String name) {
        try (InputStream in = KernelSource.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("kernel resource " + DIR + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel resource " + DIR + name, e);
        }
    }
}
