/* Batch norm over (n, c, hw): statistics per channel across n and hw. Reductions run one work-group of DR_WG
 * items per channel (launch c * DR_WG items); each item sums a strided slice, then a tree in local memory. */

/* Sum of v over the work-group; every item gets the result. buf holds DR_WG floats. */
DEVICE float group_sum(LOCAL_PTR float *buf, float v) {
    int lid = LID;
    buf[lid] = v;
    BARRIER();
    for (int s = DR_WG / 2; s > 0; s >>= 1) {
        if (lid < s) buf[lid] += buf[lid + s];
        BARRIER();
    }
    float r = buf[0];
    BARRIER();
    return r;
}

/* Training statistics: mean (c), invStd (c) = 1/sqrt(biased var + eps); running stats updated in place with
 * the unbiased variance (PyTorch's convention, as the CPU kernels). */
KERNEL bn_stats(GLOBAL float *mean, GLOBAL float *invStd, GLOBAL float *runningMean, GLOBAL float *runningVar,
                GLOBAL const float *in, float momentum, float eps, int n, int c, int hw) {
    LOCAL float buf[DR_WG];
    int ch = GROUP_ID;
    int lid = LID;
    int m = n * hw;
    float s = 0.0f;
    for (int j = lid; j < m; j += DR_WG) s += in[((j / hw) * c + ch) * hw + j % hw];
    float mu = group_sum(buf, s) / (float) m;
    float q = 0.0f;
    for (int j = lid; j < m; j += DR_WG) {
        float d = in[((j / hw) * c + ch) * hw + j % hw] - mu;
        q += d * d;
    }
    float var = group_sum(buf, q) / (float) m;
    if (lid == 0) {
        mean[ch] = mu;
        invStd[ch] = 1.0f / SQRTF(var + eps);
        float unbiased = m > 1 ? var * (float) m / (float) (m - 1) : var;
        runningMean[ch] = (1.0f - momentum) * runningMean[ch] + momentum * mu;
        runningVar[ch] = (1.0f - momentum) * runningVar[ch] + momentum * unbiased;
    }
}

/* out = gamma * (in - mean) * invStd + beta, one item per element. */
KERNEL bn_apply(GLOBAL float *out, GLOBAL const float *in, GLOBAL const float *mean, GLOBAL const float *invStd,
                GLOBAL const float *gamma, GLOBAL const float *beta, int n, int c, int hw) {
    int i = GID0;
    if (i >= n * c * hw) return;
    int ch = (i / hw) % c;
    out[i] = gamma[ch] * (in[i] - mean[ch]) * invStd[ch] + beta[ch];
}

/* Inference: out = gamma * (in - runningMean) / sqrt(runningVar + eps) + beta. */
KERNEL bn_inference(GLOBAL float *out, GLOBAL const float *in, GLOBAL const float *gamma, GLOBAL const float *beta,
                    GLOBAL const float *runningMean, GLOBAL const float *runningVar, float eps,
                    int n, int c, int hw) {
    int i = GID0;
    if (i >= n * c * hw) return;
    int ch = (i / hw) % c;
    out[i] = gamma[ch] * (in[i] - runningMean[ch]) / SQRTF(runningVar[ch] + eps) + beta[ch];
}

/* dBeta (c) = sum dOut; dGamma (c) = sum dOut * xhat. One work-group per channel. */
KERNEL bn_bwd_reduce(GLOBAL float *dGamma, GLOBAL float *dBeta, GLOBAL const float *dOut, GLOBAL const float *in,
                     GLOBAL const float *mean, GLOBAL const float *invStd, int n, int c, int hw) {
    LOCAL float buf[DR_WG];
    int ch = GROUP_ID;
    int lid = LID;
    int m = n * hw;
    float mu = mean[ch];
    float is = invStd[ch];
    float sb = 0.0f;
    float sg = 0.0f;
    for (int j = lid; j < m; j += DR_WG) {
        int idx = ((j / hw) * c + ch) * hw + j % hw;
        float dy = dOut[idx];
        sb += dy;
        sg += dy * (in[idx] - mu) * is;
    }
    float tb = group_sum(buf, sb);
    float tg = group_sum(buf, sg);
    if (lid == 0) {
        dBeta[ch] = tb;
        dGamma[ch] = tg;
    }
}

/* dIn = gamma * invStd / m * (m * dOut - dBeta - xhat * dGamma), one item per element. */
KERNEL bn_bwd_input(GLOBAL float *dIn, GLOBAL const float *dOut, GLOBAL const float *in, GLOBAL const float *mean,
                    GLOBAL const float *invStd, GLOBAL const float *gamma, GLOBAL const float *dGamma,
                    GLOBAL const float *dBeta, int n, int c, int hw) {
    int i = GID0;
    if (i >= n * c * hw) return;
    int ch = (i / hw) % c;
    float m = (float) (n * hw);
    float xhat = (in[i] - mean[ch]) * invStd[ch];
    dIn[i] = gamma[ch] * invStd[ch] / m * (m * dOut[i] - dBeta[ch] - xhat * dGamma[ch]);
}
