/* All deeproots kernels in one translation unit: the OpenCL program source and the nvcc input for the PTX. */
#include "dr_gpu.h"
#include "conv.c"
#include "linear.c"
#include "batchnorm.c"
#include "pool.c"
#include "elementwise.c"
