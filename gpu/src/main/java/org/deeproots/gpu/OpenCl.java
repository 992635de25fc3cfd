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
import java.util.Map;

/**
 * FFM downcalls into the OpenCL ICD loader ({@code libOpenCL.so.1}): the ~20 functions the backend uses. Handles
 * (platform, device, context, queue, program, kernel, mem) are plain addresses; {@code size_t} and
 * {@code cl_ulong} are {@code long}, {@code cl_uint} and {@code cl_int} are {@code int}.
 */
final class OpenCl {
    static final int CL_SUCCESS = 0;
    static final int CL_MEM_OBJECT_ALLOCATION_FAILURE = -4;
    static final int CL_OUT_OF_RESOURCES = -5;
    static final int CL_BUILD_PROGRAM_FAILURE = -11;
    static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
    static final long CL_DEVICE_TYPE_GPU = 1L << 2;
    static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    static final int CL_PLATFORM_NAME = 0x0902;
    static final int CL_DEVICE_TYPE = 0x1000;
    static final int CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010;
    static final int CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F;
    static final int CL_DEVICE_NAME = 0x102B;
    static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    static final long CL_MEM_READ_WRITE = 1L;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "CL_SUCCESS"), Map.entry(-1, "CL_DEVICE_NOT_FOUND"),
            Map.entry(-2, "CL_DEVICE_NOT_AVAILABLE"), Map.entry(-3, "CL_COMPILER_NOT_AVAILABLE"),
            Map.entry(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE"), Map.entry(-5, "CL_OUT_OF_RESOURCES"),
            Map.entry(-6, "CL_OUT_OF_HOST_MEMORY"), Map.entry(-11, "CL_BUILD_PROGRAM_FAILURE"),
            Map.entry(-30, "CL_INVALID_VALUE"), Map.entry(-33, "CL_INVALID_DEVICE"),
            Map.entry(-34, "CL_INVALID_CONTEXT"), Map.entry(-36, "CL_INVALID_COMMAND_QUEUE"),
            Map.entry(-38, "CL_INVALID_MEM_OBJECT"), Map.entry(-44, "CL_INVALID_PROGRAM"),
            Map.entry(-45, "CL_INVALID_PROGRAM_EXECUTABLE"), Map.entry(-46, "CL_INVALID_KERNEL_NAME"),
            Map.entry(-48, "CL_INVALID_KERNEL"), Map.entry(-49, "CL_INVALID_ARG_INDEX"),
            Map.entry(-50, "CL_INVALID_ARG_VALUE"), Map.entry(-51, "CL_INVALID_ARG_SIZE"),
            Map.entry(-52, "CL_INVALID_KERNEL_ARGS"), Map.entry(-54, "CL_INVALID_WORK_GROUP_SIZE"),
            Map.entry(-61, "CL_INVALID_BUFFER_SIZE"), Map.entry(-1001, "CL_PLATFORM_NOT_FOUND_KHR"));

    final MethodHandle getPlatformIDs;
    final MethodHandle getPlatformInfo;
    final MethodHandle getDeviceIDs;
    final MethodHandle getDeviceInfo;
    final MethodHandle createContext;
    final MethodHandle createCommandQueue;
    final MethodHandle createProgramWithSource;
    final MethodHandle buildProgram;
    final MethodHandle getProgramBuildInfo;
    final MethodHandle createKernel;
    final MethodHandle setKernelArg;
    final MethodHandle createBuffer;
    final MethodHandle enqueueWriteBuffer;
    final MethodHandle enqueueReadBuffer;
    final MethodHandle enqueueNDRangeKernel;
    final MethodHandle finish;
    final MethodHandle releaseMemObject;
    final MethodHandle releaseKernel;
    final MethodHandle releaseProgram;
    final MethodHandle releaseCommandQueue;
    final MethodHandle releaseContext;

    /**
     * Binds the functions of the library {@code name} (e.g. {@code libOpenCL.so.1}).
     *
     * @throws BackendUnavailableException when the library cannot be loaded or lacks a function
     */
    OpenCl(String name, Arena arena) {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(name, arena);
        } catch (IllegalArgumentException e) {
            throw new BackendUnavailableException(name + " not found: no OpenCL ICD loader is installed"
                    + " (Debian: apt-get install ocl-icd-libopencl1 pocl-opencl-icd)", e);
        }
        Linker linker = Linker.nativeLinker();
        var l = new Object() {
            MethodHandle fn(String symbol, FunctionDescriptor d) {
                MemorySegment s = lib.find(symbol).orElseThrow(() -> new BackendUnavailableException(
                        name + " has no function " + symbol + " (OpenCL 2.0 or newer needed)"));
                return linker.downcallHandle(s, d);
            }
        };
        getPlatformIDs = l.fn("clGetPlatformIDs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        getPlatformInfo = l.fn("clGetPlatformInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        getDeviceIDs = l.fn("clGetDeviceIDs",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        getDeviceInfo = l.fn("clGetDeviceInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createContext = l.fn("clCreateContext",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        createCommandQueue = l.fn("clCreateCommandQueueWithProperties",
                FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        createProgramWithSource = l.fn("clCreateProgramWithSource",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        buildProgram = l.fn("clBuildProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        getProgramBuildInfo = l.fn("clGetProgramBuildInfo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        createKernel = l.fn("clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        setKernelArg = l.fn("clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        createBuffer = l.fn("clCreateBuffer",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
        FunctionDescriptor rw = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueWriteBuffer = l.fn("clEnqueueWriteBuffer", rw);
        enqueueReadBuffer = l.fn("clEnqueueReadBuffer", rw);
        enqueueNDRangeKernel = l.fn("clEnqueueNDRangeKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        finish = l.fn("clFinish", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        FunctionDescriptor release = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        releaseMemObject = l.fn("clReleaseMemObject", release);
        releaseKernel = l.fn("clReleaseKernel", release);
        releaseProgram = l.fn("clReleaseProgram", release);
        releaseCommandQueue = l.fn("clReleaseCommandQueue", release);
        releaseContext = l.fn("clReleaseContext", release);
    }

    /** The symbolic name of an OpenCL error code, e.g. {@code CL_OUT_OF_RESOURCES (-5)}. */
    static String errorName(int code) {
        return NAMES.getOrDefault(code, "CL_ERROR") + " (" + code + ")";
    }

    /** Throws unless {@code code} is CL_SUCCESS; allocation failures become {@link OutOfDeviceMemoryException}. */
    static void check(int code, String call) {
        if (code == CL_SUCCESS) {
            return;
        }
        if (code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_RESOURCES) {
            throw new OutOfDeviceMemoryException("OpenCL device out of memory: " + call + " returned "
                    + errorName(code) + "; use a smaller batch or network");
        }
        throw new GpuException(call + " failed: " + errorName(code));
    }

    /** Invokes a downcall, rethrowing what it throws unchecked. */
    static Object call(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new GpuException("OpenCL call failed: " + t, t);
        }
    }
}
