package org.deeproots.nn.model;

/**
 * One Inception (v1) module as data: torchvision-style channel counts and the filter groups of its 3x3 and 5x5
 * convs (Deep Roots groups only those two, with the same count for both; paper.md section 4.2).
 *
 * @param name      module name, e.g. {@code inception_3a}
 * @param in        input channels
 * @param c1x1      #1x1 branch
 * @param c3x3red   3x3 reduce (1x1)
 * @param c3x3      3x3 conv
 * @param c5x5red   5x5 reduce (1x1)
 * @param c5x5      5x5 conv
 * @param poolProj  pool projection (1x1 after a 3x3/1 max pool)
 * @param groups    filter groups of the 3x3 and 5x5 convs
 */
public record InceptionSpec(String name, int in, int c1x1, int c3x3red, int c3x3, int c5x5red, int c5x5,
        int poolProj, int groups) {
    public InceptionSpec {
        if (in < 1 || c1x1 < 1 || c3x3red < 1 || c3x3 < 1 || c5x5red < 1 || c5x5 < 1 || poolProj < 1
                || groups < 1) {
            throw new IllegalArgumentException(name + ": channel counts and groups must be at least 1");
        }
    }

    /** Output channels: the four branches concatenated. */
    public int out() {
        return c1x1 + c3x3 + c5x5 + poolProj;
    }

    public InceptionSpec withGroups(int newGroups) {
        return new InceptionSpec(name, in, c1x1, c3x3red, c3x3, c5x5red, c5x5, poolProj, newGroups);
    }
}
