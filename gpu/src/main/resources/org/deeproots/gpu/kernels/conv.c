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

/* Tiled forward (implicit GEMM), used when a group has at least 32 output channels. Per group g:
 * out[oc][p] = sum_k weight[oc][k] * x[k][p], k = (ic, ky, kx) over the group's inputs, p = (b, oy, ox).
 * One work-group of DR_WG (128) items computes a 64 (oc) x 64 (p) tile, staging 16-deep slices of weight and
 * input in local memory; item (ty, tx) = (tid / 16, tid % 16) owns oc = ty + 8i (i < 8), p = tx + 16j (j < 4).
 * Launch tiles = groups * ceil(ocPer / 64) * ceil(n * oh * ow / 64) work-groups. */
#define CT_M 64
#define CT_N 64
#define CT_K 16
KERNEL conv2d_fwd_tiled(GLOBAL float *out, GLOBAL const float *in, GLOBAL const float *weight,
                        GLOBAL const float *bias, int hasBias, int n, int inC, int outC, int groups, int h, int w,
                        int kh, int kw, int stride, int pad, int oh, int ow) {
    LOCAL float ws[CT_K][CT_M];
    LOCAL float xs[CT_K][CT_N];
    int icPer = inC / groups;
    int ocPer = outC / groups;
    int K = icPer * kh * kw;
    int P = n * oh * ow;
    int khw = kh * kw;
    int ohw = oh * ow;
    int tilesN = (P + CT_N - 1) / CT_N;
    int tilesM = (ocPer + CT_M - 1) / CT_M;
    int tile = GROUP_ID;
    int tn = tile % tilesN;
    int tm = (tile / tilesN) % tilesM;
    int g = tile / (tilesN * tilesM);
    int tid = LID;
    int tx = tid % 16;
    int ty = tid / 16;
    float acc[8][4];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
    GLOBAL const float *wg = weight + (g * ocPer) * K;
    for (int k0 = 0; k0 < K; k0 += CT_K) {
        for (int r = 0; r < (CT_K * CT_M) / DR_WG; r++) {
            int e = tid + DR_WG * r;
            int kk = e % CT_K;
            int mm = e / CT_K;
            int oc = tm * CT_M + mm;
            int k = k0 + kk;
            ws[kk][mm] = (oc < ocPer && k < K) ? wg[oc * K + k] : 0.0f;
        }
        for (int r = 0; r < (CT_K * CT_N) / DR_WG; r++) {
            int e = tid + DR_WG * r;
            int nn = e % CT_N;
            int kk = e / CT_N;
            int p = tn * CT_N + nn;
            int k = k0 + kk;
            float v = 0.0f;
            if (p < P && k < K) {
                int ic = k / khw;
                int kr = k - ic * khw;
                int ky = kr / kw;
                int kx = kr - ky * kw;
                int b = p / ohw;
                int pr = p - b * ohw;
                int oy = pr / ow;
                int ox = pr - oy * ow;
                int y = oy * stride - pad + ky;
                int x = ox * stride - pad + kx;
                if (y >= 0 && y < h && x >= 0 && x < w) v = in[((b * inC + g * icPer + ic) * h + y) * w + x];
            }
            xs[kk][nn] = v;
        }
        BARRIER();
        for (int kk = 0; kk < CT_K; kk++) {
            float a[8];
            float bv[4];
            for (int i = 0; i < 8; i++) a[i] = ws[kk][ty + 8 * i];
            for (int j = 0; j < 4; j++) bv[j] = xs[kk][tx + 16 * j];
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 4; j++) acc[i][j] += a[i] * bv[j];
        }
        BARRIER();
    }
    for (int i = 0; i < 8; i++) {
        int oc = tm * CT_M + ty + 8 * i;
        if (oc >= ocPer) continue;
        int ocg = g * ocPer + oc;
        float bo = hasBias ? bias[ocg] : 0.0f;
        for (int j = 0; j < 4; j++) {
            int p = tn * CT_N + tx + 16 * j;
            if (p >= P) continue;
            int b = p / ohw;
            int pr = p - b * ohw;
            out[(b * outC + ocg) * ohw + pr] = acc[i][j] + bo;
        }
    }
}

/* Tiled weight gradient, used with the tiled forward: per group g, dWeight[oc][k] = sum_p dOut[oc][p] * x[k][p].
 * One work-group computes a 64 (oc) x 64 (k) tile over one slice [p0, p1) of the n * oh * ow positions, 16
 * positions at a time; with several slices (splits > 1) each writes its partial tile to part + split * size and
 * sum_parts adds them. item (ty, tx) owns oc = ty + 8i (i < 8), k = tx + 16j (j < 4).
 * Launch groups * ceil(ocPer / 64) * ceil(K / 64) * splits work-groups. */
KERNEL conv2d_bwd_weight_tiled(GLOBAL float *part, GLOBAL const float *dOut, GLOBAL const float *in, int splits,
                               int chunk, int n, int inC, int outC, int groups, int h, int w,
                               int kh, int kw, int stride, int pad, int oh, int ow) {
    LOCAL float ds[CT_K][CT_M];
    LOCAL float xs[CT_K][CT_N];
    int icPer = inC / groups;
    int ocPer = outC / groups;
    int K = icPer * kh * kw;
    int P = n * oh * ow;
    int khw = kh * kw;
    int ohw = oh * ow;
    int tilesK = (K + CT_N - 1) / CT_N;
    int tilesM = (ocPer + CT_M - 1) / CT_M;
    int tile = GROUP_ID;
    int split = tile % splits;
    int tk = (tile / splits) % tilesK;
    int tm = (tile / (splits * tilesK)) % tilesM;
    int g = tile / (splits * tilesK * tilesM);
    int p0 = split * chunk;
    int p1 = p0 + chunk < P ? p0 + chunk : P;
    int tid = LID;
    int tx = tid % 16;
    int ty = tid / 16;
    float acc[8][4];
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
    for (int q0 = p0; q0 < p1; q0 += CT_K) {
        for (int r = 0; r < (CT_K * CT_M) / DR_WG; r++) {
            int e = tid + DR_WG * r;
            int pp = e % CT_K;
            int mm = e / CT_K;
            int oc = tm * CT_M + mm;
            int p = q0 + pp;
            float v = 0.0f;
            if (oc < ocPer && p < p1) {
                int b = p / ohw;
                v = dOut[(b * outC + g * ocPer + oc) * ohw + (p - b * ohw)];
            }
            ds[pp][mm] = v;
        }
        for (int r = 0; r < (CT_K * CT_N) / DR_WG; r++) {
            int e = tid + DR_WG * r;
            int pp = e % CT_K;
            int kk = e / CT_K;
            int k = tk * CT_N + kk;
            int p = q0 + pp;
            float v = 0.0f;
            if (k < K && p < p1) {
                int ic = k / khw;
                int kr = k - ic * khw;
                int ky = kr / kw;
                int kx = kr - ky * kw;
                int b = p / ohw;
                int pr = p - b * ohw;
                int oy = pr / ow;
                int ox = pr - oy * ow;
                int y = oy * stride - pad + ky;
                int x = ox * stride - pad + kx;
                if (y >= 0 && y < h && x >= 0 && x < w) v = in[((b * inC + g * icPer + ic) * h + y) * w + x];
            }
            xs[pp][kk] = v;
        }
        BARRIER();
        for (int pp = 0; pp < CT_K; pp++) {
            float a[8];
            float bv[4];
            for (int i = 0; i < 8; i++) a[i] = ds[pp][ty + 8 * i];
            for (int j = 0; j < 4; j++) bv[j] = xs[pp][tx + 16 * j];
            for (int i = 0; i < 8; i++)
                for (int j = 0; j < 4; j++) acc[i][j] += a[i] * bv[j];
        }
        BARRIER();
    }
    GLOBAL float *dst = part + split * (outC * K);
    for (int i = 0; i < 8; i++) {
        int oc = tm * CT_M + ty + 8 * i;
        if (oc >= ocPer) continue;
        for (int j = 0; j < 4; j++) {
            int k = tk * CT_N + tx + 16 * j;
            if (k < K) dst[(g * ocPer + oc) * K + k] = acc[i][j];
        }
    }
}

/* out[i] = sum over s < splits of part[s * size + i]. */
KERNEL sum_parts(GLOBAL float *out, GLOBAL const float *part, int splits, int size) {
    int i = GID0;
    if (i >= size) return;
    float acc = 0.0f;
    for (int s = 0; s < splits; s++) acc += part[s * size + i];
    out[i] = acc;
}
