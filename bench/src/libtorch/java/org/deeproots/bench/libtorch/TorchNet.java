package org.deeproots.bench.libtorch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.deeproots.nn.model.ModelSpec;
import org.deeproots.nn.model.Node;
import org.deeproots.nn.model.Op;

/**
 * A {@link ModelSpec} run as a chain of libtorch functional ops (inference, random He-scaled weights): conv2d
 * with groups, ReLU, max/avg pooling, global average pooling, linear, concat, add. Batch norm that directly
 * follows a convolution is folded into that convolution's bias, as deeproots' inference does; any other batch
 * norm runs as {@code batch_norm} in eval mode. Dropout is the identity.
 */
final class TorchNet {
    private final ModelSpec spec;
    private final boolean channelsLast;
    private final Map<String, Tensor> weight = new HashMap<>();
    private final Map<String, Tensor> bias = new HashMap<>();
    private final Map<String, Tensor[]> bn = new HashMap<>();
    private final Map<String, String> foldedInto = new HashMap<>(); // bn node -> conv node
    private final Map<String, Integer> lastUse = new HashMap<>(); // node -> index of the last node reading it

    TorchNet(ModelSpec spec, boolean channelsLast) {
        this.spec = spec;
        this.channelsLast = channelsLast;
        Map<String, Integer> readers = new HashMap<>();
        List<Node> all = spec.nodes();
        for (int k = 0; k < all.size(); k++) {
            for (String i : all.get(k).inputs()) {
                readers.merge(i, 1, Integer::sum);
                lastUse.put(i, k);
            }
        }
        Map<String, Op> ops = new HashMap<>();
        for (Node n : spec.nodes()) {
            ops.put(n.name(), n.op());
            if (n.op() instanceof Op.BatchNorm && ops.get(n.inputs().get(0)) instanceof Op.Conv
                    && readers.getOrDefault(n.inputs().get(0), 0) == 1) {
                foldedInto.put(n.name(), n.inputs().get(0));
            }
        }
        for (Node n : spec.nodes()) {
            switch (n.op()) {
                case Op.Conv c -> {
                    double std = Math.sqrt(2.0 / ((c.inChannels() / c.groups()) * c.kernel() * c.kernel()));
                    Tensor w = torch.randn(c.outChannels(), c.inChannels() / c.groups(), c.kernel(), c.kernel())
                            .mul_(new org.bytedeco.pytorch.Scalar(std));
                    weight.put(n.name(), channelsLast ? w.contiguous(torch.MemoryFormat.ChannelsLast) : w);
                    boolean folded = foldedInto.containsValue(n.name());
                    if (c.bias() || folded) {
                        bias.put(n.name(), torch.randn(c.outChannels()).mul_(new org.bytedeco.pytorch.Scalar(0.01)));
                    }
                }
                case Op.Linear l -> {
                    weight.put(n.name(), torch.randn(l.outFeatures(), l.inFeatures())
                            .mul_(new org.bytedeco.pytorch.Scalar(Math.sqrt(1.0 / l.inFeatures()))));
                    bias.put(n.name(), torch.zeros(l.outFeatures()));
                }
                case Op.BatchNorm b when !foldedInto.containsKey(n.name()) -> bn.put(n.name(), new Tensor[] {
                    torch.ones(b.channels()), torch.zeros(b.channels()), torch.zeros(b.channels()),
                    torch.ones(b.channels())});
                default -> {
                }
            }
        }
    }

    /** A random input batch (n, C, H, W) in this net's memory format. */
    Tensor input(int n) {
        int[] in = spec.input();
        Tensor x = torch.randn(n, in[0], in[1], in[2]);
        return channelsLast ? x.contiguous(torch.MemoryFormat.ChannelsLast) : x;
    }

    /** One forward pass; returns the logits (n, classes). */
    Tensor forward(Tensor x) {
        Map<String, Tensor> out = new HashMap<>();
        out.put(ModelSpec.INPUT, x);
        List<Node> nodes = spec.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            List<String> in = n.inputs();
            Tensor a = out.get(in.get(0));
            Tensor y = switch (n.op()) {
                case Op.Conv c -> torch.conv2d(a, weight.get(n.name()),
                        bias.containsKey(n.name()) ? new TensorOptional(bias.get(n.name())) : new TensorOptional(),
                        new long[] {c.stride(), c.stride()}, new long[] {c.padding(), c.padding()},
                        new long[] {1, 1}, c.groups());
                case Op.BatchNorm b -> foldedInto.containsKey(n.name()) ? a : batchNorm(n.name(), a);
                case Op.ReLU r -> torch.relu(a);
                case Op.Pool p -> p.max()
                        ? torch.max_pool2d(a, new long[] {p.kernel(), p.kernel()}, new long[] {p.stride(), p.stride()},
                                new long[] {p.padding(), p.padding()}, new long[] {1, 1}, p.ceilMode())
                        : torch.avg_pool2d(a, new long[] {p.kernel(), p.kernel()}, new long[] {p.stride(), p.stride()},
                                new long[] {p.padding(), p.padding()}, p.ceilMode(), true,
                                new org.bytedeco.pytorch.LongOptional());
                case Op.GlobalAvgPool g -> torch.adaptive_avg_pool2d(a, 1, 1).flatten(1, -1);
                case Op.Linear l -> torch.linear(a.dim() > 2 ? a.flatten(1, -1) : a, weight.get(n.name()),
                        new TensorOptional(bias.get(n.name())));
                case Op.Dropout d -> a;
                case Op.Concat c -> {
                    TensorVector v = new TensorVector();
                    for (String i : in) {
                        v.push_back(out.get(i));
                    }
                    yield torch.cat(v, 1);
                }
                case Op.Add s -> torch.add(a, out.get(in.get(1)));
            };
            out.put(n.name(), y);
            // free activations no later node reads, as Python's reference counting does; keeping every
            // activation of the batch alive until the end defeats the allocator's reuse and made whole-model
            // times several times slower than the layers add up to
            for (String i : in) {
                if (!i.equals(ModelSpec.INPUT) && lastUse.get(i) == k && out.get(i) != y) {
                    out.remove(i).close();
                }
            }
        }
        return out.get(spec.output().name());
    }

    private Tensor batchNorm(String name, Tensor a) {
        Tensor[] p = bn.get(name);
        return torch.batch_norm(a, new TensorOptional(p[0]), new TensorOptional(p[1]), new TensorOptional(p[2]),
                new TensorOptional(p[3]), false, 0.1, 1e-5, true);
    }
}
