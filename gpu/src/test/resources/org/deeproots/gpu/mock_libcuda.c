/*
 * A host-only mock of the CUDA driver library (libcuda.so.1) for testing the FFM binding without a GPU.
 * Device memory is host memory (malloc); every call is appended to a log; mock_fail() makes the next call of
 * a function return a chosen CUresult. cuLaunchKernel runs host versions of add_fwd, relu_fwd and fill_f (so
 * argument marshalling is checked end to end) and only records any other kernel.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

static char logbuf[1 << 16];
static size_t loglen;
static char failFn[64];
static int failCode;

static void logf_(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(logbuf + loglen, sizeof logbuf - loglen, fmt, ap);
    va_end(ap);
    if (n > 0 && loglen + n < sizeof logbuf - 1) {
        loglen += n;
        logbuf[loglen++] = '\n';
        logbuf[loglen] = 0;
    }
}

/* Returns the injected error for fn (once), else 0. */
static CUresult fail(const char *fn) {
    if (failCode != 0 && strcmp(fn, failFn) == 0) {
        int c = failCode;
        failCode = 0;
        return c;
    }
    return 0;
}

void mock_fail(const char *fn, int code) {
    strncpy(failFn, fn, sizeof failFn - 1);
    failCode = code;
}

const char *mock_log(void) { return logbuf; }

void mock_reset(void) {
    loglen = 0;
    logbuf[0] = 0;
    failCode = 0;
}

CUresult cuGetErrorName(CUresult error, const char **pStr) {
    switch (error) {
    case 0: *pStr = "CUDA_SUCCESS"; return 0;
    case 2: *pStr = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
    case 100: *pStr = "CUDA_ERROR_NO_DEVICE"; return 0;
    case 222: *pStr = "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"; return 0;
    case 500: *pStr = "CUDA_ERROR_NOT_FOUND"; return 0;
    case 719: *pStr = "CUDA_ERROR_LAUNCH_FAILED"; return 0;
    default: *pStr = 0; return 1; /* CUDA_ERROR_INVALID_VALUE */
    }
}

CUresult cuInit(unsigned int flags) {
    logf_("cuInit flags=%u", flags);
    return fail("cuInit");
}

CUresult cuDriverGetVersion(int *v) {
    *v = 13000;
    return fail("cuDriverGetVersion");
}

CUresult cuDeviceGetCount(int *count) {
    *count = 1;
    logf_("cuDeviceGetCount");
    return fail("cuDeviceGetCount");
}

CUresult cuDeviceGet(CUdevice *d, int ordinal) {
    *d = 7 + ordinal; /* a device handle that is not the ordinal, to see it passed on */
    logf_("cuDeviceGet ordinal=%d", ordinal);
    return fail("cuDeviceGet");
}

CUresult cuDeviceGetName(char *name, int len, CUdevice d) {
    snprintf(name, len, "Mock GPU %d", d);
    logf_("cuDeviceGetName len=%d dev=%d", len, d);
    return fail("cuDeviceGetName");
}

CUresult cuDeviceGetAttribute(int *v, int attr, CUdevice d) {
    *v = attr == 75 ? 9 : attr == 76 ? 0 : -1;
    logf_("cuDeviceGetAttribute attr=%d dev=%d", attr, d);
    return fail("cuDeviceGetAttribute");
}

static int ctxToken = 42;

CUresult cuDevicePrimaryCtxRetain(void **ctx, CUdevice d) {
    *ctx = &ctxToken;
    logf_("cuDevicePrimaryCtxRetain dev=%d", d);
    return fail("cuDevicePrimaryCtxRetain");
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice d) {
    logf_("cuDevicePrimaryCtxRelease_v2 dev=%d", d);
    return fail("cuDevicePrimaryCtxRelease_v2");
}

CUresult cuCtxSetCurrent(void *ctx) {
    logf_("cuCtxSetCurrent ctx=%s", ctx == &ctxToken ? "primary" : "other");
    return fail("cuCtxSetCurrent");
}

CUresult cuCtxSynchronize(void) {
    logf_("cuCtxSynchronize");
    return fail("cuCtxSynchronize");
}

static int moduleToken = 43;

CUresult cuModuleLoadData(void **module, const void *image) {
    const char *ptx = (const char *) image;
    logf_("cuModuleLoadData len=%zu version=%d", strlen(ptx), strstr(ptx, ".version ") != 0);
    CUresult r = fail("cuModuleLoadData");
    if (r == 0) *module = &moduleToken;
    return r;
}

CUresult cuModuleGetFunction(void **fn, void *module, const char *name) {
    logf_("cuModuleGetFunction %s module=%s", name, module == &moduleToken ? "ok" : "bad");
    CUresult r = fail("cuModuleGetFunction");
    if (r == 0) *fn = strdup(name);
    return r;
}

CUresult cuModuleUnload(void *module) {
    logf_("cuModuleUnload module=%s", module == &moduleToken ? "ok" : "bad");
    return fail("cuModuleUnload");
}

CUresult cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
    logf_("cuMemAlloc_v2 bytes=%zu", bytes);
    CUresult r = fail("cuMemAlloc_v2");
    if (r == 0) *p = (CUdeviceptr) (size_t) calloc(1, bytes);
    return r;
}

CUresult cuMemFree_v2(CUdeviceptr p) {
    logf_("cuMemFree_v2");
    free((void *) (size_t) p);
    return fail("cuMemFree_v2");
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
    logf_("cuMemcpyHtoD_v2 bytes=%zu", bytes);
    memcpy((void *) (size_t) dst, src, bytes);
    return fail("cuMemcpyHtoD_v2");
}

CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
    logf_("cuMemcpyDtoH_v2 bytes=%zu", bytes);
    memcpy(dst, (void *) (size_t) src, bytes);
    return fail("cuMemcpyDtoH_v2");
}

#define ARG(T, i) (*(T *) params[i])

CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                        unsigned shared, void *stream, void **params, void **extra) {
    const char *name = (const char *) f;
    logf_("cuLaunchKernel %s grid=%u,%u,%u block=%u,%u,%u shared=%u stream=%p extra=%p", name, gx, gy, gz, bx, by,
          bz, shared, stream, (void *) extra);
    CUresult r = fail("cuLaunchKernel");
    if (r != 0) return r;
    if (strcmp(name, "add_fwd") == 0) {
        float *out = ARG(float *, 0), *a = ARG(float *, 1), *b = ARG(float *, 2);
        int size = ARG(int, 3);
        for (int i = 0; i < size; i++) out[i] = a[i] + b[i];
    } else if (strcmp(name, "relu_fwd") == 0) {
        float *out = ARG(float *, 0), *in = ARG(float *, 1);
        int size = ARG(int, 2);
        for (int i = 0; i < size; i++) out[i] = in[i] < 0 ? 0 : in[i];
    } else if (strcmp(name, "fill_f") == 0) {
        float *out = ARG(float *, 0);
        float v = ARG(float, 1);
        int size = ARG(int, 2);
        for (int i = 0; i < size; i++) out[i] = v;
    }
    return 0;
}
