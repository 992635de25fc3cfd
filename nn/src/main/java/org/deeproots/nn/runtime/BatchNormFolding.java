package org.deeproots.nn.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;

/** Folds inference-mode batch norm into the preceding convolution (see {@link Network#foldBatchNorm()}). */
final class BatchNormFolding {
    private BatchNormFolding() {
    }

    static Network fold(Network net) {
        ModelSpec spec = net.spec();
        List<Node> nodes = spec.nodes();
        Map<String, Integer> readers = new HashMap<>();
        Map<String, Node> byName = new HashMap<>();
        for (Node n : nodes) {
            byName.put(n.name(), n);
            for (String i : n.inputs()) {
                readers.merge(i, 1, Integer::sum);
            }
        }
        Map<String, String> alias = new HashMap<>();   // folded BN name -> conv name
        Map<String, String> foldedBn = new HashMap<>(); // conv name -> BN name folded into it
        for (Node n : nodes) {
            if (n.op() instanceof Op.BatchNorm && n.inputs().size() == 1) {
                Node src = byName.get(n.inputs().get(0));
                if (src != null && src.op() instanceof Op.Conv && readers.get(src.name()) == 1) {
                    alias.put(n.name(), src.name());
                    foldedBn.put(src.name(), n.name());
                }
            }
        }
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (alias.containsKey(n.name())) {
                continue;
            }
            Op op = n.op();
            if (op instanceof Op.Conv c && foldedBn.containsKey(n.name())) {
                op = new Op.Conv(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(), c.groups(),
                        true);
            }
            List<String> ins = new ArrayList<>();
            for (String i : n.inputs()) {
                ins.add(alias.getOrDefault(i, i));
            }
            out.add(new Node(n.name(), op, ins));
        }
        ModelSpec folded = new ModelSpec(spec.model(), spec.variant(), spec.input(), spec.classes(), out);
        Network result = new Network(folded, net.kernels(), net.seed());
        for (Layer l : result.layers()) {
            String bn = foldedBn.get(l.name);
            if (bn != null) {
                foldInto((ConvLayer) l, net, l.name, bn);
            } else {
                for (Parameter p : l.params()) {
                    float[] src = net.parameter(p.name()).data();
                    System.arraycopy(src, 0, p.data(), 0, src.length);
                }
            }
        }
        // an inference-only copy: the kernels may keep packed weights without re-checking them on every call
        for (Parameter p : result.parameters()) {
            result.kernels().freeze(p.data());
        }
        return result;
    }

    private static void foldInto(ConvLayer target, Network net, String conv, String bn) {
        float[] w = net.parameter(conv + ".weight").data();             // (outC, inC/groups, k, k)
        float[] b = target.op.bias() && hasBias(net, conv) ? net.parameter(conv + ".bias").data() : null;
        float[] gamma = net.parameter(bn + ".gamma").data();            // (outC)
        float[] beta = net.parameter(bn + ".beta").data();
        float[] mean = net.parameter(bn + ".runningMean").data();
        float[] var = net.parameter(bn + ".runningVar").data();
        int outC = gamma.length;
        int per = w.length / outC;
        float[] tw = target.weight.data();
        float[] tb = target.bias.data();
        for (int o = 0; o < outC; o++) {
            double scale = gamma[o] / Math.sqrt((double) var[o] + BatchNormLayer.EPS);
            for (int j = 0; j < per; j++) {
                tw[o * per + j] = (float) (w[o * per + j] * scale);
            }
            double bias = b == null ? 0 : b[o];
            tb[o] = (float) ((bias - mean[o]) * scale + beta[o]);
        }
    }

    private static boolean hasBias(Network net, String conv) {
        for (Parameter p : net.parameters()) {
            if (p.name().equals(conv + ".bias")) {
                return true;
            }
        }
        return false;
    }
}
