package org.deeproots.nn.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every row of the "Standard counts" table in reproduce/src/main/resources/org/deeproots/reproduce/paper/paper.md (our recount of the paper's networks at their default
 * inputs): exact multiply-adds and parameters, one case per row.
 */
class StandardCountsTest {

    @ParameterizedTest(name = "{0} {1}: {2} MA, {3} params")
    @CsvSource({
        // NiN CIFAR-10 32x32, conv biases
        "nin, orig, 222486528, 966986",
        "nin, root-2, 163504128, 736586",
        "nin, root-4, 123396096, 455498",
        "nin, root-8, 103342080, 314954",
        "nin, root-16, 93315072, 244682",
        "nin, tree-2, 147578880, 487754",
        "nin, tree-4, 115433472, 331082",
        "nin, tree-8, 99360768, 252746",
        "nin, tree-16, 91324416, 213578",
        "nin, col-2, 152887296, 570698",
        "nin, col-4, 118087680, 372554",
        "nin, col-8, 100687872, 273482",
        "nin, col-16, 91987968, 223946",
        // ResNet-50 224x224, Caffe layout
        "resnet50, orig, 3857973248, 25503976",
        "resnet50, root-2, 3684564992, 25448680",
        "resnet50, root-4, 3366649856, 25126120",
        "resnet50, root-8, 2860875776, 23195368",
        "resnet50, root-16, 2434580480, 18691048",
        "resnet50, root-32, 2221432832, 16438888",
        "resnet50, root-64, 2114859008, 15312808",
        // ResNet-200 224x224, fb.resnet.torch layout
        "resnet200, orig, 15007481856, 64497896",
        "resnet200, root-8, 10542219264, 51130088",
        "resnet200, root-32, 8168693760, 37185128",
        "resnet200, root-64, 7773106176, 34860968",
        // GoogLeNet v1 224x224, main tower
        "googlenet, orig, 1582671872, 6998552",
        "googlenet, root-2, 1409263616, 6943256",
        "googlenet, root-4, 1157380096, 6704920",
        "googlenet, root-8, 856600064, 5693720",
        "googlenet, root-16, 672391424, 4497944",
    })
    void standardCount(String model, String variant, long multiplyAdds, long params) {
        Cost c = Cost.of(Models.create(model, variant));
        assertEquals(new Counts(multiplyAdds, params), new Counts(c.multiplyAdds(), c.params()),
                model + " " + variant + " (multiply-adds, params)");
    }

    private record Counts(long multiplyAdds, long params) {
    }
}
