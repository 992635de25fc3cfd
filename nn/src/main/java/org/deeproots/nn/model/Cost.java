package org.deeproots.nn.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost model of one network: per layer its kind, groups, output shape, parameters and multiply-adds, and the
 * totals. Counting follows the paper's "Standard counts": multiply-adds of conv and fully connected layers only
 * (1 multiply-add = 1 FLOP, the paper's convention; biases, BN, ReLU and pooling are not counted); parameters are
 * conv weights, conv biases where the layer has one, and fc weights and biases (BN parameters are not counted).
 *
 * @param spec         the network
 * @param layers       one entry per node, in graph order
 * @param params       total parameters
 * @param multiplyAdds total multiply-adds per image
 */
public record Cost(ModelSpec spec, List<Layer> layers, long params, long multiplyAdds) {

    /**
     * Cost of one node.
     *
     * @param name         node name
     * @param kind         op kind (conv, bn, relu, maxpool, avgpool, gap, linear, dropout, concat, add)
     * @param groups       filter groups (1 where not applicable)
     * @param outShape     per-sample output shape, {C, H, W} or {F}
     * @param params       parameters
     * @param multiplyAdds multiply-adds per image
     */
    public record Layer(String name, String kind, int groups, int[] outShape, long params, long multiplyAdds) {
        public Layer {
            outShape = outShape.clone();
        }

        @Override
        public int[] outShape() {
            return outShape.clone();
        }

        /** Output shape written like {@code 256x56x56}. */
        public String shape() {
            StringBuilder b = new StringBuilder();
            for (int d : outShape) {
                b.append(b.isEmpty() ? "" : "x").append(d);
            }
            return b.toString();
        }
    }

    public Cost {
        layers = List.copyOf(layers);
    }

    /** Counts every layer of a network. */
    public static Cost of(ModelSpec spec) {
        Map<String, int[]> shapes = spec.shapes();
        List<Layer> layers = new ArrayList<>(spec.nodes().size());
        long p = 0;
        long m = 0;
        for (Node n : spec.nodes()) {
            int[] out = shapes.get(n.name());
            long lp = n.op().params();
            long lm = n.op().multiplyAdds(out);
            layers.add(new Layer(n.name(), n.op().kind(), n.op().groups(), out, lp, lm));
            p += lp;
            m += lm;
        }
        return new Cost(spec, layers, p, m);
    }

    /** Only the layers that carry parameters or multiply-adds (conv and fc). */
    public List<Layer> weighted() {
        return layers.stream().filter(l -> l.params() > 0 || l.multiplyAdds() > 0).toList();
    }

    /** Multiply-adds as a percentage of another network's (e.g. the orig variant's). */
    public double multiplyAddsPercentOf(Cost base) {
        return 100.0 * multiplyAdds / base.multiplyAdds;
    }

    /** Parameters as a percentage of another network's. */
    public double paramsPercentOf(Cost base) {
        return 100.0 * params / base.params;
    }

    /** A plain-text table of the conv and fc layers with totals (for logs and library users). */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s%n", spec));
        b.append(String.format(Locale.ROOT, "%-28s %-7s %6s %-16s %14s %16s%n", "layer", "kind", "groups", "output",
                "params", "multiply-adds"));
        for (Layer l : weighted()) {
            b.append(String.format(Locale.ROOT, "%-28s %-7s %6d %-16s %,14d %,16d%n", l.name(), l.kind(), l.groups(),
                    l.shape(), l.params(), l.multiplyAdds()));
        }
        b.append(String.format(Locale.ROOT, "%-28s %-7s %6s %-16s %,14d %,16d%n", "total", "", "", "", params,
                multiplyAdds));
        b.append("(1 multiply-add = 1 FLOP; BN, ReLU, pooling and biases are not counted in multiply-adds)")
                .append(System.lineSeparator());
        return b.toString();
    }
}
