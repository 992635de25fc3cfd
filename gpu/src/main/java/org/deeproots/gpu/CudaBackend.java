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
 * The {@link Backend} on an NVIDIA GPU through the CUDA driver API ({@code libcuda.so.1}, FFM, no JNI). It uses
 * the device's primary context and loads the PTX that nvcc compiled ahead of time from the same single-source
 * kernels as the OpenCL backend ({@code kernels/deeproots.ptx}, {@code nvcc --ptx -arch=sm_90}). Copies are
 * synchronous on the default stream, launches are asynchronous on it; {@link #synchronize()} waits.
 */
public final class CudaBackend extends DeviceBackend {
    /** Driver library name or path; override with {@code -Ddeeproots.cuda.library=...}. */
    public static final String LIBRARY = System.getProperty("deeproots.cuda.library", "libcuda.so.1");

    private final Arena arena = Arena.ofShared();
    private final Cuda cu;
    private final int device;
    private final MemorySegment context;
    private final MemorySegment module;
    private final String deviceName;
    private final Map<String, MemorySegment> functions = new HashMap<>();
    private final Set<CuBuffer> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final MemorySegment params = arena.allocate(ADDRESS, 32); // void* kernelParams[]
    private final MemorySegment values = arena.allocate(JAVA_LONG, 32); // the argument values they point to
    private Thread current;
    private boolean closed;

    private CudaBackend(String library, String ptx) {
        cu = new Cuda(library, arena);
        try {
            int rc = (int) Cuda.call(cu.init, 0);
            if (rc == Cuda.CUDA_ERROR_NO_DEVICE) {
                throw new BackendUnavailableException("cuInit: no CUDA-capable device (CUDA_ERROR_NO_DEVICE)");
            }
            if (rc != Cuda.CUDA_SUCCESS) {
                throw new BackendUnavailableException("cuInit returned " + cu.errorName(rc) + " (" + rc + ")");
            }
            MemorySegment i = arena.allocate(JAVA_INT);
            cu.check((int) Cuda.call(cu.deviceGetCount, i), "cuDeviceGetCount");
            if (Cuda.readInt(i) < 1) {
                throw new BackendUnavailableException("the NVIDIA driver reports no CUDA device");
            }
            cu.check((int) Cuda.call(cu.deviceGet, i, 0), "cuDeviceGet");
            device = Cuda.readInt(i);
            MemorySegment name = arena.allocate(256);
            cu.check((int) Cuda.call(cu.deviceGetName, name, 256, device), "cuDeviceGetName");
            cu.check((int) Cuda.call(cu.deviceGetAttribute, i, Cuda.ATTR_COMPUTE_CAPABILITY_MAJOR, device),
                    "cuDeviceGetAttribute");
            int major = Cuda.readInt(i);
            cu.check((int) Cuda.call(cu.deviceGetAttribute, i, Cuda.ATTR_COMPUTE_CAPABILITY_MINOR, device),
                    "cuDeviceGetAttribute");
            int minor = Cuda.readInt(i);
            cu.check((int) Cuda.call(cu.driverGetVersion, i), "cuDriverGetVersion");
            int driver = Cuda.readInt(i);
            deviceName = name.getString(0).strip() + " (sm_" + major + minor + ", driver API "
                    + driver / 1000 + "." + driver % 1000 / 10 + ")";
            MemorySegment p = arena.allocate(ADDRESS);
            cu.check((int) Cuda.call(cu.primaryCtxRetain, p, device), "cuDevicePrimaryCtxRetain");
            context = p.get(ADDRESS, 0);
            makeCurrent();
            try {
                cu.check((int) Cuda.call(cu.moduleLoadData, p, arena.allocateFrom(ptx)), "cuModuleLoadData");
            } catch (RuntimeException e) {
                Cuda.call(cu.primaryCtxRelease, device);
                throw e;
            }
            module = p.get(ADDRESS, 0);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Opens CUDA device 0 through {@link #LIBRARY} and loads the committed PTX.
     *
     * @throws BackendUnavailableException without a driver or device (the message says which)
     * @throws GpuException when the PTX does not load (e.g. CUDA_ERROR_UNSUPPORTED_PTX_VERSION: driver too old)
     */
    public static CudaBackend open() {
        return new CudaBackend(LIBRARY, KernelSource.ptx());
    }

    /** Opens device 0 through the driver library at {@code library} (tests: a mock driver). */
    static CudaBackend open(String library, String ptx) {
        return new CudaBackend(library, ptx);
    }

    private void makeCurrent() {
        if (current != Thread.currentThread()) {
            cu.check((int) Cuda.call(cu.ctxSetCurrent, context), "cuCtxSetCurrent");
            current = Thread.currentThread();
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String device() {
        return deviceName;
    }

    /** A buffer of this backend: a CUdeviceptr. */
    private final class CuBuffer implements DeviceBuffer {
        final long ptr;
        final int elements;
        boolean released;

        CuBuffer(long ptr, int elements) {
            this.ptr = ptr;
            this.elements = elements;
        }

        @Override
        public int elements() {
            return elements;
        }

        @Override
        public Backend backend() {
            return CudaBackend.this;
        }

        @Override
        public void close() {
            if (!released && !closed) {
                released = true;
                live.remove(this);
                makeCurrent();
                cu.check((int) Cuda.call(cu.memFree, ptr), "cuMemFree_v2");
            }
        }
    }

    @Override
    public DeviceBuffer allocate(int elements) {
        if (elements < 1) {
            throw new IllegalArgumentException("elements must be >= 1, got " + elements);
        }
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            cu.check((int) Cuda.call(cu.memAlloc, p, 4L * elements), "cuMemAlloc_v2(" + 4L * elements + " bytes)");
            CuBuffer b = new CuBuffer(Cuda.readLong(p), elements);
            live.add(b);
            return b;
        }
    }

    private CuBuffer own(DeviceBuffer b) {
        CuBuffer c = (CuBuffer) b;
        if (c.released) {
            throw new IllegalStateException("device buffer of " + c.elements + " elements used after close()");
        }
        return c;
    }

    @Override
    protected void write(DeviceBuffer dst, Object src, long bytes) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = src instanceof float[] f ? a.allocateFrom(JAVA_FLOAT, f)
                    : a.allocateFrom(JAVA_INT, (int[]) src);
            cu.check((int) Cuda.call(cu.memcpyHtoD, own(dst).ptr, host, bytes), "cuMemcpyHtoD_v2");
        }
    }

    @Override
    protected void read(Object dst, DeviceBuffer src, long bytes) {
        makeCurrent();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(bytes, 4);
            cu.check((int) Cuda.call(cu.memcpyDtoH, host, own(src).ptr, bytes), "cuMemcpyDtoH_v2");
            if (dst instanceof float[] f) {
                MemorySegment.copy(host, JAVA_FLOAT, 0, f, 0, f.length);
            } else {
                int[] i = (int[]) dst;
                MemorySegment.copy(host, JAVA_INT, 0, i, 0, i.length);
            }
        }
    }

    private MemorySegment function(String name) {
        MemorySegment f = functions.get(name);
        if (f == null) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = a.allocate(ADDRESS);
                cu.check((int) Cuda.call(cu.moduleGetFunction, p, module, a.allocateFrom(name)),
                        "cuModuleGetFunction(" + name + ")");
                f = p.get(ADDRESS, 0);
            }
            functions.put(name, f);
        }
        return f;
    }

    @Override
    protected void launchKernel(String name, int items, Object... args) {
        makeCurrent();
        MemorySegment f = function(name);
        if (args.length > 32) {
            throw new IllegalArgumentException("kernel " + name + " has " + args.length + " arguments, at most 32");
        }
        for (int i = 0; i < args.length; i++) {
            long off = 8L * i;
            switch (args[i]) {
                case DeviceBuffer b -> values.set(JAVA_LONG, off, own(b).ptr);
                case Integer v -> values.set(JAVA_INT, off, v);
                case Float v -> values.set(JAVA_FLOAT, off, v);
                default -> throw new IllegalArgumentException("kernel " + name + " argument " + i
                        + " has unsupported type " + args[i].getClass().getName());
            }
            params.setAtIndex(ADDRESS, i, values.asSlice(off));
        }
        int grid = (int) ((items + (long) WORK_GROUP - 1) / WORK_GROUP);
        cu.check((int) Cuda.call(cu.launchKernel, f, grid, 1, 1, WORK_GROUP, 1, 1, 0, MemorySegment.NULL, params,
                MemorySegment.NULL), "cuLaunchKernel(" + name + ")");
    }

    @Override
    public void synchronize() {
        makeCurrent();
        cu.check((int) Cuda.call(cu.ctxSynchronize), "cuCtxSynchronize");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        super.close();
        makeCurrent();
        closed = true;
        Cuda.call(cu.ctxSynchronize);
        for (CuBuffer b : live) {
            b.released = true;
            Cuda.call(cu.memFree, b.ptr);
        }
        live.clear();
        Cuda.call(cu.moduleUnload, module);
        Cuda.call(cu.primaryCtxRelease, device);
        arena.close();
    }

    @Override
    public String toString() {
        return "cuda(" + deviceName + ")";
    }
}
