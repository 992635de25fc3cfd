/* Max and average pooling over (n, c, h, w) to (n, c, oh, ow), square kernel k, stride, symmetric pad.
 * Backward passes gather (one item per input element) so that no atomics are needed. */

/* Max: ties go to the first element in row-major window order; the first NaN in a window wins. argmax holds the
 * flat index into in. */
KERNEL maxpool_fwd(GLOBAL float *out, GLOBAL int *argmax, GLOBAL const float *in, int n, int c, int h, int w,
                   int k, int stride, int pad, int oh, int ow) {
    int i = GID0;
    if (i >= n * c * oh * ow) return;
    int ox = i % ow;
    int oy = (i / ow) % oh;
    int plane = i / (ow * oh);
    int y0 = oy * stride - pad;
    int x0 = ox * stride - pad;
    float best = NEG_INF;
    int bestIdx = -1;
    for (int y = y0; y < y0 + k; y++) {
        if (y < 0 || y >= h) continue;
        for (int x = x0; x < x0 + k; x++) {
            if (x < 0 || x >= w) continue;
            int idx = (plane * h + y) * w + x;
            float v = in[idx];
            if (bestIdx < 0 || v > best || (ISNAN(v) && !ISNAN(best))) {
                best = v;
                bestIdx = idx;
            }
        }
    }
    out[i] = best;
    argmax[i] = bestIdx;
}

/* dIn[j] = sum of dOut over the windows whose argmax is j. */
KERNEL maxpool_bwd(GLOBAL float *dIn, GLOBAL const float *dOut, GLOBAL const int *argmax, int n, int c, int h,
                   int w, int k, int stride, int pad, int oh, int ow) {
    int i = GID0;
    if (i >= n * c * h * w) return;
    int x = i % w;
    int y = (i / w) % h;
    int plane = i / (w * h);
    /* windows oy with oy*stride - pad <= y < oy*stride - pad + k */
    int oyLo = y + pad - k + 1;
    oyLo = oyLo <= 0 ? 0 : (oyLo + stride - 1) / stride;
    int oyHi = (y + pad) / stride;
    int oxLo = x + pad - k + 1;
    oxLo = oxLo <= 0 ? 0 : (oxLo + stride - 1) / stride;
    int oxHi = (x + pad) / stride;
    float acc = 0.0f;
    for (int oy = oyLo; oy <= oyHi && oy < oh; oy++) {
        for (int ox = oxLo; ox <= oxHi && ox < ow; ox++) {
            int o = (plane * oh + oy) * ow + ox;
            if (argmax[o] == i) acc += dOut[o];
        }
    }
    dIn[i] = acc;
}

/* Caffe's divisor: the window clipped to the padded input (padding counts, beyond the padding does not). */
DEVICE int avg_divisor(int y0, int x0, int h, int w, int k, int pad) {
    int y1 = y0 + k < h + pad ? y0 + k : h + pad;
    int x1 = x0 + k < w + pad ? x0 + k : w + pad;
    return (y1 - y0) * (x1 - x0);
}

KERNEL avgpool_fwd(GLOBAL float *out, GLOBAL const float *in, int n, int c, int h, int w, int k, int stride,
                   int pad, int oh, int ow) {
    int i = GID0;
    if (i >= n * c * oh * ow) return;
    int ox = i % ow;
    int oy = (i / ow) % oh;
    int plane = i / (ow * oh);
    int y0 = oy * stride - pad;
    int x0 = ox * stride - pad;
    float acc = 0.0f;
    for (int y = y0; y < y0 + k; y++) {
        if (y < 0 || y >= h) continue;
        for (int x = x0; x < x0 + k; x++) {
            if (x < 0 || x >= w) continue;
            acc += in[(plane * h + y) * w + x];
        }
    }
    out[i] = acc / (float) avg_divisor(y0, x0, h, w, k, pad);
}

KERNEL avgpool_bwd(GLOBAL float *dIn, GLOBAL const float *dOut, int n, int c, int h, int w, int k, int stride,
                   int pad, int oh, int ow) {
    int i = GID0;
    if (i >= n * c * h * w) return;
    int x = i % w;
    int y = (i / w) % h;
    int plane = i / (w * h);
    int oyLo = y + pad - k + 1;
    oyLo = oyLo <= 0 ? 0 : (oyLo + stride - 1) / stride;
    int oyHi = (y + pad) / stride;
    int oxLo = x + pad - k + 1;
    oxLo = oxLo <= 0 ? 0 : (oxLo + stride - 1) / stride;
    int oxHi = (x + pad) / stride;
    float acc = 0.0f;
    for (int oy = oyLo; oy <= oyHi && oy < oh; oy++) {
        for (int ox = oxLo; ox <= oxHi && ox < ow; ox++) {
            acc += dOut[(plane * oh + oy) * ow + ox]
                    / (float) avg_divisor(oy * stride - pad, ox * stride - pad, h, w, k, pad);
        }
    }
    dIn[i] = acc;
}

/* out (n, c) = mean over hw of in (n, c, hw). */
KERNEL gap_fwd(GLOBAL float *out, GLOBAL const float *in, int nc, int hw) {
    int i = GID0;
    if (i >= nc) return;
    float acc = 0.0f;
    for (int j = 0; j < hw; j++) acc += in[i * hw + j];
    out[i] = acc / (float) hw;
}

KERNEL gap_bwd(GLOBAL float *dIn, GLOBAL const float *dOut, int nc, int hw) {
    int i = GID0;
    if (i >= nc * hw) return;
    dIn[i] = dOut[i / hw] / (float) hw;
}
