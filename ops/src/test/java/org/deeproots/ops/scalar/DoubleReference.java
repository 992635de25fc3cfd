package org.deeproots.ops.scalar;

import org.deeproots.ops.spi.BatchNormGeometry;
import org.deeproots.ops.spi.ConvGeometry;
import org.deeproots.ops.spi.LinearGeometry;
import org.deeproots.ops.spi.PoolGeometry;

/**
 * Forward passes in double precision, written independently of ScalarKernels from the definitions, so that
 * central finite differences of them are accurate to about 1e-9 and check ScalarKernels' backward passes.
 */
final class DoubleReference {
    private DoubleReference() {
    }

    static double[] conv(double[] in, double[] w, double[] b, ConvGeometry g) {
        int oh = g.outH(), ow = g.outW(), cig = g.inPerGroup(), cog = g.outPerGroup();
        double[] out = new double[g.outputSize()]; // (n, outC, oh, ow)
        for (int n = 0; n < g.n(); n++) {
            for (int oc = 0; oc < g.outC(); oc++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        double acc = b == null ? 0 : b[oc];
                        for (int ic = 0; ic < cig; ic++) {
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int iy = y * g.stride() + ky - g.pad(), ix = x * g.stride() + kx - g.pad();
                                    if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                        int c = (oc / cog) * cig + ic;
                                        acc += in[((n * g.inC() + c) * g.h() + iy) * g.w() + ix]
                                                * w[((oc * cig + ic) * g.kh() + ky) * g.kw() + kx];
                                    }
                                }
                            }
                        }
                        out[((n * g.outC() + oc) * oh + y) * ow + x] = acc;
                    }
                }
            }
        }
        return out;
    }

    static double[] linear(double[] in, double[] w, double[] b, LinearGeometry g) {
        double[] out = new double[g.n() * g.out()]; // (n, out)
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < g.out(); o++) {
                double acc = b[o];
                for (int i = 0; i < g.in(); i++) {
                    acc += in[n * g.in() + i] * w[o * g.in() + i];
                }
                out[n * g.out() + o] = acc;
            }
        }
        return out;
    }

    static double[] batchNormTraining(double[] in, double[] gamma, double[] beta, double eps, BatchNormGeometry g) {
        double[] out = new double[g.size()]; // (n, c, hw)
        int m = g.n() * g.hw();
        for (int c = 0; c < g.c(); c++) {
            double mean = 0, var = 0;
            for (int n = 0; n < g.n(); n++) {
                for (int i = 0; i < g.hw(); i++) {
                    mean += in[(n * g.c() + c) * g.hw() + i] / m;
                }
            }
            for (int n = 0; n < g.n(); n++) {
                for (int i = 0; i < g.hw(); i++) {
                    double d = in[(n * g.c() + c) * g.hw() + i] - mean;
                    var += d * d / m;
                }
            }
            for (int n = 0; n < g.n(); n++) {
                for (int i = 0; i < g.hw(); i++) {
                    int at = (n * g.c() + c) * g.hw() + i;
                    out[at] = gamma[c] * (in[at] - mean) / Math.sqrt(var + eps) + beta[c];
                }
            }
        }
        return out;
    }

    /** Max (maxMode) or Caffe-average pooling. */
    static double[] pool(double[] in, PoolGeometry g, boolean maxMode) {
        int oh = g.outH(), ow = g.outW();
        double[] out = new double[g.outputSize()]; // (n, c, oh, ow)
        for (int p = 0; p < g.n() * g.c(); p++) {
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int ys = y * g.stride() - g.pad(), xs = x * g.stride() - g.pad();
                    double acc = maxMode ? Double.NEGATIVE_INFINITY : 0;
                    for (int iy = Math.max(ys, 0); iy < Math.min(ys + g.kernel(), g.h()); iy++) {
                        for (int ix = Math.max(xs, 0); ix < Math.min(xs + g.kernel(), g.w()); ix++) {
                            double v = in[(p * g.h() + iy) * g.w() + ix];
                            acc = maxMode ? Math.max(acc, v) : acc + v;
                        }
                    }
                    if (!maxMode) {
                        int ye = Math.min(ys + g.kernel(), g.h() + g.pad());
                        int xe = Math.min(xs + g.kernel(), g.w() + g.pad());
                        acc /= (ye - ys) * (xe - xs);
                    }
                    out[(p * oh + y) * ow + x] = acc;
                }
            }
        }
        return out;
    }

    static double[] globalAvg(double[] in, int n, int c, int hw) {
        double[] out = new double[n * c]; // (n, c)
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < hw; i++) {
                out[p] += in[p * hw + i] / hw;
            }
        }
        return out;
    }

    /** Mean cross-entropy of softmax(logits) against labels, as a one-element array. */
    static double[] softmaxCrossEntropy(double[] logits, int[] labels, int n, int classes) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                sum += Math.exp(logits[i * classes + k]);
            }
            loss -= Math.log(Math.exp(logits[i * classes + labels[i]]) / sum);
        }
        return new double[] {loss / n};
    }

    static double[] relu(double[] in) {
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.max(in[i], 0);
        }
        return out;
    }
}
