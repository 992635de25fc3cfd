/* Grouped 2-D convolution: input (n, inC, h, w), weight (outC, inC/groups, kh, kw), output (n, outC, oh, ow). */

/* One work-item per output element. bias may be unused (hasBias == 0). */
KERNEL conv2d_fwd(GLOBAL float *out, GLOBAL const float *in, GLOBAL const float *weight,
                  GLOBAL const float *bias, int hasBias, int n, int inC, int outC, int groups, int h, int w,
                  int kh, int kw, int stride, int pad, int oh, int ow) {
    int i = GID0;
    if (i >= n * outC * oh * ow) return;
    int ox = i % ow;
    int oy = (i / ow) % oh;
    int oc = (i / (ow * oh)) % outC;
    int b = i / (ow * oh * outC);
    int icPer = inC / groups;
    int ocPer = outC / groups;
    int ic0 = (oc / ocPer) * icPer;
    float acc = hasBias ? bias[oc] : 0.0f;
    for (int ic = 0; ic < icPer; ic++) {
        GLOBAL const float *src = in + ((b * inC + ic0 + ic) * h) * w;
        GLOBAL const float *wk = weight + ((oc * icPer + ic) * kh) * kw;
        for (int ky = 0; ky < kh; ky++) {
            int y = oy * stride - pad + ky;
            if (y < 0 || y >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
                int x = ox * stride - pad + kx;
                if (x < 0 || x >= w) continue;
                acc += src[y * w + x] * wk[ky * kw + kx];
            }
        }
    }
    out[i] = acc;
}

/* One work-item per input element: gathers every output position whose window covers it. */
KERNEL conv2d_bwd_input(GLOBAL float *dIn, GLOBAL const float *dOut, GLOBAL const float *weight,
                        int n, int inC, int outC, int groups, int h, int w,
                        int kh, int kw, int stride, int pad, int oh, int ow) {
    int i = GID0;
    if (i >= n * inC * h * w) return;
    int x = i % w;
    int y = (i / w) % h;
    int ic = (i / (w * h)) % inC;
    int b = i / (w * h * inC);
    int icPer = inC / groups;
    int ocPer = outC / groups;
    int g = ic / icPer;
    int icg = ic - g * icPer;
    float acc = 0.0f;
    for (int oc = g * ocPer; oc < (g + 1) * ocPer; oc++) {
        GLOBAL const float *d = dOut + ((b * outC + oc) * oh) * ow;
        GLOBAL const float *wk = weight + ((oc * icPer + icg) * kh) * kw;
        for (int ky = 0; ky < kh; ky++) {
            int ty = y + pad - ky;
            if (ty < 0 || ty % stride != 0) continue;
            int oy = ty / stride;
            if (oy >= oh) continue;
            for (int kx = 0; kx < kw; kx++) {
                int tx = x + pad - kx;
                if (tx < 0 || tx % stride != 0) continue;
                int ox = tx / stride;
                if (ox >= ow) continue;
                acc += d[oy * ow + ox] * wk[ky * kw + kx];
            }
        }
    }
    dIn[i] = acc;
}

/* One work-item per weight element: sums over the batch and the output positions. */
KERNEL conv2d_bwd_weight(GLOBAL float *dWeight, GLOBAL const float *dOut, GLOBAL const float *in,
                         int n, int inC, int outC, int groups, int h, int w,
                         int kh, int kw, int stride, int pad, int oh, int ow) {
    int icPer = inC / groups;
    int i = GID0;
    if (i >= outC * icPer * kh * kw) return;
    int kx = i % kw;
    int ky = (i / kw) % kh;
    int icg = (i / (kw * kh)) % icPer;
    int oc = i / (kw * kh * icPer);
    int ic = (oc / (outC / groups)) * icPer + icg;
    float acc = 0.0f;
    for (int b = 0; b < n; b++) {
        GLOBAL const float *d = dOut + ((b * outC + oc) * oh) * ow;
        GLOBAL const float *src = in + ((b * inC + ic) * h) * w;
        for (int oy = 0; oy < oh; oy++) {
            int y = oy * stride - pad + ky;
            if (y < 0 || y >= h) continue;
            for (int ox = 0; ox < ow; ox++) {
                int x = ox * stride - pad + kx;
                if (x < 0 || x >= w) continue;
                acc += d[oy * ow + ox] * src[y * w + x];
            }
        }
    }
    dWeight[i] = acc;
}

/* dBias (c) = sum of dOut (n, c, hw) over n and hw; also the column sum of a (n, c) matrix with hw = 1. */
KERNEL channel_sum(GLOBAL float *dBias, GLOBAL const float *dOut, int n, int c, int hw) {
    int ch = GID0;
    if (ch >= c) return;
    float acc = 0.0f;
    for (int b = 0; b < n; b++) {
        GLOBAL const float *d = dOut + (b * c + ch) * hw;
        for (int j = 0; j < hw; j++) acc += d[j];
    }
    dBias[ch] = acc;
}
