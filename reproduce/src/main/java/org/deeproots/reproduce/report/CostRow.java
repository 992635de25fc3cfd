package org.deeproots.reproduce.report;

/**
 * Our cost count for one model variant beside the paper's.
 *
 * @param model             model id
 * @param variant           variant id
 * @param multiplyAdds      our multiply-adds per image (1 multiply-add = 1 FLOP, the paper's convention)
 * @param params            our parameter count
 * @param paperMultiplyAdds the paper's value (NaN where it has none)
 * @param paperParams       the paper's value (NaN where it has none)
 */
public record CostRow(String model, String variant, long multiplyAdds, long params, double paperMultiplyAdds,
        double paperParams) {
}
