package org.deeproots.reproduce.sweep;

/**
 * One training run of the NiN accuracy sweep.
 *
 * @param variant NiN variant id
 * @param seed    random seed (initialisation and data order)
 */
public record SweepRun(String variant, int seed) {
    public SweepRun {
        if (variant == null || variant.isBlank() || variant.contains("/") || variant.contains("..")) {
            throw new IllegalArgumentException("bad variant name for a sweep run: '" + variant + "'");
        }
    }

    /** The run's folder name under the sweep folder. */
    public String dirName() {
        return variant + "-seed" + seed;
    }
}
