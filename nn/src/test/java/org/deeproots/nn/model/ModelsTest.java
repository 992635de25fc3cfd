package org.deeproots.nn.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry, the builders' shapes and names, and their error messages. */
class ModelsTest {

    @Test
    void registryListsModelsAndVariants() {
        assertEquals(List.of("nin", "resnet50", "resnet101", "resnet152", "resnet200", "googlenet"), Models.models());
        assertEquals(List.of("orig", "root-2", "root-4", "root-8", "root-16", "root-32", "tree-2", "tree-4", "tree-8",
                "tree-16", "col-2", "col-4", "col-8", "col-16"), Models.variants("nin"));
        assertEquals(List.of("orig", "root-2", "root-4", "root-8", "root-16", "root-32", "root-64"),
                Models.variants("resnet200"));
        assertEquals(List.of("orig", "root-2", "root-4", "root-8", "root-16"), Models.variants("googlenet"));
    }

    @Test
    void everyRegisteredVariantBuilds() {
        for (String m : Models.models()) {
            for (String v : Models.variants(m)) {
                ModelSpec s = Models.create(m, v);
                assertEquals(m, s.model());
                assertEquals(v, s.variant());
                assertArrayEquals(new int[] {Models.defaultClasses(m)}, s.shapes().get(s.output().name()), m + " " + v);
            }
        }
    }

    @Test
    void unknownModelListsValidModels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.create("vgg16", "orig"));
        assertTrue(e.getMessage().contains("unknown model 'vgg16'"), e.getMessage());
        assertTrue(e.getMessage().contains("nin, resnet50, resnet101, resnet152, resnet200, googlenet"),
                e.getMessage());
    }

    @Test
    void unknownVariantListsValidVariants() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.create("googlenet", "tree-4"));
        assertTrue(e.getMessage().contains("unknown variant 'tree-4' for model googlenet"), e.getMessage());
        assertTrue(e.getMessage().contains("orig, root-2, root-4, root-8, root-16"), e.getMessage());
    }

    @Test
    void groupsThatDoNotDivideNameTheLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NiNSpec.root(5).build(new int[] {3, 32, 32}, 10));
        assertTrue(e.getMessage().contains("layer conv2a"), e.getMessage());
        assertTrue(e.getMessage().contains("groups=5 must divide inChannels=96"), e.getMessage());
        IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
                () -> ResNetSpec.resnet50().withRoot(128).build(new int[] {3, 224, 224}, 1000));
        assertTrue(r.getMessage().contains("res2a_branch2b"), r.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NiNSpec.root(0));
    }

    @Test
    void inputTooSmallNamesTheLayer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Models.create("googlenet", "orig", new int[] {3, 32, 32}, 10));
        assertTrue(e.getMessage().contains("layer pool4/3x3_s2"), e.getMessage());
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
        assertTrue(e.getMessage().contains("network input 3x32x32"), e.getMessage());
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> Models.create("nin", "orig", new int[] {3, 4, 4}, 10));
        assertTrue(n.getMessage().contains("layer pool2"), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.create("nin", "orig", new int[] {3, 32}, 10));
        assertThrows(IllegalArgumentException.class, () -> Models.create("nin", "orig", new int[] {3, 32, 32}, 0));
    }

    @Test
    void fashionMnistInputs() {
        Map<String, int[]> s28 = Models.create("nin", "root-4", new int[] {1, 28, 28}, 10).shapes();
        assertArrayEquals(new int[] {192, 28, 28}, s28.get("conv1a"));
        assertArrayEquals(new int[] {96, 14, 14}, s28.get("pool1"));
        assertArrayEquals(new int[] {192, 7, 7}, s28.get("pool2"));
        assertArrayEquals(new int[] {10}, s28.get("pool3"));
        Map<String, int[]> s32 = Models.create("nin", "orig", new int[] {1, 32, 32}, 10).shapes();
        assertArrayEquals(new int[] {192, 8, 8}, s32.get("pool2"));
        Map<String, int[]> r = Models.create("resnet50", "root-8", new int[] {1, 28, 28}, 10).shapes();
        assertArrayEquals(new int[] {2048, 1, 1}, r.get("res5c_relu"));
        assertArrayEquals(new int[] {10}, r.get("fc"));
    }

    @Test
    void ninShapes() {
        ModelSpec m = Models.create("nin", "orig");
        Map<String, int[]> s = m.shapes();
        assertArrayEquals(new int[] {96, 32, 32}, s.get("conv1c_relu"));
        assertArrayEquals(new int[] {96, 16, 16}, s.get("pool1"));
        assertArrayEquals(new int[] {192, 8, 8}, s.get("pool2"));
        assertArrayEquals(new int[] {10, 8, 8}, s.get("conv3c"));
        assertEquals("pool3", m.output().name());
        assertEquals(9, m.nodes().stream().filter(n -> n.op() instanceof Op.Conv c && c.bias()).count());
        assertTrue(m.nodes().stream().noneMatch(n -> n.op() instanceof Op.Dropout));
        assertEquals(2, NiNSpec.orig().withDropout(0.5).build(new int[] {3, 32, 32}, 10).nodes().stream()
                .filter(n -> n.op() instanceof Op.Dropout).count());
        assertEquals(16, ((Op.Conv) Models.create("nin", "root-32").nodes().stream()
                .filter(n -> n.name().equals("conv3a")).findFirst().orElseThrow().op()).groups());
    }

    @Test
    void resnet50Shapes() {
        Map<String, int[]> s = Models.create("resnet50", "orig").shapes();
        assertArrayEquals(new int[] {64, 112, 112}, s.get("conv1"));
        assertArrayEquals(new int[] {64, 56, 56}, s.get("pool1"));
        assertArrayEquals(new int[] {256, 56, 56}, s.get("res2c_relu"));
        assertArrayEquals(new int[] {128, 28, 28}, s.get("res3a_branch2a")); // Caffe: stride in the first 1x1
        assertArrayEquals(new int[] {512, 28, 28}, s.get("res3d_relu"));
        assertArrayEquals(new int[] {1024, 14, 14}, s.get("res4f_relu"));
        assertArrayEquals(new int[] {2048, 7, 7}, s.get("res5c_relu"));
        assertArrayEquals(new int[] {1000}, s.get("fc"));
    }

    @Test
    void resnetLayoutsAndDeepNames() {
        Map<String, int[]> t = Models.create("resnet200", "orig").shapes();
        assertArrayEquals(new int[] {128, 56, 56}, t.get("res3a_branch2a")); // torch: stride in the 3x3
        assertArrayEquals(new int[] {128, 28, 28}, t.get("res3a_branch2b"));
        assertArrayEquals(new int[] {1024, 14, 14}, t.get("res4b35_relu"));
        assertArrayEquals(new int[] {2048, 7, 7}, t.get("res5c_relu"));
        assertArrayEquals(new int[] {1024, 14, 14}, Models.create("resnet101", "orig").shapes().get("res4b22_relu"));
        assertArrayEquals(new int[] {512, 28, 28}, Models.create("resnet152", "orig").shapes().get("res3b7_relu"));
        // the layout moves multiply-adds, not parameters
        Cost caffe = Cost.of(ResNetSpec.resnet50().build(new int[] {3, 224, 224}, 1000));
        Cost torch = Cost.of(ResNetSpec.resnet50().withLayout(ResNetSpec.Layout.TORCH)
                .build(new int[] {3, 224, 224}, 1000));
        assertEquals(caffe.params(), torch.params());
        assertTrue(torch.multiplyAdds() > caffe.multiplyAdds());
    }

    @Test
    void resnet18MatchesTorchvisionParamsWithoutBnPlusConv1Bias() {
        // torchvision resnet18: 11,689,512 parameters, no conv bias, of which 9,600 are BN scale/shift
        // (2 x 4,800 channels); ours leaves BN out and counts conv1's 64 biases
        assertEquals(11_689_512 - 9_600 + 64, Cost.of(ResNetSpec.resnet18().build(new int[] {3, 224, 224}, 1000)).params());
    }

    @Test
    void googlenetShapes() {
        ModelSpec m = Models.create("googlenet", "root-8");
        Map<String, int[]> s = m.shapes();
        assertArrayEquals(new int[] {64, 56, 56}, s.get("pool1/3x3_s2"));
        assertArrayEquals(new int[] {192, 28, 28}, s.get("pool2/3x3_s2"));
        assertArrayEquals(new int[] {256, 28, 28}, s.get("inception_3a/output"));
        assertArrayEquals(new int[] {832, 7, 7}, s.get("pool4/3x3_s2"));
        assertArrayEquals(new int[] {1024, 7, 7}, s.get("inception_5b/output"));
        assertEquals("loss3/classifier", m.output().name());
        assertEquals(4, group(m, "inception_3a/3x3"));
        assertEquals(4, group(m, "inception_3b/5x5"));
        assertEquals(2, group(m, "inception_4e/3x3"));
        assertEquals(1, group(m, "inception_5a/5x5"));
        assertEquals(1, group(m, "inception_4a/3x3_reduce"));
        assertEquals(8, group(m, "conv2/3x3"));
        assertTrue(m.nodes().stream().anyMatch(n -> n.op() instanceof Op.Dropout d && d.p() == 0.4));
        assertTrue(m.nodes().stream().noneMatch(n -> n.name().startsWith("loss1")));
        // a 64x64 input is enough for GoogLeNet
        assertArrayEquals(new int[] {1024, 2, 2}, Models.create("googlenet", "orig", new int[] {3, 64, 64}, 10)
                .shapes().get("inception_5b/output"));
    }

    @Test
    void googlenetAuxHeads() {
        ModelSpec aux = GoogLeNetSpec.orig().withAuxHeads(true).build(new int[] {3, 224, 224}, 1000);
        Map<String, int[]> s = aux.shapes();
        assertArrayEquals(new int[] {512, 4, 4}, s.get("loss1/ave_pool"));
        assertArrayEquals(new int[] {1000}, s.get("loss2/classifier"));
        assertEquals("loss3/classifier", aux.output().name());
        // each head: 1x1 conv (c*128 + 128) + fc 2048->1024 + fc 1024->1000
        long heads = (512 * 128 + 128) + (528 * 128 + 128) + 2 * (2048L * 1024 + 1024 + 1024 * 1000 + 1000);
        assertEquals(Cost.of(Models.create("googlenet", "orig")).params() + heads, Cost.of(aux).params());
    }

    @Test
    void costPerLayerAndPercentages() {
        Cost orig = Cost.of(Models.create("nin", "orig"));
        Cost root8 = Cost.of(Models.create("nin", "root-8"));
        Cost.Layer conv2a = root8.layers().stream().filter(l -> l.name().equals("conv2a")).findFirst().orElseThrow();
        assertEquals("conv", conv2a.kind());
        assertEquals(8, conv2a.groups());
        assertEquals("192x16x16", conv2a.shape());
        assertEquals(192 * (96 / 8) * 25 + 192, conv2a.params());
        assertEquals(192L * 16 * 16 * (96 / 8) * 25, conv2a.multiplyAdds());
        assertEquals(root8.params(), root8.layers().stream().mapToLong(Cost.Layer::params).sum());
        assertEquals(9, root8.weighted().size());
        // paper.md 2.3: root-8 has 46.4% of the FLOPs and 32.6% of the parameters (standard counts)
        assertEquals(46.4, root8.multiplyAddsPercentOf(orig), 0.05);
        assertEquals(32.6, root8.paramsPercentOf(orig), 0.05);
        assertTrue(root8.format().contains("1 multiply-add = 1 FLOP"));
        assertNotEquals(orig.multiplyAdds(), root8.multiplyAdds());
    }

    @Test
    void parseInput() {
        assertArrayEquals(new int[] {1, 28, 28}, Models.parseInput("1x28x28"));
        assertThrows(IllegalArgumentException.class, () -> Models.parseInput("28x28"));
        assertThrows(IllegalArgumentException.class, () -> Models.parseInput("1xax28"));
        assertThrows(IllegalArgumentException.class, () -> Models.parseInput("0x28x28"));
    }

    private static int group(ModelSpec m, String name) {
        return m.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow().op().groups();
    }
}
