/*
 * deeproots single-source GPU kernels: this header lets the same C compile as OpenCL C (at run time, e.g. on
 * PoCL in CI) and as CUDA C (nvcc --ptx -arch=sm_90, ahead of time). Every kernel is 1-D: one work-item per
 * output element, indexed by GID0, with a bounds check against its element count (launches round up).
 * Layouts are NCHW, flat row-major float; letters: n batch, c channels, h/w height/width, oc/ic channels.
 */
#ifndef DR_GPU_H
#define DR_GPU_H

#ifdef __OPENCL_VERSION__
#define KERNEL __kernel void
#define DEVICE static inline
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_PTR __local
#define GID0 ((int) get_global_id(0))
#define LID ((int) get_local_id(0))
#define GROUP_ID ((int) get_group_id(0))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define SQRTF(x) sqrt(x)
#define EXPF(x) exp(x)
#define LOGF(x) log(x)
#define ISNAN(x) isnan(x)
#define NEG_INF (-INFINITY)
typedef ulong u64;
#else /* CUDA C */
#define KERNEL extern "C" __global__ void
#define DEVICE static __device__ inline
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR
#define GID0 ((int) (blockIdx.x * blockDim.x + threadIdx.x))
#define LID ((int) threadIdx.x)
#define GROUP_ID ((int) blockIdx.x)
#define BARRIER() __syncthreads()
#define SQRTF(x) sqrtf(x)
#define EXPF(x) expf(x)
#define LOGF(x) logf(x)
#define ISNAN(x) isnan(x)
#define NEG_INF (-__int_as_float(0x7f800000))
typedef unsigned long long u64;
#endif

/* Work-group (CUDA block) size of every launch; reduction kernels run one group per channel. */
#define DR_WG 128

#endif
