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
}
