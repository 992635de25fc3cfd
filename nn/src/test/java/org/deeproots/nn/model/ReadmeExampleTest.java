package org.deeproots.nn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's "use it as a library" example, kept compiling and checked. */
class ReadmeExampleTest {

    @Test
    void libraryExample() {
        ModelSpec nin = Models.create("nin", "root-8", new int[] {1, 28, 28}, 10);
        Cost cost = Cost.of(nin);
        String text = cost.format();
        assertTrue(text.contains("conv2a"), text);
        assertTrue(cost.params() > 0 && cost.multiplyAdds() > 0);

        ModelSpec r = ResNetSpec.resnet50().withRoot(8).build(new int[] {3, 224, 224}, 1000);
        double percent = Cost.of(r).multiplyAddsPercentOf(Cost.of(Models.create("resnet50", "orig")));
        assertEquals(100.0 * 2_860_875_776L / 3_857_973_248L, percent, 1e-9);
        assertEquals(Models.spec("resnet50", "root-8"), ResNetSpec.resnet50().withRoot(8));
    }

    @Test
    void inferenceExample() throws java.io.IOException {
        ModelSpec nin = Models.create("nin", "root-8", new int[] {1, 28, 28}, 10);
        var net = new org.deeproots.nn.runtime.Network(nin, org.deeproots.ops.KernelProvider.kernels(), 42);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("readme");
        java.nio.file.Path path = dir.resolve("nin.ckpt");
        org.deeproots.nn.io.Checkpoint.save(path, net, java.util.Map.of());
        var c = org.deeproots.nn.io.Checkpoint.read(path);
        var loaded = new org.deeproots.nn.runtime.Network(Models.create(c.model(), c.variant(), c.input(),
                c.classes()), org.deeproots.ops.KernelProvider.kernels(), 0);
        c.restore(loaded);
        float[] images = new float[4 * 1 * 28 * 28];
        java.util.Arrays.fill(images, 0.5f);
        float[] a = net.foldBatchNorm().newSession().logits(images, 4);
        float[] b = loaded.foldBatchNorm().newSession().logits(images, 4);
        assertEquals(4 * 10, a.length);
        assertTrue(java.util.Arrays.equals(a, b), "restored network gives other logits");
        java.nio.file.Files.delete(path);
        java.nio.file.Files.delete(dir);
    }
}
