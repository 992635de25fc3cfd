/* Fully connected layer: in (n, inF), weight (outF, inF), bias (outF), out (n, outF). */

KERNEL linear_fwd(GLOBAL float *out, GLOBAL const float *in, GLOBAL const float *weight,
                  GLOBAL const float *bias, int hasBias, int n, int inF, int outF) {
    int i = GID0;
    if (i >= n * outF) return;
    int o = i % outF;
    int b = i / outF;
    GLOBAL const float *x = in + b * inF;
    GLOBAL const float *wr = weight + o * inF;
    float acc = hasBias ? bias[o] : 0.0f;
    for (int k = 0; k < inF; k++) acc += x[k] * wr[k];
    out[i] = acc;
}

/* dIn (n, inF) = dOut (n, outF) x weight (outF, inF). */
KERNEL linear_bwd_input(GLOBAL float *dIn, GLOBAL const float *dOut, GLOBAL const float *weight,
                        int n, int inF, int outF) {
    int i = GID0;
    if (i >= n * inF) return;
    int k = i % inF;
    int b = i / inF;
    float acc = 0.0f;
    for (int o = 0; o < outF; o++) acc += dOut[b * outF + o] * weight[o * inF + k];
    dIn[i] = acc;
}

/* dWeight (outF, inF) = dOut^T x in. */
KERNEL linear_bwd_weight(GLOBAL float *dWeight, GLOBAL const float *dOut, GLOBAL const float *in,
                         int n, int inF, int outF) {
    int i = GID0;
    if (i >= outF * inF) return;
    int k = i % inF;
    int o = i / inF;
    float acc = 0.0f;
    for (int b = 0; b < n; b++) acc += dOut[b * outF + o] * in[b * inF + k];
    dWeight[i] = acc;
}
