package org.deeproots.reproduce.paper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PaperFactsTest {
    private final PaperFacts facts = PaperFacts.load();

    @Test
    void everyTableIsComplete() {
        assertEquals(13, facts.rows("nin").size());
        assertEquals(7, facts.rows("resnet50").size());
        assertEquals(7, facts.rows("resnet200").size());
        assertEquals(3, facts.table("resnet200-cvpr").size());
        assertEquals(5, facts.rows("googlenet").size());
        assertEquals(13 + 7 + 7 + 3 + 5, facts.all().size());
        assertTrue(facts.find("nin", "root-32").isEmpty());
        assertTrue(facts.find("resnet101", "orig").isEmpty());
    }

    @Test
    void ninRow() {
        PaperFacts.Row r = facts.find("nin", "root-8").orElseThrow();
        assertEquals(103_343_498L, r.multiplyAdds().getAsLong());
        assertEquals(314_954L, r.params().getAsLong());
        assertEquals(0.9215, r.top1().getAsDouble());
        assertTrue(r.top5().isEmpty());
        assertEquals(24.383125, r.cpuMsPerImage().getAsDouble());
        assertEquals(0.482417188, r.gpuMsPerImage().getAsDouble());
        assertTrue(r.timingBatch().isEmpty());
    }

    @Test
    void timingsArePerImage() {
        PaperFacts.Row r = facts.find("resnet50", "orig").orElseThrow();
        assertEquals(620.958, r.cpuMsPerImage().getAsDouble()); // 6209.58 ms per batch of 10
        assertEquals(11.6452, r.gpuMsPerImage().getAsDouble()); // 116.452 ms per batch of 10
        assertEquals(10, r.timingBatch().getAsInt());
        assertEquals(0.91566, r.top5().getAsDouble());
        PaperFacts.Row g = facts.find("googlenet", "root-8").orElseThrow();
        assertEquals(7876.52 / 32, g.cpuMsPerImage().getAsDouble(), 1e-9);
        assertEquals(118.917 / 32, g.gpuMsPerImage().getAsDouble(), 1e-9);
        assertEquals(32, g.timingBatch().getAsInt());
    }

    @Test
    void resnet200ErrorsBecomeAccuracies() {
        PaperFacts.Row r = facts.find("resnet200", "root-64").orElseThrow();
        assertEquals(0.779, r.top1().getAsDouble());
        assertEquals(0.93959, r.top5().getAsDouble());
        assertEquals("resnet200-thesis", r.table());
        assertTrue(r.cpuMsPerImage().isEmpty());
        PaperFacts.Row cvpr = facts.table("resnet200-cvpr").stream().filter(x -> x.variant().equals("root-8"))
                .findFirst().orElseThrow();
        assertEquals(4_835_135_979_520L, cvpr.multiplyAdds().getAsLong());
        assertEquals(4_835_135_982_568L, facts.find("resnet200", "root-8").orElseThrow().multiplyAdds().getAsLong());
    }
}
