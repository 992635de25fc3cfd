package org.deeproots.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * FFM downcalls into the CUDA driver API ({@code libcuda.so.1}): the 19 functions the backend uses, by their
 * versioned ({@code _v2}) symbol names. {@code CUdevice} and {@code CUresult} are {@code int}, {@code CUdeviceptr}
 * and {@code size_t} are {@code long}, contexts, modules and functions are addresses.
 */
final class Cuda {
    static final int CUDA_SUCCESS = 0;
    static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    static final int CUDA_ERROR_NO_DEVICE = 100;
    static final int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;

    final MethodHandle init;
    final MethodHandle driverGetVersion;
    final MethodHandle deviceGetCount;
    final MethodHandle deviceGet;
    final MethodHandle deviceGetName;
    final MethodHandle deviceGetAttribute;
    final MethodHandle primaryCtxRetain;
    final MethodHandle primaryCtxRelease;
    final MethodHandle ctxSetCurrent;
    final MethodHandle ctxSynchronize;
    final MethodHandle moduleLoadData;
    final MethodHandle moduleGetFunction;
    final MethodHandle moduleUnload;
    final MethodHandle memAlloc;
    final MethodHandle memFree;
    final MethodHandle memcpyHtoD;
    final MethodHandle memcpyDtoH;
    final MethodHandle launchKernel;
    final MethodHandle getErrorName;

    /**
     * Binds the functions of the driver library {@code name} (a file name or path).
     *
     * @throws BackendUnavailableException when the library cannot be loaded or lacks a function
     */
    Cuda(String name, Arena arena) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(name, arena);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(name + " not found: no NVIDIA driver is installed", e);
        }
        Linker linker = Linker.nativeLinker();
        var l = new Object() {
            MethodHandle fn(String symbol, FunctionDescriptor d) {
                MemorySegment s = lib.find(symbol).orElseThrow(() -> new BackendUnavailableException(
                        name + " has no function " + symbol + " (driver too old?)"));
                return linker.downcallHandle(s, d);
            }
        };
        FunctionDescriptor intPtr = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        init = l.fn("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        driverGetVersion = l.fn("cuDriverGetVersion", intPtr);
        deviceGetCount = l.fn("cuDeviceGetCount", intPtr);
        deviceGet = l.fn("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetName = l.fn("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        deviceGetAttribute = l.fn("cuDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        primaryCtxRetain = l.fn("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        primaryCtxRelease = l.fn("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        ctxSetCurrent = l.fn("cuCtxSetCurrent", intPtr);
        ctxSynchronize = l.fn("cuCtxSynchronize", FunctionDescriptor.of(JAVA_INT));
        moduleLoadData = l.fn("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        moduleGetFunction = l.fn("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        moduleUnload = l.fn("cuModuleUnload", intPtr);
        memAlloc = l.fn("cuMemAlloc_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        memFree = l.fn("cuMemFree_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        memcpyHtoD = l.fn("cuMemcpyHtoD_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
        memcpyDtoH = l.fn("cuMemcpyDtoH_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
        launchKernel = l.fn("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        getErrorName = l.fn("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** The driver's name of a CUresult, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    String errorName(int code) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            int rc = (int) call(getErrorName, code, p);
            MemorySegment s = p.get(ADDRESS, 0);
            if (rc != CUDA_SUCCESS || s.equals(MemorySegment.NULL)) {
                return "CUDA error " + code;
            }
            return s.reinterpret(256).getString(0);
        }
    }

    /** Throws an exception naming the CUDA error unless {@code code} is CUDA_SUCCESS. */
    void check(int code, String call) {
        if (code == CUDA_SUCCESS) {
            return;
        }
        String what = call + " returned " + errorName(code) + " (" + code + ")";
        if (code == CUDA_ERROR_OUT_OF_MEMORY) {
            throw new OutOfDeviceMemoryException("CUDA device out of memory: " + what
                    + "; use a smaller batch or network");
        }
        if (code == CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            throw new GpuException(what + ": the NVIDIA driver is too old for the PTX (ISA "
                    + ptxVersion(KernelSource.ptx()) + " from nvcc 13 needs an R580 or newer driver); "
                    + "update the driver or rebuild the PTX with the nvcc that matches it");
        }
        throw new GpuException(what);
    }

    /** The {@code .version} line of a PTX text, e.g. {@code 9.0}. */
    static String ptxVersion(String ptx) {
        for (String line : ptx.split("\n")) {
            if (line.startsWith(".version ")) {
                return line.substring(".version ".length()).strip();
            }
        }
        return "?";
    }

    static Object call(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new GpuException("CUDA call failed: " + t, t);
        }
    }

    static int readInt(MemorySegment s) {
        return s.get(JAVA_INT, 0);
    }

    static long readLong(MemorySegment s) {
        return s.get(JAVA_LONG, 0);
    }
}
