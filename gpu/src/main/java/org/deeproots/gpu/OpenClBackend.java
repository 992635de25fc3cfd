package org.deeproots.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Backend} on an OpenCL device through the ICD loader {@code libOpenCL.so.1} (FFM, no JNI). The
 * kernels are the single-source C of {@code kernels/all.c}, built as OpenCL C once when the backend opens. The
 * first GPU device of any platform is used, else the first device (in CI: the CPU through PoCL).
 */
public final class OpenClBackend extends DeviceBackend {
    /** Library name of the ICD loader; override with {@code -Ddeeproots.opencl.library=...}. */
    public static final String LIBRARY = System.getProperty("deeproots.opencl.library", "libOpenCL.so.1");

    private final Arena arena = Arena.ofShared();
    private final OpenCl cl;
    private final MemorySegment device;
    private final MemorySegment context;
    private final MemorySegment queue;
    private final MemorySegment program;
    private final String deviceName;
    private final long maxAlloc;
    private final Map<String, MemorySegment> kernels = new HashMap<>();
    private final MemorySegment err;      // cl_int errcode_ret
    private final MemorySegment argValue; // one kernel argument value (a cl_mem, int or float)
    private final MemorySegment sizes;    // global size, local size (size_t[2])
    private final Set<ClBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private OpenClBackend(String library, String source) {
        cl = new OpenCl(library, arena);
        err = arena.allocate(JAVA_INT);
        argValue = arena.allocate(JAVA_LONG);
        sizes = arena.allocate(JAVA_LONG, 2);
        try {
            device = pickDevice();
            deviceName = infoString(device, OpenCl.CL_DEVICE_NAME);
            maxAlloc = infoLong(device, OpenCl.CL_DEVICE_MAX_MEM_ALLOC_SIZE);
            MemorySegment devs = arena.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            context = (MemorySegment) OpenCl.call(cl.createContext, MemorySegment.NULL, 1, devs, MemorySegment.NULL,
                    MemorySegment.NULL, err);
            OpenCl.check(err.get(JAVA_INT, 0), "clCreateContext");
            queue = (MemorySegment) OpenCl.call(cl.createCommandQueue, context, device, MemorySegment.NULL, err);
            OpenCl.check(err.get(JAVA_INT, 0), "clCreateCommandQueueWithProperties");
            program = build(source, devs);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens the first OpenCL device (a GPU if there is one) and builds the kernels.
     *
     * @throws BackendUnavailableException without an ICD loader, platform or device (the message says which)
     * @throws GpuException when the kernels do not build (the message holds the build log)
     */
    public static OpenClBackend open() {
        return new OpenClBackend(LIBRARY, KernelSource.openClSource());
    }

    /** Opens the device through another loader library and program source (tests: failures). */
    static OpenClBackend open(String library, String source) {
        return new OpenClBackend(library, source);
    }

    private MemorySegment pickDevice() {
        MemorySegment count = arena.allocate(JAVA_INT);
        int rc = (int) OpenCl.call(cl.getPlatformIDs, 0, MemorySegment.NULL, count);
        if (rc == OpenCl.CL_PLATFORM_NOT_FOUND_KHR || (rc == OpenCl.CL_SUCCESS && count.get(JAVA_INT, 0) == 0)) {
            throw new BackendUnavailableException("no OpenCL platform: the ICD loader found no driver in "
                    + "/etc/OpenCL/vendors (install pocl-opencl-icd for the CPU, or a GPU vendor's OpenCL driver)");
        }
        OpenCl.check(rc, "clGetPlatformIDs");
        int np = count.get(JAVA_INT, 0);
        MemorySegment platforms = arena.allocate(ADDRESS, np);
        OpenCl.check((int) OpenCl.call(cl.getPlatformIDs, np, platforms, count), "clGetPlatformIDs");
        for (long type : new long[] {OpenCl.CL_DEVICE_TYPE_GPU, OpenCl.CL_DEVICE_TYPE_ALL}) {
            for (int p = 0; p < np; p++) {
                MemorySegment dev = arena.allocate(ADDRESS);
                int r = (int) OpenCl.call(cl.getDeviceIDs, platforms.getAtIndex(ADDRESS, p), type, 1, dev, count);
                if (r == OpenCl.CL_SUCCESS && count.get(JAVA_INT, 0) > 0) {
                    return dev.get(ADDRESS, 0);
                }
            }
        }
        throw new BackendUnavailableException("OpenCL platform(s) found but no device in any of them");
    }

    private String infoString(MemorySegment dev, int param) {
        MemorySegment buf = arena.allocate(1024);
        OpenCl.check((int) OpenCl.call(cl.getDeviceInfo, dev, param, 1024L, buf, MemorySegment.NULL),
                "clGetDeviceInfo");
        return buf.getString(0).strip();
    }

    private long infoLong(MemorySegment dev, int param) {
        MemorySegment buf = arena.allocate(JAVA_LONG);
        OpenCl.check((int) OpenCl.call(cl.getDeviceInfo, dev, param, 8L, buf, MemorySegment.NULL),
                "clGetDeviceInfo");
        return buf.get(JAVA_LONG, 0);
    }

    private MemorySegment build(String source, MemorySegment devs) {
        MemorySegment src = arena.allocateFrom(source);
        MemorySegment strings = arena.allocate(ADDRESS);
        strings.set(ADDRESS, 0, src);
        MemorySegment prog = (MemorySegment) OpenCl.call(cl.createProgramWithSource, context, 1, strings,
                MemorySegment.NULL, err);
        OpenCl.check(err.get(JAVA_INT, 0), "clCreateProgramWithSource");
        int rc = (int) OpenCl.call(cl.buildProgram, prog, 1, devs, arena.allocateFrom("-cl-std=CL1.2"),
                MemorySegment.NULL, MemorySegment.NULL);
        if (rc != OpenCl.CL_SUCCESS) {
            String log = buildLog(prog);
            OpenCl.call(cl.releaseProgram, prog);
            throw new GpuException("OpenCL kernels failed to build on " + deviceName + ": clBuildProgram returned "
                    + OpenCl.errorName(rc) + "; build log:\n" + log);
        }
        return prog;
    }

    private String buildLog(MemorySegment prog) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        int rc = (int) OpenCl.call(cl.getProgramBuildInfo, prog, device, OpenCl.CL_PROGRAM_BUILD_LOG, 0L,
                MemorySegment.NULL, size);
        if (rc != OpenCl.CL_SUCCESS) {
            return "(no build log: clGetProgramBuildInfo returned " + OpenCl.errorName(rc) + ")";
        }
        long n = Math.max(1, size.get(JAVA_LONG, 0));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(n);
            OpenCl.call(cl.getProgramBuildInfo, prog, device, OpenCl.CL_PROGRAM_BUILD_LOG, n, buf,
                    MemorySegment.NULL);
            return buf.getString(0).strip();
        }
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String device() {
        return deviceName;
    }

    /** A buffer of this backend: the cl_mem handle. */
    private final class ClBuffer implements DeviceBuffer {
        final MemorySegment mem;
        final int elements;
        boolean released;

        ClBuffer(MemorySegment mem, int elements) {
            this.mem = mem;
            this.elements = elements;
        }

        @Override
        public int elements() {
            return elements;
        }

        @Override
        public Backend backend() {
            return OpenClBackend.this;
        }

        @Override
        public void close() {
            if (!released && !closed) {
                released = true;
                live.remove(this);
                OpenCl.call(cl.releaseMemObject, mem);
            }
        }
    }

    @Override
    public DeviceBuffer allocate(int elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("elements must be >= 1, got " + elements);
        }
        ClBuffer b = new ClBuffer(allocateBytes(4L * elements), elements);
        live.add(b);
        return b;
    }

    /** A raw cl_mem of {@code bytes} bytes (also used by tests to provoke an allocation failure). */
    MemorySegment allocateBytes(long bytes) {
        if (bytes > maxAlloc) {
            throw new OutOfDeviceMemoryException("OpenCL device out of memory: a buffer of " + bytes
                    + " bytes exceeds the largest allocation of " + deviceName + " (" + maxAlloc
                    + " bytes, CL_DEVICE_MAX_MEM_ALLOC_SIZE); use a smaller batch or network");
        }
        MemorySegment mem = (MemorySegment) OpenCl.call(cl.createBuffer, context, OpenCl.CL_MEM_READ_WRITE, bytes,
                MemorySegment.NULL, err);
        OpenCl.check(err.get(JAVA_INT, 0), "clCreateBuffer(" + bytes + " bytes)");
        return mem;
    }

    private ClBuffer own(DeviceBuffer b) {
        ClBuffer c = (ClBuffer) b;
        if (c.released) {
            throw new IllegalStateException("device buffer of " + c.elements + " elements used after close()");
        }
        return c;
    }

    @Override
    protected void write(DeviceBuffer dst, Object src, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = src instanceof float[] f ? a.allocateFrom(JAVA_FLOAT, f)
                    : a.allocateFrom(JAVA_INT, (int[]) src);
            OpenCl.check((int) OpenCl.call(cl.enqueueWriteBuffer, queue, own(dst).mem, 1, 0L, bytes, host, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueWriteBuffer");
        }
    }

    @Override
    protected void read(Object dst, DeviceBuffer src, long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(bytes, 4);
            OpenCl.check((int) OpenCl.call(cl.enqueueReadBuffer, queue, own(src).mem, 1, 0L, bytes, host, 0,
                    MemorySegment.NULL, MemorySegment.NULL), "clEnqueueReadBuffer");
            if (dst instanceof float[] f) {
                MemorySegment.copy(host, JAVA_FLOAT, 0, f, 0, f.length);
            } else {
                int[] i = (int[]) dst;
                MemorySegment.copy(host, JAVA_INT, 0, i, 0, i.length);
            }
        }
    }

    private MemorySegment kernel(String name) {
        MemorySegment k = kernels.get(name);
        if (k == null) {
            try (Arena a = Arena.ofConfined()) {
                k = (MemorySegment) OpenCl.call(cl.createKernel, program, a.allocateFrom(name), err);
            }
            OpenCl.check(err.get(JAVA_INT, 0), "clCreateKernel(" + name + ")");
            kernels.put(name, k);
        }
        return k;
    }

    @Override
    protected void launchKernel(String name, int items, Object... args) {
        MemorySegment k = kernel(name);
        for (int i = 0; i < args.length; i++) {
            long size;
            switch (args[i]) {
                case DeviceBuffer b -> {
                    argValue.set(ADDRESS, 0, own(b).mem);
                    size = ADDRESS.byteSize();
                }
                case Integer v -> {
                    argValue.set(JAVA_INT, 0, v);
                    size = 4;
                }
                case Float v -> {
                    argValue.set(JAVA_FLOAT, 0, v);
                    size = 4;
                }
                default -> throw new IllegalArgumentException("kernel " + name + " argument " + i
                        + " has unsupported type " + args[i].getClass().getName());
            }
            OpenCl.check((int) OpenCl.call(cl.setKernelArg, k, i, size, argValue),
                    "clSetKernelArg(" + name + ", " + i + ")");
        }
        long global = (items + (long) WORK_GROUP - 1) / WORK_GROUP * WORK_GROUP;
        sizes.setAtIndex(JAVA_LONG, 0, global);
        sizes.setAtIndex(JAVA_LONG, 1, WORK_GROUP);
        OpenCl.check((int) OpenCl.call(cl.enqueueNDRangeKernel, queue, k, 1, MemorySegment.NULL, sizes,
                sizes.asSlice(8), 0, MemorySegment.NULL, MemorySegment.NULL), "clEnqueueNDRangeKernel(" + name + ")");
    }

    @Override
    public void synchronize() {
        OpenCl.check((int) OpenCl.call(cl.finish, queue), "clFinish");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        super.close();
        closed = true; // buffers closed from here on are released below
        OpenCl.call(cl.finish, queue);
        for (ClBuffer b : live) {
            b.released = true;
            OpenCl.call(cl.releaseMemObject, b.mem);
        }
        live.clear();
        for (MemorySegment k : kernels.values()) {
            OpenCl.call(cl.releaseKernel, k);
        }
        OpenCl.call(cl.releaseProgram, program);
        OpenCl.call(cl.releaseCommandQueue, queue);
        OpenCl.call(cl.releaseContext, context);
        arena.close();
    }

    @Override
    public String toString() {
        return "opencl(" + deviceName + ")";
    }
}
