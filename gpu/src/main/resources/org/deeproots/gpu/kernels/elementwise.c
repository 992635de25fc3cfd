/* Elementwise ops, softmax cross-entropy, concat, dropout and the SGD update. */

KERNEL relu_fwd(GLOBAL float *out, GLOBAL const float *in, int size) {
    int i = GID0;
    if (i >= size) return;
    float v = in[i];
    out[i] = v < 0.0f ? 0.0f : v; /* NaN stays NaN */
}

KERNEL relu_bwd(GLOBAL float *dIn, GLOBAL const float *dOut, GLOBAL const float *out, int size) {
    int i = GID0;
    if (i >= size) return;
    dIn[i] = out[i] > 0.0f ? dOut[i] : 0.0f;
}

KERNEL add_fwd(GLOBAL float *out, GLOBAL const float *a, GLOBAL const float *b, int size) {
    int i = GID0;
    if (i >= size) return;
    out[i] = a[i] + b[i];
}

KERNEL fill_f(GLOBAL float *out, float value, int size) {
    int i = GID0;
    if (i >= size) return;
    out[i] = value;
}

/* Copies part (n, cPart, hw) into out (n, cTotal, hw) at channel offset cOff. */
KERNEL concat_fwd_part(GLOBAL float *out, GLOBAL const float *part, int n, int cPart, int cTotal, int cOff, int hw) {
    int i = GID0;
    if (i >= n * cPart * hw) return;
    int j = i % hw;
    int ch = (i / hw) % cPart;
    int b = i / (hw * cPart);
    out[(b * cTotal + cOff + ch) * hw + j] = part[i];
}

KERNEL concat_bwd_part(GLOBAL float *dPart, GLOBAL const float *dOut, int n, int cPart, int cTotal, int cOff, int hw) {
    int i = GID0;
    if (i >= n * cPart * hw) return;
    int j = i % hw;
    int ch = (i / hw) % cPart;
    int b = i / (hw * cPart);
    dPart[i] = dOut[(b * cTotal + cOff + ch) * hw + j];
}

/* One item per sample: probs (n, classes) = softmax(logits); loss[b] = -log(probs[label]), or -1 for a label
 * out of range (the host turns it into an exception). */
KERNEL softmax_ce_fwd(GLOBAL float *probs, GLOBAL float *loss, GLOBAL const float *logits, GLOBAL const int *labels,
                      int n, int classes) {
    int b = GID0;
    if (b >= n) return;
    GLOBAL const float *z = logits + b * classes;
    GLOBAL float *p = probs + b * classes;
    float mx = z[0];
    for (int k = 1; k < classes; k++) mx = z[k] > mx ? z[k] : mx;
    float s = 0.0f;
    for (int k = 0; k < classes; k++) {
        float e = EXPF(z[k] - mx);
        p[k] = e;
        s += e;
    }
    for (int k = 0; k < classes; k++) p[k] = p[k] / s;
    int label = labels[b];
    if (label < 0 || label >= classes) {
        loss[b] = -1.0f;
    } else {
        loss[b] = -(z[label] - mx - LOGF(s));
    }
}

/* dLogits = (probs - onehot(labels)) / n. */
KERNEL softmax_ce_bwd(GLOBAL float *dLogits, GLOBAL const float *probs, GLOBAL const int *labels, int n, int classes) {
    int i = GID0;
    if (i >= n * classes) return;
    int b = i / classes;
    int k = i % classes;
    dLogits[i] = (probs[i] - (labels[b] == k ? 1.0f : 0.0f)) / (float) n;
}

/* Inverted dropout, mask[i] = 0 with probability p else 1/(1-p); the keep test hashes (seed, i) with
 * splitmix64. seed arrives as two 32-bit halves. */
KERNEL dropout_fwd(GLOBAL float *out, GLOBAL float *mask, GLOBAL const float *in, float p, int seedLo, int seedHi,
                   int size) {
    int i = GID0;
    if (i >= size) return;
    u64 z = (((u64) (unsigned int) seedHi) << 32) | (u64) (unsigned int) seedLo;
    z += ((u64) (i + 1)) * 0x9E3779B97F4A7C15UL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
    z = z ^ (z >> 31);
    float u = (float) (z >> 40) * (1.0f / 16777216.0f); /* uniform in [0, 1) from 24 bits */
    float m = u < p ? 0.0f : 1.0f / (1.0f - p);
    mask[i] = m;
    out[i] = in[i] * m;
}

KERNEL mul_fwd(GLOBAL float *out, GLOBAL const float *a, GLOBAL const float *b, int size) {
    int i = GID0;
    if (i >= size) return;
    out[i] = a[i] * b[i];
}

/* SGD with momentum and weight decay (PyTorch's form): v = momentum * v + (grad + wd * param); param -= lr * v. */
KERNEL sgd_update(GLOBAL float *param, GLOBAL float *velocity, GLOBAL const float *grad, float lr, float momentum,
                  float weightDecay, int size) {
    int i = GID0;
    if (i >= size) return;
    float g = grad[i] + weightDecay * param[i];
    float v = momentum * velocity[i] + g;
    velocity[i] = v;
    param[i] = param[i] - lr * v;
}
