package org.deeproots.reproduce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeproots.ops.KernelProvider;
import org.deeproots.reproduce.bench.OpBench.Layer;
import org.deeproots.reproduce.bench.OpBench.Op;
import org.deeproots.reproduce.bench.OpBench.Row;
import org.junit.jupiter.api.Test;

/** The measurement's output format on a tiny shape (no timing is asserted). */
class OpBenchTest {
    private static final Layer TINY = new Layer("tiny", 4, 8, 6, 3, 1, new int[] {1, 2, 4});

    @Test
    void csvHasTheIssueHeaderAndOneWellFormedLinePerMeasurement() {
        List<Row> sunk = new ArrayList<>();
        List<Row> rows = OpBench.run(KernelProvider.scalar(), List.of(Op.values()), List.of(TINY), new int[] {1, 2},
                new int[] {1, 4}, 1, 100.0, new OpBench.Settings(0, 1, 1, 0), sunk::add);
        assertEquals(rows, sunk);
        // per batch: 3 conv ops x groups {1, 4} + 4 bn/pool ops once
        assertEquals(2 * (3 * 2 + 4), rows.size());
        String csv = OpBench.toCsv(rows);
        String[] lines = csv.split("\n");
        assertEquals("op,layer,batch,groups,threads,ms,gflops,peak_fraction", lines[0]);
        assertEquals(rows.size() + 1, lines.length);
        Set<String> ops = Set.of("conv_fwd", "conv_bwd_input", "conv_bwd_weight", "bn_fwd", "bn_bwd", "pool_fwd",
                "pool_bwd");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            assertEquals(8, f.length, lines[i]);
            assertTrue(ops.contains(f[0]), lines[i]);
            assertEquals("tiny", f[1]);
            assertTrue(Set.of("1", "2").contains(f[2]), lines[i]);
            assertTrue(Set.of("1", "4").contains(f[3]), lines[i]);
            assertEquals("1", f[4]);
            double ms = Double.parseDouble(f[5]);
            double gflops = Double.parseDouble(f[6]);
            double fraction = Double.parseDouble(f[7]);
            assertTrue(ms >= 0 && gflops >= 0, lines[i]);
            assertEquals(gflops / 100.0, fraction, 1e-3 + 1e-2 * fraction, lines[i]);
        }
    }

    @Test
    void convFlopsAreTwiceTheMultiplyAdds() {
        // 4 -> 8 channels, 6x6, 3x3, groups 2: 8 * 36 * 2 * 9 multiply-adds per image
        assertEquals(2.0 * 8 * 36 * 2 * 9 * 3, OpBench.flops(Op.CONV_BWD_WEIGHT, TINY, 3, 2));
    }

    @Test
    void layersAndOpsAreNamedAsInTheIssue() {
        assertEquals(List.of("res2_3x3", "res3_3x3", "res4_3x3", "res5_3x3", "res2_1x1", "nin_conv2a", "nin_conv3a"),
                OpBench.LAYERS.stream().map(Layer::id).toList());
        assertEquals(512, OpBench.layer("res5_3x3").inC());
        assertEquals(Op.POOL_BWD, Op.of("pool_bwd"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpBench.layer("res9"));
        assertTrue(e.getMessage().contains("res9") && e.getMessage().contains("res2_3x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Op.of("conv"));
    }
}
